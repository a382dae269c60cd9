package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.lineage}: for every run and every table version a job committed, the Delta version of each of the job's
 * input tables it worked from, or the landing files it landed (bronze). One row per output version and input; an
 * output with no input (a calendar) has one row with a null input. The rows of a run are appended in one commit at its
 * end, after the jobs' own commits and run records: a run killed before that loses its lineage rows, never data or
 * state ({@code lakehouse lineage} then shows the table's newest recorded version).
 */
public final class LineageRecorder {
  public static final TableName LINEAGE = TableName.of("ops", "lineage");
  public static final String TABLE_INPUT = "table";
  public static final String LANDING_INPUT = "landing_file";
  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("job", DataTypes.StringType, false)
      .add("run_date", DataTypes.DateType, false)
      .add("table", DataTypes.StringType, false)
      .add("version", DataTypes.LongType, false)
      .add("input_kind", DataTypes.StringType, true)
      .add("input", DataTypes.StringType, true)
      .add("input_version", DataTypes.LongType, true)
      .add("recorded_at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final TableCatalog catalog;
  private final List<Row> pending = new ArrayList<>();

  public LineageRecorder(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.catalog = catalog;
  }

  /**
   * The rows of one job's run: each output version against each input of the job ({@link LakehouseJob#inputs()}) at the
   * version the job looked up, else the input's current version (its writers have finished before the job started, and
   * one driver writes a warehouse at a time), and against each landing file it landed.
   */
  public void add(String runId, LakehouseJob job, LocalDate runDate, Lineage lineage, Instant at) {
    Map<TableName, Long> outputs = lineage.outputs();
    if (outputs.isEmpty()) {
      return;
    }
    Map<TableName, Long> looked = lineage.inputVersions();
    List<Object[]> inputs = new ArrayList<>();
    for (TableName in : job.inputs()) {
      Long v = looked.get(in);
      long version = v != null ? v : DeltaTables.version(spark, catalog.location(in));
      if (version >= 0) {
        inputs.add(new Object[] {TABLE_INPUT, in.toString(), version});
      }
    }
    for (String file : lineage.landingFiles()) {
      inputs.add(new Object[] {LANDING_INPUT, file, null});
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<TableName, Long> out : outputs.entrySet()) {
      if (inputs.isEmpty()) {
        rows.add(row(runId, job, runDate, out, null, at));
      }
      for (Object[] in : inputs) {
        rows.add(row(runId, job, runDate, out, in, at));
      }
    }
    synchronized (pending) {
      pending.addAll(rows);
    }
  }

  private static Row row(String runId, LakehouseJob job, LocalDate runDate, Map.Entry<TableName, Long> out, Object[] in, Instant at) {
    return RowFactory.create(runId, job.name(), Date.valueOf(runDate), out.getKey().toString(), out.getValue(),
        in == null ? null : in[0], in == null ? null : in[1], in == null ? null : in[2], Timestamp.from(at));
  }

  /** Appends the run's rows in one commit (none when no job committed anything). */
  public void flush() {
    List<Row> rows;
    synchronized (pending) {
      rows = new ArrayList<>(pending);
      pending.clear();
    }
    if (rows.isEmpty()) {
      return;
    }
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append)
        .save(catalog.location(LINEAGE));
  }
}
