package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Appends one row per job run to {@code ops.job_runs}. */
public final class JobRunRecorder {
  public static final TableName JOB_RUNS = TableName.of("ops", "job_runs");
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("layer", DataTypes.StringType, false)
      .add("run_date", DataTypes.DateType, false)
      .add("env", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("ended_at", DataTypes.TimestampType, false)
      .add("status", DataTypes.StringType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_written", DataTypes.LongType, false)
      .add("error", DataTypes.StringType, true);

  private final SparkSession spark;
  private final TableCatalog catalog;

  public JobRunRecorder(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.catalog = catalog;
  }

  /** One finished run. */
  public record JobRun(String runId, String job, String layer, LocalDate runDate, String env, Instant startedAt,
      Instant endedAt, String status, long rowsRead, long rowsWritten, String error) {}

  /** Creates {@code ops.job_runs} before jobs run concurrently, so no two jobs race to create it. */
  public void ensureTable() {
    DeltaTables.ensure(spark, catalog.location(JOB_RUNS), SCHEMA, java.util.List.of(), java.util.Map.of());
  }

  public void record(JobRun run) {
    Row row = RowFactory.create(run.runId(), run.job(), run.layer(), Date.valueOf(run.runDate()), run.env(),
        Timestamp.from(run.startedAt()), Timestamp.from(run.endedAt()), run.status(), run.rowsRead(),
        run.rowsWritten(), run.error());
    spark.createDataFrame(List.of(row), SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append)
        .save(catalog.location(JOB_RUNS));
  }
}
