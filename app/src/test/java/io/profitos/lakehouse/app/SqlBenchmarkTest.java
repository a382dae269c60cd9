package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlBenchmarkTest {
  @Test
  void percentilesAreNearestRankOverTheSortedTimes() {
    List<Double> times = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      times.add((double) i);
    }
    Collections.shuffle(times, new java.util.Random(7));
    // Nearest rank: p50 of 20 values is the 10th smallest, p95 the 19th, p100 the largest.
    assertThat(SqlBenchmark.percentile(times, 50)).isEqualTo(10.0);
    assertThat(SqlBenchmark.percentile(times, 95)).isEqualTo(19.0);
    assertThat(SqlBenchmark.percentile(times, 100)).isEqualTo(20.0);
    // 23 runs with one slow: p95 is the 22nd smallest, a fast one; 24 runs (8 clients, 3 rounds) with two slow: the 23rd, slow.
    List<Double> runs = new ArrayList<>(Collections.nCopies(22, 0.5));
    runs.add(4.0);
    assertThat(SqlBenchmark.percentile(runs, 95)).isEqualTo(0.5);
    runs.add(4.0);
    assertThat(SqlBenchmark.percentile(runs, 95)).isEqualTo(4.0);
  }
}
