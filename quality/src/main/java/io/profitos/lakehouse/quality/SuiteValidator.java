package io.profitos.lakehouse.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.amazon.deequ.AnomalyCheckConfig;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.VerificationRunBuilderWithRepository;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.AnalyzerOptions;
import com.amazon.deequ.anomalydetection.AbsoluteChangeStrategy;
import com.amazon.deequ.anomalydetection.AnomalyDetectionStrategy;
import com.amazon.deequ.anomalydetection.OnlineNormalStrategy;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.Constraint;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.quality.ExpectationSuite.Expectation;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import scala.Function1;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Runs a suite on a dataset: Deequ computes the metrics of every column and table expectation in
 * one pass per row condition (and keeps them in its metrics repository, which the anomaly
 * expectations compare against), and each verdict follows Great Expectations' rules: {@code
 * mostly} over the non-null values (all rows for not_be_null), inclusive bounds unless {@code
 * strict_min}/{@code strict_max}, a pair with one side missing is not unexpected (GE on Spark).
 * Referential integrity, period-over-period change and freshness run as Spark queries.
 */
public final class SuiteValidator {
  private SuiteValidator() {}

  /** How many unexpected values a result shows. */
  static final int SAMPLE = 20;
  private static final Option<String> NONE = Option.empty();
  private static final Option<AnalyzerOptions> NO_OPTIONS = Option.empty();

  /**
   * Where a validation runs.
   *
   * @param spark the session
   * @param catalog resolves the tables referential-integrity expectations look up
   * @param runDate the run's date: freshness is measured at its end, and {@code ${run_date}},
   *     {@code ${run_month}} and {@code ${previous_month}} in row conditions are this date's
   * @param metricsRepository the Deequ metrics repository file for this table, or null for none
   *     (anomaly expectations are then not judged: there is no history)
   * @param recordMetrics whether this run's metrics join the history (the gates) or only read it
   *     (a validation by hand)
   */
  public record Context(SparkSession spark, TableCatalog catalog, LocalDate runDate, String metricsRepository, boolean recordMetrics) {
    public Context(SparkSession spark, TableCatalog catalog, LocalDate runDate, String metricsRepository) {
      this(spark, catalog, runDate, metricsRepository, true);
    }
  }

  /** Validates {@code data} with {@code suite}; never publishes anything. */
  public static List<ExpectationResult> validate(Dataset<Row> data, ExpectationSuite suite, Context ctx) {
    return validation(data, suite, ctx).results();
  }

  /**
   * What a validation found: every expectation's result, and the number of rows checked when the
   * checks counted them (a Deequ pass over every row), else null.
   */
  public record Validation(List<ExpectationResult> results, Long rowCount) {}

  /** {@link #validate}, with the row count the checks computed on the way (so a caller need not count again). */
  public static Validation validation(Dataset<Row> data, ExpectationSuite suite, Context ctx) {
    Map<String, List<Expectation>> byDomain = suite.expectations().stream().collect(Collectors.groupingBy(
        e -> e.kwarg("row_condition", ""), LinkedHashMap::new, Collectors.toList()));
    List<ExpectationResult> results = new ArrayList<>();
    Long rowCount = null;
    for (Map.Entry<String, List<Expectation>> domain : byDomain.entrySet()) {
      String condition = render(domain.getKey(), ctx.runDate());
      Dataset<Row> rows;
      try {
        rows = condition.isEmpty() ? data : data.where(expr(condition));
        rows.schema();
      } catch (RuntimeException e) {
        throw LakehouseException.usage(suite.source() + ": the row_condition '" + condition + "' does not apply to this data: "
            + firstLine(e));
      }
      Validation checked = validateDomain(rows, domain.getValue(), ctx, suite.name(), domain.getKey());
      results.addAll(checked.results());
      if (condition.isEmpty()) {
        rowCount = checked.rowCount();
      }
    }
    results.sort(Comparator.comparingInt(r -> r.expectation().index()));
    return new Validation(results, rowCount);
  }

  /** A result with no unexpected rows of its own (an aggregate or table check) in its result_format. */
  private static ExpectationResult shaped(ExpectationResult r) {
    return r.expectation().kwargs().get("result_format") == null ? r : ResultFormats.shape(r, null, null, List.of());
  }

  /** Replaces ${run_date}, ${run_month} and ${previous_month} with the run's dates (ISO, for DATE'...' literals). */
  static String render(String condition, LocalDate runDate) {
    return condition.replace("${run_date}", runDate.toString())
        .replace("${run_month}", runDate.withDayOfMonth(1).toString())
        .replace("${previous_month}", runDate.withDayOfMonth(1).minusMonths(1).toString());
  }

