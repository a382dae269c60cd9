package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.profitos.lakehouse.core.money.Money;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.TableName;
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

  private List<TableName> checkedAgainst = List.of();

  /** Tables the table's suite checks against: the job runs after their jobs (never held back by them). */
  public SilverJob checkedAgainst(List<TableName> tables) {
    this.checkedAgainst = tables.stream().filter(t -> !t.equals(table())).distinct().toList();
    return this;
  }

  @Override
  public List<TableName> orderAfter() {
    return checkedAgainst;
  }

  /**
   * Version of the table's columns in this release; a table built with an older one is rebuilt
   * by the next run ({@link JobContext#schemaOutdated}).
   */
  protected int schemaVersion() {
    return 1;
  }

  @Override
  public JobResult run(JobContext ctx) {
    SilverTableConfig conf = tableConfig();
    Dataset<Row> bronze = ctx.read(source());
    Dataset<Row> fx = conf.usd() == null ? null : ctx.read(FX_RATES);
    // The version the read above sees (the FX job has finished before this one starts).
    long fxVersion = fx == null ? -1 : ctx.version(FX_RATES);
    String watermark = ctx.fullRefresh() ? null : ctx.watermark(source());
    // No recorded watermark means no complete run: rebuild (a half-made table is never merged into).
    boolean forced = !ctx.exists(table()) || ctx.schemaOutdated(table(), schemaVersion());
    boolean rebuild = watermark == null || forced || latestExtractOnly();

    StepLog read = ctx.step("read");
    Row newest = (watermark == null ? bronze : bronze.where(col("_batch_id").gt(watermark))).agg(max("_batch_id")).first();
    if (newest.isNullAt(0) && (watermark == null || !forced)) {
      read.done("new_rows", 0, "watermark", watermark);
      Dataset<Row> restated = rebuild ? null : restated(ctx, conf, fx, fxVersion);
      long written = restated == null ? 0 : ctx.publish(table(), restated, merge(conf, ctx)).rowsWritten();
      return JobResult.succeeded(written, written, written == 0 ? "up to date" : written + " rows restated at newly published FX rates",
          Map.of());
    }
    String newestBatch = newest.isNullAt(0) ? watermark : newest.getString(0);
    Dataset<Row> input;
    if (latestExtractOnly()) {
      // The newest extract of the whole stream, not of the new rows: a late older extract changes nothing.
      input = bronze.where(col("_extract_date").equalTo(bronze.agg(max("_extract_date")).first().get(0)));
    } else {
      input = rebuild ? bronze : bronze.where(col("_batch_id").gt(watermark));
    }
    read.done("watermark", watermark, "newest_batch", newestBatch, "rebuild", rebuild);

    Dataset<Row> conformed = usd(privacy(localTimes(conform(input), conf), conf, ctx), conf, fx)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return write(ctx, conf, conformed, rebuild, fx, fxVersion, newestBatch);
    } finally {
      conformed.unpersist();
    }
  }

  private JobResult write(JobContext ctx, SilverTableConfig conf, Dataset<Row> conformed, boolean rebuild, Dataset<Row> fx,
      long fxVersion, String newestBatch) {
    Instant latestAllowed = ctx.runDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)
        .plus(Duration.ofMillis(ctx.settings().config().getDuration("lakehouse.silver.future-tolerance").toMillis()));
    List<RowRules.Rule> rules = rules(conf, Timestamp.from(latestAllowed));
    List<RowRules.Flag> flags = flags(conf);
    // Quarantine first: a run stopped after it redoes both (the quarantine write is idempotent).
    long quarantined = SilverQuarantine.write(ctx, table(), RowRules.failing(conformed, rules, table().toString(), key()), rebuild);
    Dataset<Row> passing = RowRules.passing(conformed, rules, flags);
    // The stored rows a newly published FX rate restates join the day's rows in one merge: the newest version of a
    // key wins (a new version was converted at today's rates; a stored one restated keeps its version).
    Dataset<Row> restated = rebuild ? null : restated(ctx, conf, fx, fxVersion);
    Dataset<Row> latest = (restated == null ? passing : passing.unionByName(restated))
        .transform(ConformTransforms.dedupeLatest(key(), List.of("_cursor"))::apply);
    JobContext.Published published = ctx.publish(table(), latest, rebuild
        ? Publish.overwrite().withPartitionBy(conf.partitionBy()).withProperties(tableProperties(ctx))
        : merge(conf, ctx));
    long written = published.rowsWritten();
    ctx.advance(source(), newestBatch);
    ctx.recordSchema(table(), schemaVersion());
    if (fx != null && rebuild) {
      // Every row was converted at the rates of this version.
      ctx.record(FX_SEEN, Long.toString(fxVersion));
    }
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

  /** The day's merge: a newer version replaces the stored row; the stored row restated at a new FX rate gets its USD columns. */
  private Publish merge(SilverTableConfig conf, JobContext ctx) {
    Publish merge = Publish.merge(key()).withNewerBy(VERSION_ORDER).withPrunedPartitions(conf.partitionBy())
        .withProperties(tableProperties(ctx));
    return conf.usd() == null ? merge : merge.withRestated(usdColumns(conf.usd()));
  }

  /** The columns the USD conversion sets. */
  private static List<String> usdColumns(SilverTableConfig.Usd usd) {
    List<String> derived = new ArrayList<>(List.of("usd_per_unit", "fx_rate_date"));
    usd.amounts().forEach(a -> derived.add(a + "_usd"));
    return derived;
  }

  /**
   * The stored rows converted with a rate older than their date because the newer one was not
   * published yet (finance's extract lags), with the rate a rebuild would give them now that it is
   * published; rows whose rate is unchanged are left out, so a re-run restates nothing. Null when
   * no rate was published or changed since the last run (nothing to look at). Records the FX
   * version the table's amounts now reflect.
   */
  private Dataset<Row> restated(JobContext ctx, SilverTableConfig conf, Dataset<Row> fx, long fxVersion) {
    SilverTableConfig.Usd usd = conf.usd();
    if (usd == null) {
      return null;
    }
    StepLog step = ctx.step("restate_fx");
    Column stale = col("fx_rate_date").lt(col(usd.date()).cast("date")).and(col(usd.currency()).notEqual("USD"));
    String seen = ctx.state(FX_SEEN);
    ctx.record(FX_SEEN, Long.toString(fxVersion));
    if (seen != null) {
      // Only a rate published or changed since the last run can give a row a newer rate: rows dated before the
      // earliest such rate keep theirs, so the scan is bounded by that date (none changed: nothing to scan).
      long seenVersion = Long.parseLong(seen);
      java.sql.Date from = seenVersion == fxVersion ? null : earliestChangedRate(ctx, fx, seenVersion);
      if (from == null) {
        step.done("fx_rates", "unchanged");
        return null;
      }
      stale = stale.and(col(usd.date()).cast("date").geq(lit(from)));
    }
    List<String> derived = usdColumns(usd);
    Dataset<Row> restated = usd(ctx.read(table()).where(stale).withColumnRenamed("fx_rate_date", "_old_fx_rate_date")
        .drop(derived.stream().filter(c -> !c.equals("fx_rate_date")).toArray(String[]::new)), conf, fx)
        .where(col("fx_rate_date").isNotNull().and(col("fx_rate_date").notEqual(col("_old_fx_rate_date"))))
        .drop("_old_fx_rate_date");
    step.done("fx_rates", "changed", "rows", "lazy");
    return restated;
  }

  /** The state key of the {@code silver.fx_rates} version the table's USD amounts reflect. */
  static final String FX_SEEN = "fx_rates_version";

  /**
   * The earliest date of a rate that differs between {@code silver.fx_rates} now and at {@code
   * version} (added, changed or removed), or null when none does. When that version can no longer
   * be read (vacuumed), the earliest date of any rate: every stale row is looked at again.
   */
  private static java.sql.Date earliestChangedRate(JobContext ctx, Dataset<Row> fx, long version) {
    Row earliest;
    try {
      // One aggregate: each rate counted +1 now and -1 then; a rate whose count is not zero was added, changed or removed.
      Dataset<Row> now = rates(fx).withColumn("_n", lit(1));
      Dataset<Row> then = rates(ctx.readVersion(FX_RATES, version)).withColumn("_n", lit(-1));
      earliest = now.unionByName(then).groupBy("date", "currency", "usd_per_unit").agg(org.apache.spark.sql.functions.sum("_n").as("_n"))
          .where(col("_n").notEqual(0)).agg(org.apache.spark.sql.functions.min(col("date"))).first();
    } catch (Exception gone) {
      // The version's log or data files were vacuumed: the read fails when planned, or with
      // Spark's checked SparkException when its files are opened. Look at every rate again
      // rather than fail the job.
      org.slf4j.LoggerFactory.getLogger(SilverJob.class).info("cannot compare {} with version {} ({}); rescanning every rate",
          FX_RATES, version, io.profitos.lakehouse.core.job.JobRunner.rootMessage(gone));
      Row first = fx.agg(org.apache.spark.sql.functions.min(col("date"))).first();
      return first.isNullAt(0) ? java.sql.Date.valueOf("0001-01-01") : first.getDate(0);
    }
    return earliest.isNullAt(0) ? null : earliest.getDate(0);
  }

  private static Dataset<Row> rates(Dataset<Row> fx) {
    return fx.where(col("is_deleted").equalTo(false).and(col("usd_per_unit").isNotNull())).select("date", "currency", "usd_per_unit");
  }

  /**
   * Configured USD conversion: {@code usd_per_unit}, {@code fx_rate_date} and {@code <amount>_usd}
   * at the newest {@code silver.fx_rates} rate on or before the configured date. A currency
   * without any rate fails the {@code fx_rate_missing} rule (quarantined, never a null amount).
   */
  static Dataset<Row> usd(Dataset<Row> rows, SilverTableConfig conf, Dataset<Row> fx) {
    SilverTableConfig.Usd usd = conf.usd();
    if (usd == null) {
      return rows;
    }
    requireColumn(rows, usd.currency(), "usd.currency");
    requireColumn(rows, usd.date(), "usd.date");
    Dataset<Row> out = Money.withRate(rows, fx, usd.currency(), col(usd.date()));
    for (String amount : usd.amounts()) {
      requireColumn(rows, amount, "usd.amounts");
      out = out.withColumn(amount + "_usd", Money.usd(col(amount)));
    }
    return out;
  }

  /** Delta properties of every silver table ({@code lakehouse.silver.table-properties}). */
  static Map<String, String> tableProperties(JobContext ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    ctx.settings().config().getObject("lakehouse.silver.table-properties").forEach((k, v) -> out.put(k, String.valueOf(v.unwrapped())));
    return out;
  }

  static void requireColumn(Dataset<Row> rows, String column, String setting) {
    if (!List.of(rows.columns()).contains(column)) {
      throw LakehouseException.usage("Configuration error: lakehouse.silver.tables.*." + setting + " names column '"
          + column + "', which the table does not have. Columns: " + String.join(", ", rows.columns()) + ".");
    }
  }
}
