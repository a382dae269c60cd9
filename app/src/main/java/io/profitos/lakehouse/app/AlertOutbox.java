package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The alert outbox, {@code ops.alert_outbox}: each threshold breach of {@code gold.kpi_exceptions} at or above the configured
 * severity becomes an alert, filled from its threshold's message template, written as a JSON file and queued; then every
 * queued alert is posted to the webhook (when one is configured) until it answers 2xx, at least once. An alert's key (metric,
 * period, segment, threshold) is stable, so a receiver can drop a duplicate (a run that died between the receiver's 2xx and
 * the outbox update sends it again). A breach already alerted for its metric, period and segment is not alerted again unless
 * it escalates (a higher severity than any alert of that metric, period and segment).
 */
final class AlertOutbox {
  static final TableName TABLE = TableName.of("ops", "alert_outbox");
  static final TableName EXCEPTIONS = TableName.of("gold", "kpi_exceptions");
  static final List<String> SEVERITIES = List.of("warning", "high", "critical");
  static final String PENDING = "pending";
  static final String DELIVERED = "delivered";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static final StructType SCHEMA = new StructType()
      .add("alert_key", DataTypes.StringType).add("metric", DataTypes.StringType).add("threshold_name", DataTypes.StringType)
      .add("period", DataTypes.DateType).add("period_grain", DataTypes.StringType).add("segment", DataTypes.StringType)
      .add("value", DataTypes.DoubleType).add("threshold", DataTypes.DoubleType).add("severity", DataTypes.StringType)
      .add("severity_rank", DataTypes.IntegerType).add("owner", DataTypes.StringType).add("action", DataTypes.StringType)
      .add("message", DataTypes.StringType).add("json_file", DataTypes.StringType).add("queued_at", DataTypes.TimestampType)
      .add("status", DataTypes.StringType).add("attempts", DataTypes.IntegerType).add("last_error", DataTypes.StringType)
      .add("delivered_at", DataTypes.TimestampType);

  /** The alerts' settings: lakehouse.alerts. The webhook URL is read from the environment by the command, never from a file. */
  record Settings(String minSeverity, Path outboxDir, int attempts, Duration backoff, Duration timeout, Map<String, String> templates) {
    static Settings from(Config config) {
      Config c = config.getConfig("lakehouse.alerts");
      String min = c.getString("min-severity");
      if (!SEVERITIES.contains(min)) {
        throw LakehouseException.usage("Configuration error: lakehouse.alerts.min-severity = " + min + ": give warning, high or critical.");
      }
      Map<String, String> templates = new HashMap<>();
      c.getConfig("templates").root().keySet().forEach(k -> templates.put(k, c.getConfig("templates").getString(k)));
      if (!templates.containsKey("default")) {
        throw LakehouseException.usage("Configuration error: lakehouse.alerts.templates has no 'default' message.");
      }
      int attempts = c.getInt("webhook.attempts");
      if (attempts < 1) {
        throw LakehouseException.usage("Configuration error: lakehouse.alerts.webhook.attempts = " + attempts + ": give 1 or more.");
      }
      return new Settings(min, Path.of(c.getString("outbox-dir")), attempts, c.getDuration("webhook.backoff"),
          c.getDuration("webhook.timeout"), Map.copyOf(templates));
    }
  }

  /** What one send did: alerts queued (new or escalated), delivered, still pending (failed this time). */
  record Outcome(List<Row> queued, int delivered, List<String> failed) {}

  /** Called after the receiver accepted an alert and before the outbox records it (a test's crash point). */
  interface AfterAccepted {
    void accepted(String alertKey);
  }

  private final SparkSession spark;
  private final TableCatalog catalog;
  private final Settings settings;

  AlertOutbox(SparkSession spark, TableCatalog catalog, Settings settings) {
    this.spark = spark;
    this.catalog = catalog;
    this.settings = settings;
  }

