package io.profitos.lakehouse.quality;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.PublishGate;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;

/**
 * Audit, then publish: the gate of every {@link JobContext#publish}. When the table has a suite,
 * the rows about to be published are cached, checked by the suite (one Deequ pass per row
 * condition), and published only if no critical expectation failed (or an approved override in
 * force covers the failure). Otherwise nothing is written to the table: the checked rows are
 * kept at {@code <warehouse>/quality/staging/<layer>/<table>} for inspection, the results are
 * recorded, and the job exits with code 3. Results of a published output are recorded against
 * the table version the publish made. A warning publishes and is recorded.
 */
public final class QualityGate implements PublishGate {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QualityGate.class);
  /** The service loader's constructor. */
  public QualityGate() {}

  @Override
  public Audit audit(JobContext ctx, TableName table, Dataset<Row> rows) {
    ExpectationSuite suite = ctx.settings().config().getBoolean("lakehouse.quality.gates")
        ? SuiteCatalog.from(ctx.settings().config()).forTable(table) : null;
    if (suite == null) {
      return PublishGate.unchecked(rows);
    }
    Dataset<Row> cached = rows.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // The job's own work (its transformations) is materialised once, by the checks' first pass over every row (which
      // counts them), and reused by the write.
      StepLog audit = ctx.step(table.toString(), "audit");
      SuiteValidator.Context vctx = new SuiteValidator.Context(ctx.spark(), ctx.catalog(), ctx.runDate(),
          metricsRepository(ctx.catalog(), table));
      Overrides overrides = Overrides.from(ctx.settings().config());
      List<String> names = suite.expectations().stream().map(ExpectationSuite.Expectation::name).toList();
      for (Overrides.Override o : overrides.unmatched(table.toString(), names, ctx.runDate())) {
        LOG.warn("lakehouse.quality.overrides names '{}' for {}, which is no expectation of suite {}: it releases nothing. "
            + "Its expectations are named {}", o.expectation(), table, suite.name(), names);
      }
      SuiteValidator.Validation validation = SuiteValidator.validation(cached, suite, vctx);
      List<ExpectationResult> results = new ArrayList<>();
      for (ExpectationResult r : validation.results()) {
        Overrides.Override o = r.success() ? null : overrides.find(table.toString(), r.expectation().name(), ctx.runDate());
        results.add(o == null ? r : r.withOverride(o));
      }
      long count = validation.rowCount() != null ? validation.rowCount() : cached.count();
      List<ExpectationResult> blocking = results.stream().filter(ExpectationResult::blocks).toList();
      audit.done("rows", count, "expectations", results.size(), "failed", results.stream().filter(r -> !r.success()).count(),
          "blocking", blocking.size());
      if (!blocking.isEmpty()) {
        String staging = stagingLocation(ctx.catalog(), table);
        cached.to(DeltaTables.nullable(cached.schema())).write().format("delta").mode(SaveMode.Overwrite)
            .option("overwriteSchema", "true").save(staging);
        long version = DeltaTable.forPath(ctx.spark(), staging).history(1).first().getLong(0);
        String file = record(ctx, table, suite, results, version, staging, false);
        ExpectationResult first = blocking.get(0);
        Object fix = first.expectation().meta().get("fix");
        throw LakehouseException.qualityGate(table + " was not published: " + blocking.size() + " critical expectation(s) of suite "
            + suite.name() + " failed, first " + first.expectation().name() + ": " + first.message() + "."
            + (fix == null ? "" : " Fix: " + fix + ".") + " The table is unchanged; the checked output is kept at " + staging
            + " (version " + version + "), the results in " + file + " and quality.check_results. Fix the data, or record an "
            + "approved override: lakehouse.quality.overrides += { table = " + table + ", expectation = " + hocon(first.expectation().name())
            + ", approved-by = \"...\", reason = \"...\", until = \"YYYY-MM-DD\" }.");
      }
      return new Audit() {
        @Override public Dataset<Row> rows() { return cached; }
        @Override public Long rowCount() { return count; }
        @Override public void published(long version) {
          record(ctx, table, suite, results, version, ctx.catalog().location(table), true);
        }
        @Override public void release() { cached.unpersist(); }
      };
    } catch (RuntimeException e) {
      cached.unpersist();
      throw e;
    }
  }

  private static String record(JobContext ctx, TableName table, ExpectationSuite suite, List<ExpectationResult> results,
      long version, String checked, boolean published) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("engine", "deequ 2.1.0 (Profit OS Lakehouse)");
    meta.put("run_id", ctx.runId());
    meta.put("run_date", ctx.runDate().toString());
    meta.put("table", table.toString());
    meta.put("checked", checked);
    meta.put("table_version", version);
    meta.put("published", published);
    StepLog step = ctx.step(table.toString(), "record_results");
    String file = CheckResults.record(ctx.spark(), ctx.catalog(), table, version, ctx.runId(), ctx.runDate(), ctx.clock().instant(),
        new ValidationResult(suite, results, meta), published);
    ctx.committed(CheckResults.TABLE.toString());
    step.done("results", results.size(), "version", version);
    return file;
  }

  /** A name as a HOCON value: bare when it is a plain word, else quoted (a generated name holds '(', '=' and ','). */
  static String hocon(String name) {
    return name.matches("[A-Za-z0-9_.-]+") ? name : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Where a table's output is kept when its gate blocked it. */
  public static String stagingLocation(TableCatalog catalog, TableName table) {
    return catalog.warehouse() + "/quality/staging/" + table.layer() + "/" + table.table();
  }

  /** Deequ's metrics history of a table (for anomaly expectations). */
  public static String metricsRepository(TableCatalog catalog, TableName table) {
    return catalog.warehouse() + "/quality/metrics/" + table.layer() + "." + table.table() + ".json";
  }
}
