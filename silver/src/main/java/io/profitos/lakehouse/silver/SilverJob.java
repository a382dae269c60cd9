package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import io.profitos.lakehouse.core.money.Money;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.table.Watermarks;
import io.profitos.lakehouse.quality.QualityGate;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A current-state silver table built from one bronze table: each run reads only the bronze rows
 * newer than its watermark ({@code ops.watermarks}), conforms them ({@link #conform}, a pure
 * function), converts configured local times to UTC, applies the privacy treatments, sends rows
 * failing a rule to {@code silver._quarantine}, keeps the newest version per key and MERGEs it
 * in; a version older than the stored one never overwrites it, so late data lands in order.
 * Deleted records stay as tombstones ({@code is_deleted = true}) so a late older version cannot
 * resurrect them. {@code --full-refresh} rebuilds the table from all of bronze and gives the same
 * table as the incremental path.
 *
 * <p>Conformed rows carry {@code _cursor} (the version order) and bronze lineage ({@code
 * _batch_id}, {@code _source_file}, {@code _line_number}, {@code _record_hash}).
 */
public abstract class SilverJob implements LakehouseJob {
  public static final TableName QUARANTINE = TableName.of("silver", "_quarantine");
  /** Version order: cursor, then the bronze delivery order. */
  static final TableName FX_RATES = TableName.of("silver", "fx_rates");
  static final List<String> VERSION_ORDER = List.of("_cursor", "_batch_id", "_source_file", "_line_number");

  /** The silver table written. */
  public abstract TableName table();

  /** The bronze table read. */
  public abstract TableName source();

  /** Key columns of the silver table. */
  public abstract List<String> key();

  /**
   * Bronze rows to silver columns plus {@code _cursor}, {@code is_deleted} and the lineage
   * columns. Local-time columns stay as read; {@link #run} converts them as configured.
   */
  public abstract Dataset<Row> conform(Dataset<Row> bronze);

  /** The table's conforming rules ({@code lakehouse.silver.tables.<table>}). */
  public abstract SilverTableConfig tableConfig();

  /** Full-refresh sources: only the newest extract is the stream's current content. */
  protected boolean latestExtractOnly() {
    return false;
  }

  @Override
  public String name() {
    return table().toString();
  }

  @Override
  public String layer() {
    return "silver";
  }

  @Override
  public List<TableName> inputs() {
    return tableConfig().usd() == null ? List.of(source()) : List.of(source(), FX_RATES);
  }

  @Override
  public List<TableName> outputs() {
    return List.of(table(), QUARANTINE);
  }

  @Override
  public JobResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    String sourcePath = ctx.catalog().location(source());
    if (!DeltaTable.isDeltaTable(spark, sourcePath)) {
      throw LakehouseException.inputRejected(name() + ": its input " + source() + " does not exist yet; run 'lakehouse run bronze' first.");
    }
    SilverTableConfig conf = tableConfig();
    if (conf.usd() != null && !DeltaTable.isDeltaTable(spark, ctx.catalog().location(FX_RATES))) {
      throw LakehouseException.inputRejected(name() + ": converts to USD with " + FX_RATES + ", which does not exist yet; run 'lakehouse run silver.fx_rates' first.");
    }
    Watermarks watermarks = new Watermarks(spark, ctx.catalog());
    String path = ctx.catalog().location(table());
    boolean rebuild = ctx.fullRefresh() || !DeltaTable.isDeltaTable(spark, path) || latestExtractOnly();

    StepLog read = ctx.step(name(), "read");
    Dataset<Row> bronze = spark.read().format("delta").load(sourcePath);
    String watermark = watermarks.get(name(), source());
    Row newest = (watermark == null || ctx.fullRefresh() ? bronze : bronze.where(col("_batch_id").gt(watermark)))
        .agg(max("_batch_id")).first();
    if (newest.isNullAt(0)) {
      read.done("new_rows", 0, "watermark", watermark);
      long restated = rebuild ? 0 : restateFx(ctx, conf, path);
      return JobResult.succeeded(restated, restated, restated == 0 ? "up to date" : restated + " rows restated at newly published FX rates",
          Map.of());
    }
    String newestBatch = newest.getString(0);
    Dataset<Row> input;
    if (latestExtractOnly()) {
      // The newest extract of the whole stream, not of the new rows: a late older extract changes nothing.
      input = bronze.where(col("_extract_date").equalTo(bronze.agg(max("_extract_date")).first().get(0)));
    } else {
      input = rebuild ? bronze : bronze.where(col("_batch_id").gt(watermark));
    }
    read.done("watermark", watermark, "newest_batch", newestBatch, "rebuild", rebuild);

    Dataset<Row> conformed = usd(privacy(localTimes(conform(input), conf), conf, ctx), conf, ctx)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return write(ctx, conf, conformed, rebuild, path, watermarks, newestBatch);
    } finally {
      conformed.unpersist();
    }
  }

  private JobResult write(JobContext ctx, SilverTableConfig conf, Dataset<Row> conformed, boolean rebuild, String path,
      Watermarks watermarks, String newestBatch) {
    SparkSession spark = ctx.spark();
    Instant latestAllowed = ctx.runDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
        .plus(Duration.ofMillis(ctx.settings().config().getDuration("lakehouse.silver.future-tolerance").toMillis()));
    List<RowRules.Rule> rules = rules(conf, Timestamp.from(latestAllowed));
    List<RowRules.Flag> flags = flags(conf);
    // Write, audit, publish: with a suite, the rows to publish are staged and checked before the MERGE.
    Dataset<Row> latest = QualityGate.of(ctx, table()).audit(RowRules.passing(conformed, rules, flags)
        .transform(ConformTransforms.dedupeLatest(key(), List.of("_cursor"))::apply));

    StepLog write = ctx.step(name(), rebuild ? "rebuild" : "merge");
    long written;
    if (rebuild) {
      DeltaTables.ensure(spark, path, latest.schema(), conf.partitionBy(), tableProperties());
      latest.to(DeltaTables.nullable(latest.schema())).write().format("delta").mode(SaveMode.Overwrite)
          .option("overwriteSchema", "true").partitionBy(conf.partitionBy().toArray(String[]::new)).save(path);
      written = metric(spark, path, "numOutputRows");
    } else {
      DeltaTable.forPath(spark, path).as("t")
          .merge(latest.as("s"), keyCondition(latest, conf.partitionBy()))
          .whenMatched(newer()).updateAll()
          .whenNotMatched().insertAll()
          .execute();
      written = metric(spark, path, "numTargetRowsInserted") + metric(spark, path, "numTargetRowsUpdated");
    }
    write.done("rows", written, "table", table());
    if (!rebuild) {
      written += restateFx(ctx, conf, path);
    }

    long quarantined = SilverQuarantine.write(ctx, table(), RowRules.failing(conformed, rules, table().toString(), key()), rebuild);
    watermarks.advance(name(), source(), newestBatch, ctx.runId(), ctx.clock().instant());
    Map<String, Long> details = new LinkedHashMap<>();
    details.put("quarantined", quarantined);
    return JobResult.succeeded(written, written, written + " rows written to " + table() + ", " + quarantined + " quarantined", details);
  }

  /** Configured local-time columns to UTC instants. */
  static Dataset<Row> localTimes(Dataset<Row> rows, SilverTableConfig conf) {
    Dataset<Row> out = rows;
    for (Map.Entry<String, String> z : conf.localTimeZones().entrySet()) {
      requireColumn(out, z.getKey(), "local-time-zone");
      out = out.withColumn(z.getKey(), ConformTransforms.localToUtc(col(z.getKey()), z.getValue()));
    }
    return out;
  }

  /** Configured privacy treatments: hash (column becomes {@code <column>_hash}), redact, truncate-ip, drop. */
  static Dataset<Row> privacy(Dataset<Row> rows, SilverTableConfig conf, JobContext ctx) {
    Dataset<Row> out = rows;
    for (Map.Entry<String, String> p : conf.privacy().entrySet()) {
      String c = p.getKey();
      requireColumn(out, c, "privacy");
      out = switch (p.getValue()) {
        case "hash" -> out.withColumn(c + "_hash", ConformTransforms.keyedHash(PiiKey.resolve(ctx.settings())).apply(col(c))).drop(c);
        case "redact" -> out.withColumn(c, ConformTransforms.redact(col(c)));
        case "truncate-ip" -> out.withColumn(c, ConformTransforms.truncateIp(col(c)));
        case "drop" -> out.drop(c);
        default -> throw new IllegalStateException(p.getValue());
      };
    }
    return out;
  }

  private List<RowRules.Rule> rules(SilverTableConfig conf, Timestamp latestAllowed) {
    List<RowRules.Rule> rules = new ArrayList<>();
    key().forEach(k -> rules.add(RowRules.notNull(k)));
    conf.required().forEach(c -> rules.add(RowRules.notNull(c)));
    conf.ranges().forEach((c, b) -> rules.add(RowRules.between(c, b[0], b[1])));
    conf.notFuture().forEach(c -> rules.add(RowRules.notAfter(c, latestAllowed)));
    conf.checks().forEach((n, condition) -> rules.add(RowRules.check(n, condition)));
    if (conf.usd() != null) {
      Column currency = col(conf.usd().currency());
      rules.add(new RowRules.Rule("fx_rate_missing", currency.isNotNull().and(col("usd_per_unit").isNull()),
          org.apache.spark.sql.functions.concat_ws("", lit(FX_RATES + " has no rate for "), currency,
              lit(": add the currency to the finance fx_rates extract"))));
    }
    return rules;
  }

  private static List<RowRules.Flag> flags(SilverTableConfig conf) {
    List<RowRules.Flag> flags = new ArrayList<>();
    conf.enums().forEach((c, known) -> flags.add(RowRules.unknownValue(c, known)));
    return flags;
  }

  /**
   * Key equality; on a partitioned table also the partition columns, with the partition values
   * present in the source as literals, so the MERGE rewrites only the partitions the run touches
   * (a day of events, not the whole history).
   */
  private Column keyCondition(Dataset<Row> source, List<String> partitionBy) {
    Column cond = null;
    for (String k : key()) {
      Column eq = col("t." + k).equalTo(col("s." + k));
      cond = cond == null ? eq : cond.and(eq);
    }
    for (String p : partitionBy) {
      Object[] values = source.select(p).distinct().collectAsList().stream().map(r -> r.get(0)).toArray();
      cond = cond.and(col("t." + p).equalTo(col("s." + p))).and(col("t." + p).isin(values));
    }
    return cond;
  }

  /**
   * Rows converted with a rate older than their date because the newer one was not published yet
   * (finance's extract lags) get the rate a rebuild would give them, once it is published; rows
   * whose rate is unchanged are not touched, so a re-run writes nothing.
   */
  private long restateFx(JobContext ctx, SilverTableConfig conf, String path) {
    SilverTableConfig.Usd usd = conf.usd();
    if (usd == null) {
      return 0;
    }
    SparkSession spark = ctx.spark();
    StepLog step = ctx.step(name(), "restate_fx");
    Dataset<Row> table = spark.read().format("delta").load(path);
    Dataset<Row> stale = table.where(col("fx_rate_date").lt(col(usd.date()).cast("date")).and(col(usd.currency()).notEqual("USD")));
    List<String> derived = new ArrayList<>(List.of("usd_per_unit", "fx_rate_date"));
    usd.amounts().forEach(a -> derived.add(a + "_usd"));
    Dataset<Row> recomputed = usd(stale.withColumnRenamed("fx_rate_date", "_old_fx_rate_date")
        .drop(derived.stream().filter(c -> !c.equals("fx_rate_date")).toArray(String[]::new)), conf, ctx)
        .where(col("fx_rate_date").isNotNull().and(col("fx_rate_date").notEqual(col("_old_fx_rate_date"))))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long changed = recomputed.count();
      if (changed > 0) {
        Map<String, Column> set = new LinkedHashMap<>();
        derived.forEach(c -> set.put(c, col("s." + c)));
        DeltaTable.forPath(spark, path).as("t").merge(recomputed.as("s"), keyCondition(recomputed, List.of()))
            .whenMatched().update(set).execute();
      }
      step.done("rows", changed);
      return changed;
    } finally {
      recomputed.unpersist();
    }
  }

  /**
   * Configured USD conversion: {@code usd_per_unit}, {@code fx_rate_date} and {@code <amount>_usd}
   * at the newest {@code silver.fx_rates} rate on or before the configured date. A currency
   * without any rate fails the {@code fx_rate_missing} rule (quarantined, never a null amount).
   */
  static Dataset<Row> usd(Dataset<Row> rows, SilverTableConfig conf, JobContext ctx) {
    SilverTableConfig.Usd usd = conf.usd();
    if (usd == null) {
      return rows;
    }
    requireColumn(rows, usd.currency(), "usd.currency");
    requireColumn(rows, usd.date(), "usd.date");
    Dataset<Row> fx = ctx.spark().read().format("delta").load(ctx.catalog().location(FX_RATES));
    Dataset<Row> out = Money.withRate(rows, fx, usd.currency(), col(usd.date()));
    for (String amount : usd.amounts()) {
      requireColumn(rows, amount, "usd.amounts");
      out = out.withColumn(amount + "_usd", Money.usd(col(amount)));
    }
    return out;
  }

  /** The source version is newer than the stored one: by cursor, then by bronze lineage. */
  private static Column newer() {
    return struct(VERSION_ORDER.stream().map(c -> col("s." + c)).toArray(Column[]::new))
        .gt(struct(VERSION_ORDER.stream().map(c -> col("t." + c)).toArray(Column[]::new)));
  }

  static Map<String, String> tableProperties() {
    return Map.of("delta.enableChangeDataFeed", "true");
  }

  static long metric(SparkSession spark, String path, String name) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first();
    scala.collection.Map<String, String> metrics = last.getAs(0);
    return metrics.contains(name) ? Long.parseLong(metrics.apply(name)) : 0L;
  }

  static void requireColumn(Dataset<Row> rows, String column, String setting) {
    if (!List.of(rows.columns()).contains(column)) {
      throw LakehouseException.usage("Configuration error: lakehouse.silver.tables.*." + setting + " names column '"
          + column + "', which the table does not have. Columns: " + String.join(", ", rows.columns()) + ".");
    }
  }
}