  private static Validation validateDomain(Dataset<Row> rows, List<Expectation> expectations, Context ctx, String suite,
      String domain) {
    List<ExpectationResult> out = new ArrayList<>();
    List<Expectation> deequ = new ArrayList<>();
    List<Expectation> exact = expectations.stream().filter(e -> ExactAggregates.handles(e, rows)).toList();
    if (!exact.isEmpty()) {
      ExactAggregates.evaluate(rows, exact).forEach(r -> out.add(shaped(r)));
    }
    for (Expectation e : expectations) {
      if (exact.contains(e)) {
        continue;
      }
      ExpectationTypes.Kind kind = ExpectationTypes.spec(e.type()).kind();
      boolean runsInDeequ = kind == ExpectationTypes.Kind.MAP || kind == ExpectationTypes.Kind.AGGREGATE
          || e.type().equals("expect_metric_to_not_be_anomalous");
      if (e.type().equals("expect_column_values_to_exist_in_table") && !io.delta.tables.DeltaTable.isDeltaTable(ctx.spark(),
          ctx.catalog().location(TableName.parse(e.kwarg("table", ""))))) {
        // The referenced table's source has not delivered yet: nothing to check against (a failure, blocking only when critical).
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("observed_value", null);
        out.add(new ExpectationResult(e, false, result, e.kwarg("table", "") + " does not exist yet: the values of "
            + e.kwarg("column", "") + " cannot be checked against it", null));
      } else if (runsInDeequ) {
        deequ.add(e);
      } else {
        out.add(shaped(custom(rows, e, ctx)));
      }
    }
    if (deequ.isEmpty()) {
      return new Validation(out, null);
    }
    if (deequ.stream().anyMatch(e -> e.type().equals("expect_column_values_to_be_json_parseable"))) {
      JsonParseable.register(ctx.spark());
    }
    if (deequ.stream().anyMatch(e -> e.type().equals("expect_column_values_to_match_strftime_format"))) {
      Strptime.register(ctx.spark());
    }
    Validation checked = runDeequ(withDerivedChecks(rows, deequ, ctx), deequ, ctx, suite, domain);
    out.addAll(checked.results());
    return new Validation(out, checked.rowCount());
  }

  /** The column holding the verdict of a derived (cross-table or cross-row) check, evaluated in the Deequ pass. */
  static String derived(Expectation e) {
    return "_check_" + e.index();
  }

  static boolean isDerived(Expectation e) {
    return e.type().equals("expect_column_values_to_exist_in_table") || e.type().equals("expect_column_values_to_equal_previous_period_value")
        || e.type().equals("expect_column_values_to_be_unique") || e.type().equals("expect_compound_columns_to_be_unique");
  }

