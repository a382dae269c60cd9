package io.profitos.lakehouse.quality;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Write, audit, publish. A job whose table has a suite writes its output to a staging Delta table
 * ({@code <warehouse>/quality/staging/<layer>/<table>}), checks that, records every result, and
 * publishes the staged rows only if no critical expectation failed (or an approved override in
 * force covers the failure). Otherwise the published table is left exactly as it was, the failed
 * output stays in staging for inspection, and the job exits with code 3. A warning publishes and
 * is recorded.
 */
public final class QualityGate {
  private final JobContext ctx;
  private final TableName table;
  private final ExpectationSuite suite;

  private QualityGate(JobContext ctx, TableName table, ExpectationSuite suite) {
    this.ctx = ctx;
    this.table = table;
    this.suite = suite;
  }

  /** The gate of a table: active when gates are on and the table has a suite. */
  public static QualityGate of(JobContext ctx, TableName table) {
    boolean on = ctx.settings().config().getBoolean("lakehouse.quality.gates");
    return new QualityGate(ctx, table, on ? SuiteCatalog.from(ctx.settings().config()).forTable(table) : null);
  }

  public boolean active() {
    return suite != null;
  }

  /** Where a table's output waits for its checks. */
  public static String stagingLocation(io.profitos.lakehouse.core.table.TableCatalog catalog, TableName table) {
    return catalog.warehouse() + "/quality/staging/" + table.layer() + "/" + table.table();
  }

  /** Deequ's metrics history of a table (for anomaly expectations). */
  public static String metricsRepository(io.profitos.lakehouse.core.table.TableCatalog catalog, TableName table) {
    return catalog.warehouse() + "/quality/metrics/" + table.layer() + "." + table.table() + ".json";
  }

  /**
   * Stages {@code output}, checks it, records the results and returns the staged rows to publish.
   * Throws a quality-gate error (exit 3) when a critical expectation failed without an override.
   */
  public Dataset<Row> audit(Dataset<Row> output) {
    if (suite == null) {
      return output;
    }
    String staging = stagingLocation(ctx.catalog(), table);
    StepLog stage = ctx.step(table.toString(), "stage");
    output.to(DeltaTables.nullable(output.schema())).write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true").save(staging);
    long version = DeltaTable.forPath(ctx.spark(), staging).history(1).first().getLong(0);
    stage.done("staging", staging, "version", version);

    StepLog audit = ctx.step(table.toString(), "audit");
    Dataset<Row> staged = ctx.spark().read().format("delta").option("versionAsOf", version).load(staging);
    SuiteValidator.Context vctx = new SuiteValidator.Context(ctx.spark(), ctx.catalog(), ctx.runDate(),
        metricsRepository(ctx.catalog(), table));
    Overrides overrides = Overrides.from(ctx.settings().config());
    List<ExpectationResult> results = new ArrayList<>();
    for (ExpectationResult r : SuiteValidator.validate(staged, suite, vctx)) {
      Overrides.Override o = r.success() ? null : overrides.find(table.toString(), r.expectation().name(), ctx.runDate());
      results.add(o == null ? r : r.withOverride(o));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("engine", "deequ 2.1.0 (Profit OS Lakehouse)");
    meta.put("run_id", ctx.runId());
    meta.put("run_date", ctx.runDate().toString());
    meta.put("table", table.toString());
    meta.put("staging", staging);
    meta.put("table_version", version);
    ValidationResult result = new ValidationResult(suite, results, meta);
    List<ExpectationResult> blocking = result.blocking();
    String file = CheckResults.record(ctx.spark(), ctx.catalog(), table, version, ctx.runId(), ctx.runDate(), ctx.clock().instant(),
        result, blocking.isEmpty());
    long failed = results.stream().filter(r -> !r.success()).count();
    audit.done("expectations", results.size(), "failed", failed, "blocking", blocking.size(), "results", file);
    if (!blocking.isEmpty()) {
      ExpectationResult first = blocking.get(0);
      throw LakehouseException.qualityGate(table + " was not published: " + blocking.size() + " critical expectation(s) of suite "
          + suite.name() + " failed, first " + first.expectation().name() + ": " + first.message() + ". The table is unchanged; "
          + "the checked output is kept at " + staging + " (version " + version + "), the results in " + file
          + " and quality.check_results. Fix the data, or record an approved override under lakehouse.quality.overrides.");
    }
    return staged;
  }
}
