package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.gold.ExceptionTransforms;
import io.profitos.lakehouse.gold.MetricContracts;
import io.profitos.lakehouse.gold.SaasKpis;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.DateTimeException;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The decision log and action tracker, {@code ops.decision_log}: what the weekly revenue meeting decided about an
 * exception, who does it by when, and the closeout criterion that says it worked. Every change (added, closed) is a new
 * row version of its decision, inserted and never updated; the current state of a decision is its highest revision. An
 * action closes only when its criterion, a contract metric's value for a segment and a period, evaluated on gold at a
 * table version recorded with the closing, is met.
 */
final class DecisionLog {
  static final TableName TABLE = TableName.of("ops", "decision_log");
  static final List<String> OPERATORS = List.of("<=", ">=", "<", ">", "=");
  static final String OPEN = "open";
  static final String CLOSED = "closed";
  static final String OVERDUE = "overdue";
  private static final int ATTEMPTS = 5;

  static final StructType SCHEMA = new StructType()
      .add("decision_id", DataTypes.StringType).add("revision", DataTypes.IntegerType).add("change", DataTypes.StringType)
      .add("change_id", DataTypes.StringType).add("recorded_at", DataTypes.TimestampType)
      .add("decided_on", DataTypes.DateType).add("forum", DataTypes.StringType).add("decision_owner", DataTypes.StringType)
      .add("trigger_exception", DataTypes.StringType).add("action", DataTypes.StringType)
      .add("expected_impact", DataTypes.StringType).add("assignee", DataTypes.StringType).add("due_date", DataTypes.DateType)
      .add("analysis_url", DataTypes.StringType)
      .add("criterion_metric", DataTypes.StringType).add("criterion_table", DataTypes.StringType)
      .add("criterion_column", DataTypes.StringType).add("criterion_segment", DataTypes.StringType)
      .add("criterion_period", DataTypes.DateType).add("criterion_period_grain", DataTypes.StringType)
      .add("criterion_operator", DataTypes.StringType).add("criterion_value", DataTypes.DoubleType)
      .add("status", DataTypes.StringType).add("evaluated_value", DataTypes.DoubleType)
      .add("evaluated_table_version", DataTypes.LongType).add("note", DataTypes.StringType);

  /**
   * A closeout criterion: {@code metric} (a contract of conf/metrics.conf) in its table's {@code column}, for
   * {@code segment} (the table's segment or rep_segment; {@value SaasKpis#ALL} when the table has no breakdown) and the
   * period starting {@code period} of {@code grain} (month, week or quarter), compared with {@code value}.
   */
  record Criterion(String metric, TableName table, String column, String segment, LocalDate period, String grain,
      String operator, double value) {

    boolean metBy(double actual) {
      return switch (operator) {
        case "<" -> actual < value;
        case "<=" -> actual <= value;
        case ">" -> actual > value;
        case ">=" -> actual >= value;
        case "=" -> Math.abs(actual - value) <= 1e-9 * Math.max(1.0, Math.abs(value));
        default -> throw new IllegalStateException("operator " + operator);
      };
    }

    /** {@code logo_churn_rate for SMB in 2026-11 <= 0.03}. */
    String describe() {
      return metric + " for " + segment + " in " + periodLabel(period, grain) + " " + operator + " " + number(value);
    }
  }

  /** A decision as recorded: one row version. */
  record Entry(String decisionId, int revision, String change, Instant recordedAt, LocalDate decidedOn, String forum,
      String decisionOwner, String triggerException, String action, String expectedImpact, String assignee,
      LocalDate dueDate, String analysisUrl, Criterion criterion, String status, Double evaluatedValue,
      Long evaluatedTableVersion, String note) {

    /** open, overdue (open past its due date on {@code today}) or closed. */
    String statusOn(LocalDate today) {
      return status.equals(OPEN) && dueDate.isBefore(today) ? OVERDUE : status;
    }
  }

  /** What {@code add} is given. */
  record NewAction(LocalDate decidedOn, String forum, String decisionOwner, String triggerException, String action,
      String expectedImpact, String assignee, LocalDate dueDate, String analysisUrl, String metric, String segment,
      String period, String operator, String value) {}

  /** The criterion's value on gold as evaluated: the value (null when the period has no value yet) and the table version. */
  record Evaluation(Double value, long tableVersion, String why) {}

  private final SparkSession spark;
  private final TableCatalog catalog;
  private final MetricContracts contracts;

