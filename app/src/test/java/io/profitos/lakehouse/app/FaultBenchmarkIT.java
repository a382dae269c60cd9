package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@code lakehouse bench faults} for real, at the size CI affords: the reference run of one bronze job (FX rates) in a
 * process of its own, then one trial: the same run killed with SIGKILL at a random instant of its window (the draw's seed
 * puts it at 0.62 of it, inside the job), the next run, {@code lakehouse maintain}, the comparison. (The full set, 20
 * trials per layer of {@code run all}, is the benchmark.) Run by failsafe after the unit tests, on a quiet machine: the
 * kill instant comes from the reference run's timing.
 */
class FaultBenchmarkIT {
  private static final Pattern TRIAL = Pattern.compile(
      "(?m)^\\s+1 (\\w+)\\s+([\\d.]+)s  (\\S.*?)\\s+exit (-?\\d+)\\s+[\\d.]+\\s+exit (-?\\d+)\\s+(\\d+)\\s+(\\d+)$");

  @Test
  void aRunKilledAtRandomIsFinishedByTheNextRunAndLeavesNoDifferenceAndNoOrphanedFile() throws Exception {
    Path work = Path.of("target", "fault-bench").toAbsolutePath();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    SparkSession spark = SparkTestSession.get();
    int exit = new FaultBenchmark(spark, work, 0.01, 7, 1, "bronze.finance_fx_rates", List.of("bronze"), List.of(), 2026,
        new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    String printed = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).contains("Reference: 1 job in ");

    Matcher trial = TRIAL.matcher(printed);
    assertThat(trial.find()).as(printed).isTrue();
    assertThat(trial.group(3)).as("killed during the job, not after the run ended").isEqualTo("bronze.finance_fx_rates");
    assertThat(trial.group(4)).as("the next run's exit").isEqualTo("0");
    assertThat(trial.group(5)).as("maintain's exit").isEqualTo("0");
    assertThat(trial.group(6)).as("differences").isEqualTo("0");
    assertThat(trial.group(7)).as("orphaned files").isEqualTo("0");
    assertThat(printed).contains("Target: at least 20 runs killed per layer").contains("no fault found, but fewer kills per layer than the "
        + "target");

    // What the bench says, seen independently: the killed run never reached its summary, the next run took the dead run's
    // lease over, and the trial's warehouse holds as many FX rates as the reference's.
    Path root = work.resolve("faults-scale0.01-seed7");
    assertThat(Files.readString(root.resolve("logs/trial-1-killed/console.log"))).doesNotContain("total (wall clock)");
    assertThat(Files.readString(root.resolve("logs/trial-1-next/console.log"))).contains("total (wall clock)")
        .contains("Took over the warehouse lease of 'lakehouse run bronze.finance_fx_rates'");
    long reference = spark.read().format("delta").load(root.resolve("reference/bronze/finance_fx_rates").toString()).count();
    assertThat(reference).isPositive();
    assertThat(spark.read().format("delta").load(root.resolve("trial-1/bronze/finance_fx_rates").toString()).count()).isEqualTo(reference);
  }
}