  /**
   * {@code gold.kpi_exceptions} -> its breaches at or above {@code minSeverity}, in the outbox's terms: alert_key (metric,
   * period, segment, threshold), metric, threshold_name, period, period_grain, segment (the breakdown value; for a
   * blocked publish the table it blocked; else "All"), value, threshold, severity, severity_rank (1 warning, 2 high, 3 critical), owner, action.
   */
  static Dataset<Row> breaches(Dataset<Row> exceptions, String minSeverity) {
    Column rank = when(col("severity").equalTo("critical"), lit(3)).when(col("severity").equalTo("high"), lit(2))
        .when(col("severity").equalTo("warning"), lit(1)).otherwise(lit(0));
    // A blocked publish (metric quality_gate) has no breakdown: the table it blocked is what tells two of them apart.
    Column segment = org.apache.spark.sql.functions.coalesce(col("breakdown_value"),
        when(col("metric").equalTo("quality_gate"), col("table_name")), lit("All"));
    return exceptions.where(rank.geq(lit(SEVERITIES.indexOf(minSeverity) + 1)))
        .select(org.apache.spark.sql.functions.concat_ws("|", col("metric"), col("period").cast(DataTypes.StringType), segment,
                col("threshold_name")).as("alert_key"),
            col("metric"), col("threshold_name"), col("period"), col("period_grain"), segment.as("segment"),
            col("value").cast(DataTypes.DoubleType).as("value"), col("threshold").cast(DataTypes.DoubleType).as("threshold"),
            col("severity"), rank.as("severity_rank"), col("owner"), col("action"));
  }