  /** A log to read only (its current and past versions): adding needs the contracts. */
  DecisionLog(SparkSession spark, TableCatalog catalog) {
    this(spark, catalog, new MetricContracts(List.of()));
  }

  DecisionLog(SparkSession spark, TableCatalog catalog, MetricContracts contracts) {
    this.spark = spark;
    this.catalog = catalog;
    this.contracts = contracts;
  }

  /** Validates {@code a} (its criterion against the contracts and the gold table), records it as revision 1 of a new id. */
  Entry add(NewAction a, Instant now) {
    require(a.forum(), "--forum", "the meeting that decided, e.g. \"weekly revenue meeting\"");
    require(a.decisionOwner(), "--owner", "who owns the decision");
    require(a.triggerException(), "--exception", "the exception that triggered it, e.g. \"mrr mrr_mom_drop 2026-11 All\"");
    require(a.expectedImpact(), "--impact", "the impact expected, e.g. \"logo churn back under 3% by January\"");
    require(a.assignee(), "--assignee", "who does it");
    require(a.analysisUrl(), "--analysis", "a link to the supporting analysis");
    if (a.action() == null || !MetricContracts.ACTIONS.contains(a.action())) {
      throw LakehouseException.usage("--action " + (a.action() == null ? "is missing" : "'" + a.action() + "' is not an action")
          + ": give one of " + String.join(", ", MetricContracts.ACTIONS.stream().sorted().toList()) + ".");
    }
    if (a.dueDate() == null) {
      throw LakehouseException.usage("--due is missing: give the date the action is due, YYYY-MM-DD.");
    }
    if (a.dueDate().isBefore(a.decidedOn())) {
      throw LakehouseException.usage("--due " + a.dueDate() + " is before the decision's date " + a.decidedOn()
          + ": give a due date on or after it.");
    }
    Criterion criterion = criterion(a);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      String id = "A-" + (highestNumber() + 1);
      Row row = row(id, 1, "added", now, a.decidedOn(), a.forum(), a.decisionOwner(), a.triggerException(), a.action(),
          a.expectedImpact(), a.assignee(), a.dueDate(), a.analysisUrl(), criterion, OPEN, null, null, null);
      if (insert(row, attempt)) {
        return entry(row);
      }
    }
    throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Could not record the decision: other commands took every new "
        + "id of " + ATTEMPTS + " attempts; run the command again.");
  }

  /**
   * Closes {@code id} when its criterion is met on gold now: a new revision, status closed, with the value and the table
   * version it was evaluated at. When it is not met, nothing is written and the exception says the current value.
   */
  Entry close(String id, String note, Instant now) {
    for (int attempt = 1; ; attempt++) {
      Entry current = current(id);
      if (current.status().equals(CLOSED)) {
        throw LakehouseException.usage("Action " + id + " is already closed (revision " + current.revision() + ", at "
            + current.recordedAt() + ", " + current.criterion().metric() + " = " + number(current.evaluatedValue())
            + " in " + current.criterion().table() + " version " + current.evaluatedTableVersion() + ").");
      }
      Criterion c = current.criterion();
      Evaluation e = evaluate(c);
      if (e.value() == null) {
        throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Action " + id + " stays open: " + e.why()
            + " (" + c.table() + " version " + e.tableVersion() + "); its criterion is " + c.describe() + ".");
      }
      if (!c.metBy(e.value())) {
        throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Action " + id + " stays open: " + c.metric() + " for "
            + c.segment() + " in " + periodLabel(c.period(), c.grain()) + " is " + number(e.value()) + " (" + c.table()
            + " version " + e.tableVersion() + "); its criterion is " + c.describe() + ".");
      }
      Row row = row(id, current.revision() + 1, "closed", now, current.decidedOn(), current.forum(), current.decisionOwner(),
          current.triggerException(), current.action(), current.expectedImpact(), current.assignee(), current.dueDate(),
          current.analysisUrl(), c, CLOSED, e.value(), e.tableVersion(), note);
      if (insert(row, attempt)) {
        return entry(row);
      }
      // Not recorded: another command's commit came first. Its own revision of this action: say so; another action's: again.
      if (current(id).revision() != current.revision()) {
        throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Action " + id + " was changed by another command while "
            + "this one closed it: see 'lakehouse decisions history " + id + "', then close it again if it is still open.");
      }
    }
  }

  /** The current version of every decision, by id number. */
  List<Entry> current() {
    if (!exists()) {
      return List.of();
    }
    Dataset<Row> latest = read().withColumn("_n", row_number().over(Window.partitionBy("decision_id").orderBy(col("revision").desc())))
        .where(col("_n").equalTo(1)).drop("_n");
    return sorted(latest.collectAsList().stream().map(DecisionLog::entry).toList());
  }

  /** The current version of {@code id}; a usage error naming the known ids when there is none. */
  Entry current(String id) {
    List<Entry> versions = history(id);
    return versions.get(versions.size() - 1);
  }

  /** Every version of {@code id}, oldest first. */
  List<Entry> history(String id) {
    List<Entry> versions = exists() ? read().where(col("decision_id").equalTo(id)).orderBy("revision").collectAsList().stream()
        .map(DecisionLog::entry).toList() : List.of();
    if (versions.isEmpty()) {
      throw LakehouseException.usage("No decision '" + id + "' in " + TABLE + ": 'lakehouse decisions list --status all' lists them.");
    }
    return versions;
  }

  /** The criterion's value on gold at the table's current version. */
  Evaluation evaluate(Criterion c) {
    String location = catalog.location(c.table());
    long version = DeltaTables.version(spark, location);
    Dataset<Row> table = spark.read().format("delta").option("versionAsOf", version).load(location);
    List<Row> rows = criterionRows(table, c).collectAsList();
    if (rows.size() > 1) {
      throw LakehouseException.usage("The criterion " + c.describe() + " matches " + rows.size() + " rows of " + c.table()
          + " (it has more keys than a period and a segment): choose a metric of a table with one row per period and segment.");
    }
    String where = c.segment() + " in " + periodLabel(c.period(), c.grain());
    if (rows.isEmpty()) {
      return new Evaluation(null, version, c.table() + " has no row for " + where + " yet");
    }
    if (!rows.get(0).getBoolean(1)) {
      return new Evaluation(null, version, where + " is not complete yet (its " + c.metric() + " is "
          + number(rows.get(0).isNullAt(0) ? null : rows.get(0).getDouble(0)) + " so far)");
    }
    if (rows.get(0).isNullAt(0)) {
      return new Evaluation(null, version, c.metric() + " has no value for " + where + " yet");
    }
    return new Evaluation(rows.get(0).getDouble(0), version, null);
  }

  /**
   * A KPI table -> the criterion's value (as a double) and whether its period is complete (is_complete, true for a
   * table without it) in its rows for the criterion's period and segment.
   */
  static Dataset<Row> criterionRows(Dataset<Row> table, Criterion c) {
    String[] period = ExceptionTransforms.period(table);
    String breakdown = ExceptionTransforms.breakdown(table);
    Dataset<Row> inPeriod = table.where(col(period[0]).equalTo(lit(Date.valueOf(c.period()))));
    if (breakdown != null) {
      inPeriod = inPeriod.where(col(breakdown).equalTo(lit(c.segment())));
    }
    Column complete = List.of(table.columns()).contains("is_complete") ? col("is_complete") : lit(true);
    return inPeriod.select(col(c.column()).cast(DataTypes.DoubleType).as("value"), complete.as("is_complete"));
  }

  /** The criterion of {@code a}, checked against the metric's contract and the schema and segments of its table. */
  private Criterion criterion(NewAction a) {
    if (a.metric() == null) {
      throw LakehouseException.usage("--metric is missing: the closeout criterion names a metric of conf/metrics.conf, e.g. "
          + "--metric logo_churn_rate --segment SMB --period 2026-12 --operator '<=' --value 0.03.");
    }
    MetricContracts.Contract contract = contracts.named(a.metric());
    if (contract == null) {
      throw LakehouseException.usage("--metric '" + a.metric() + "' has no contract in conf/metrics.conf: 'lakehouse catalog docs' "
          + "lists the metrics.");
    }
    if (a.operator() == null || !OPERATORS.contains(a.operator())) {
      throw LakehouseException.usage("--operator " + (a.operator() == null ? "is missing" : "'" + a.operator() + "' is not one")
          + ": give one of " + String.join(" ", OPERATORS) + " (quote it in a shell: --operator '<=').");
    }
    double value;
    try {
      value = Double.parseDouble(a.value() == null ? "" : a.value());
    } catch (NumberFormatException e) {
      throw LakehouseException.usage("--value " + (a.value() == null ? "is missing" : "'" + a.value() + "' is not a number")
          + ": give the value the metric must reach, e.g. 0.03 for 3%.");
    }
    if (!catalog.exists(spark, contract.table())) {
      throw LakehouseException.usage("Metric " + a.metric() + " lives in " + contract.table() + ", which does not exist yet: build "
          + "gold first ('lakehouse run gold').");
    }
    Dataset<Row> table = spark.read().format("delta").load(catalog.location(contract.table()));
    String[] period;
    try {
      period = ExceptionTransforms.period(table);
    } catch (IllegalArgumentException e) {
      throw LakehouseException.usage("Metric " + a.metric() + " (" + contract.table() + ") has no month, week or quarter column, "
          + "so it cannot be a closeout criterion: choose a metric of a monthly, weekly or quarterly KPI table.");
    }
    String grain = period[1];
    LocalDate start = periodStart(a.period(), grain);
    String breakdown = ExceptionTransforms.breakdown(table);
    String segment = a.segment() == null ? SaasKpis.ALL : a.segment();
    if (breakdown == null && !segment.equals(SaasKpis.ALL)) {
      throw LakehouseException.usage("--segment " + segment + ": " + contract.table() + " has no segment, so " + a.metric()
          + " is for the whole business; leave --segment out.");
    }
    List<Column> keys = new ArrayList<>(List.of(col(period[0])));
    if (breakdown != null) {
      keys.add(col(breakdown));
    }
    if (!table.groupBy(keys.toArray(Column[]::new)).count().where(col("count").gt(1)).limit(1).isEmpty()) {
      throw LakehouseException.usage("Metric " + a.metric() + " (" + contract.table() + ") has more than one row per " + grain
          + (breakdown == null ? "" : " and " + breakdown) + " (the table has other keys), so no single value could close the "
          + "action: choose a metric of a table with one row per " + grain + (breakdown == null ? "" : " and " + breakdown) + ".");
    }
    if (breakdown != null) {
      List<String> known = table.select(col(breakdown)).distinct().where(col(breakdown).isNotNull()).orderBy(breakdown)
          .collectAsList().stream().map(r -> r.getString(0)).toList();
      if (!known.contains(segment)) {
        throw LakehouseException.usage("--segment '" + segment + "' is not a " + breakdown + " of " + contract.table()
            + ": give one of " + String.join(", ", known) + ".");
      }
    }
    return new Criterion(a.metric(), contract.table(), contract.column(), segment, start, grain, a.operator(), value);
  }

  /** The first day of the period {@code text} names: YYYY-MM (month), YYYY-Www (ISO week), YYYY-Qn (quarter) or its first day. */
  static LocalDate periodStart(String text, String grain) {
    String example = switch (grain) {
      case "month" -> "2026-12";
      case "week" -> "2026-W49";
      default -> "2026-Q4";
    };
    if (text == null) {
      throw LakehouseException.usage("--period is missing: give the " + grain + " the criterion is for, e.g. " + example + ".");
    }
    try {
      LocalDate start;
      if (grain.equals("month") && text.matches("\\d{4}-\\d{2}")) {
        start = LocalDate.parse(text + "-01");
      } else if (grain.equals("week") && text.matches("\\d{4}-W\\d{2}")) {
        int year = Integer.parseInt(text.substring(0, 4));
        int week = Integer.parseInt(text.substring(6));
        LocalDate probe = LocalDate.of(year, 1, 4).with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week);
        if (week < 1 || probe.get(IsoFields.WEEK_BASED_YEAR) != year) {
          throw LakehouseException.usage("--period " + text + ": " + year + " has no ISO week " + week + ".");
        }
        start = probe.with(DayOfWeek.MONDAY);
      } else if (grain.equals("quarter") && text.matches("\\d{4}-Q[1-4]")) {
        start = LocalDate.of(Integer.parseInt(text.substring(0, 4)), 3 * (text.charAt(6) - '1') + 1, 1);
      } else {
        start = LocalDate.parse(text);
      }
      if (!start.equals(startOf(start, grain))) {
        throw LakehouseException.usage("--period " + text + " is not the first day of a " + grain + ": give " + example
            + " or the " + grain + "'s first day (" + startOf(start, grain) + ").");
      }
      return start;
    } catch (DateTimeException e) {
      throw LakehouseException.usage("--period '" + text + "' is not a " + grain + ": give it as " + example + ".");
    }
  }

  private static LocalDate startOf(LocalDate day, String grain) {
    return switch (grain) {
      case "month" -> day.withDayOfMonth(1);
      case "week" -> day.with(DayOfWeek.MONDAY);
      default -> LocalDate.of(day.getYear(), 3 * ((day.getMonthValue() - 1) / 3) + 1, 1);
    };
  }

  /** 2026-11, 2026-W47 or 2026-Q4. */
  static String periodLabel(LocalDate start, String grain) {
    return switch (grain) {
      case "month" -> start.toString().substring(0, 7);
      case "week" -> String.format(Locale.ROOT, "%d-W%02d", start.get(IsoFields.WEEK_BASED_YEAR),
          start.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      default -> start.getYear() + "-Q" + ((start.getMonthValue() - 1) / 3 + 1);
    };
  }

  static String number(Double v) {
    if (v == null) {
      return "none";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
  }

  private static void require(String value, String option, String what) {
    if (value == null || value.isBlank()) {
      throw LakehouseException.usage(option + " is missing: give " + what + ".");
    }
  }

  private boolean exists() {
    return catalog.exists(spark, TABLE);
  }

  private Dataset<Row> read() {
    return spark.read().format("delta").load(catalog.location(TABLE));
  }

  /** The highest number of an A-n id, 0 when there is none. */
  private long highestNumber() {
    if (!exists()) {
      return 0;
    }
    Row r = read().select(max(org.apache.spark.sql.functions.regexp_extract(col("decision_id"), "^A-(\\d+)$", 1)
        .cast(DataTypes.LongType))).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  /**
   * Inserts {@code row} unless its decision already has that revision (another command's change won): a merge, so two
   * commands adding or closing at once cannot both write one revision (the later commit conflicts and inserts nothing).
   * Returns whether this row is the one recorded.
   */
  boolean insert(Row row, int attempt) {
    DeltaTables.ensure(spark, catalog.location(TABLE), SCHEMA, List.of(), Map.of());
    try {
      DeltaTable.forPath(spark, catalog.location(TABLE)).as("t")
          .merge(spark.createDataFrame(List.of(row), SCHEMA).as("s"),
              col("t.decision_id").equalTo(col("s.decision_id")).and(col("t.revision").equalTo(col("s.revision"))))
          .whenNotMatched().insertAll()
          .execute();
    } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
      if (attempt >= ATTEMPTS) {
        throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Could not record the decision: " + TABLE + " kept changing "
            + "under " + ATTEMPTS + " attempts (" + e.getClass().getSimpleName() + "); run the command again.");
      }
      return false;
    }
    return read().where(col("change_id").equalTo(row.getString(3))).limit(1).count() == 1;
  }

  static Row row(String id, int revision, String change, Instant at, LocalDate decidedOn, String forum, String owner,
      String trigger, String action, String impact, String assignee, LocalDate due, String analysis, Criterion c, String status,
      Double evaluated, Long tableVersion, String note) {
    return new GenericRowWithSchema(new Object[] {id, revision, change, UUID.randomUUID().toString(), Timestamp.from(at), Date.valueOf(decidedOn),
        forum, owner, trigger, action, impact, assignee, Date.valueOf(due), analysis, c.metric(), c.table().toString(), c.column(),
        c.segment(), Date.valueOf(c.period()), c.grain(), c.operator(), c.value(), status, evaluated, tableVersion, note}, SCHEMA);
  }

  private static Entry entry(Row r) {
    Criterion c = new Criterion(r.getAs("criterion_metric"), TableName.parse(r.getAs("criterion_table")),
        r.getAs("criterion_column"), r.getAs("criterion_segment"), ((Date) r.getAs("criterion_period")).toLocalDate(),
        r.getAs("criterion_period_grain"), r.getAs("criterion_operator"), (Double) r.getAs("criterion_value"));
    return new Entry(r.getAs("decision_id"), r.<Integer>getAs("revision"), r.getAs("change"),
        ((Timestamp) r.getAs("recorded_at")).toInstant(), ((Date) r.getAs("decided_on")).toLocalDate(), r.getAs("forum"),
        r.getAs("decision_owner"), r.getAs("trigger_exception"), r.getAs("action"), r.getAs("expected_impact"),
        r.getAs("assignee"), ((Date) r.getAs("due_date")).toLocalDate(), r.getAs("analysis_url"), c, r.getAs("status"),
        r.getAs("evaluated_value"), r.getAs("evaluated_table_version"), r.getAs("note"));
  }

  private static List<Entry> sorted(List<Entry> entries) {
    List<Entry> out = new ArrayList<>(entries);
    out.sort(java.util.Comparator.comparingLong(e -> Long.parseLong(e.decisionId().replaceFirst("^A-", ""))));
    return out;
  }
}
