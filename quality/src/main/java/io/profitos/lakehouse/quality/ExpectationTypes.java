package io.profitos.lakehouse.quality;

import io.profitos.lakehouse.core.LakehouseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The expectation types this engine runs, their kwargs, and the checks on their values. The
 * standard ones are Great Expectations' own, with GE's kwargs and semantics; the custom ones
 * (referential integrity, an expression identity, period-over-period change, freshness, anomaly on
 * the metrics history) are written in the same files in the same shape.
 */
public final class ExpectationTypes {
  private ExpectationTypes() {}

  /** How an expectation is evaluated. */
  enum Kind { MAP, AGGREGATE, TABLE, CUSTOM }

  record Spec(String type, Kind kind, Set<String> required, Set<String> optional) {}

  /** Kwargs every expectation accepts (GE's common ones). */
  private static final Set<String> COMMON = Set.of("row_condition", "condition_parser", "result_format", "catch_exceptions",
      "include_config", "batch_id");
  private static final Set<String> BOUNDS = Set.of("min_value", "max_value", "strict_min", "strict_max");

  static final Map<String, Spec> SPECS = Map.ofEntries(
      spec("expect_column_values_to_not_be_null", Kind.MAP, Set.of("column"), Set.of("mostly")),
      spec("expect_column_values_to_be_unique", Kind.MAP, Set.of("column"), Set.of("mostly")),
      spec("expect_column_values_to_be_between", Kind.MAP, Set.of("column"), union(BOUNDS, Set.of("mostly"))),
      spec("expect_column_values_to_be_in_set", Kind.MAP, Set.of("column", "value_set"), Set.of("mostly")),
      spec("expect_column_values_to_match_regex", Kind.MAP, Set.of("column", "regex"), Set.of("mostly")),
      spec("expect_column_values_to_be_of_type", Kind.TABLE, Set.of("column", "type_"), Set.of()),
      spec("expect_compound_columns_to_be_unique", Kind.MAP, Set.of("column_list"), Set.of("mostly", "ignore_row_if")),
      spec("expect_column_pair_values_a_to_be_greater_than_b", Kind.MAP, Set.of("column_A", "column_B"),
          Set.of("mostly", "or_equal", "ignore_row_if")),
      spec("expect_column_values_to_not_be_in_set", Kind.MAP, Set.of("column", "value_set"), Set.of("mostly")),
      spec("expect_column_values_to_be_null", Kind.MAP, Set.of("column"), Set.of("mostly")),
      spec("expect_column_value_lengths_to_be_between", Kind.MAP, Set.of("column"), union(BOUNDS, Set.of("mostly"))),
      spec("expect_column_value_lengths_to_equal", Kind.MAP, Set.of("column", "value"), Set.of("mostly")),
      spec("expect_column_values_to_not_match_regex", Kind.MAP, Set.of("column", "regex"), Set.of("mostly")),
      spec("expect_column_values_to_match_regex_list", Kind.MAP, Set.of("column", "regex_list"), Set.of("match_on", "mostly")),
      spec("expect_column_values_to_not_match_regex_list", Kind.MAP, Set.of("column", "regex_list"), Set.of("mostly")),
      spec("expect_column_pair_values_to_be_equal", Kind.MAP, Set.of("column_A", "column_B"), Set.of("mostly", "ignore_row_if")),
      spec("expect_column_pair_values_to_be_in_set", Kind.MAP, Set.of("column_A", "column_B", "value_pairs_set"),
          Set.of("mostly", "ignore_row_if")),
      spec("expect_multicolumn_sum_to_equal", Kind.MAP, Set.of("column_list", "sum_total"), Set.of("mostly", "ignore_row_if")),
      spec("expect_select_column_values_to_be_unique_within_record", Kind.MAP, Set.of("column_list"), Set.of("mostly", "ignore_row_if")),
      spec("expect_column_values_to_match_like_pattern", Kind.MAP, Set.of("column", "like_pattern"), Set.of("mostly")),
      spec("expect_column_values_to_not_match_like_pattern", Kind.MAP, Set.of("column", "like_pattern"), Set.of("mostly")),
      spec("expect_column_values_to_match_like_pattern_list", Kind.MAP, Set.of("column", "like_pattern_list"),
          Set.of("match_on", "mostly")),
      spec("expect_column_values_to_not_match_like_pattern_list", Kind.MAP, Set.of("column", "like_pattern_list"), Set.of("mostly")),
      spec("expect_column_values_to_be_json_parseable", Kind.MAP, Set.of("column"), Set.of("mostly")),
      spec("expect_column_values_to_match_strftime_format", Kind.MAP, Set.of("column", "strftime_format"), Set.of("mostly")),
      spec("expect_column_values_to_be_in_type_list", Kind.TABLE, Set.of("column", "type_list"), Set.of("mostly")),
      spec("unexpected_rows_expectation", Kind.TABLE, Set.of("unexpected_rows_query"), Set.of()),
      spec("expect_multicolumn_values_to_be_equal", Kind.MAP, Set.of("column_list"), Set.of("mostly", "ignore_row_if")),
      spec("expect_column_type_to_be", Kind.TABLE, Set.of("column", "type_"), Set.of()),
      spec("expect_table_row_count_to_equal_other_table", Kind.TABLE, Set.of("other_table_name"), Set.of()),
      spec("expect_table_row_count_to_be_between", Kind.AGGREGATE, Set.of(), Set.of("min_value", "max_value")),
      spec("expect_table_row_count_to_equal", Kind.AGGREGATE, Set.of("value"), Set.of()),
      spec("expect_column_to_exist", Kind.TABLE, Set.of("column"), Set.of("column_index")),
      spec("expect_table_columns_to_match_set", Kind.TABLE, Set.of("column_set"), Set.of("exact_match")),
      spec("expect_table_columns_to_match_ordered_list", Kind.TABLE, Set.of("column_list"), Set.of()),
      spec("expect_table_column_count_to_equal", Kind.TABLE, Set.of("value"), Set.of()),
      spec("expect_table_column_count_to_be_between", Kind.TABLE, Set.of(), Set.of("min_value", "max_value")),
      spec("expect_column_mean_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_min_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_max_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_sum_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_proportion_of_unique_values_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      // Exact aggregates (ExactAggregates): one Spark aggregation per row condition.
      spec("expect_column_median_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_stdev_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_unique_value_count_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_proportion_of_non_null_values_to_be_between", Kind.AGGREGATE, Set.of("column"), BOUNDS),
      spec("expect_column_distinct_values_to_be_in_set", Kind.AGGREGATE, Set.of("column", "value_set"), Set.of()),
      spec("expect_column_distinct_values_to_contain_set", Kind.AGGREGATE, Set.of("column", "value_set"), Set.of()),
      spec("expect_column_distinct_values_to_equal_set", Kind.AGGREGATE, Set.of("column", "value_set"), Set.of()),
      spec("expect_column_most_common_value_to_be_in_set", Kind.AGGREGATE, Set.of("column", "value_set"), Set.of("ties_okay")),
      spec("expect_column_values_to_not_be_outliers", Kind.AGGREGATE, Set.of("column"), Set.of("method", "multiplier", "mostly")),
      spec("expect_column_quantile_values_to_be_between", Kind.AGGREGATE, Set.of("column", "quantile_ranges"),
          Set.of("allow_relative_error")),
      spec("expect_column_value_z_scores_to_be_less_than", Kind.AGGREGATE, Set.of("column", "threshold"),
          Set.of("double_sided", "mostly")),
      // Custom expectations: checks GE has no built-in type for.
      spec("expect_column_values_to_exist_in_table", Kind.MAP, Set.of("column", "table"), Set.of("table_column", "mostly")),
      spec("expect_column_values_to_equal_previous_period_value", Kind.MAP, Set.of("column", "previous_column", "order_by"),
          Set.of("partition_by", "period", "first_value", "tolerance", "mostly")),
      spec("expect_column_values_to_equal_expression", Kind.MAP, Set.of("column", "expression"), Set.of("tolerance", "mostly")),
      spec("expect_column_pct_change_to_be_between", Kind.CUSTOM, Set.of("column", "order_by"),
          Set.of("partition_by", "min_value", "max_value", "last_periods")),
      spec("expect_column_max_age_to_be_less_than", Kind.CUSTOM, Set.of("column", "max_age_hours"), Set.of()),
      spec("expect_metric_to_not_be_anomalous", Kind.CUSTOM, Set.of("metric", "strategy"),
          Set.of("column", "max_rate_decrease", "max_rate_increase", "max_decrease", "max_increase", "lower_deviation_factor",
              "upper_deviation_factor")));

  /**
   * The core types of great_expectations 1.24.1 this engine refuses, each with its reason and what to use instead
   * (the others of its registry, distribution tests aside, run here).
   */
  static final Map<String, String> REFUSED = Map.of(
      "expect_column_values_to_be_increasing", "the rows of a Spark table have no order of their own (GE's Spark engine orders "
          + "them by an id assigned when the files are read, which changes with the files); use "
          + "expect_column_values_to_equal_previous_period_value with order_by, or unexpected_rows_expectation with a window",
      "expect_column_values_to_be_decreasing", "the rows of a Spark table have no order of their own (GE's Spark engine orders "
          + "them by an id assigned when the files are read, which changes with the files); use "
          + "expect_column_values_to_equal_previous_period_value with order_by, or unexpected_rows_expectation with a window",
      "expect_column_values_to_be_dateutil_parseable", "dateutil's lenient parser (words, partial dates, any separator) has no "
          + "equivalent in Spark, so the verdicts would differ; use expect_column_values_to_match_regex for the formats you accept",
      "expect_column_values_to_match_json_schema", "not supported yet: no JSON Schema validator is on the engine's classpath; use "
          + "expect_column_values_to_be_json_parseable and unexpected_rows_expectation with get_json_object",
      "expect_query_results_to_match_comparison", "it compares with another data source; compare lakehouse tables with "
          + "expect_column_values_to_exist_in_table or unexpected_rows_expectation",
      "expect_column_kl_divergence_to_be_less_than", "a distribution test, out of this engine's scope; watch the distribution "
          + "with expect_metric_to_not_be_anomalous or expect_column_quantile_values_to_be_between");

  /** The custom types (not in GE's registry). */
  public static final Set<String> CUSTOM = Set.of("expect_column_values_to_exist_in_table", "expect_column_values_to_equal_expression",
      "expect_column_values_to_equal_previous_period_value",
      "expect_column_pct_change_to_be_between", "expect_column_max_age_to_be_less_than", "expect_metric_to_not_be_anomalous");

  /** Spark type names {@code expect_column_values_to_be_of_type} accepts (GE's Spark engine: PySpark class names). */
  static final Set<String> SPARK_TYPES = Set.of("StringType", "BooleanType", "ByteType", "ShortType", "IntegerType", "LongType",
      "FloatType", "DoubleType", "DecimalType", "DateType", "TimestampType", "TimestampNTZType", "BinaryType", "ArrayType",
      "MapType", "StructType");

  private static Map.Entry<String, Spec> spec(String type, Kind kind, Set<String> required, Set<String> optional) {
    return Map.entry(type, new Spec(type, kind, required, optional));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  static Spec spec(String type) {
    return SPECS.get(type);
  }

  /** Kwargs that say how a result is shown, not what is checked: left out of a generated name. */
  private static final Set<String> PRESENTATION = Set.of("result_format", "catch_exceptions", "include_config", "batch_id");

  /**
   * The name of an expectation without {@code meta.name}: {@code type(column)} (or its columns), followed by its other
   * kwargs in key order ({@code values_to_be_between(amount; max_value=100, min_value=0)}), or by a digest of them when
   * they are long. It is derived from the type and kwargs alone, never from the position in the suite, so editing
   * other expectations never renames it and an override keeps pointing at the same check.
   */
  static String defaultName(String type, Map<String, Object> kwargs) {
    String short_ = type.replaceFirst("^expect_", "");
    String columns = "";
    Set<String> naming = new TreeSet<>(PRESENTATION);
    if (kwargs.get("column") != null) {
      columns = String.valueOf(kwargs.get("column"));
      naming.add("column");
    } else if (kwargs.get("column_list") instanceof List<?> l) {
      columns = String.join(",", l.stream().map(String::valueOf).toList());
      naming.add("column_list");
    } else if (kwargs.get("column_A") != null) {
      columns = kwargs.get("column_A") + "," + kwargs.get("column_B");
      naming.add("column_A");
      naming.add("column_B");
    }
    StringBuilder extras = new StringBuilder();
    new java.util.TreeMap<>(kwargs).forEach((k, v) -> {
      if (!naming.contains(k) && v != null) {
        extras.append(extras.length() == 0 ? "" : ", ").append(k).append('=').append(v);
      }
    });
    String rest = extras.toString();
    if (rest.length() > 60) {
      rest = "#" + digest(rest);
    }
    String inside = columns.isEmpty() ? rest : rest.isEmpty() ? columns : columns + "; " + rest;
    return inside.isEmpty() ? short_ : short_ + "(" + inside + ")";
  }

  private static String digest(String text) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash).substring(0, 10);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fails with where and why when the type is unknown or a kwarg is missing, unknown or of the wrong kind. */
  static void check(String type, Map<String, Object> kwargs, String where) {
    Spec spec = SPECS.get(type);
    if (spec == null && REFUSED.containsKey(type)) {
      throw bad(where, type + " is not supported: " + REFUSED.get(type));
    }
    if (spec == null) {
      throw bad(where, "unknown expectation type; supported: " + String.join(", ", new TreeSet<>(SPECS.keySet())));
    }
    for (String r : spec.required()) {
      if (kwargs.get(r) == null) {
        throw bad(where, "the kwarg '" + r + "' is required");
      }
    }
    for (String k : kwargs.keySet()) {
      if (!spec.required().contains(k) && !spec.optional().contains(k) && !COMMON.contains(k)) {
        throw bad(where, "unknown kwarg '" + k + "'; " + type + " takes " + new TreeSet<>(union(spec.required(), spec.optional())));
      }
    }
    String format = ResultFormats.problem(kwargs.get("result_format"));
    if (format != null) {
      throw bad(where, format);
    }
    if (kwargs.get("period") != null && !List.of("month", "week", "day", "row").contains(String.valueOf(kwargs.get("period")))) {
      throw bad(where, "'period' must be one of month, week, day, row");
    }
    for (String column : List.of("column", "column_A", "column_B", "table_column", "order_by", "previous_column")) {
      if (kwargs.containsKey(column) && !(kwargs.get(column) instanceof String)) {
        throw bad(where, "'" + column + "' must be a column name (a string)");
      }
    }
    boolean textBounds = type.equals("expect_column_min_to_be_between") || type.equals("expect_column_max_to_be_between");
    for (String bound : List.of("min_value", "max_value")) {
      if (textBounds && kwargs.get(bound) != null && !(kwargs.get(bound) instanceof Number || kwargs.get(bound) instanceof String)) {
        throw bad(where, "'" + bound + "' must be a number, or a string or date for a column that is not numeric");
      }
    }
    if (kwargs.get("method") != null && !List.of("iqr", "std").contains(String.valueOf(kwargs.get("method")))) {
      throw bad(where, "'method' must be \"iqr\" (Tukey's fences) or \"std\" (the mean and sample deviation)");
    }
    for (String n : List.of("multiplier", "threshold", "min_value", "max_value", "mostly", "tolerance", "max_age_hours", "max_rate_decrease", "max_rate_increase",
        "max_decrease", "max_increase", "lower_deviation_factor", "upper_deviation_factor", "first_value")) {
      if (kwargs.get(n) != null && !(kwargs.get(n) instanceof Number) && !(textBounds && n.endsWith("_value"))) {
        throw bad(where, "'" + n + "' must be a number, not " + kwargs.get(n));
      }
    }
    for (String b : List.of("strict_min", "strict_max", "or_equal", "ties_okay", "double_sided", "exact_match")) {
      if (kwargs.get(b) != null && !(kwargs.get(b) instanceof Boolean)) {
        throw bad(where, "'" + b + "' must be true or false");
      }
    }
    if (kwargs.get("mostly") instanceof Number m && (m.doubleValue() < 0 || m.doubleValue() > 1)) {
      throw bad(where, "'mostly' must be between 0 and 1, not " + m);
    }
    if (spec.optional().contains("min_value") && !type.equals("expect_table_row_count_to_be_between")
        && !type.equals("expect_table_column_count_to_be_between")
        && !type.equals("expect_column_pct_change_to_be_between") && kwargs.get("min_value") == null && kwargs.get("max_value") == null) {
      throw bad(where, "min_value and max_value cannot both be null");
    }
    if (kwargs.containsKey("value_set") && !(kwargs.get("value_set") instanceof List<?>)) {
      throw bad(where, "'value_set' must be a list");
    }
    if (kwargs.containsKey("column_list") && type.equals("expect_compound_columns_to_be_unique") && !(kwargs.get("column_list")
        instanceof List<?> l && l.size() >= 2 && l.stream().allMatch(String.class::isInstance))) {
      throw bad(where, "'column_list' must be a list of at least two column names (one column: expect_column_values_to_be_unique)");
    }
    for (String names : List.of("column_list", "column_set")) {
      if (kwargs.containsKey(names) && !(kwargs.get(names) instanceof List<?> l && l.stream().allMatch(String.class::isInstance))) {
        throw bad(where, "'" + names + "' must be a list of column names");
      }
    }
    for (String whole : List.of("value", "column_index")) {
      if (kwargs.get(whole) != null && !(kwargs.get(whole) instanceof Integer i && i >= 0)) {
        throw bad(where, "'" + whole + "' must be a whole number of at least 0, not " + kwargs.get(whole));
      }
    }
    if (kwargs.get("exact_match") != null && !(kwargs.get("exact_match") instanceof Boolean)) {
      throw bad(where, "'exact_match' must be true or false");
    }
    if (kwargs.containsKey("regex_list")) {
      if (!(kwargs.get("regex_list") instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(String.class::isInstance))) {
        throw bad(where, "'regex_list' must be a non-empty list of regular expressions");
      }
      for (Object r : (List<?>) kwargs.get("regex_list")) {
        try {
          Pattern.compile(String.valueOf(r));
        } catch (PatternSyntaxException e) {
          throw bad(where, "'regex_list' holds '" + r + "', which does not compile: " + e.getDescription());
        }
      }
    }
    if (kwargs.containsKey("quantile_ranges")) {
      if (!(kwargs.get("quantile_ranges") instanceof Map<?, ?> r && r.get("quantiles") instanceof List<?> qs
          && r.get("value_ranges") instanceof List<?> vs && qs.size() == vs.size() && !qs.isEmpty()
          && qs.stream().allMatch(q -> q instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1)
          && vs.stream().allMatch(v -> v instanceof List<?> pair && pair.size() == 2
              && pair.stream().allMatch(b -> b == null || b instanceof Number)))) {
        throw bad(where, "'quantile_ranges' must be {\"quantiles\": [q between 0 and 1, ...], \"value_ranges\": [[min or null, "
            + "max or null], ...]}, one range per quantile");
      }
    }
    Object relative = kwargs.get("allow_relative_error");
    if (relative != null && !Boolean.FALSE.equals(relative)
        && !List.of("nearest", "lower", "higher", "midpoint", "linear").contains(String.valueOf(relative))) {
      throw bad(where, "'allow_relative_error' must be false or one of nearest, lower, higher, midpoint, linear (the quantiles "
          + "are exact: it names their interpolation, as for GE's pandas engine)");
    }
    if (kwargs.containsKey("value_pairs_set") && !(kwargs.get("value_pairs_set") instanceof List<?> l
        && l.stream().allMatch(p -> p instanceof List<?> pair && pair.size() == 2))) {
      throw bad(where, "'value_pairs_set' must be a list of [A value, B value] pairs");
    }
    if (kwargs.get("sum_total") != null && !(kwargs.get("sum_total") instanceof Number)) {
      throw bad(where, "'sum_total' must be a number");
    }
    if (kwargs.containsKey("like_pattern_list") && !(kwargs.get("like_pattern_list") instanceof List<?> l && !l.isEmpty()
        && l.stream().allMatch(String.class::isInstance))) {
      throw bad(where, "'like_pattern_list' must be a non-empty list of SQL LIKE patterns");
    }
    if (kwargs.containsKey("type_list") && !(kwargs.get("type_list") instanceof List<?> l && !l.isEmpty()
        && l.stream().allMatch(t -> SPARK_TYPES.contains(String.valueOf(t))))) {
      throw bad(where, "'type_list' must list Spark type names as GE's Spark engine spells them, of " + new TreeSet<>(SPARK_TYPES));
    }
    if (kwargs.get("unexpected_rows_query") != null && !String.valueOf(kwargs.get("unexpected_rows_query")).contains("{batch}")) {
      throw bad(where, "'unexpected_rows_query' must select from {batch} (the rows checked), for example "
          + "SELECT * FROM {batch} WHERE amount < 0");
    }
    if (kwargs.get("strftime_format") != null) {
      String why = Strptime.problem(String.valueOf(kwargs.get("strftime_format")));
      if (why != null) {
        throw bad(where, why);
      }
    }
    if (kwargs.get("match_on") != null && !List.of("any", "all").contains(String.valueOf(kwargs.get("match_on")))) {
      throw bad(where, "'match_on' must be \"any\" or \"all\"");
    }
    if (kwargs.containsKey("partition_by") && !(kwargs.get("partition_by") instanceof List<?> l
        && l.stream().allMatch(String.class::isInstance))) {
      throw bad(where, "'partition_by' must be a list of column names");
    }
    if (kwargs.get("regex") != null) {
      try {
        Pattern.compile(String.valueOf(kwargs.get("regex")));
      } catch (PatternSyntaxException e) {
        throw bad(where, "'regex' does not compile: " + e.getDescription());
      }
    }
    if (kwargs.get("type_") != null && !SPARK_TYPES.contains(String.valueOf(kwargs.get("type_")))) {
      throw bad(where, "'type_' must be a Spark type name as GE's Spark engine spells it, one of " + new TreeSet<>(SPARK_TYPES));
    }
    Object ignore = kwargs.get("ignore_row_if");
    if (ignore != null) {
      List<String> allowed = kwargs.containsKey("column_list")
          ? List.of("all_values_are_missing", "any_value_is_missing", "never")
          : List.of("both_values_are_missing", "either_value_is_missing", "neither");
      if (!allowed.contains(String.valueOf(ignore))) {
        throw bad(where, "'ignore_row_if' must be one of " + allowed);
      }
    }
    if (kwargs.get("condition_parser") != null && !"spark".equals(kwargs.get("condition_parser"))) {
      throw bad(where, "'condition_parser' must be \"spark\" (row_condition is a Spark SQL condition)");
    }
    if (kwargs.get("row_condition") != null && kwargs.get("condition_parser") == null) {
      throw bad(where, "'row_condition' needs \"condition_parser\": \"spark\"");
    }
    if (kwargs.get("other_table_name") != null) {
      try {
        io.profitos.lakehouse.core.table.TableName.parse(String.valueOf(kwargs.get("other_table_name")));
      } catch (RuntimeException e) {
        throw bad(where, "'other_table_name' must be a lakehouse table, layer.table, for example silver.invoices");
      }
    }
    if (kwargs.get("table") != null) {
      try {
        io.profitos.lakehouse.core.table.TableName.parse(String.valueOf(kwargs.get("table")));
      } catch (RuntimeException e) {
        throw bad(where, "'table' must be layer.table, for example gold.dim_workspace");
      }
    }
    if (kwargs.get("last_periods") != null && !(kwargs.get("last_periods") instanceof Integer p && p >= 1)) {
      throw bad(where, "'last_periods' must be a whole number of at least 1");
    }
    if (type.equals("expect_metric_to_not_be_anomalous")) {
      String metric = String.valueOf(kwargs.get("metric"));
      if (!List.of("row_count", "completeness", "sum", "mean").contains(metric)) {
        throw bad(where, "'metric' must be one of row_count, completeness, sum, mean");
      }
      if (!metric.equals("row_count") && kwargs.get("column") == null) {
        throw bad(where, "the metric '" + metric + "' needs 'column'");
      }
      String strategy = String.valueOf(kwargs.get("strategy"));
      if (!List.of("relative_rate_of_change", "absolute_change", "online_normal").contains(strategy)) {
        throw bad(where, "'strategy' must be one of relative_rate_of_change, absolute_change, online_normal");
      }
    }
  }

  private static LakehouseException bad(String where, String why) {
    return LakehouseException.usage(where + ": " + why + ".");
  }
}
