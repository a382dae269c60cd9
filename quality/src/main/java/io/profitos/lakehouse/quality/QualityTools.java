package io.profitos.lakehouse.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.amazon.deequ.suggestions.ConstraintSuggestion;
import com.amazon.deequ.suggestions.ConstraintSuggestionResult;
import com.amazon.deequ.suggestions.ConstraintSuggestionRunner;
import com.amazon.deequ.suggestions.Rules;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import scala.collection.JavaConverters;

/** The data person's tools: validate any table or file with any suite, draft a suite, the weekly data-quality report. */
public final class QualityTools {
  private QualityTools() {}

  /** Reads a file or folder for validation: delta, parquet, csv (header, inferred types) or json (lines). */
  public static Dataset<Row> read(SparkSession spark, String path, String format) {
    try {
      return switch (format) {
        case "delta" -> spark.read().format("delta").load(path);
        case "parquet" -> spark.read().parquet(path);
        case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(path);
        case "json" -> spark.read().json(path);
        default -> throw LakehouseException.usage("--format must be delta, parquet, csv or json, not '" + format + "'.");
      };
    } catch (LakehouseException e) {
      throw e;
    } catch (RuntimeException e) {
      throw LakehouseException.usage("Cannot read " + path + " as " + format + ": " + SuiteValidator.firstLine(e)
          + ". Check the path and --format.");
    }
  }

  /**
   * Validates data with a suite, as the gates do but publishing nothing. The table's metrics
   * history (when a table is given) is read for anomaly expectations and left unchanged.
   */
  public static ValidationResult validate(SparkSession spark, LakehouseSettings settings, ExpectationSuite suite, Dataset<Row> data,
      TableName table, String what, LocalDate runDate) {
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    SuiteValidator.Context ctx = new SuiteValidator.Context(spark, catalog, runDate,
        table == null ? null : QualityGate.metricsRepository(catalog, table), false);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("engine", "deequ 2.1.0 (Profit OS Lakehouse)");
    meta.put("data", what);
    meta.put("run_date", runDate.toString());
    if (table != null && DeltaTable.isDeltaTable(spark, catalog.location(table))) {
      meta.put("table_version", DeltaTable.forPath(spark, catalog.location(table)).history(1).first().getLong(0));
    }
    return new ValidationResult(suite, SuiteValidator.validate(data, suite, ctx), meta);
  }

  private static final Pattern CALL = Pattern.compile("^\\.(\\w+)\\(\"([^\"]+)\"(.*)\\)$");
  private static final Pattern AT_LEAST = Pattern.compile("_ >= ([0-9.Ee-]+)");
  private static final Pattern ARRAY = Pattern.compile("Array\\((.*?)\\)");

