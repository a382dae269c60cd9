package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@code bench overhead}'s report, on measurements worked out by hand. */
class OverheadReportTest {
  private static final OverheadReport.Job SILVER = new OverheadReport.Job("silver.things", 3.0, 1.0, 4, 12,
      Map.of("read", 0.5, "overwrite", 0.8, "audit", 0.4, "record_results", 0.2, "record_run", 0.3));
  // Faster than its bare work: no fixed cost (never negative).
  private static final OverheadReport.Job BRONZE = new OverheadReport.Job("bronze.things", 1.5, 2.0, 2, 5,
      Map.of("land", 1.0, "quarantine", 0.2, "schema", 0.1));
  private static final OverheadReport.Job GOLD = new OverheadReport.Job("gold.things", 2.5, 1.3, 3, 9,
      Map.of("fingerprint", 0.4, "merge_versions", 0.6, "record_run", 0.2));

  @Test
  void stepsAreGroupedByKindAndTheRestIsTheJobsOwn() {
    assertThat(SILVER.fixed()).isCloseTo(2.0, within(1e-9));
    assertThat(BRONZE.fixed()).isZero();
    Map<String, Double> silver = SILVER.byKind();
    assertThat(silver.keySet()).containsExactlyElementsOf(OverheadReport.KINDS);
    assertThat(silver.get("read/compute")).isCloseTo(0.5, within(1e-9));
    assertThat(silver.get("write")).isCloseTo(0.8, within(1e-9));
    assertThat(silver.get("gate")).isCloseTo(0.6, within(1e-9));
    assertThat(silver.get("run record")).isCloseTo(0.3, within(1e-9));
    assertThat(silver.get("job, no step")).isCloseTo(0.8, within(1e-9)); // 3.0 - (0.5 + 0.8 + 0.4 + 0.2 + 0.3)
    assertThat(silver.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(3.0, within(1e-9));
    assertThat(BRONZE.byKind().get("write")).isCloseTo(1.3, within(1e-9));
    assertThat(BRONZE.byKind().get("job, no step")).isCloseTo(0.2, within(1e-9));
    assertThat(GOLD.byKind().get("read/compute")).isCloseTo(0.4, within(1e-9));
    assertThat(GOLD.byKind().get("write")).isCloseTo(0.6, within(1e-9));
    assertThat(GOLD.byKind().get("run record")).isCloseTo(0.2, within(1e-9));
    assertThat(GOLD.byKind().get("job, no step")).isCloseTo(1.3, within(1e-9));
  }

  @Test
  void theSecondRunIsComparedWithTheFirstAndItsCommitsCounted() {
    List<OverheadReport.Job> second = List.of(
        new OverheadReport.Job("silver.things", 0.5, 0, 1, 7, Map.of("read", 0.1, "record_run", 0.1)),
        new OverheadReport.Job("bronze.things", 0.2, 0, 1, 7, Map.of()),
        new OverheadReport.Job("gold.things", 0.3, 0, 2, 7, Map.of()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OverheadReport.printSecondRun(8.0, 1.1, second, 3, 0.15, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    // 1.1 s against 8.0 s: 0.1375, printed 0.14; seconds 0.5, 0.2, 0.3: median 0.3; gold committed twice.
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("bench overhead: the second run took 1.1 s against 8.0 s for the "
        + "first, a ratio of 0.14 (target <= 0.15: met); median 0.30 s per job; at most 2 commit(s) per job (target 1: not met); "
        + "more than one: gold.things (2); 3 commit(s) in all." + System.lineSeparator());
    bytes.reset();
    OverheadReport.printSecondRun(8.0, 1.3, second.subList(0, 2), 1, 0.15, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    // 1.3 / 8.0 = 0.1625: over the target; one commit each.
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("a ratio of 0.16 (target <= 0.15: not met)")
        .contains("at most 1 commit(s) per job (target 1: met); 1 commit(s) in all.");
  }

  @Test
  void theMedianOfAnOddAndAnEvenCount() {
    assertThat(OverheadReport.median(List.of(2.0, 0.0, 1.2))).isEqualTo(1.2);
    assertThat(OverheadReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(OverheadReport.median(List.of())).isNaN();
  }

  @Test
  void theReportEndsWithTheMedianFixedCostAgainstItsTarget() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OverheadReport.print(List.of(SILVER, BRONZE, GOLD), 0.75, 1.0, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("the run's setup, once for all 3 jobs (run log, last states, compaction check): 0.75 s");
    // Fixed costs 2.0, 0.0 and 1.2: median 1.2; commits 4, 2 and 3: median 3; totals 7.0 s against 4.3 s bare, 3.2 s fixed,
    // 9 commits, 12 + 5 + 9 = 26 Spark jobs.
    assertThat(text).contains("bench overhead: median fixed cost per job 1.20 s (target <= 1.00 s: not met), median commits per job 3.");
    assertThat(text).containsPattern("total \\(3 jobs\\)\\s+7\\.0\\s+4\\.3\\s+1\\.6\\s+3\\.2\\s+9\\s+26");
    assertThat(text).containsPattern("(?m)silver\\.things\\s+3\\.00\\s+1\\.00\\s+3\\.0\\s+2\\.00\\s+4\\s+12\\s+0\\.50\\s+0\\.80\\s+0\\.60\\s+0\\.30\\s+0\\.80 *$");
  }

  @Test
  void sparkJobsAreCountedByTheStepThatStartedThem() {
    assertThat(OverheadReport.stepOf("silver.users: audit")).isEqualTo("audit");
    assertThat(OverheadReport.stepOf("gold.kpi_sales: fingerprint")).isEqualTo("fingerprint");
    assertThat(OverheadReport.stepOf(null)).isEqualTo("no step");
    assertThat(OverheadReport.stepOf("Delta: compute snapshot")).isEqualTo("compute snapshot");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OverheadReport.printSparkJobsByStep(Map.of("audit", 30, "compute", 10, "no step", 40), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8).trim())
        .isEqualTo("Spark jobs by step (all 80 jobs of the first run): no step 40 (50%), audit 30 (38%), compute 10 (13%)");
  }
}
