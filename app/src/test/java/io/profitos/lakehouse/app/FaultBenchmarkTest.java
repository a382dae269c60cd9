package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fault benchmark's arithmetic: each job's window in the reference run, and where a kill is drawn. */
class FaultBenchmarkTest {
  @Test
  void eachJobsWindowRunsFromTheEndOfTheJobBeforeAndTheBookkeepingToTheProcessEnd() {
    List<FaultBenchmark.Window> windows = FaultBenchmark.windows(List.of(Map.entry("bronze.a", 10.0), Map.entry("silver.b", 14.0),
        Map.entry("bronze.c", 20.0)), 23.5);
    assertThat(windows).containsExactly(new FaultBenchmark.Window("bronze.a", "bronze", 0, 10),
        new FaultBenchmark.Window("silver.b", "silver", 10, 14), new FaultBenchmark.Window("bronze.c", "bronze", 14, 20),
        new FaultBenchmark.Window("the run's bookkeeping", FaultBenchmark.BOOKKEEPING, 20, 23.5));
  }

  @Test
  void aKillIsDrawnUniformlyOverTheLayersWindowsOnly() {
    List<FaultBenchmark.Window> windows = FaultBenchmark.windows(List.of(Map.entry("bronze.a", 10.0), Map.entry("silver.b", 14.0),
        Map.entry("bronze.c", 20.0)), 23.5);
    for (long seed = 1; seed <= 50; seed++) {
      FaultBenchmark bench = new FaultBenchmark(null, null, 0, 0, 1, "all", List.of(), List.of(), seed, null);
      // Bronze's windows are 0-10 and 14-20: 16 s in all. The same draw, by hand: u in [0, 16) from the same generator.
      double u = new Random(seed).nextDouble() * 16;
      double expected = u <= 10 ? u : 14 + (u - 10);
      double at = bench.pick(windows, "bronze");
      assertThat(at).as("seed " + seed).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(at < 10 || (at > 14 && at <= 20)).as("in a bronze job's window: " + at).isTrue();
    }
  }
}
