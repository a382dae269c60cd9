package io.profitos.lakehouse.quality;

import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where check results are kept: one GE validation-result file per table and run under
 * {@code <warehouse>/quality/results/<layer>/<table>/<run date>/<run id>.json}, and one row per
 * expectation in {@code quality.check_results}, so results are queryable and comparable over time.
 */
public final class CheckResults {
  private CheckResults() {}

  public static final TableName TABLE = TableName.of("quality", "check_results");

  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType).add("checked_at", DataTypes.TimestampType).add("run_date", DataTypes.DateType)
      .add("layer", DataTypes.StringType).add("table_name", DataTypes.StringType).add("table_version", DataTypes.LongType)
      .add("suite", DataTypes.StringType).add("expectation", DataTypes.StringType).add("expectation_type", DataTypes.StringType)
      .add("severity", DataTypes.StringType).add("success", DataTypes.BooleanType).add("observed_value", DataTypes.StringType)
      .add("unexpected_count", DataTypes.LongType).add("unexpected_percent", DataTypes.DoubleType)
      .add("message", DataTypes.StringType).add("overridden", DataTypes.BooleanType).add("override_approved_by", DataTypes.StringType)
      .add("override_reason", DataTypes.StringType).add("override_until", DataTypes.DateType).add("published", DataTypes.BooleanType)
      .add("result_file", DataTypes.StringType);

  /** The result file of one table's run. */
  static String resultFile(TableCatalog catalog, TableName table, LocalDate runDate, String runId) {
    return catalog.warehouse() + "/quality/results/" + table.layer() + "/" + table.table() + "/" + runDate + "/" + runId + ".json";
  }

  /** Writes the result file and appends the rows; returns the file's location. */
  public static String record(SparkSession spark, TableCatalog catalog, TableName table, long tableVersion, String runId,
      LocalDate runDate, Instant checkedAt, ValidationResult result, boolean published) {
    String file = resultFile(catalog, table, runDate, runId);
    writeText(spark, file, result.toJson());
    List<Row> rows = new ArrayList<>();
    for (ExpectationResult r : result.results()) {
      Overrides.Override o = r.override();
      Object unexpected = r.result().get("unexpected_count");
      Object percent = r.result().get("unexpected_percent");
      rows.add(RowFactory.create(runId, Timestamp.from(checkedAt), Date.valueOf(runDate), table.layer(), table.toString(), tableVersion,
          result.suite().name(), r.expectation().name(), r.expectation().type(), r.expectation().severity(), r.success(),
          r.observed() == null ? null : String.valueOf(r.observed()),
          unexpected instanceof Number n ? n.longValue() : null, percent instanceof Number p ? p.doubleValue() : null,
          r.message(), o != null, o == null ? null : o.approvedBy(), o == null ? null : o.reason(),
          o == null ? null : Date.valueOf(o.until()), published, file));
    }
    String path = catalog.location(TABLE);
    DeltaTables.ensure(spark, path, SCHEMA, List.of("table_name"), Map.of());
    spark.createDataFrame(rows, SCHEMA).write().format("delta").mode(SaveMode.Append).save(path);
    return file;
  }

  /** Writes a small text file through Hadoop's file system (local, s3a). */
  static void writeText(SparkSession spark, String location, String text) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new io.profitos.lakehouse.core.LakehouseException(io.profitos.lakehouse.core.LakehouseException.EXIT_FAILURE,
          "Cannot write the check results to " + location + ": " + e.getMessage(), e);
    }
  }
}
