package io.profitos.lakehouse.core.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a job run needs, and the only way jobs touch storage: {@link #read} and
 * {@link #readSince} for inputs, {@link #publish} for outputs (the table's quality gate, the
 * write, the commit metrics), and the job's state ({@link #state}, {@link #record}), which the
 * runner stores in {@code ops.job_runs} together with the run record, in one commit after the
 * job's data commits. So a watermark or fingerprint moves only after the data it describes: a
 * run killed between any two commits leaves state that makes the next run redo the work.
 *
 * <p>A run-level context ({@link #JobContext(SparkSession, LakehouseSettings, TableCatalog,
 * String, LocalDate, boolean, Clock)}) is turned into one per job by {@link #forJob}: its own
 * Spark session (shared SparkContext), whose Delta commits carry the job and run id as their
 * user metadata, and the job's state of its last run.
 */
public final class JobContext {
  /** The Spark SQL setting Delta copies into every commit's {@code userMetadata}. */
  static final String COMMIT_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  private final SparkSession spark;
  private final LakehouseSettings settings;
  private final TableCatalog catalog;
  private final String runId;
  private final LocalDate runDate;
  private final boolean fullRefresh;
  private final Clock clock;
  private final LakehouseJob job;
  private final Map<String, String> previous;
  private final Map<String, String> next = new LinkedHashMap<>();
  private final CommitListener commits;
  private final StepLog.Listener steps;
  private final Lineage lineage;

  /**
   * @param runId unique id of this invocation (shared by all jobs of one CLI call)
   * @param runDate the business date being processed (UTC)
   * @param fullRefresh rebuild outputs from scratch instead of incrementally
   * @param clock wall clock for audit timestamps (fixed in tests)
   */
  public JobContext(SparkSession spark, LakehouseSettings settings, TableCatalog catalog, String runId, LocalDate runDate,
      boolean fullRefresh, Clock clock) {
    this(spark, settings, catalog, runId, runDate, fullRefresh, clock, null, Map.of(), CommitListener.NONE, StepLog.Listener.NONE,
        new Lineage());
  }

  private JobContext(SparkSession spark, LakehouseSettings settings, TableCatalog catalog, String runId, LocalDate runDate,
      boolean fullRefresh, Clock clock, LakehouseJob job, Map<String, String> previous, CommitListener commits,
      StepLog.Listener steps, Lineage lineage) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.runDate = Objects.requireNonNull(runDate, "runDate");
    this.fullRefresh = fullRefresh;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.job = job;
    this.previous = Map.copyOf(previous);
    this.commits = Objects.requireNonNull(commits, "commits");
    this.steps = Objects.requireNonNull(steps, "steps");
    this.lineage = Objects.requireNonNull(lineage, "lineage");
  }

  /** Notified after every commit a job makes (tests stop a run there to prove it recovers). */
  @FunctionalInterface
  public interface CommitListener {
    CommitListener NONE = (job, what) -> { };

    void committed(String job, String what);
  }

  public SparkSession spark() { return spark; }
  public LakehouseSettings settings() { return settings; }
  public TableCatalog catalog() { return catalog; }
  public String runId() { return runId; }
  public LocalDate runDate() { return runDate; }
  public boolean fullRefresh() { return fullRefresh; }
  public Clock clock() { return clock; }

  /** This context with another commit listener (for every job it is turned into). */
  public JobContext withCommitListener(CommitListener listener) {
    return new JobContext(spark, settings, catalog, runId, runDate, fullRefresh, clock, job, previous, listener, steps, lineage);
  }

  /** This context with a listener told the duration of every step (benchmarks break a job's time down with it). */
  public JobContext withStepListener(StepLog.Listener listener) {
    return new JobContext(spark, settings, catalog, runId, runDate, fullRefresh, clock, job, previous, commits, listener, lineage);
  }

  /**
   * The context of one job: its own session (Delta commits tagged with the job and run), and
   * {@code previousState}, the state its last run recorded.
   */
  public JobContext forJob(LakehouseJob job, Map<String, String> previousState) {
    SparkSession session = spark.newSession();
    session.conf().set(COMMIT_METADATA, commitTag(job.name(), runId));
    return new JobContext(session, settings, catalog, runId, runDate, fullRefresh, clock, job, previousState, commits, steps,
        new Lineage());
  }

  static String commitTag(String job, String runId) {
    return "{\"job\":\"" + job + "\",\"run_id\":\"" + runId + "\"}";
  }

  /** The job this context runs, or null for a run-level context. */
  public LakehouseJob job() {
    return job;
  }

  private String jobName() {
    return job == null ? "job" : job.name();
  }

  /** Names the current step in Spark's UI and logs one structured line. */
  public StepLog step(String jobName, String step) {
    spark.sparkContext().setJobDescription(jobName + ": " + step);
    return new StepLog(jobName, step, steps);
  }

  /** {@link #step(String, String)} for this context's job. */
  public StepLog step(String step) {
    return step(jobName(), step);
  }

  // ------------------------------------------------------------------------------------------- state

  /** A value the job's last successful run recorded, or null. */
  public String state(String key) {
    return previous.get(key);
  }

  /** Everything the job's last run recorded. */
  public Map<String, String> previousState() {
    return previous;
  }

  /** Records a value of this run's state (stored with the run record, after the job's data commits). */
  public void record(String key, String value) {
    next.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
  }

  /** The state to store for this run: the previous state with this run's values over it. */
  public Map<String, String> nextState() {
    Map<String, String> out = new LinkedHashMap<>(previous);
    out.putAll(next);
    return out;
  }

  /** The newest bronze {@code _batch_id} of {@code source} this job has processed, or null. */
  public String watermark(TableName source) {
    return state("watermark:" + source);
  }

  /** Records that this run processed {@code source} up to {@code batchId}. */
  public void advance(TableName source, String batchId) {
    record("watermark:" + source, batchId);
  }

  /**
   * Whether {@code table} exists but was built with an older schema than {@code version} (the
   * version of its columns in this release): the job must rebuild it rather than mix layouts.
   * A table without a recorded version was built before versions were recorded: version 1.
   */
  public boolean schemaOutdated(TableName table, int version) {
    if (!exists(table)) {
      return false;
    }
    String recorded = state("schema:" + table);
    int current = recorded == null ? 1 : Integer.parseInt(recorded);
    if (current < version) {
      org.slf4j.LoggerFactory.getLogger(JobContext.class).info("{}: upgrading {} from schema version {} to {}: rebuilding it",
          jobName(), table, current, version);
      return true;
    }
    return false;
  }

  /** Records the schema version of {@code table} this run published. */
  public void recordSchema(TableName table, int version) {
    record("schema:" + table, Integer.toString(version));
  }

  // ------------------------------------------------------------------------------------------- reading

  /** Whether the table exists (has a Delta log). */
  public boolean exists(TableName table) {
    return DeltaTable.isDeltaTable(spark, catalog.location(table));
  }

  /**
   * The table's current rows.
   *
   * @throws LakehouseException (input missing: the job is skipped) when the table does not exist yet
   */
  public Dataset<Row> read(TableName table) {
    requireInput(table);
    return spark.read().format("delta").load(catalog.location(table));
  }

  /**
   * Reads nothing, but skips the job like {@link #read} does when one of {@code tables} does not
   * exist yet (for a job that checks whether its inputs changed before it reads them).
   */
  public void requireInputs(List<TableName> tables) {
    tables.forEach(this::requireInput);
  }

  /** The table as of a Delta version (time travel). */
  public Dataset<Row> readVersion(TableName table, long version) {
    requireInput(table);
    return spark.read().format("delta").option("versionAsOf", version).load(catalog.location(table));
  }

  /**
   * The table's change data feed from the version after {@code since} to {@code until}: every row
   * a commit in between removed ({@code _change_type} delete or update_preimage) or added (insert
   * or update_postimage). Null when the table does not record the feed at both versions (read
   * both versions instead). Throws when {@code since}'s log is gone (vacuumed).
   */
  public Dataset<Row> readChanges(TableName table, long since, long until) {
    requireInput(table);
    String path = catalog.location(table);
    if (!DeltaTables.changeFeedEnabled(spark, path, since) || !DeltaTables.changeFeedEnabled(spark, path, until)) {
      return null;
    }
    return spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", since + 1)
        .option("endingVersion", until).load(path);
  }

  /** The rows of a bronze-lineage table with {@code _batch_id} above {@code watermark} (all rows for null). */
  public Dataset<Row> readSince(TableName table, String watermark) {
    Dataset<Row> rows = read(table);
    return watermark == null ? rows : rows.where(col("_batch_id").gt(watermark));
  }

  /** The table's current Delta version, or -1 when it does not exist. */
  public long version(TableName table) {
    long v = DeltaTables.version(spark, catalog.location(table));
    lineage.inputVersion(table, v);
    return v;
  }

  private void requireInput(TableName table) {
    if (!exists(table)) {
      throw LakehouseException.inputMissing(jobName() + " skipped: its input " + table + " does not exist yet ("
          + (table.layer().equals("bronze") ? "its landing stream has not delivered any records; if it has, run 'lakehouse run bronze'"
              : "its source has not delivered yet, or run 'lakehouse run " + table.layer() + "' first") + ").");
    }
  }

  // ------------------------------------------------------------------------------------------- publishing

  /** What one publish wrote: rows written (inserted + updated + deleted for merges) and the new Delta version. */
  public record Published(long rowsWritten, long version, Map<String, String> metrics) {
    public Published {
      metrics = Map.copyOf(metrics);
    }

    public long metric(String name) {
      String v = metrics.get(name);
      return v == null ? 0L : Long.parseLong(v);
    }
  }

  /**
   * Publishes {@code rows} to {@code table}: runs the table's quality gate (a failed critical
   * expectation throws, exit 3, and nothing is written), refuses an empty result when an input
   * of the job has rows (unless {@link Publish#withEmptyAllowed()}), writes in one Delta commit,
   * and records the gate's results against the new version. A merge of no row (counted by the
   * gate) writes nothing.
   */
  public Published publish(TableName table, Dataset<Row> rows, Publish how) {
    String path = catalog.location(table);
    PublishGate.Audit audit = how.gated() ? gate().audit(this, table, rows) : PublishGate.unchecked(rows);
    try {
      Dataset<Row> out = audit.rows();
      if (how.replacesContent() && !how.allowEmpty() && Long.valueOf(0).equals(audit.rowCount())) {
        refuseEmpty(table);
      }
      boolean exists = DeltaTable.isDeltaTable(spark, path);
      if (exists && (how.kind() == Publish.Kind.MERGE || how.kind() == Publish.Kind.UPDATE)
          && Long.valueOf(0).equals(audit.rowCount())) {
        // Merging no row changes nothing: no commit (and nothing published to record results against).
        step(how.kind().name().toLowerCase(Locale.ROOT)).done("table", table, "rows", 0, "version", "unchanged");
        return new Published(0, DeltaTables.version(spark, path), Map.of());
      }
      if (exists && !how.properties().isEmpty()) {
        setMissingProperties(table, path, how.properties());
      }
      StepLog step = step(how.kind().name().toLowerCase(Locale.ROOT));
      if (!exists || how.kind() == Publish.Kind.OVERWRITE) {
        if (how.kind() == Publish.Kind.UPDATE) {
          return new Published(0, -1, Map.of());
        }
        overwrite(out, path, how, exists);
      } else if (how.kind() == Publish.Kind.REPLACE_WHERE) {
        tagged(out.where(how.where()).to(DeltaTables.nullable(out.schema())).write().format("delta").mode(SaveMode.Overwrite)
            .option("replaceWhere", how.where())).save(path);
      } else {
        merge(out, path, how);
      }
      commits.committed(jobName(), table + " " + how.kind().name().toLowerCase(Locale.ROOT));
      DeltaTables.Commit commit = DeltaTables.lastCommit(spark, path, spark.conf().get(COMMIT_METADATA, null));
      boolean merged = exists && !how.replacesContent();
      // A replaceWhere rewrites the files it touches: their untouched rows count as output, but were not written by the job.
      long written = merged ? metric(commit, "numTargetRowsInserted") + metric(commit, "numTargetRowsUpdated")
          + metric(commit, "numTargetRowsDeleted") : metric(commit, "numOutputRows") - metric(commit, "numCopiedRows");
      step.done("table", table, "rows", written, "version", commit.version());
      lineage.output(table, commit.version());
      audit.published(commit.version());
      return new Published(written, commit.version(), commit.metrics());
    } finally {
      audit.release();
    }
  }

  /**
   * Sets the properties a table lacks or holds with another value (one commit, only then): a
   * property added to the configuration reaches tables created before it.
   */
  private void setMissingProperties(TableName table, String path, Map<String, String> wanted) {
    Map<String, String> missing = DeltaTables.missingProperties(spark, path, wanted);
    if (missing.isEmpty()) {
      return;
    }
    StepLog step = step("set_properties");
    String assignments = missing.entrySet().stream().map(e -> "'" + e.getKey().replace("'", "\\'") + "' = '"
        + e.getValue().replace("'", "\\'") + "'").collect(java.util.stream.Collectors.joining(", "));
    spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES (" + assignments + ")");
    commits.committed(jobName(), table + " set_properties");
    step.done("table", table, "properties", String.join(",", missing.keySet()));
  }

  private static long metric(DeltaTables.Commit commit, String name) {
    String v = commit.metrics().get(name);
    return v == null ? 0L : Long.parseLong(v);
  }

  private void overwrite(Dataset<Row> out, String path, Publish how, boolean exists) {
    DataFrameWriter<Row> w = tagged(out.to(DeltaTables.nullable(out.schema())).write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true"));
    if (!how.partitionBy().isEmpty()) {
      w = w.partitionBy(how.partitionBy().toArray(String[]::new));
    }
    if (!exists) {
      for (Map.Entry<String, String> p : how.properties().entrySet()) {
        w = w.option(p.getKey(), p.getValue());
      }
    }
    w.save(path);
  }

  /** A DataFrame write runs in its Dataset's session: give it the job's commit tag explicitly. */
  private DataFrameWriter<Row> tagged(DataFrameWriter<Row> w) {
    String tag = spark.conf().get(COMMIT_METADATA, null);
    return tag == null ? w : w.option("userMetadata", tag);
  }

  private void merge(Dataset<Row> out, String path, Publish how) {
    Column on = null;
    for (String k : how.keys()) {
      Column eq = col("t." + k).equalTo(col("s." + k));
      on = on == null ? eq : on.and(eq);
    }
    if (how.where() != null) {
      on = on.and(org.apache.spark.sql.functions.expr(how.where()));
    }
    for (String p : how.prunePartitions()) {
      Object[] values = out.select(p).distinct().collectAsList().stream().map(r -> r.get(0)).toArray();
      on = on.and(col("t." + p).isin(values));
    }
    DeltaMergeBuilder m = DeltaTable.forPath(spark, path).as("t").merge(out.as("s"), on);
    switch (how.kind()) {
      case MERGE -> {
        if (how.newerBy().isEmpty()) {
          m = m.whenMatched().updateAll();
        } else {
          Column source = struct(how.newerBy().stream().map(c -> col("s." + c)).toArray(Column[]::new));
          Column stored = struct(how.newerBy().stream().map(c -> col("t." + c)).toArray(Column[]::new));
          m = m.whenMatched(source.gt(stored)).updateAll();
          if (!how.columns().isEmpty()) {
            Map<String, Column> set = new LinkedHashMap<>();
            how.columns().forEach(c -> set.put(c, col("s." + c)));
            m = m.whenMatched(source.equalTo(stored)).update(set);
          }
        }
        m = m.whenNotMatched().insertAll();
      }
      case MERGE_VERSIONS -> m = m.whenMatched().updateAll().whenNotMatched().insertAll()
          .whenNotMatchedBySource(col("t." + how.keyColumn()).isin(how.touchedKeys().toArray())).delete();
      case UPDATE -> {
        Map<String, Column> set = new LinkedHashMap<>();
        how.columns().forEach(c -> set.put(c, col("s." + c)));
        m = m.whenMatched().update(set);
      }
      default -> throw new IllegalStateException(how.kind().toString());
    }
    m.execute();
  }

  /** An empty result where an input has rows means lost data upstream (or a broken build): refuse it. */
  private void refuseEmpty(TableName table) {
    if (job == null) {
      return;
    }
    List<String> withRows = new ArrayList<>();
    for (TableName in : job.inputs()) {
      if (exists(in) && !read(in).limit(1).isEmpty()) {
        withRows.add(in.toString());
      }
    }
    if (!withRows.isEmpty()) {
      throw LakehouseException.qualityGate(table + " was not published: the job produced no rows although its input "
          + String.join(", ", withRows) + " has rows. The table is unchanged. A watermark or a filter is wrong: run '"
          + "lakehouse run " + jobName() + " --full-refresh' and check the log (" + jobName() + " steps).");
    }
  }

  private static volatile PublishGate gate;

  private static PublishGate gate() {
    PublishGate g = gate;
    if (g == null) {
      synchronized (JobContext.class) {
        if (gate == null) {
          gate = ServiceLoader.load(PublishGate.class, JobContext.class.getClassLoader()).findFirst()
              .orElse((ctx, table, rows) -> PublishGate.unchecked(rows));
        }
        g = gate;
      }
    }
    return g;
  }

  // ------------------------------------------------------------------------------------------- lineage

  /** What this job's run published and read, for {@code ops.lineage}: see {@link Lineage}. */
  public Lineage lineage() {
    return lineage;
  }

  /**
   * Notes a commit the job made to {@code table} outside {@link #publish} (bronze appends): its new version goes to
   * {@code ops.lineage} with the job's inputs.
   */
  public void wrote(TableName table) {
    lineage.output(table, DeltaTables.version(spark, catalog.location(table)));
  }

  /** Tells the commit listener that the job committed {@code what} outside {@link #publish}. */
  public void committed(String what) {
    commits.committed(jobName(), what);
  }
}