  /**
   * Deequ's constraint suggestions for {@code data} as a draft Great Expectations suite: every
   * suggestion becomes the GE expectation that means the same, with severity warning and Deequ's
   * reason in {@code meta.notes}, for a person to review before it gates anything.
   */
  public static String suggest(Dataset<Row> table, String suiteName) {
    // Deequ profiles flat columns; nested ones and the lineage columns (_batch_id, ...) are left out.
    Dataset<Row> data = table.select(java.util.Arrays.stream(table.schema().fields())
        .filter(f -> !f.name().startsWith("_") && !(f.dataType() instanceof org.apache.spark.sql.types.ArrayType
            || f.dataType() instanceof org.apache.spark.sql.types.MapType || f.dataType() instanceof org.apache.spark.sql.types.StructType))
        .map(f -> col("`" + f.name() + "`")).toArray(Column[]::new));
    ConstraintSuggestionResult result;
    java.io.PrintStream stdout = System.out;
    System.setOut(System.err); // Deequ's profiler prints notes ("Unable to map type DateType") to stdout, where the suite goes.
    try {
      result = ConstraintSuggestionRunner.apply().onData(data).addConstraintRules(Rules.DEFAULT()).run();
    } finally {
      System.setOut(stdout);
    }
    List<Map<String, Object>> expectations = new ArrayList<>();
    expectations.add(expectation("expect_table_row_count_to_be_between", Map.of("min_value", 1), "the table is not empty"));
    for (StructField f : data.schema().fields()) {
      expectations.add(expectation("expect_column_values_to_be_of_type",
          Map.of("column", f.name(), "type_", SuiteValidator.sparkTypeName(f.dataType())), "the column's current type"));
    }
    for (Map.Entry<String, scala.collection.Seq<ConstraintSuggestion>> e
        : JavaConverters.mapAsJavaMap(result.constraintSuggestions()).entrySet()) {
      for (ConstraintSuggestion s : JavaConverters.seqAsJavaList(e.getValue())) {
        Map<String, Object> x = translate(s.codeForConstraint(), s.description());
        if (x != null) {
          expectations.add(x);
        }
      }
    }
    Map<String, Object> suite = new LinkedHashMap<>();
    suite.put("expectation_suite_name", suiteName);
    suite.put("meta", Map.of("notes", "Draft from Deequ's constraint suggestions on " + Instant.now()
        + ": review every expectation, set meta.severity, then save as conf/quality/" + suiteName + ".json."));
    suite.put("expectations", expectations);
    try {
      return ExpectationSuite.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(suite);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** One Deequ suggestion (its Scala code) as a GE expectation, or null when GE has no equivalent. */
  static Map<String, Object> translate(String code, String why) {
    Matcher m = CALL.matcher(code.trim());
    if (!m.matches()) {
      return null;
    }
    String column = m.group(2);
    String rest = m.group(3);
    Matcher atLeast = AT_LEAST.matcher(rest);
    Double mostly = atLeast.find() ? Double.valueOf(atLeast.group(1)) : null;
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("column", column);
    String type;
    switch (m.group(1)) {
      case "isComplete" -> type = "expect_column_values_to_not_be_null";
      case "hasCompleteness" -> type = "expect_column_values_to_not_be_null";
      case "isUnique" -> type = "expect_column_values_to_be_unique";
      case "isNonNegative" -> {
        type = "expect_column_values_to_be_between";
        kwargs.put("min_value", 0);
      }
      case "isContainedIn" -> {
        Matcher array = ARRAY.matcher(rest);
        if (!array.find()) {
          return null;
        }
        List<String> values = new ArrayList<>();
        Matcher item = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(array.group(1));
        while (item.find()) {
          values.add(item.group(1).replace("\\\"", "\""));
        }
        type = "expect_column_values_to_be_in_set";
        kwargs.put("value_set", values);
      }
      default -> {
        return null;
      }
    }
    if (mostly != null && mostly < 1.0) {
      kwargs.put("mostly", mostly);
    }
    return expectation(type, kwargs, why);
  }

  private static Map<String, Object> expectation(String type, Map<String, Object> kwargs, String why) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("expectation_type", type);
    e.put("kwargs", kwargs);
    e.put("meta", Map.of("severity", "warning", "notes", "suggested: " + why));
    return e;
  }

  /**
   * The weekly data-quality report (per landing stream, over the {@code days} days to {@code
   * runDate}): source, last_sync, minutes_since_sync (at {@code now}), days_with_data,
   * avg_daily_rows (over the days with data), failed_runs (bronze runs that failed, files that
   * could not be read), avg_null_rate (mean share of nulls over the bronze table's columns, in the
   * rows those days landed).
   */
  public static List<Map<String, Object>> report(SparkSession spark, LakehouseSettings settings, LocalDate runDate, int days, Instant now) {
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    String filesPath = catalog.location(TableName.of("ops", "ingested_files"));
    if (!DeltaTable.isDeltaTable(spark, filesPath)) {
      throw LakehouseException.inputRejected("No landing has been recorded yet (ops.ingested_files does not exist): run 'lakehouse run bronze' first.");
    }
    Date from = Date.valueOf(runDate.minusDays(days - 1L));
    Date to = Date.valueOf(runDate);
    Dataset<Row> files = spark.read().format("delta").load(filesPath);
    String runsPath = catalog.location(TableName.of("ops", "job_runs"));
    Dataset<Row> runs = DeltaTable.isDeltaTable(spark, runsPath) ? spark.read().format("delta").load(runsPath) : null;
    List<Map<String, Object>> out = new ArrayList<>();
    for (StreamSpec stream : settings.streams()) {
      Dataset<Row> mine = files.where(col("source").equalTo(stream.source()).and(col("stream").equalTo(stream.stream())));
      Dataset<Row> window = mine.where(col("extract_date").between(from, to));
      Row all = mine.agg(max("recorded_at")).first();
      Row w = window.agg(countDistinct(when(col("rows").gt(0), col("extract_date"))), sum("rows"),
          sum(when(col("status").isin("unreadable", "partial"), 1).otherwise(0))).first();
      long daysWithData = w.getLong(0);
      long rows = w.isNullAt(1) ? 0 : w.getLong(1);
      long badFiles = w.isNullAt(2) ? 0 : w.getLong(2);
      TableName bronze = TableName.of("bronze", stream.bronzeTable());
      long failedRuns = runs == null ? 0 : runs.where(col("job").equalTo(bronze.toString()).and(col("status").notEqual("succeeded"))
          .and(col("run_date").between(from, to))).count();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("source", stream.id());
      row.put("last_sync", all.isNullAt(0) ? null : all.getTimestamp(0).toInstant().toString());
      row.put("minutes_since_sync", all.isNullAt(0) ? null : (now.getEpochSecond() - all.getTimestamp(0).toInstant().getEpochSecond()) / 60);
      row.put("days_with_data", daysWithData);
      row.put("avg_daily_rows", daysWithData == 0 ? 0 : Math.round((double) rows / daysWithData));
      row.put("failed_runs", failedRuns + badFiles);
      row.put("avg_null_rate", nullRate(spark, catalog, bronze, window));
      out.add(row);
    }
    out.sort((a, b) -> Long.compare(b.get("minutes_since_sync") == null ? Long.MAX_VALUE : (Long) b.get("minutes_since_sync"),
        a.get("minutes_since_sync") == null ? Long.MAX_VALUE : (Long) a.get("minutes_since_sync")));
    return out;
  }

  /** Mean share of nulls over a bronze table's data columns, in the rows the window's batches landed. */
  private static Double nullRate(SparkSession spark, TableCatalog catalog, TableName bronze, Dataset<Row> windowFiles) {
    String path = catalog.location(bronze);
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return null;
    }
    List<Object> batches = windowFiles.select("batch_id").distinct().collectAsList().stream().map(r -> r.get(0)).toList();
    if (batches.isEmpty()) {
      return null;
    }
    Dataset<Row> rows = spark.read().format("delta").load(path).where(col("_batch_id").isin(batches.toArray()));
    List<String> columns = java.util.Arrays.stream(rows.columns()).filter(c -> !c.startsWith("_")).toList();
    if (columns.isEmpty()) {
      return null;
    }
    List<Column> nulls = new ArrayList<>();
    for (String c : columns) {
      nulls.add(org.apache.spark.sql.functions.avg(when(col("`" + c + "`").isNull(), 1.0).otherwise(0.0)));
    }
    Row r = rows.agg(nulls.get(0), nulls.subList(1, nulls.size()).toArray(Column[]::new)).first();
    if (r.isNullAt(0)) {
      return null;
    }
    double total = 0;
    for (int i = 0; i < columns.size(); i++) {
      total += r.getDouble(i);
    }
    return Math.round(total / columns.size() * 1000) / 1000.0;
  }

  /** The report as CSV (header first). */
  public static String csv(List<Map<String, Object>> report) {
    StringBuilder b = new StringBuilder("source,last_sync,minutes_since_sync,days_with_data,avg_daily_rows,failed_runs,avg_null_rate\n");
    for (Map<String, Object> r : report) {
      b.append(String.join(",", r.values().stream().map(v -> v == null ? "" : String.valueOf(v)).toList())).append('\n');
    }
    return b.toString();
  }

  /** Writes the report file under {@code <warehouse>/quality/reports/}; returns its location. */
  public static String writeReport(SparkSession spark, LakehouseSettings settings, LocalDate runDate, int days, String csv) {
    String file = settings.warehouse() + "/quality/reports/data-quality-" + runDate + "-" + days + "d.csv";
    CheckResults.writeText(spark, file, csv);
    return file;
  }
}
