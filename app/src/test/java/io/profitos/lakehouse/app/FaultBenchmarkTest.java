package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
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
    FaultBenchmark bench = new FaultBenchmark(null, null, 0, 0, 1, "all", List.of(), List.of(), 11, null);
    int draws = 4000;
    int inSecond = 0;
    for (int i = 0; i < draws; i++) {
      double at = bench.pick(windows, "bronze");
      assertThat(at < 10 || (at > 14 && at <= 20)).as("in a bronze job's window: " + at).isTrue();
      inSecond += at > 14 ? 1 : 0;
    }
    // Bronze's windows are 0-10 and 14-20: the second holds 6 of its 16 seconds, so 0.375 of the draws (+-0.03 is over
    // four standard deviations of a binomial share of 4,000 draws).
    assertThat(inSecond / (double) draws).isCloseTo(0.375, org.assertj.core.data.Offset.offset(0.03));
  }

  private static FaultBenchmark.Trial trial(String layer, boolean killed, int firstExit, int next, List<String> diffs, List<String> orphans) {
    return new FaultBenchmark.Trial(1, layer, 5, layer + ".x", killed, firstExit, next, 10, 0, diffs, orphans);
  }

  @Test
  void aKillInstantIsCountedFromTheEndOfTheJobBeforeItsWindow() {
    List<FaultBenchmark.Window> windows = FaultBenchmark.windows(List.of(Map.entry("bronze.a", 10.0), Map.entry("silver.b", 14.0),
        Map.entry("bronze.c", 20.0)), 23.5);
    // 5 s into the first job: counted from the process start (no job has ended).
    assertThat(FaultBenchmark.anchor(windows, "bronze", 5.0)).isEqualTo(new FaultBenchmark.Anchor(0, 5.0));
    // 16 s is bronze.c's: 2 s after the second job (silver.b) ended.
    assertThat(FaultBenchmark.anchor(windows, "bronze", 16.0)).isEqualTo(new FaultBenchmark.Anchor(2, 2.0));
    assertThat(FaultBenchmark.anchor(windows, "silver", 12.5)).isEqualTo(new FaultBenchmark.Anchor(1, 2.5));
    // The bookkeeping: 0.5 s after the last of the three jobs ended.
    assertThat(FaultBenchmark.anchor(windows, FaultBenchmark.BOOKKEEPING, 20.5)).isEqualTo(new FaultBenchmark.Anchor(3, 0.5));
    assertThatThrownBy(() -> FaultBenchmark.anchor(windows, "silver", 16.0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theTargetNeedsTwentyRealKillsPerLayerAskedForAndNoFault() {
    List<FaultBenchmark.Trial> clean = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clean.add(trial("bronze", true, 137, 0, List.of(), List.of()));
    }
    FaultBenchmark.Outcome met = FaultBenchmark.summarize(clean, List.of("bronze"));
    assertThat(met.faultFound()).isFalse();
    assertThat(met.targetMet()).isTrue();
    assertThat(met.layers()).containsExactly(new FaultBenchmark.LayerOutcome("bronze", 20, 20, 20, 0, 0, 20));

    // A run that ended before its kill instant is no kill: 19 kills are short of the target, and silver, asked for, has none.
    List<FaultBenchmark.Trial> short_ = new java.util.ArrayList<>(clean.subList(0, 19));
    short_.add(trial("bronze", false, 0, 0, List.of(), List.of()));
    FaultBenchmark.Outcome few = FaultBenchmark.summarize(short_, List.of("bronze", "silver"));
    assertThat(few.faultFound()).isFalse();
    assertThat(few.targetMet()).isFalse();
    assertThat(few.layers()).containsExactly(new FaultBenchmark.LayerOutcome("bronze", 20, 19, 20, 0, 0, 20),
        new FaultBenchmark.LayerOutcome("silver", 0, 0, 0, 0, 0, 0));

    // Each fault counts: a failed next run, a difference, an orphaned file, a run that failed by itself; a trial killed in
    // a layer not asked for is shown in its own row.
    List<FaultBenchmark.Trial> faults = List.of(trial("bronze", true, 137, 5, List.of(), List.of()),
        trial("bronze", true, 137, 0, List.of("silver.x: 1 rows only in the first"), List.of()),
        trial("gold", true, 137, 0, List.of(), List.of("gold/y/part-1.parquet", "gold/y/part-2.parquet")),
        trial("bronze", false, 1, 0, List.of(), List.of()));
    FaultBenchmark.Outcome found = FaultBenchmark.summarize(faults, List.of("bronze"));
    assertThat(found.faultFound()).isTrue();
    assertThat(found.targetMet()).isFalse();
    assertThat(found.layers()).containsExactly(new FaultBenchmark.LayerOutcome("bronze", 3, 2, 2, 1, 0, 0),
        new FaultBenchmark.LayerOutcome("gold", 1, 1, 1, 0, 2, 0));
  }
}
