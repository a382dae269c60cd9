package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.max;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * A type-2 history of some columns of a silver entity ({@code lakehouse.silver.histories}): one
 * row per change of the tracked columns (or of {@code is_deleted}), with valid_from (the change's
 * cursor time, UTC), valid_to (the next change, null while current) and is_current, so any month
 * can be re-stated as it was. Versions that change nothing tracked are folded into the row before
 * them. A run re-derives the whole chain of every key with new bronze rows, so a late, older
 * version lands in its place, and MERGEs it in, deleting rows of those keys that no longer exist.
 */
public final class SilverHistoryJob implements LakehouseJob {
  private final TableName table;
  private final SilverJob entity;
  private final List<String> tracked;

  public SilverHistoryJob(String table, SilverJob entity, List<String> tracked) {
    this.table = TableName.parse(table);
    this.entity = entity;
    this.tracked = List.copyOf(tracked);
  }

  @Override public String name() { return table.toString(); }
  @Override public String layer() { return "silver"; }
  @Override public String description() {
    return "Type-2 history of " + String.join(", ", tracked) + " of " + entity.table() + " (valid_from, valid_to, is_current)";
  }
  @Override public List<TableName> inputs() { return List.of(entity.source()); }
  @Override public List<TableName> outputs() { return List.of(table); }

  /** Versions (conformed rows with {@code _cursor}) to history rows; pure. */
  public static Dataset<Row> history(Dataset<Row> versions, List<String> key, List<String> tracked) {
    List<String> dedupeKey = new ArrayList<>(key);
    dedupeKey.add("_cursor");
    Dataset<Row> unique = versions.where(notNullKey(key))
        .transform(ConformTransforms.dedupeLatest(dedupeKey, List.of())::apply);
    WindowSpec byKey = Window.partitionBy(key.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new))
        .orderBy(col("_cursor"));
    List<String> watched = new ArrayList<>(tracked);
    watched.add("is_deleted");
    Column changed = null;
    for (String c : watched) {
      Column differs = col(c).eqNullSafe(lag(col(c), 1).over(byKey)).unary_$bang();
      changed = changed == null ? differs : changed.or(differs);
    }
    Column first = lag(col("_cursor"), 1).over(byKey).isNull();
    List<Column> out = new ArrayList<>();
    key.forEach(k -> out.add(col(k)));
    tracked.forEach(t -> out.add(col(t)));
    out.add(col("is_deleted"));
    out.add(col("_cursor").as("valid_from"));
    out.add(col("_batch_id"));
    out.add(col("_record_hash"));
    Dataset<Row> changes = unique.withColumn("_changes", first.or(changed)).where(col("_changes"))
        .select(out.toArray(Column[]::new));
    return changes
        .withColumn("valid_to", lead(col("valid_from"), 1).over(byKey.orderBy(col("valid_from"))))
        .withColumn("is_current", col("valid_to").isNull());
  }

  private static Column notNullKey(List<String> key) {
    Column c = null;
    for (String k : key) {
      c = c == null ? col(k).isNotNull() : c.and(col(k).isNotNull());
    }
    return c;
  }

  @Override
  public JobResult run(JobContext ctx) {
    TableName source = entity.source();
    Dataset<Row> bronze = ctx.read(source);
    String watermark = ctx.fullRefresh() ? null : ctx.watermark(source);
    boolean rebuild = watermark == null || !ctx.exists(table);
    Dataset<Row> fresh = rebuild ? bronze : bronze.where(col("_batch_id").gt(watermark));
    Row newest = fresh.agg(max("_batch_id")).first();
    if (newest.isNullAt(0)) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    List<String> key = entity.key();
    StepLog derive = ctx.step("derive");
    Dataset<Row> versions = SilverJob.localTimes(entity.conform(bronze), entity.tableConfig());
    List<String> touched = List.of();
    if (!rebuild) {
      // Keys changed since the last run: a day's worth, small enough for the driver; the MERGE
      // below needs them as a literal set to delete rows that no longer exist.
      Dataset<Row> freshKeys = SilverJob.localTimes(entity.conform(fresh), entity.tableConfig()).select(key.get(0)).distinct();
      touched = freshKeys.where(col(key.get(0)).isNotNull()).as(Encoders.STRING()).collectAsList();
      versions = versions.where(col(key.get(0)).isin(touched.toArray()));
    }
    Dataset<Row> history = history(versions, key, tracked);
    derive.done("keys", rebuild ? "all" : touched.size());

    List<String> matchOn = new ArrayList<>(key);
    matchOn.add("valid_from");
    long written = ctx.publish(table, history, rebuild ? Publish.overwrite().withProperties(SilverJob.tableProperties(ctx))
        : Publish.mergeVersions(matchOn, key.get(0), touched).withProperties(SilverJob.tableProperties(ctx))).rowsWritten();
    ctx.advance(source, newest.getString(0));
    return JobResult.succeeded(written, written, written + " history rows written to " + table, Map.of());
  }
}