  /**
   * The breaches to alert now: not yet in the outbox, and either the first of their metric, period and segment or of a
   * higher severity than every alert of it there (an escalation). {@code breaches} and {@code outbox} are collected rows
   * (a run's exceptions are a few hundred at most).
   */
  static List<Row> toQueue(List<Row> breaches, List<Row> outbox) {
    Map<String, Integer> highest = new HashMap<>();
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Row r : outbox) {
      keys.add(r.getAs("alert_key"));
      highest.merge(group(r), r.<Integer>getAs("severity_rank"), Math::max);
    }
    List<Row> out = new ArrayList<>();
    List<Row> ordered = new ArrayList<>(breaches);
    // Most severe first, so of two new breaches of one metric, period and segment only the most severe is alerted.
    ordered.sort(java.util.Comparator.comparingInt((Row r) -> -r.<Integer>getAs("severity_rank"))
        .thenComparing(r -> r.<String>getAs("alert_key")));
    for (Row r : ordered) {
      int rank = r.<Integer>getAs("severity_rank");
      if (!keys.contains(r.<String>getAs("alert_key")) && rank > highest.getOrDefault(group(r), 0)) {
        out.add(r);
        highest.put(group(r), rank);
      }
    }
    return out;
  }

  private static String group(Row r) {
    return r.getAs("metric") + "|" + r.getAs("period") + "|" + r.getAs("segment");
  }

  /**
   * The notices of the decision log to its assignees, in the outbox's terms: one when an action is added
   * ({@code decision_log|A-<n>|added}) and one when it is open past its due date on {@code today}
   * ({@code decision_log|A-<n>|overdue}); severity "notice", owner the assignee. Each is queued once (by its key); a
   * closed action gets none.
   */
  static List<Row> notices(List<DecisionLog.Entry> decisions, java.time.LocalDate today) {
    List<Row> out = new ArrayList<>();
    for (DecisionLog.Entry e : decisions) {
      if (e.status().equals(DecisionLog.CLOSED)) {
        continue;
      }
      out.add(notice(e, "added", "Action " + e.decisionId() + " (" + e.action() + ") is assigned to " + e.assignee() + ", due "
          + e.dueDate() + ": " + e.expectedImpact() + ". It closes when " + e.criterion().describe() + ". Decided by "
          + e.decisionOwner() + " (" + e.forum() + ", " + e.decidedOn() + ") on " + e.triggerException() + "."));
      if (e.statusOn(today).equals(DecisionLog.OVERDUE)) {
        out.add(notice(e, "overdue", "Action " + e.decisionId() + " assigned to " + e.assignee() + " is overdue (due " + e.dueDate()
            + "): it closes when " + e.criterion().describe() + "; 'lakehouse decisions close " + e.decisionId()
            + "' once it is met."));
      }
    }
    return out;
  }

  private static Row notice(DecisionLog.Entry e, String kind, String message) {
    Object[] values = new Object[SCHEMA.size()];
    values[0] = "decision_log|" + e.decisionId() + "|" + kind;
    values[1] = "decision_log";
    values[2] = kind;
    values[3] = Date.valueOf(e.dueDate());
    values[4] = "day";
    values[5] = e.decisionId();
    values[8] = "notice";
    values[9] = 0;
    values[10] = e.assignee();
    values[11] = e.action();
    values[12] = message;
    return new GenericRowWithSchema(values, SCHEMA);
  }

  /** The message of a breach: its threshold's template, else the default, with ${...} filled in. */
  static String message(Row breach, Map<String, String> templates) {
    String template = templates.getOrDefault(breach.<String>getAs("threshold_name"), templates.get("default"));
    Double value = breach.getAs("value");
    Double threshold = breach.getAs("threshold");
    Map<String, String> values = new LinkedHashMap<>();
    values.put("metric", breach.getAs("metric"));
    values.put("period", String.valueOf(breach.<Date>getAs("period")));
    values.put("segment", breach.getAs("segment"));
    values.put("value", DecisionLog.number(value));
    values.put("value_pct", percent(value));
    values.put("threshold", DecisionLog.number(threshold));
    values.put("threshold_pct", percent(threshold));
    values.put("severity", breach.getAs("severity"));
    values.put("owner", breach.getAs("owner"));
    values.put("action", breach.getAs("action"));
    Matcher m = Pattern.compile("\\$\\{([a-z_]+)\\}").matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A ratio as a percent with one decimal, rounded half up on its decimal value (-0.0725 is -7.3%, not binary's -7.2%). */
  private static String percent(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? "none"
        : java.math.BigDecimal.valueOf(v).movePointRight(2).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString() + "%";
  }

  /**
   * Queues the breaches of {@code gold.kpi_exceptions} to alert now (their JSON files first, then one outbox commit), then,
   * when {@code webhook} is not null, posts every pending alert. Returns what it did.
   */
  Outcome send(URI webhook, Instant now, AfterAccepted afterAccepted) {
    List<Row> queued = queue(now);
    if (webhook == null) {
      return new Outcome(queued, 0, List.of());
    }
    int delivered = 0;
    List<String> failed = new ArrayList<>();
    HttpClient client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    List<Row> pending = pending();
    for (int i = 0; i < pending.size(); i++) {
      Row alert = pending.get(i);
      Posted p = post(client, webhook, alert);
      String key = alert.getAs("alert_key");
      int attempts = alert.<Integer>getAs("attempts") + p.attempts();
      if (p.error() == null) {
        afterAccepted.accepted(key);
        record(key, DELIVERED, attempts, null, Instant.now());
        delivered++;
      } else {
        record(key, PENDING, attempts, p.error(), null);
        failed.add(key + ": " + p.error());
        // The receiver is down: the others wait for the next send rather than hold the warehouse lease retrying each.
        pending.subList(i + 1, pending.size()).forEach(r -> failed.add(r.getAs("alert_key") + ": not tried (the one before failed)"));
        break;
      }
    }
    return new Outcome(queued, delivered, failed);
  }

  /** The outbox's alerts, newest first. */
  List<Row> list() {
    return catalog.exists(spark, TABLE) ? read().orderBy(col("queued_at").desc(), col("alert_key")).collectAsList() : List.of();
  }

  private List<Row> queue(Instant now) {
    if (!catalog.exists(spark, EXCEPTIONS)) {
      throw LakehouseException.usage(EXCEPTIONS + " does not exist yet: build gold first ('lakehouse run gold').");
    }
    List<Row> breaches = breaches(spark.read().format("delta").load(catalog.location(EXCEPTIONS)), settings.minSeverity())
        .collectAsList();
    List<Row> outbox = catalog.exists(spark, TABLE) ? read().select("alert_key", "metric", "period", "segment", "severity_rank")
        .collectAsList() : List.of();
    List<Row> rows = new ArrayList<>();
    List<Row> alerts = new ArrayList<>(toQueue(breaches, outbox));
    java.util.Set<String> keys = new java.util.HashSet<>();
    outbox.forEach(r -> keys.add(r.getAs("alert_key")));
    for (Row notice : notices(new DecisionLog(spark, catalog).current(), now.atZone(java.time.ZoneOffset.UTC).toLocalDate())) {
      if (!keys.contains(notice.<String>getAs("alert_key"))) {
        alerts.add(notice);
      }
    }
    for (Row b : alerts) {
      // A notice comes with its message (the outbox's columns); a breach (the 12 columns of breaches()) gets its template's.
      String message = b.size() > 12 ? b.getString(12) : message(b, settings.templates());
      Path file = settings.outboxDir().resolve(b.<String>getAs("alert_key").replaceAll("[^A-Za-z0-9_.-]+", "_") + ".json");
      Object[] values = new Object[SCHEMA.size()];
      for (int i = 0; i < 12; i++) {
        values[i] = b.get(i);
      }
      values[12] = message;
      values[13] = file.toString();
      values[14] = Timestamp.from(now);
      values[15] = PENDING;
      values[16] = 0;
      Row row = new GenericRowWithSchema(values, SCHEMA);
      write(file, json(row));
      rows.add(row);
    }
    if (!rows.isEmpty()) {
      DeltaTables.ensure(spark, catalog.location(TABLE), SCHEMA, List.of(), Map.of());
      DeltaTable.forPath(spark, catalog.location(TABLE)).as("t")
          .merge(spark.createDataFrame(rows, SCHEMA).as("s"), col("t.alert_key").equalTo(col("s.alert_key")))
          .whenNotMatched().insertAll()
          .execute();
    }
    return rows;
  }

  private List<Row> pending() {
    return catalog.exists(spark, TABLE) ? read().where(col("status").equalTo(PENDING)).orderBy("queued_at", "alert_key").collectAsList()
        : List.of();
  }

  private Dataset<Row> read() {
    return spark.read().format("delta").load(catalog.location(TABLE));
  }

  /** The key as an HTTP header value: visible ASCII kept, every other character percent-encoded (UTF-8). */
  static String headerSafe(String key) {
    StringBuilder out = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      out.append(b > 0x20 && b < 0x7f && b != '%' ? String.valueOf((char) b) : String.format(java.util.Locale.ROOT, "%%%02X", b & 0xff));
    }
    return out.toString();
  }

  /** A post's attempts, and its last error (null when the receiver answered 2xx). */
  private record Posted(String error, int attempts) {}

  /** Posts one alert, retrying with a doubling wait. */
  private Posted post(HttpClient client, URI webhook, Row alert) {
    HttpRequest request = HttpRequest.newBuilder(webhook).timeout(settings.timeout())
        .header("Content-Type", "application/json").header("Idempotency-Key", headerSafe(alert.getAs("alert_key")))
        .POST(HttpRequest.BodyPublishers.ofString(json(alert), StandardCharsets.UTF_8)).build();
    String error = null;
    long wait = settings.backoff().toMillis();
    for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
      try {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 == 2) {
          return new Posted(null, attempt);
        }
        error = "HTTP " + response.statusCode() + " from " + webhook.getHost();
      } catch (IOException e) {
        error = e.getClass().getSimpleName() + " posting to " + webhook.getHost() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Posted("interrupted", attempt);
      }
      if (attempt < settings.attempts()) {
        try {
          Thread.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Posted("interrupted", attempt);
        }
        wait *= 2;
      }
    }
    return new Posted(error, settings.attempts());
  }

  private void record(String key, String status, int attempts, String error, Instant deliveredAt) {
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("status", lit(status));
    set.put("attempts", lit(attempts));
    set.put("last_error", lit(error).cast(DataTypes.StringType));
    set.put("delivered_at", lit(deliveredAt == null ? null : Timestamp.from(deliveredAt)).cast(DataTypes.TimestampType));
    DeltaTable.forPath(spark, catalog.location(TABLE)).update(col("alert_key").equalTo(lit(key)), set);
  }

  /** The alert as the receiver gets it and as its file holds it. */
  static String json(Row alert) {
    com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
    for (String field : List.of("alert_key", "metric", "threshold_name", "period", "period_grain", "segment", "value", "threshold",
        "severity", "owner", "action", "message")) {
      Object v = alert.getAs(field);
      if (v == null || (v instanceof Double d && (d.isNaN() || d.isInfinite()))) {
        o.putNull(field);
      } else if (v instanceof Double d) {
        o.put(field, java.math.BigDecimal.valueOf(d));
      } else {
        o.put(field, String.valueOf(v));
      }
    }
    return o.toString();
  }

  private static void write(Path file, String json) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw LakehouseException.usage("Cannot write the alert file " + file + " (" + e.getMessage() + "): set lakehouse.alerts.outbox-dir "
          + "to a folder you can write to.");
    }
  }
}
