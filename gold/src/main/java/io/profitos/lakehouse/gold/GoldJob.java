package io.profitos.lakehouse.gold;

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
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A gold table computed from its input tables by a pure function ({@link #build}) and published
 * whole, or, for month-grained facts, only from the first affected month on ({@link #affectedFrom}).
 * When the table has an expectation suite, the output is staged and checked first, and a failed
 * critical expectation leaves the published table as it was ({@link QualityGate}).
 * A run whose inputs (their Delta versions) and run date are those of the last run writes
 * nothing: re-runs are idempotent.
 */
abstract class GoldJob implements LakehouseJob {
  static final TableName INPUTS = TableName.of("ops", "inputs");

  abstract TableName table();

  /** The tables {@link #build} reads. */
  abstract List<TableName> reads();

  private List<TableName> checkedAgainst = List.of();

  /**
   * The tables the table's expectation suite checks against (referential integrity): the job
   * waits for them like for its inputs, and a change in them re-runs the checks.
   */
  GoldJob checkedAgainst(List<TableName> tables) {
    this.checkedAgainst = tables.stream().filter(t -> !t.equals(table()) && !reads().contains(t)).distinct().toList();
    return this;
  }

  @Override
  public final List<TableName> inputs() {
    List<TableName> all = new java.util.ArrayList<>(reads());
    all.addAll(checkedAgainst);
    return List.copyOf(all);
  }

  /** The output for this run; reads inputs through {@code ctx}, no writes. */
  abstract Dataset<Row> build(JobContext ctx);

  /** The month column for partial rebuilds, or null to publish the whole table. */
  String monthColumn() {
    return null;
  }

  /** First month to rebuild, or null for all; only called when {@link #monthColumn()} is set. */
  LocalDate affectedFrom(JobContext ctx) {
    return null;
  }

  /** Configuration the output depends on, as text (a change rebuilds the table). */
  String configFingerprint(JobContext ctx) {
    return "";
  }

  static String config(JobContext ctx, String path) {
    return ctx.settings().config().hasPath(path)
        ? Integer.toHexString(ctx.settings().config().getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise()).hashCode())
        : "";
  }

  /** Called after a successful publish (for example to advance a watermark). */
  void published(JobContext ctx) {}

  @Override public String name() { return table().toString(); }
  @Override public String layer() { return "gold"; }
  @Override public List<TableName> outputs() { return List.of(table()); }

  @Override
  public JobResult run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    for (TableName in : inputs()) {
      if (!DeltaTable.isDeltaTable(spark, ctx.catalog().location(in))) {
        throw LakehouseException.inputRejected(name() + ": its input " + in + " does not exist yet; run 'lakehouse run "
            + in.layer() + "' first.");
      }
    }
    Watermarks watermarks = new Watermarks(spark, ctx.catalog());
    String fingerprint = fingerprint(ctx);
    String path = ctx.catalog().location(table());
    boolean exists = DeltaTable.isDeltaTable(spark, path);
    if (!ctx.fullRefresh() && exists && fingerprint.equals(watermarks.latest(name(), INPUTS))) {
      ctx.step(name(), "check").done("inputs", "unchanged");
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    LocalDate from = monthColumn() != null && exists && !ctx.fullRefresh() ? affectedFrom(ctx) : null;
    StepLog build = ctx.step(name(), from == null ? "rebuild" : "rebuild_from");
    // Write, audit, publish: with a suite, the output is staged and checked before it replaces anything.
    Dataset<Row> out = QualityGate.of(ctx, table()).audit(build(ctx));
    long rows;
    if (from == null) {
      DeltaTables.ensure(spark, path, out.schema(), List.of(), Map.of());
      out.to(DeltaTables.nullable(out.schema())).write().format("delta").mode(SaveMode.Overwrite)
          .option("overwriteSchema", "true").save(path);
    } else {
      String where = monthColumn() + " >= DATE'" + from + "'";
      out.where(where).to(DeltaTables.nullable(out.schema())).write().format("delta").mode(SaveMode.Overwrite)
          .option("replaceWhere", where).save(path);
    }
    rows = metric(spark, path, "numOutputRows");
    build.done("rows", rows, "from", from == null ? "all" : from.toString());
    published(ctx);
    watermarks.advance(name(), INPUTS, fingerprint, ctx.runId(), ctx.clock().instant());
    return JobResult.succeeded(rows, rows, rows + " rows written to " + table() + (from == null ? "" : " from " + from), Map.of());
  }

  /** The run date and the current Delta version of every input. */
  private String fingerprint(JobContext ctx) {
    StringJoiner j = new StringJoiner(",", ctx.runDate() + ":" + configFingerprint(ctx) + ":", "");
    for (TableName in : inputs()) {
      j.add(in + "@" + DeltaTable.forPath(ctx.spark(), ctx.catalog().location(in)).history(1).first().getLong(0));
    }
    return j.toString();
  }

  Dataset<Row> read(JobContext ctx, TableName t) {
    return ctx.spark().read().format("delta").load(ctx.catalog().location(t));
  }

  static long metric(SparkSession spark, String path, String name) {
    Row last = DeltaTable.forPath(spark, path).history(1).select("operationMetrics").first();
    scala.collection.Map<String, String> metrics = last.getAs(0);
    return metrics.contains(name) ? Long.parseLong(metrics.apply(name)) : 0L;
  }
}
