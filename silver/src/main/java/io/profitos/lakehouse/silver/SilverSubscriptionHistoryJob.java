package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code bronze.stripe_subscriptions} + {@code silver.fx_rates} -> {@code silver.subscription_history}.
 * Grain: one version of a subscription (valid_from, valid_to, is_current), with its monthly amount
 * in the original currency and in USD at the newest rate on or before the version's start date. A run re-derives the
 * whole version chain of every subscription that has new bronze rows (so a late, older version
 * lands in its place and the neighbours' valid_to move) and MERGEs it in, deleting versions that
 * no longer exist. A version in a currency with no FX rate is quarantined: a missing rate is a
 * quality failure, never a null amount.
 */
public final class SilverSubscriptionHistoryJob implements LakehouseJob {
  static final TableName TABLE = TableName.of("silver", "subscription_history");
  static final TableName SOURCE = TableName.of("bronze", "stripe_subscriptions");
  static final TableName FX = TableName.of("silver", "fx_rates");
  /** 2: monthly amounts of every billing interval (week, day) and amount_off per billing period. */
  static final int SCHEMA_VERSION = 2;

  @Override public String name() { return TABLE.toString(); }
  @Override public String layer() { return "silver"; }
  @Override public String description() {
    return "Every version of every Stripe subscription with valid_from/valid_to and monthly amounts in currency and USD";
  }
  @Override public List<TableName> inputs() { return List.of(SOURCE, FX); }
  @Override public List<TableName> outputs() { return List.of(TABLE, SilverJob.QUARANTINE); }

  /** Subscriptions with a version whose rate was older than its date and for which a newer rate is now published. */
  static List<String> staleRates(Dataset<Row> stored, Dataset<Row> fx) {
    Dataset<Row> stale = stored.where(col("fx_rate_date").lt(col("fx_date")).and(col("currency").notEqual("USD")))
        .select(col("subscription_id"), col("currency"), col("fx_date"), col("fx_rate_date").as("_stored_rate_date"));
    return io.profitos.lakehouse.core.money.Money.withRate(stale, fx, "currency", col("fx_date"))
        .where(col("fx_rate_date").notEqual(col("_stored_rate_date")))
        .select("subscription_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Override
  public JobResult run(JobContext ctx) {
    Dataset<Row> bronze = ctx.read(SOURCE);
    Dataset<Row> fx = ctx.read(FX);
    String watermark = ctx.fullRefresh() ? null : ctx.watermark(SOURCE);
    boolean rebuild = watermark == null || !ctx.exists(TABLE) || ctx.schemaOutdated(TABLE, SCHEMA_VERSION);
    Dataset<Row> fresh = rebuild ? bronze : bronze.where(col("_batch_id").gt(watermark));
    Row newest = fresh.agg(max("_batch_id")).first();
    // Versions converted before their date's rate was published get it once finance's extract brings it.
    List<String> restate = rebuild ? List.of() : staleRates(ctx.read(TABLE), fx);
    if (newest.isNullAt(0) && restate.isEmpty()) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    String newestBatch = newest.isNullAt(0) ? watermark : newest.getString(0);

    StepLog derive = ctx.step("derive");
    Dataset<Row> versions;
    List<String> touched = List.of();
    if (rebuild) {
      versions = SubscriptionTransforms.conform(bronze);
    } else {
      // Ids changed since the last run: a day's worth of subscriptions, small enough for the driver;
      // the MERGE below needs them as a literal set to delete versions that no longer exist.
      java.util.Set<String> ids = new java.util.TreeSet<>(fresh.select(col("id").cast("string")).distinct()
          .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
      ids.addAll(restate);
      touched = List.copyOf(ids);
      versions = SubscriptionTransforms.conform(bronze.where(col("id").isin(touched.toArray())));
    }
    Dataset<Row> history = SubscriptionTransforms.withUsd(SubscriptionTransforms.history(versions), fx)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> priced = history.where(col("usd_per_unit").isNotNull());
      Dataset<Row> unpriced = history.where(col("usd_per_unit").isNull());
      derive.done("subscriptions", rebuild ? "all" : touched.size());
      Dataset<Row> failed = unpriced.select(lit(TABLE.toString()).as("table"),
          concat_ws("|", col("subscription_id"), col("valid_from").cast("string")).as("key"),
          concat_ws(":", lit("fx_rate_missing"), col("currency")).as("rule"),
          concat_ws("", lit("silver.fx_rates has no rate for "), col("currency"),
              lit(": add the currency to the finance fx_rates extract")).as("reason"),
          org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.struct(
              col("subscription_id"), col("valid_from"), col("currency"), col("monthly_amount"))).as("record"),
          col("_record_hash"), col("_batch_id"));
      long quarantined = SilverQuarantine.write(ctx, TABLE, failed, rebuild);
      long written = ctx.publish(TABLE, priced, rebuild ? Publish.overwrite().withProperties(SilverJob.tableProperties(ctx))
          : Publish.mergeVersions(List.of("subscription_id", "valid_from"), "subscription_id", touched)
          .withProperties(SilverJob.tableProperties(ctx))).rowsWritten();
      ctx.advance(SOURCE, newestBatch);
      ctx.recordSchema(TABLE, SCHEMA_VERSION);
      return JobResult.succeeded(written, written, written + " versions written, " + quarantined + " without an FX rate quarantined",
          Map.of("quarantined", quarantined));
    } finally {
      history.unpersist();
    }
  }
}
