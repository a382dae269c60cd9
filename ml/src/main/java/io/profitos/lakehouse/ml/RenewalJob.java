package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.Map;

/**
 * {@code gold.fact_renewal}: the run date's renewal calendar (the day's rows replaced: a rerun gives the same rows); then
 * {@code gold.customer_health}, the newest calendar with each workspace's reasons.
 */
final class RenewalJob implements LakehouseJob {
  static final TableName FACT_RENEWAL = TableName.of("gold", "fact_renewal");
  static final TableName CUSTOMER_HEALTH = TableName.of("gold", "customer_health");
  /** The version of the two tables' definitions, raised when they change (the day's rows are rewritten). */
  private static final int SCHEMA_VERSION = 1;
  private final TableName scores;
  private final TableName features;
  private final TableName subscriptions;
  private final TableName tickets;

  RenewalJob(TableName scores, TableName features, TableName subscriptions, TableName tickets) {
    this.scores = scores;
    this.features = features;
    this.subscriptions = subscriptions;
    this.tickets = tickets;
  }

  @Override public String name() { return FACT_RENEWAL.toString(); }
  @Override public String layer() { return "ml"; }
  @Override public List<TableName> inputs() { return List.of(scores, features, subscriptions, tickets); }
  @Override public List<TableName> outputs() { return List.of(FACT_RENEWAL, CUSTOMER_HEALTH); }

  @Override
  public String description() {
    return "The renewal calendar of the run date (period end, MRR, churn score, open tickets, renewal window) and the customer-health view of the newest";
  }

  @Override
  public JobResult run(JobContext ctx) {
    ctx.requireInputs(inputs());
    java.sql.Date day = java.sql.Date.valueOf(ctx.runDate());
    int window = ctx.settings().config().getInt("lakehouse.ml.renewal.window-days");
    Map<String, String> fp = new java.util.LinkedHashMap<>();
    fp.put("run_date", ctx.runDate().toString());
    fp.put("window", Integer.toString(window));
    fp.put("schema", Integer.toString(SCHEMA_VERSION));
    Fingerprint.putVersions(ctx, fp, inputs());
    if (Fingerprint.unchanged(ctx, fp, outputs())) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    long rows = ctx.publish(FACT_RENEWAL, Renewals.calendar(ctx.read(scores).where(col("score_date").equalTo(lit(day))),
            ctx.read(features).where(col("snapshot_date").equalTo(lit(day))), ctx.read(subscriptions), ctx.read(tickets),
            ctx.runDate(), window),
        Publish.replaceWhere("as_of_date = DATE'" + ctx.runDate() + "'").withEmptyAllowed()).rowsWritten();
    // The customer-health view: the newest calendar with its reasons (a rerun of an older day leaves it on the newest).
    long health = ctx.publish(CUSTOMER_HEALTH, Renewals.health(ctx.read(FACT_RENEWAL), ctx.read(scores)),
        Publish.overwrite().withEmptyAllowed()).rowsWritten();
    fp.forEach(ctx::record);
    return JobResult.succeeded(rows, rows + health, rows + " renewals of " + ctx.runDate() + " in " + FACT_RENEWAL, Map.of());
  }
}
