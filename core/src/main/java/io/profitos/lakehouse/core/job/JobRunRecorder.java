package io.profitos.lakehouse.core.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.job_runs}: one row per job run, appended in one commit after the job's own data
 * commits. The row carries the job's {@code state} (watermarks per source, the fingerprint of
 * its inputs and configuration, the schema version of its tables), so the state a job reads
 * next time is the state of its newest recorded run: it never runs ahead of the data.
 *
 * <p>A run that changed nothing (it succeeded or was skipped, wrote no row and leaves the state
 * it found) is {@linkplain #record(JobRun, Map) deferred}: it is appended with the next record
 * that changes something, or by {@link #flush()} at the end of the run, so a run with nothing new
 * makes one commit to the run log instead of one per job. Losing a deferred record (the process
 * dies first) loses only the row saying the job ran: its state is the one already recorded.
 */
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
      .add("error", DataTypes.StringType, true)
      .add("state", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true);

  private final SparkSession spark;
  private final TableCatalog catalog;
  private final List<Row> deferred = new java.util.ArrayList<>();

  public JobRunRecorder(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.catalog = catalog;
  }

  /** One finished run and the state it leaves for the job's next run. */
  public record JobRun(String runId, String job, String layer, LocalDate runDate, String env, Instant startedAt,
      Instant endedAt, String status, long rowsRead, long rowsWritten, String error, Map<String, String> state) {}

  /**
   * Creates {@code ops.job_runs} before jobs run concurrently (so no two jobs race to create it),
   * and adds the {@code state} column to a table written by an earlier version.
   */
  public void ensureTable() {
    String location = catalog.location(JOB_RUNS);
    DeltaTables.ensure(spark, location, SCHEMA, List.of(), Map.of());
    if (!List.of(spark.read().format("delta").load(location).columns()).contains("state")) {
      spark.sql("ALTER TABLE delta.`" + location + "` ADD COLUMNS (state MAP<STRING, STRING>)");
    }
  }

  /** The state of every job's newest recorded run (empty for jobs never run). */
  public Map<String, Map<String, String>> states() {
    String location = catalog.location(JOB_RUNS);
    Map<String, Map<String, String>> out = new HashMap<>();
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return out;
    }
    Dataset<Row> runs = spark.read().format("delta").load(location);
    if (!List.of(runs.columns()).contains("state")) {
      return out;
    }
    // One aggregate (no sort, no window): the state of the run that ended last, per job.
    Dataset<Row> newest = runs.groupBy("job").agg(max_by(col("state"), struct(col("ended_at"), col("started_at"))).as("state"));
    for (Row r : newest.collectAsList()) {
      Map<String, String> state = new LinkedHashMap<>();
      if (!r.isNullAt(1)) {
        scala.collection.Map<String, String> m = r.getMap(1);
        state.putAll(scala.collection.JavaConverters.mapAsJavaMap(m));
      }
      out.put(r.getString(0), state);
    }
    return out;
  }

  /** Appends the run now, with any deferred runs, in one commit. */
  public void record(JobRun run) {
    append(List.of(row(run)));
  }

  /**
   * Appends the run, with any deferred runs, in one commit; or, when it changed nothing (status
   * succeeded or skipped, no row written, the state {@code previousState} it started from), defers
   * it to the next append or {@link #flush()}. Returns whether it was committed now.
   */
  public boolean record(JobRun run, Map<String, String> previousState) {
    boolean unchanged = (JobResult.SUCCEEDED.equals(run.status()) || JobResult.SKIPPED.equals(run.status()))
        && run.rowsWritten() == 0 && run.state().equals(previousState);
    if (unchanged) {
      synchronized (deferred) {
        deferred.add(row(run));
      }
      return false;
    }
    record(run);
    return true;
  }

  /** Appends the deferred runs, if any, in one commit. */
  public void flush() {
    append(List.of());
  }

  private void append(List<Row> rows) {
    List<Row> pending;
    synchronized (deferred) {
      pending = new java.util.ArrayList<>(deferred);
      deferred.clear();
    }
    List<Row> out = new java.util.ArrayList<>(pending);
    out.addAll(rows);
    if (out.isEmpty()) {
      return;
    }
    try {
      spark.createDataFrame(out, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append)
          .save(catalog.location(JOB_RUNS));
    } catch (RuntimeException e) {
      synchronized (deferred) {
        deferred.addAll(0, pending); // kept for the next append
      }
      throw e;
    }
  }

  private static Row row(JobRun run) {
    return RowFactory.create(run.runId(), run.job(), run.layer(), Date.valueOf(run.runDate()), run.env(),
        Timestamp.from(run.startedAt()), Timestamp.from(run.endedAt()), run.status(), run.rowsRead(),
        run.rowsWritten(), run.error(), scala.collection.JavaConverters.mapAsScalaMap(new LinkedHashMap<>(run.state()))
            .toMap(scala.Predef.$conforms()));
  }
}