  /**
   * Adds one boolean column per referential-integrity, previous-period or uniqueness expectation,
   * so that Deequ judges them in the same pass as every other expectation: the value exists in the
   * referenced table (a left join with its distinct keys), the value equals the previous period's
   * value of another column (a window over the partition), the first period of a partition equal
   * to {@code first_value} when given, or no other row has the same value (column) or values
   * (compound: a window over them counting its rows).
   */
  static Dataset<Row> withDerivedChecks(Dataset<Row> rows, List<Expectation> expectations, Context ctx) {
    Dataset<Row> out = rows;
    for (Expectation e : expectations) {
      if (e.type().equals("expect_column_values_to_exist_in_table")) {
        String column = e.kwarg("column", "");
        TableName table = TableName.parse(e.kwarg("table", ""));
        String refColumn = e.kwarg("table_column", column);
        String ref = "_ref_" + e.index();
        Dataset<Row> keys;
        try {
          keys = ctx.spark().read().format("delta").load(ctx.catalog().location(table)).select(col(refColumn).as(ref)).distinct();
          keys.schema();
        } catch (RuntimeException ex) {
          throw LakehouseException.usage(e.name() + ": the table " + table + " (column " + refColumn + ") cannot be read: " + firstLine(ex));
        }
        out = out.join(keys, col(q(column)).equalTo(col(ref)), "left").withColumn(derived(e), col(ref).isNotNull()).drop(ref);
      } else if (e.type().equals("expect_column_values_to_equal_previous_period_value")) {
        List<String> partition = e.kwarg("partition_by", List.of());
        String order = e.kwarg("order_by", "");
        var window = Window.partitionBy(partition.stream().map(c -> col(q(c))).toArray(Column[]::new)).orderBy(col(q(order)));
        Column prevOrder = lag(col(q(order)), 1).over(window);
        Column prevValue = lag(col(q(e.kwarg("previous_column", ""))), 1).over(window);
        Column adjacent = switch (String.valueOf(e.kwarg("period", "month"))) {
          case "week" -> org.apache.spark.sql.functions.date_add(prevOrder, 7).equalTo(col(q(order)));
          case "day" -> org.apache.spark.sql.functions.date_add(prevOrder, 1).equalTo(col(q(order)));
          case "row" -> lit(true);
          default -> org.apache.spark.sql.functions.add_months(prevOrder, 1).equalTo(col(q(order)));
        };
        double tolerance = e.number("tolerance") == null ? 0.0 : e.number("tolerance");
        Column value = col(q(e.kwarg("column", "")));
        Column first = e.kwargs().get("first_value") == null ? lit(true)
            : org.apache.spark.sql.functions.abs(value.minus(lit(e.number("first_value")))).leq(tolerance);
        Column ok = when(prevOrder.isNull(), first)
            .when(adjacent, org.apache.spark.sql.functions.abs(value.minus(prevValue)).leq(tolerance))
            .otherwise(lit(false));
        out = out.withColumn(derived(e), org.apache.spark.sql.functions.coalesce(ok, lit(false)));
      } else if (e.type().equals("expect_column_values_to_be_unique") || e.type().equals("expect_compound_columns_to_be_unique")) {
        List<String> columns = e.type().equals("expect_column_values_to_be_unique") ? List.of(e.kwarg("column", ""))
            : e.kwarg("column_list", List.of());
        var window = Window.partitionBy(columns.stream().map(c -> col(q(c))).toArray(Column[]::new));
        out = out.withColumn(derived(e), org.apache.spark.sql.functions.count(lit(1)).over(window).equalTo(1));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- Deequ

  private static Function1<Object, Object> any() {
    return (Function1<Object, Object> & Serializable) v -> true;
  }

  private static <T> scala.collection.Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toSeq();
  }

  private static String q(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  /** The constraints each expectation adds, in order; their metrics are read back in the same order. */
  private static Check check(Expectation e) {
    scala.Enumeration.Value level = e.critical() ? CheckLevel.Error() : CheckLevel.Warning();
    Check c = new Check(level, description(e), seq(List.<Constraint>of())).hasSize(any(), NONE);
    String column = e.kwarg("column", null);
    switch (e.type()) {
      case "expect_column_values_to_not_be_null", "expect_column_values_to_be_null" -> c = c.hasCompleteness(column, any(), NONE, NO_OPTIONS);
      case "expect_column_values_to_be_between", "expect_column_values_to_be_unique", "expect_column_values_to_be_in_set", "expect_column_values_to_match_regex",
          "expect_column_values_to_equal_expression", "expect_column_values_to_exist_in_table",
          "expect_column_values_to_equal_previous_period_value", "expect_column_values_to_not_be_in_set",
          "expect_column_value_lengths_to_be_between", "expect_column_value_lengths_to_equal", "expect_column_values_to_not_match_regex",
          "expect_column_values_to_match_regex_list", "expect_column_values_to_not_match_regex_list",
          "expect_column_values_to_match_like_pattern", "expect_column_values_to_not_match_like_pattern",
          "expect_column_values_to_match_like_pattern_list", "expect_column_values_to_not_match_like_pattern_list",
          "expect_column_values_to_be_json_parseable", "expect_column_values_to_match_strftime_format" -> c = c.hasCompleteness(column, any(), NONE, NO_OPTIONS)
          .satisfies(predicate(e), e.name(), any(), NONE, scala.collection.immutable.List$.MODULE$.empty(), NO_OPTIONS)
          .where(q(column) + " IS NOT NULL");
      case "expect_compound_columns_to_be_unique" -> {
        String domain = pairDomain(e);
        c = c.satisfies(domain, "domain", any(), NONE, scala.collection.immutable.List$.MODULE$.empty(), NO_OPTIONS);
        c = c.satisfies(predicate(e), e.name(), any(), NONE, scala.collection.immutable.List$.MODULE$.empty(), NO_OPTIONS)
            .where(domain);
      }
      case "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal",
          "expect_column_pair_values_to_be_in_set", "expect_multicolumn_sum_to_equal",
          "expect_select_column_values_to_be_unique_within_record", "expect_multicolumn_values_to_be_equal" -> {
        String domain = pairDomain(e);
        c = c.satisfies(domain, "domain", any(), NONE, scala.collection.immutable.List$.MODULE$.empty(), NO_OPTIONS)
            .satisfies(predicate(e), e.name(), any(), NONE, scala.collection.immutable.List$.MODULE$.empty(), NO_OPTIONS)
            .where(domain);
      }
      case "expect_column_mean_to_be_between" -> c = c.hasMean(column, any(), NONE);
      case "expect_column_min_to_be_between" -> c = c.hasMin(column, any(), NONE, NO_OPTIONS);
      case "expect_column_max_to_be_between" -> c = c.hasMax(column, any(), NONE, NO_OPTIONS);
      case "expect_column_sum_to_be_between" -> c = c.hasSum(column, any(), NONE);
      case "expect_column_proportion_of_unique_values_to_be_between" -> c = c.hasDistinctness(seq(List.of(column)), any(), NONE);
      default -> { } // expect_table_row_count_to_be_between: the size alone
    }
    return c;
  }

  static String description(Expectation e) {
    return "expectation " + e.index() + ": " + e.name();
  }

  /** The SQL condition a value of a column map expectation must meet (GE's rules). */
  static String predicate(Expectation e) {
    String c = q(e.kwarg("column", e.kwarg("column_A", "")));
    if (isDerived(e)) {
      return q(derived(e));
    }
    return switch (e.type()) {
      case "expect_column_values_to_be_between" -> bounds(c, e);
      case "expect_column_values_to_be_in_set" -> {
        List<Object> values = e.kwarg("value_set", List.of());
        yield values.isEmpty() ? "false" : c + " IN (" + values.stream().map(SuiteValidator::literal).collect(Collectors.joining(", ")) + ")";
      }
      case "expect_column_values_to_not_be_in_set" -> {
        List<Object> values = e.kwarg("value_set", List.of());
        yield values.isEmpty() ? "true" : "NOT (" + c + " IN (" + values.stream().map(SuiteValidator::literal).collect(Collectors.joining(", ")) + "))";
      }
      case "expect_column_value_lengths_to_be_between" -> bounds("length(CAST(" + c + " AS STRING))", e);
      case "expect_column_value_lengths_to_equal" -> "length(CAST(" + c + " AS STRING)) = " + e.kwarg("value", 0);
      // GE searches (Python's re.search, Spark's RLIKE): a pattern matches anywhere unless anchored.
      case "expect_column_values_to_match_regex" -> "CAST(" + c + " AS STRING) RLIKE " + literal(e.kwarg("regex", ""));
      case "expect_column_values_to_not_match_regex" -> "NOT (CAST(" + c + " AS STRING) RLIKE " + literal(e.kwarg("regex", "")) + ")";
      case "expect_column_values_to_match_regex_list" -> regexes(c, e, "all".equals(e.kwarg("match_on", "any")) ? " AND " : " OR ");
      case "expect_column_values_to_not_match_regex_list" -> "NOT (" + regexes(c, e, " OR ") + ")";
      case "expect_column_values_to_match_like_pattern" -> "CAST(" + c + " AS STRING) LIKE " + literal(e.kwarg("like_pattern", ""));
      case "expect_column_values_to_not_match_like_pattern" -> "NOT (CAST(" + c + " AS STRING) LIKE " + literal(e.kwarg("like_pattern", "")) + ")";
      case "expect_column_values_to_match_like_pattern_list" -> likes(c, e, "all".equals(e.kwarg("match_on", "any")) ? " AND " : " OR ");
      case "expect_column_values_to_not_match_like_pattern_list" -> "NOT (" + likes(c, e, " OR ") + ")";
      case "expect_column_values_to_be_json_parseable" -> JsonParseable.NAME + "(CAST(" + c + " AS STRING))";
      case "expect_column_values_to_match_strftime_format" -> Strptime.NAME + "(CAST(" + c + " AS STRING), "
          + literal(e.kwarg("strftime_format", "")) + ")";
      // The multicolumn checks compare missing values as values (null-safe), as both of GE's engines do: a pair with a
      // missing side is not in a set of whole pairs, two missing values are equal, and a sum skips them (pandas).
      case "expect_column_pair_values_to_be_in_set" -> {
        String a = q(e.kwarg("column_A", ""));
        String b = q(e.kwarg("column_B", ""));
        List<List<Object>> pairs = e.kwarg("value_pairs_set", List.of());
        yield pairs.isEmpty() ? "false" : "(" + pairs.stream().map(p -> "(" + a + " <=> " + nullable(p.get(0)) + " AND " + b + " <=> "
            + nullable(p.get(1)) + ")").collect(Collectors.joining(" OR ")) + ")";
      }
      case "expect_multicolumn_sum_to_equal" -> {
        List<String> columns = e.kwarg("column_list", List.of());
        yield "(" + columns.stream().map(x -> "coalesce(" + q(x) + ", 0)").collect(Collectors.joining(" + ")) + ") = "
            + ((Number) e.kwargs().get("sum_total"));
      }
      case "expect_multicolumn_values_to_be_equal" -> {
        List<String> columns = e.kwarg("column_list", List.of());
        yield columns.size() < 2 ? "true" : "(" + columns.subList(1, columns.size()).stream().map(x -> q(columns.get(0)) + " <=> " + q(x))
            .collect(Collectors.joining(" AND ")) + ")";
      }
      case "expect_select_column_values_to_be_unique_within_record" -> {
        List<String> columns = e.kwarg("column_list", List.of());
        List<String> equal = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
          for (int j = i + 1; j < columns.size(); j++) {
            equal.add(q(columns.get(i)) + " <=> " + q(columns.get(j)));
          }
        }
        yield equal.isEmpty() ? "true" : "NOT (" + String.join(" OR ", equal) + ")";
      }
      case "expect_column_pair_values_to_be_equal" -> {
        String a = q(e.kwarg("column_A", ""));
        String b = q(e.kwarg("column_B", ""));
        // GE on Spark: a row with one side missing is not unexpected (its pandas engine counts it).
        yield "(" + a + " = " + b + ") OR " + a + " IS NULL OR " + b + " IS NULL";
      }
      case "expect_column_values_to_equal_expression" -> "abs(" + c + " - (" + e.kwarg("expression", "") + ")) <= "
          + (e.number("tolerance") == null ? 0.0 : e.number("tolerance"));
      case "expect_column_pair_values_a_to_be_greater_than_b" -> {
        String a = q(e.kwarg("column_A", ""));
        String b = q(e.kwarg("column_B", ""));
        // GE on Spark: a row with one side missing is not unexpected.
        yield "(" + a + (e.flag("or_equal") ? " >= " : " > ") + b + ") OR " + a + " IS NULL OR " + b + " IS NULL";
      }
      default -> "true";
    };
  }

  private static String likes(String c, Expectation e, String join) {
    List<String> patterns = e.kwarg("like_pattern_list", List.of());
    return "(" + patterns.stream().map(r -> "CAST(" + c + " AS STRING) LIKE " + literal(r)).collect(Collectors.joining(join)) + ")";
  }

  private static String regexes(String c, Expectation e, String join) {
    List<String> patterns = e.kwarg("regex_list", List.of());
    return "(" + patterns.stream().map(r -> "CAST(" + c + " AS STRING) RLIKE " + literal(r)).collect(Collectors.joining(join)) + ")";
  }

  /** The rows a pair or compound expectation looks at (GE's ignore_row_if). */
  static String pairDomain(Expectation e) {
    boolean multi = e.kwargs().containsKey("column_list");
    List<String> columns = multi ? e.kwarg("column_list", List.of()) : List.of(e.kwarg("column_A", ""), e.kwarg("column_B", ""));
    String anyMissing = columns.stream().map(x -> q(x) + " IS NULL").collect(Collectors.joining(" OR "));
    String allMissing = columns.stream().map(x -> q(x) + " IS NULL").collect(Collectors.joining(" AND "));
    String ignore = e.kwarg("ignore_row_if", multi ? "all_values_are_missing" : "both_values_are_missing");
    return switch (ignore) {
      case "any_value_is_missing", "either_value_is_missing" -> "NOT (" + anyMissing + ")";
      case "never", "neither" -> "true";
      default -> "NOT (" + allMissing + ")";
    };
  }

  private static String bounds(String c, Expectation e) {
    List<String> parts = new ArrayList<>();
    if (e.number("min_value") != null) {
      parts.add(c + (e.flag("strict_min") ? " > " : " >= ") + e.number("min_value"));
    }
    if (e.number("max_value") != null) {
      parts.add(c + (e.flag("strict_max") ? " < " : " <= ") + e.number("max_value"));
    }
    return parts.isEmpty() ? "true" : String.join(" AND ", parts);
  }

  private static String nullable(Object v) {
    return v == null ? "NULL" : literal(v);
  }

  static String literal(Object v) {
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return "'" + String.valueOf(v).replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static boolean within(Double v, Expectation e) {
    if (v == null || v.isNaN()) {
      return false;
    }
    Double min = e.number("min_value");
    Double max = e.number("max_value");
    boolean lo = min == null || (e.flag("strict_min") ? v > min : v >= min);
    boolean hi = max == null || (e.flag("strict_max") ? v < max : v <= max);
    return lo && hi;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Validation runDeequ(Dataset<Row> rows, List<Expectation> expectations, Context ctx, String suite,
      String domain) {
    List<Check> checks = new ArrayList<>();
    List<Expectation> anomalies = new ArrayList<>();
    for (Expectation e : expectations) {
      if (e.type().equals("expect_metric_to_not_be_anomalous")) {
        anomalies.add(e);
      } else {
        checks.add(check(e));
      }
    }
    VerificationRunBuilder run = new VerificationSuite().onData(rows).addChecks(seq(checks));
    for (Expectation e : anomalies) {
      run = run.addRequiredAnalyzer((Analyzer) analyzer(e));
    }
    // One history per suite and row condition; a re-run of the same run date replaces its own point.
    long time = ctx.runDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    scala.collection.immutable.Map<String, String> tags = JavaConverters.mapAsScalaMap(
        new HashMap<>(Map.of("suite", suite, "row_condition", domain))).toMap(scala.Predef.$conforms());
    List<Expectation> withHistory = new ArrayList<>();
    if (ctx.metricsRepository() != null) {
      FileSystemMetricsRepository repository = new FileSystemMetricsRepository(ctx.spark(), ctx.metricsRepository());
      boolean history = !repository.load().withTagValues(tags).before(time - 1).get().isEmpty();
      VerificationRunBuilderWithRepository withRepo = run.useRepository(repository);
      if (ctx.recordMetrics()) {
        withRepo = withRepo.saveOrAppendResult(new ResultKey(time, tags));
      }
      if (history) {
        for (Expectation e : anomalies) {
          AnomalyCheckConfig config = new AnomalyCheckConfig(e.critical() ? CheckLevel.Error() : CheckLevel.Warning(), description(e),
              tags, Option.empty(), Option.apply((Object) (time - 1)));
          withRepo = withRepo.addAnomalyCheck(strategy(e), (Analyzer) analyzer(e), Option.apply(config));
          withHistory.add(e);
        }
      }
      run = withRepo;
    }
    VerificationResult result;
    try {
      result = run.run();
    } catch (RuntimeException ex) {
      throw LakehouseException.usage("The checks of suite " + suite + " could not run on this data: " + firstLine(ex)
          + ". Check the column names and types its expectations use.");
    }
    // Every check starts with the row count (hasSize): the rows this pass saw.
    Double size = computed(result, new com.amazon.deequ.analyzers.Size(Option.empty()));
    Long rowCount = size == null ? null : Math.round(size);
    Map<String, List<ConstraintResult>> byDescription = new HashMap<>();
    for (CheckResult cr : JavaConverters.seqAsJavaList(result.checkResults().values().toSeq())) {
      byDescription.put(cr.check().description(), JavaConverters.seqAsJavaList(cr.constraintResults()));
    }
    List<ExpectationResult> out = new ArrayList<>();
    for (Expectation e : expectations) {
      List<ConstraintResult> constraints = byDescription.get(description(e));
      if (!e.type().equals("expect_metric_to_not_be_anomalous")) {
        ExpectationResult r = Verdicts.evaluate(e, constraints.stream().map(SuiteValidator::metric).toList(), rows);
        out.add(e.kwargs().get("result_format") == null ? r : ResultFormats.shape(r, rows, ResultFormats.unexpected(e), ResultFormats.values(e)));
      } else if (withHistory.contains(e)) {
        out.add(anomaly(e, constraints.get(0)));
      } else {
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("observed_value", computed(result, analyzer(e)));
        out.add(new ExpectationResult(e, true, observed, ctx.metricsRepository() == null
            ? "not judged: this data has no metrics history to compare with"
            : "no history before " + ctx.runDate() + " yet: not judged" + (ctx.recordMetrics() ? "; this run records the first point" : ""), null));
      }
    }
    return new Validation(out, rowCount);
  }

  /** The value of an analyzer's metric in a verification result, or null. */
  private static Double computed(VerificationResult result, Object analyzer) {
    scala.Option<com.amazon.deequ.metrics.Metric<?>> m = (scala.Option) result.metrics().get((Analyzer) analyzer);
    if (m.isEmpty() || m.get().value().isFailure()) {
      return null;
    }
    return m.get().value().get() instanceof Number n ? n.doubleValue() : null;
  }

  /** The metric a constraint computed, or null when Deequ could not compute it (an empty or all-null column). */
  static Double metric(ConstraintResult c) {
    if (c.metric().isEmpty() || c.metric().get().value().isFailure()) {
      return null;
    }
    Object v = c.metric().get().value().get();
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static ExpectationResult anomaly(Expectation e, ConstraintResult c) {
    boolean ok = c.status().toString().equals("Success");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("observed_value", metric(c));
    String message = ok ? e.kwarg("metric", "") + " is within the " + e.kwarg("strategy", "") + " bounds of its history"
        : e.kwarg("metric", "") + " " + metric(c) + " is an anomaly against its history ("
            + (c.message().isDefined() ? c.message().get() : e.kwarg("strategy", "")) + ")";
    return new ExpectationResult(e, ok, result, message, null);
  }

  private static AnomalyDetectionStrategy strategy(Expectation e) {
    return switch (String.valueOf(e.kwarg("strategy", ""))) {
      case "absolute_change" -> new AbsoluteChangeStrategy(opt(e.number("max_decrease")), opt(e.number("max_increase")), 1);
      case "online_normal" -> new OnlineNormalStrategy(opt(e.number("lower_deviation_factor")), opt(e.number("upper_deviation_factor")),
          0.0, true);
      default -> new RelativeRateOfChangeStrategy(opt(e.number("max_rate_decrease")), opt(e.number("max_rate_increase")), 1);
    };
  }

  private static Option<Object> opt(Double v) {
    return v == null ? Option.empty() : Option.apply((Object) v);
  }

  private static Object analyzer(Expectation e) {
    String column = e.kwarg("column", null);
    return switch (String.valueOf(e.kwarg("metric", ""))) {
      case "completeness" -> new com.amazon.deequ.analyzers.Completeness(column, NONE, NO_OPTIONS);
      case "sum" -> new com.amazon.deequ.analyzers.Sum(column, NONE);
      case "mean" -> new com.amazon.deequ.analyzers.Mean(column, NONE);
      default -> new com.amazon.deequ.analyzers.Size(NONE);
    };
  }

  // ---------------------------------------------------------------- Spark-side expectations

  private static ExpectationResult custom(Dataset<Row> rows, Expectation e, Context ctx) {
    return switch (e.type()) {
      case "expect_column_values_to_be_of_type", "expect_column_type_to_be", "expect_column_values_to_be_in_type_list" -> ofType(rows, e);
      case "expect_table_row_count_to_equal_other_table" -> {
        TableName other = TableName.parse(e.kwarg("other_table_name", ""));
        long mine = rows.count();
        long theirs;
        try {
          theirs = ctx.spark().read().format("delta").load(ctx.catalog().location(other)).count();
        } catch (RuntimeException ex) {
          throw LakehouseException.usage(e.name() + ": the table " + other + " cannot be read: " + firstLine(ex));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("observed_value", Map.of("self", mine, "other", theirs));
        yield new ExpectationResult(e, mine == theirs, result, "the rows number " + mine + ", " + other + " has " + theirs, null);
      }
      case "unexpected_rows_expectation" -> unexpectedRows(rows, e, ctx);
      case "expect_column_to_exist", "expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list",
          "expect_table_column_count_to_equal", "expect_table_column_count_to_be_between" -> columns(rows, e);
      case "expect_column_pct_change_to_be_between" -> pctChange(rows, e);
      case "expect_column_max_age_to_be_less_than" -> maxAge(rows, e, ctx);
      default -> throw new IllegalStateException("No evaluation for " + e.type());
    };
  }

  /** The column's Spark type against {@code type_} (be_of_type, column_type_to_be) or {@code type_list} (be_in_type_list). */
  private static ExpectationResult ofType(Dataset<Row> rows, Expectation e) {
    String column = e.kwarg("column", "");
    StructField field = java.util.Arrays.stream(rows.schema().fields()).filter(f -> f.name().equals(column)).findFirst().orElse(null);
    String actual = field == null ? null : sparkTypeName(field.dataType());
    List<String> types = e.kwargs().containsKey("type_list") ? e.kwarg("type_list", List.of()) : List.of(String.valueOf(e.kwarg("type_", "")));
    boolean ok = types.contains(actual);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("observed_value", actual);
    return new ExpectationResult(e, ok, result, field == null ? "the column " + column + " does not exist"
        : column + " is " + actual + (ok ? "" : types.size() == 1 ? ", not " + types.get(0) : ", not one of " + types), null);
  }

  /**
   * GE 1.x's {@code unexpected_rows_expectation}: its query over {@code {batch}} (the rows checked, a temporary view
   * of this session named for this check alone) returns the unexpected rows; none is a success.
   */
  private static ExpectationResult unexpectedRows(Dataset<Row> rows, Expectation e, Context ctx) {
    String view = "_batch_" + java.util.UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(view);
    try {
      Dataset<Row> unexpected;
      try {
        // Wrapped as a subquery, so that only a query runs: a command (DELETE, DROP, ...) fails to parse instead of running.
        unexpected = ctx.spark().sql("SELECT * FROM (" + String.valueOf(e.kwarg("unexpected_rows_query", "")).replace("{batch}", view)
            + "\n) _unexpected_rows");
        unexpected.schema();
      } catch (Exception ex) { // Spark's parse and analysis errors are checked exceptions to Java
        throw LakehouseException.usage(e.name() + ": its unexpected_rows_query does not run on this data: " + firstLine(ex));
      }
      List<Row> sample = unexpected.limit(SAMPLE).collectAsList();
      long count = sample.size() < SAMPLE ? sample.size() : unexpected.count();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("observed_value", count);
      List<Object> shown = new ArrayList<>();
      for (Row r : sample) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < r.size(); i++) {
          m.put(r.schema().fieldNames()[i], r.get(i) == null ? null : String.valueOf(r.get(i)));
        }
        shown.add(m);
      }
      result.put("details", Map.of("unexpected_rows", shown));
      return new ExpectationResult(e, count == 0, result, count + " unexpected row(s) by its query", null);
    } finally {
      ctx.spark().catalog().dropTempView(view);
    }
  }

  /** The table's columns against a column, a set, an ordered list or a count (GE's table expectations). */
  private static ExpectationResult columns(Dataset<Row> rows, Expectation e) {
    List<String> actual = List.of(rows.columns());
    Map<String, Object> result = new LinkedHashMap<>();
    boolean ok;
    String message;
    switch (e.type()) {
      case "expect_column_to_exist" -> {
        String column = e.kwarg("column", "");
        Integer index = e.kwarg("column_index", null);
        int at = actual.indexOf(column);
        ok = at >= 0 && (index == null || index == at);
        message = at < 0 ? "the column " + column + " does not exist"
            : "the column " + column + " is column " + at + (index == null || ok ? "" : ", not " + index);
      }
      case "expect_table_columns_to_match_set" -> {
        List<String> wanted = e.kwarg("column_set", List.of());
        java.util.Set<String> missing = new java.util.TreeSet<>(wanted);
        actual.forEach(missing::remove);
        java.util.Set<String> unexpected = new java.util.TreeSet<>(actual);
        wanted.forEach(unexpected::remove);
        boolean exact = e.kwargs().get("exact_match") == null || e.flag("exact_match");
        ok = missing.isEmpty() && (!exact || unexpected.isEmpty());
        result.put("observed_value", actual);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("mismatched", Map.of("missing", List.copyOf(missing), "unexpected", List.copyOf(unexpected)));
        result.put("details", details);
        message = ok ? "the columns match the set" : "missing " + missing + (exact ? ", unexpected " + unexpected : "");
      }
      case "expect_table_columns_to_match_ordered_list" -> {
        List<String> wanted = e.kwarg("column_list", List.of());
        ok = actual.equals(wanted);
        result.put("observed_value", actual);
        message = ok ? "the columns are the list, in order" : "the columns are " + actual + ", not " + wanted;
      }
      default -> { // the column count, equal to a value or between bounds
        int n = actual.size();
        ok = e.type().equals("expect_table_column_count_to_equal") ? Integer.valueOf(n).equals(e.kwarg("value", -1))
            : within((double) n, e) || (e.number("min_value") == null && e.number("max_value") == null);
        result.put("observed_value", n);
        message = "the table has " + n + " columns";
      }
    }
    return new ExpectationResult(e, ok, result, message, null);
  }

  /** GE's Spark type names: the PySpark class name (DecimalType for every precision). */
  static String sparkTypeName(org.apache.spark.sql.types.DataType t) {
    String simple = t.getClass().getSimpleName().replace("$", "");
    return simple.startsWith("Decimal") ? "DecimalType" : simple;
  }

  private static ExpectationResult pctChange(Dataset<Row> rows, Expectation e) {
    String column = e.kwarg("column", "");
    String orderBy = e.kwarg("order_by", "");
    List<String> partitionBy = e.kwarg("partition_by", List.of());
    int last = e.kwarg("last_periods", 1);
    var window = Window.partitionBy(partitionBy.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)).orderBy(orderBy);
    Column value = col(column).cast(DataTypes.DoubleType);
    Column prev = lag(value, 1).over(window);
    Dataset<Row> changes = rows.withColumn("_change", when(prev.isNull().or(prev.equalTo(0)), lit(null)).otherwise(value.minus(prev).divide(prev)))
        .withColumn("_newest", row_number().over(Window.partitionBy(partitionBy.stream().map(org.apache.spark.sql.functions::col)
            .toArray(Column[]::new)).orderBy(col(orderBy).desc())))
        .where(col("_newest").leq(last).and(col("_change").isNotNull()));
    List<String> keep = new ArrayList<>(partitionBy);
    keep.add(orderBy);
    List<Row> evaluated = changes.select(concatColumns(keep, "_change")).collectAsList();
    List<Map<String, Object>> bad = new ArrayList<>();
    Double worst = null;
    for (Row r : evaluated) {
      double change = r.getDouble(r.size() - 1);
      if (worst == null || Math.abs(change) > Math.abs(worst)) {
        worst = change;
      }
      if (!within(change, e)) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keep.size(); i++) {
          row.put(keep.get(i), String.valueOf(r.get(i)));
        }
        row.put("change", change);
        bad.add(row);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("observed_value", worst);
    result.put("element_count", evaluated.size());
    result.put("unexpected_count", bad.size());
    result.put("partial_unexpected_list", bad.size() > SAMPLE ? bad.subList(0, SAMPLE) : bad);
    boolean ok = bad.isEmpty();
    String message = evaluated.isEmpty() ? "no period has a previous one to compare with"
        : ok ? "every change of " + column + " is within bounds (largest " + pct(worst) + ")"
            : bad.size() + " change(s) of " + column + " out of bounds, for example " + bad.get(0);
    return new ExpectationResult(e, ok, result, message, null);
  }

  private static Column[] concatColumns(List<String> keep, String last) {
    List<Column> cols = new ArrayList<>(keep.stream().map(org.apache.spark.sql.functions::col).toList());
    cols.add(col(last));
    return cols.toArray(Column[]::new);
  }

  private static String pct(Double v) {
    return v == null ? "none" : String.format(java.util.Locale.ROOT, "%+.2f%%", v * 100);
  }

  private static ExpectationResult maxAge(Dataset<Row> rows, Expectation e, Context ctx) {
    String column = e.kwarg("column", "");
    Row newest = rows.agg(org.apache.spark.sql.functions.max(col(column).cast(DataTypes.TimestampType))).first();
    long end = ctx.runDate().plusDays(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    Double age = newest.isNullAt(0) ? null : (end - newest.getTimestamp(0).toInstant().getEpochSecond()) / 3600.0;
    boolean ok = age != null && age <= e.number("max_age_hours");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("observed_value", age);
    String message = age == null ? "no " + column + " value at all"
        : String.format(java.util.Locale.ROOT, "the newest %s is %.1f hours old at the end of %s (limit %s)", column, age, ctx.runDate(),
            e.number("max_age_hours"));
    return new ExpectationResult(e, ok, result, message, null);
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
