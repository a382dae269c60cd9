package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.config.ConfigHash;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model's rows (features as of a date, and the label once known) as a table of the ml layer, rebuilt whole when
 * the run date, its configuration section, its definition's version or a version of an input changed since its last
 * run, else left as is.
 */
final class FeatureTableJob implements LakehouseJob {
  private final TableName table;
  private final List<TableName> inputs;
  private final String description;
  private final String configPath;
  private final Function<JobContext, Dataset<Row>> build;
  private final int schemaVersion;

  /** {@code schemaVersion}: the version of the rows' definition, raised when it changes (a stored table is rebuilt). */
  FeatureTableJob(TableName table, List<TableName> inputs, String description, String configPath, int schemaVersion,
      Function<JobContext, Dataset<Row>> build) {
    this.schemaVersion = schemaVersion;
    this.table = table;
    this.inputs = List.copyOf(inputs);
    this.description = description;
    this.configPath = configPath;
    this.build = build;
  }

  @Override public String name() { return table.toString(); }
  @Override public String layer() { return "ml"; }
  @Override public String description() { return description; }
  @Override public List<TableName> inputs() { return inputs; }
  @Override public List<TableName> outputs() { return List.of(table); }

  @Override
  public JobResult run(JobContext ctx) {
    StepLog check = ctx.step("fingerprint");
    ctx.requireInputs(inputs);
    Map<String, String> fp = new LinkedHashMap<>();
    fp.put("run_date", ctx.runDate().toString());
    fp.put("config", ConfigHash.of(ctx.settings().config(), configPath));
    fp.put("schema", Integer.toString(schemaVersion));
    Fingerprint.putVersions(ctx, fp, inputs);
    boolean same = Fingerprint.unchanged(ctx, fp, List.of(table));
    check.done("inputs", inputs.size(), "changed", !same);
    if (same) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    long rows = ctx.publish(table, build.apply(ctx), Publish.overwrite()).rowsWritten();
    fp.forEach(ctx::record);
    return JobResult.succeeded(rows, rows, rows + " rows written to " + table, Map.of());
  }
}
