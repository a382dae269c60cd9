package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.table.TableName;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationCanceled;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationClosed;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationError;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationFinish;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationTimeout;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.query_audit_log}: one row per statement a client sent (queries, commands and JDBC metadata calls), from
 * the Thrift server's own operation events: who (user and role), when, the statement, whether it is an instance of a
 * {@code conf/sql} query or template (and which), the tables and columns it touched (from the governance check), how
 * long it ran, how many rows the client fetched, whether the result cache answered it, and how it ended with the error or the refusal: {@code succeeded},
 * {@code failed}, {@code refused} (a role rule), {@code canceled}, {@code timed_out} (the role's max-runtime) or
 * {@code over_limit} (the role's max-rows or max-concurrent). A statement's row is complete when the client closes it
 * (its rows are fetched by then); rows are appended in batches every {@code audit-flush-interval}, and at shutdown
 * with every statement that ended but was not closed.
 */
final class QueryAudit extends SparkListener {
  static final TableName TABLE = TableName.of("ops", "query_audit_log");
  static final StructType SCHEMA = new StructType()
      .add("statement_id", DataTypes.StringType, false)
      .add("session_id", DataTypes.StringType, true)
      .add("user_id", DataTypes.StringType, true)
      .add("user_role", DataTypes.StringType, true)
      .add("query_timestamp", DataTypes.TimestampType, false)
      .add("statement", DataTypes.StringType, true)
      .add("used_template", DataTypes.BooleanType, false)
      .add("query_name", DataTypes.StringType, true)
      .add("tables", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("columns", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("query_duration_seconds", DataTypes.DoubleType, true)
      .add("rows_returned", DataTypes.LongType, false)
      .add("served_from_cache", DataTypes.BooleanType, false)
      .add("status", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true);

  /** A statement from its start to its close. */
  private static final class Statement {
    final String sessionId;
    final String user;
    final String text;
    final long startMillis;
    volatile String status;
    volatile String error;
    volatile long finishMillis;

    Statement(String sessionId, String user, String text, long startMillis) {
      this.sessionId = sessionId;
      this.user = user;
      this.text = text;
      this.startMillis = startMillis;
    }
  }

  static final int COMPACT_EVERY = 50;
  private int appends;
  private final Map<String, Statement> open = new ConcurrentHashMap<>();
  // Kept apart from the statements' events, which Spark delivers on a thread of its own, maybe later than these calls.
  private final Map<String, AtomicLong> fetched = new ConcurrentHashMap<>();
  private final Set<String> cached = ConcurrentHashMap.newKeySet();
  private final Map<String, String> overLimit = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Row> pending = new LinkedBlockingQueue<>();
  private final Map<String, SqlServerSettings.User> users;
  private final QuerySet queries;

  QueryAudit(Map<String, SqlServerSettings.User> users, QuerySet queries) {
    this.users = users;
    this.queries = queries;
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerThriftServerOperationStart s) {
      open.putIfAbsent(s.id(), new Statement(s.sessionId(), s.userName(), s.statement(), s.startTime()));
    } else if (event instanceof SparkListenerThriftServerOperationFinish f) {
      ended(f.id(), f.finishTime(), "succeeded", null);
    } else if (event instanceof SparkListenerThriftServerOperationError e) {
      String message = e.errorMsg() == null ? "" : e.errorMsg();
      String status = message.contains("Refused: ") ? "refused" : message.startsWith("Timed out: ") ? "timed_out" : "failed";
      ended(e.id(), e.finishTime(), status, e.errorMsg());
    } else if (event instanceof SparkListenerThriftServerOperationCanceled c) {
      ended(c.id(), c.finishTime(), "canceled", null);
    } else if (event instanceof SparkListenerThriftServerOperationTimeout t) {
      ended(t.id(), t.finishTime(), "timed_out", "the statement ran longer than the client's query timeout");
    } else if (event instanceof SparkListenerThriftServerOperationClosed c) {
      Statement s = open.remove(c.id());
      if (s != null) {
        if (s.status == null) { // closed while it ran
          s.status = "canceled";
          s.finishMillis = c.closeTime();
        }
        pending.add(row(c.id(), s));
      }
    }
  }

  private void ended(String id, long finishMillis, String status, String error) {
    Statement s = open.get(id);
    if (s != null && s.status == null) {
      s.finishMillis = finishMillis;
      s.error = error;
      s.status = status;
    }
  }

  /** Rows the client of a statement fetched (one page). */
  void returned(String id, long rows) {
    fetched.computeIfAbsent(id, k -> new AtomicLong()).addAndGet(rows);
  }

  /** A statement answered from the result cache. */
  void servedFromCache(String id) {
    cached.add(id);
  }

  /** A statement whose result had more rows than its role may fetch. */
  void overLimit(String id, String why) {
    overLimit.put(id, why);
  }

  /** A statement refused before it started (its role's max-concurrent): it has no start event. */
  void rejected(String id, String sessionId, String user, String statement, String why) {
    long now = System.currentTimeMillis();
    Statement s = new Statement(sessionId, user, statement, now);
    s.status = "over_limit";
    s.error = why;
    s.finishMillis = now;
    pending.add(row(id, s));
  }

  private Row row(String id, Statement s) {
    SqlServerSettings.User u = s.user == null ? null : users.get(s.user);
    Governance.Touched touched = Governance.TOUCHED.remove(id);
    Optional<String> name = s.text == null ? Optional.empty() : queries.nameOf(s.text);
    AtomicLong rows = fetched.remove(id);
    String limit = overLimit.remove(id);
    String status = limit != null ? "over_limit" : s.status;
    String message = limit != null ? limit : s.error == null ? null : s.error.length() > 2000 ? s.error.substring(0, 2000) : s.error;
    return RowFactory.create(id, s.sessionId, s.user, u == null ? null : u.role(), new Timestamp(s.startMillis), s.text,
        name.map(QuerySet::isTemplate).orElse(false), name.orElse(null),
        touched == null ? new String[0] : touched.tables().toArray(String[]::new),
        touched == null ? new String[0] : touched.columns().toArray(String[]::new),
        Math.max(0, s.finishMillis - s.startMillis) / 1000.0, rows == null ? 0L : rows.get(), cached.remove(id), status, message);
  }

  /**
   * Appends what has ended since the last flush; at {@code shutdown}, also every statement that ended but that its
   * client had not closed. Returns the number of rows written.
   */
  int flush(SparkSession spark, String location, boolean shutdown) {
    if (shutdown) {
      for (String id : List.copyOf(open.keySet())) {
        Statement s = open.get(id);
        if (s != null && s.status != null && open.remove(id, s)) {
          pending.add(row(id, s));
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    pending.drainTo(rows);
    if (rows.isEmpty()) {
      return 0;
    }
    try {
      // A write by location (the server's sessions cannot name tables by path in SQL); the first one creates the table.
      Governance.internal(() -> spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("append")
          // A log written by an older server gains the columns added since (never loses a row to a schema change).
          .option("mergeSchema", "true").option("userMetadata", "lakehouse sql-server audit").save(location));
    } catch (Exception e) { // Scala code throws checked exceptions undeclared
      pending.addAll(rows); // not lost: the next flush writes them
      throw e;
    }
    // An append a flush makes a small file: the log is compacted every COMPACT_EVERY appends, so the queries that read
    // it (the pipeline-health dashboard) do not slow down as it grows.
    if (++appends % COMPACT_EVERY == 0) {
      Governance.internal(() -> io.delta.tables.DeltaTable.forPath(spark, location).optimize().executeCompaction());
    }
    return rows.size();
  }
}
