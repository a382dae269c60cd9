package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a job run needs: the session, settings, table resolver, and the run's identity.
 *
 * @param runId unique id of this invocation (shared by all jobs of one CLI call)
 * @param runDate the business date being processed (UTC)
 * @param fullRefresh rebuild outputs from scratch instead of incrementally
 * @param clock wall clock for audit timestamps (fixed in tests)
 */
public record JobContext(
    SparkSession spark, LakehouseSettings settings, TableCatalog catalog, String runId, LocalDate runDate,
    boolean fullRefresh, Clock clock) {

  public JobContext {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(runDate, "runDate");
    Objects.requireNonNull(clock, "clock");
  }

  /** Names the current step in Spark's UI and logs one structured line. */
  public StepLog step(String job, String step) {
    spark.sparkContext().setJobDescription(job + ": " + step);
    return new StepLog(job, step);
  }
}
