package io.profitos.lakehouse.gold;

import io.profitos.lakehouse.core.config.ConfigHash;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.table.TableName;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A gold table computed from its input tables by a pure function ({@link #build}) and published
 * through {@link JobContext#publish} (so its suite gates it): whole, or, for month-grained facts,
 * only from the first month a change can affect.
 *
 * <p>The job's state (in {@code ops.job_runs}) records the run date, the SHA-256 of the
 * configuration the output depends on, the schema version of the table and the Delta version of
 * every input. A run whose state would be the same writes nothing. Otherwise a month-grained
 * table is rewritten from the earliest month any changed input can affect ({@link #affectedFrom});
 * a changed configuration, an upgraded schema, or an input whose effect cannot be bounded
 * rebuilds it whole, so the result always equals {@code --full-refresh}.
 */
abstract class GoldJob implements LakehouseJob {
  abstract TableName table();

  /** The tables {@link #build} reads. */
  abstract List<TableName> reads();

  private List<TableName> checkedAgainst = List.of();
  private List<TableName> waitsFor = List.of();

  /**
   * The tables the table's expectation suite checks against (referential integrity): the job
   * waits for them like for its inputs, and a change in them re-runs the checks (it changes no row).
   */
  GoldJob checkedAgainst(List<TableName> tables) {
    this.checkedAgainst = tables.stream().filter(t -> !t.equals(table()) && !reads().contains(t)).distinct().toList();
    return this;
  }

  /** Tables whose jobs must have finished before this one starts, although it does not read them. */
  GoldJob waitsFor(List<TableName> tables) {
    this.waitsFor = tables.stream().filter(t -> !t.equals(table()) && !reads().contains(t)).distinct().toList();
    return this;
  }

  @Override
  public final List<TableName> inputs() {
    return reads();
  }

  @Override
  public final List<TableName> orderAfter() {
    List<TableName> all = new ArrayList<>(checkedAgainst);
    waitsFor.stream().filter(t -> !all.contains(t)).forEach(all::add);
    return List.copyOf(all);
  }

  /** Every table whose version decides the output or its checks. */
  private List<TableName> watched() {
    List<TableName> all = new ArrayList<>(reads());
    orderAfter().stream().filter(t -> !all.contains(t)).forEach(all::add);
    return all;
  }

  /** The output for this run; reads inputs through {@code ctx}, writes nothing. */
  abstract Dataset<Row> build(JobContext ctx);

  /**
   * The output for a partial rebuild from {@code from} (null: the whole table). Only rows with
   * {@link #monthColumn} {@code >= from} are written; the default builds every row and lets the
   * publish keep those. A table whose rows do not depend on earlier periods builds only these.
   */
  Dataset<Row> build(JobContext ctx, LocalDate from) {
    return build(ctx);
  }

  /**
   * The first value of {@link #monthColumn} to rewrite when every change is on or after the first
   * day of {@code month}: the month itself for month-grained tables; a week-grained table starts at
   * the Monday of the week that day falls in.
   */
  LocalDate periodFrom(LocalDate month) {
    return month;
  }

  /**
   * The latest day a partial rebuild starts at whatever changed (before {@link #periodFrom}): the
   * first day of the month before the run date's, or of the previous run's month when earlier (the
   * current month is month-to-date, and months may have completed since). A table whose rows depend
   * only on changes its inputs' comparisons see, not on the run date, starts at the previous run's date.
   */
  LocalDate latestFrom(LocalDate runDate, LocalDate previousRun) {
    LocalDate from = runDate.withDayOfMonth(1).minusMonths(1);
    LocalDate previous = previousRun.withDayOfMonth(1);
    return previous.isBefore(from) ? previous : from;
  }

  /** The month column for partial rebuilds, or null to publish the whole table. */
  String monthColumn() {
    return null;
  }

  /** The table's partition columns (none by default), set when a whole build writes it. */
  List<String> partitionBy() {
    return List.of();
  }

  /** Configuration sections the output depends on (a change rebuilds the table). */
  List<String> configPaths() {
    return List.of();
  }

  /** Version of the table's columns in this release; a table published with an older one is rebuilt. */
  int schemaVersion() {
    return 1;
  }

  /** Whether an empty output is a legitimate result (otherwise it fails the gate when an input has rows). */
  boolean mayBeEmpty() {
    return false;
  }

  /** What a change of one input between two of its versions means for a month-grained table. */
  record Effect(boolean whole, LocalDate from) {
    static final Effect WHOLE = new Effect(true, null);
    static final Effect NONE = new Effect(false, null);

    static Effect from(LocalDate month) {
      return month == null ? NONE : new Effect(false, month);
    }
  }

  /**
   * The earliest month a change of {@code input} from {@code oldVersion} to its current version
   * can affect. The default: the whole table, unless the input is only checked against.
   */
  Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
    return checkedAgainst.contains(input) || waitsFor.contains(input) ? Effect.NONE : Effect.WHOLE;
  }

  /** The parts of the state that decide whether the output must change; the default is the inputs' versions. */
  Map<String, String> fingerprint(JobContext ctx) {
    Map<String, String> fp = new LinkedHashMap<>();
    for (TableName in : watched()) {
      fp.put("version:" + in, Long.toString(ctx.version(in)));
    }
    return fp;
  }

  @Override public String name() { return table().toString(); }
  @Override public String layer() { return "gold"; }
  @Override public List<TableName> outputs() { return List.of(table()); }

  @Override
  public JobResult run(JobContext ctx) {
    io.profitos.lakehouse.core.job.StepLog check = ctx.step("fingerprint");
    ctx.requireInputs(reads()); // skipped when an input does not exist yet
    Map<String, String> fp = new LinkedHashMap<>();
    fp.put("run_date", ctx.runDate().toString());
    fp.put("config", configHash(ctx));
    fp.put("schema:" + table(), Integer.toString(schemaVersion()));
    fp.putAll(fingerprint(ctx));
    boolean exists = ctx.exists(table());
    boolean same = exists && !ctx.fullRefresh() && fp.entrySet().stream().allMatch(e -> e.getValue().equals(ctx.state(e.getKey())));
    check.done("inputs", fp.size() - 3, "changed", !same);
    if (same) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    io.profitos.lakehouse.core.job.StepLog plan = ctx.step("plan");
    List<String> why = new ArrayList<>();
    LocalDate from = exists && !ctx.fullRefresh() && monthColumn() != null ? partialFrom(ctx, fp, why) : null;
    plan.done("rebuild", from == null ? "whole" : "from " + from, "because", String.join("; ", why));
    io.profitos.lakehouse.core.job.StepLog buildStep = ctx.step("build");
    Dataset<Row> out = build(ctx, from);
    buildStep.done("plan", "lazy");
    Publish how = from == null ? Publish.overwrite() : Publish.replaceFrom(monthColumn(), from);
    if (!partitionBy().isEmpty()) {
      how = how.withPartitionBy(partitionBy());
    }
    long rows = ctx.publish(table(), out, mayBeEmpty() ? how.withEmptyAllowed() : how).rowsWritten();
    fp.forEach(ctx::record);
    return JobResult.succeeded(rows, rows, rows + " rows written to " + table() + (from == null ? "" : " from " + from), Map.of());
  }

  /**
   * The first month to rewrite, or null to rebuild the whole table: never later than {@link
   * #latestFrom}, and as early as any changed input requires.
   */
  private LocalDate partialFrom(JobContext ctx, Map<String, String> fp, List<String> why) {
    String previousRun = ctx.state("run_date");
    if (previousRun == null || !fp.get("config").equals(ctx.state("config"))
        || !fp.get("schema:" + table()).equals(ctx.state("schema:" + table()))) {
      why.add(previousRun == null ? "no previous run" : "configuration or schema changed");
      return null;
    }
    LocalDate from = latestFrom(ctx.runDate(), LocalDate.parse(previousRun));
    for (TableName in : watched()) {
      String before = ctx.state("version:" + in);
      String now = fp.get("version:" + in);
      if (before == null) {
        why.add(in + " is new");
        return null;
      }
      if (before.equals(now)) {
        continue;
      }
      Effect e;
      try {
        e = affectedFrom(ctx, in, Long.parseLong(before));
      } catch (Exception unavailable) { // also Spark's checked SparkException when vacuumed files are opened
        // The old version is no longer readable (vacuumed): the change cannot be bounded.
        org.slf4j.LoggerFactory.getLogger(GoldJob.class).info("{}: cannot compare {} with version {} ({}); rebuilding",
            name(), in, before, io.profitos.lakehouse.core.job.JobRunner.rootMessage(unavailable));
        why.add(in + " version " + before + " unreadable");
        return null;
      }
      why.add(in + " changed: " + (e.whole() ? "whole" : e.from() == null ? "no effect" : "from " + e.from()));
      if (e.whole()) {
        return null;
      }
      if (e.from() != null && e.from().isBefore(from)) {
        from = e.from();
      }
    }
    return periodFrom(from);
  }

  private String configHash(JobContext ctx) {
    StringBuilder all = new StringBuilder();
    for (String path : configPaths()) {
      all.append(path).append('=').append(ConfigHash.of(ctx.settings().config(), path)).append(';');
    }
    return ConfigHash.sha256(all.toString());
  }
}
