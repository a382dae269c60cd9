package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.table.TableName;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationCanceled;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationError;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationFinish;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationTimeout;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.query_audit_log}: one row per statement a client sent (queries, commands and JDBC metadata calls), from
 * the Thrift server's own operation events: who (user and role), when, the statement, the tables and columns it
 * touched (from the governance check), how long it ran, and how it ended (succeeded, failed, refused, canceled,
 * timed_out) with the error or the refusal. Rows are appended in batches every {@code audit-flush-interval} and at
 * shutdown.
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
      .add("used_template", DataTypes.StringType, true)
      .add("tables", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("columns", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("query_duration_seconds", DataTypes.DoubleType, true)
      .add("rows_returned", DataTypes.LongType, true)
      .add("status", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, true);

  private record Started(String sessionId, String user, String statement, long startMillis) {}

  private final Map<String, Started> running = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Row> pending = new LinkedBlockingQueue<>();
  private final Map<String, SqlServerSettings.User> users;

  QueryAudit(Map<String, SqlServerSettings.User> users) {
    this.users = users;
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerThriftServerOperationStart s) {
      running.put(s.id(), new Started(s.sessionId(), s.userName(), s.statement(), s.startTime()));
    } else if (event instanceof SparkListenerThriftServerOperationFinish f) {
      end(f.id(), f.finishTime(), "succeeded", null);
    } else if (event instanceof SparkListenerThriftServerOperationError e) {
      boolean refused = e.errorMsg() != null && e.errorMsg().contains("Refused: ");
      end(e.id(), e.finishTime(), refused ? "refused" : "failed", e.errorMsg());
    } else if (event instanceof SparkListenerThriftServerOperationCanceled c) {
      end(c.id(), c.finishTime(), "canceled", null);
    } else if (event instanceof SparkListenerThriftServerOperationTimeout t) {
      end(t.id(), t.finishTime(), "timed_out", "the statement ran longer than its time limit");
    }
  }

  private void end(String id, long finishMillis, String status, String error) {
    Started s = running.remove(id);
    Governance.Touched touched = Governance.TOUCHED.remove(id);
    if (s == null) {
      return;
    }
    SqlServerSettings.User u = s.user() == null ? null : users.get(s.user());
    String message = error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error;
    pending.add(RowFactory.create(id, s.sessionId(), s.user(), u == null ? null : u.role(), new Timestamp(s.startMillis()),
        s.statement(), null, touched == null ? new String[0] : touched.tables().toArray(String[]::new),
        touched == null ? new String[0] : touched.columns().toArray(String[]::new), (finishMillis - s.startMillis()) / 1000.0, null,
        status, message));
  }

  /** Appends what has ended since the last flush; returns the number of rows written. */
  int flush(SparkSession spark, String location) {
    List<Row> rows = new ArrayList<>();
    pending.drainTo(rows);
    if (rows.isEmpty()) {
      return 0;
    }
    try {
      // A write by location (the server's sessions cannot name tables by path in SQL); the first one creates the table.
      Governance.internal(() -> spark.createDataFrame(rows, SCHEMA).write().format("delta").mode("append")
          .option("userMetadata", "lakehouse sql-server audit").save(location));
    } catch (Exception e) { // Scala code throws checked exceptions undeclared
      pending.addAll(rows); // not lost: the next flush writes them
      throw e;
    }
    return rows.size();
  }
}
