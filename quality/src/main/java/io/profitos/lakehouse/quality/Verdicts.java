package io.profitos.lakehouse.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.profitos.lakehouse.quality.ExpectationSuite.Expectation;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Great Expectations' verdict and result object from the metrics Deequ computed for one
 * expectation (in the order {@link SuiteValidator} added its constraints: the row count first).
 */
final class Verdicts {
  private Verdicts() {}

  static ExpectationResult evaluate(Expectation e, List<Double> metrics, Dataset<Row> rows) {
    long n = Math.round(metrics.get(0) == null ? 0 : metrics.get(0));
    String column = e.kwarg("column", null);
    switch (e.type()) {
      case "expect_table_row_count_to_be_between" -> {
        boolean ok = SuiteValidator.within((double) n, e) || (e.number("min_value") == null && e.number("max_value") == null);
        return aggregate(e, ok, n, "the table has " + n + " rows" + range(e));
      }
      case "expect_table_row_count_to_equal" -> {
        return aggregate(e, Integer.valueOf((int) n).equals(e.kwarg("value", -1)) && n <= Integer.MAX_VALUE, n,
            "the table has " + n + " rows (expected " + e.kwarg("value", -1) + ")");
      }
      case "expect_column_values_to_be_null" -> {
        // GE counts every row: the non-null ones are unexpected.
        long unexpected = count(n, metrics.get(1));
        double mostly = e.number("mostly") == null ? 1.0 : e.number("mostly");
        boolean ok = n == 0 || (n - unexpected) >= mostly * n - 1e-9;
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(col(column).isNotNull()).select(col(column))
            .limit(SuiteValidator.SAMPLE).collectAsList().stream().map(r -> r.get(0)).toList();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("element_count", n);
        result.put("unexpected_count", unexpected);
        result.put("unexpected_percent", n == 0 ? null : 100.0 * unexpected / n);
        result.put("partial_unexpected_list", sample);
        return new ExpectationResult(e, ok, result, unexpected + " of " + n + " values of " + column + " are not null" + mostly(e), null);
      }
      case "expect_column_mean_to_be_between", "expect_column_min_to_be_between", "expect_column_max_to_be_between",
          "expect_column_sum_to_be_between", "expect_column_proportion_of_unique_values_to_be_between" -> {
        Double v = metrics.get(1);
        if (v == null && (e.type().equals("expect_column_sum_to_be_between")
            || e.type().equals("expect_column_proportion_of_unique_values_to_be_between"))) {
          // GE's conventions with no non-null value: a sum of nothing is 0 (pandas), and so is the share of unique values.
          v = 0.0;
        }
        String what = e.type().replace("expect_column_", "").replace("_to_be_between", "").replace('_', ' ');
        return aggregate(e, SuiteValidator.within(v, e), v,
            v == null ? "the " + what + " of " + column + " cannot be computed (no non-null value)" : "the " + what + " of " + column + " is " + v + range(e));
      }
      case "expect_column_values_to_not_be_null" -> {
        long nonNull = count(n, metrics.get(1));
        long unexpected = n - nonNull;
        double mostly = e.number("mostly") == null ? 1.0 : e.number("mostly");
        boolean ok = n == 0 || nonNull >= mostly * n - 1e-9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("element_count", n);
        result.put("unexpected_count", unexpected);
        result.put("unexpected_percent", n == 0 ? null : 100.0 * unexpected / n);
        List<Object> sample = new ArrayList<>();
        for (long i = 0; i < Math.min(unexpected, SuiteValidator.SAMPLE); i++) {
          sample.add(null);
        }
        result.put("partial_unexpected_list", sample);
        return new ExpectationResult(e, ok, result, unexpected + " of " + n + " values of " + column + " are null" + mostly(e), null);
      }
      case "expect_column_values_to_be_unique" -> {
        long nonNull = count(n, metrics.get(1));
        long unexpected = nonNull == 0 ? 0 : Math.round(nonNull * (1 - nz(metrics.get(2))));
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(col(column).isNotNull()).groupBy(col(column)).count()
            .where(col("count").gt(1)).limit(SuiteValidator.SAMPLE).collectAsList().stream().map(r -> r.get(0)).toList();
        return mapResult(e, n, n - nonNull, unexpected, sample, " share their value with another row");
      }
      case "expect_compound_columns_to_be_unique" -> {
        long inDomain = count(n, metrics.get(1));
        long unexpected = inDomain == 0 ? 0 : Math.round(inDomain * (1 - nz(metrics.get(2))));
        List<String> columns = e.kwarg("column_list", List.of());
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(expr(SuiteValidator.pairDomain(e)))
            .groupBy(columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)).count()
            .where(col("count").gt(1)).limit(SuiteValidator.SAMPLE).collectAsList().stream().map(r -> asMap(r, columns)).toList();
        return mapResult(e, n, n - inDomain, unexpected, sample, " share their " + columns + " with another row");
      }
      case "expect_column_pair_values_to_be_in_set", "expect_multicolumn_sum_to_equal",
          "expect_select_column_values_to_be_unique_within_record", "expect_multicolumn_values_to_be_equal" -> {
        long inDomain = count(n, metrics.get(1));
        long unexpected = inDomain == 0 ? 0 : Math.round(inDomain * (1 - nz(metrics.get(2))));
        List<String> columns = e.kwargs().containsKey("column_list") ? e.kwarg("column_list", List.of())
            : List.of(e.kwarg("column_A", ""), e.kwarg("column_B", ""));
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(expr(SuiteValidator.pairDomain(e))
                .and(expr(SuiteValidator.predicate(e)).unary_$bang()))
            .select(columns.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)).limit(SuiteValidator.SAMPLE)
            .collectAsList().stream().map(r -> asMap(r, columns)).toList();
        return mapResult(e, n, n - inDomain, unexpected, sample, " fail " + SuiteValidator.predicate(e));
      }
      case "expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal" -> {
        long inDomain = count(n, metrics.get(1));
        long unexpected = inDomain == 0 ? 0 : Math.round(inDomain * (1 - nz(metrics.get(2))));
        String a = e.kwarg("column_A", "");
        String b = e.kwarg("column_B", "");
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(expr(SuiteValidator.pairDomain(e))
                .and(expr(SuiteValidator.predicate(e)).unary_$bang())).select(col(a), col(b)).limit(SuiteValidator.SAMPLE)
            .collectAsList().stream().map(r -> (Object) java.util.Arrays.asList(r.get(0), r.get(1))).toList();
        return mapResult(e, n, n - inDomain, unexpected, sample, e.type().equals("expect_column_pair_values_to_be_equal")
            ? " have " + a + " unequal to " + b : " have " + a + (e.flag("or_equal") ? " < " : " <= ") + b);
      }
      default -> { // a column map expectation with a predicate: between, in_set, match_regex, equal_expression
        long nonNull = count(n, metrics.get(1));
        long unexpected = nonNull == 0 ? 0 : Math.round(nonNull * (1 - nz(metrics.get(2))));
        List<Object> sample = unexpected == 0 ? List.of() : rows.where(col(column).isNotNull()
                .and(expr(SuiteValidator.predicate(e)).unary_$bang())).select(col(column)).limit(SuiteValidator.SAMPLE)
            .collectAsList().stream().map(r -> r.get(0)).toList();
        return mapResult(e, n, n - nonNull, unexpected, sample, failing(e));
      }
    }
  }

  /**
   * A column map result in GE's shape: unexpected_percent over the non-missing values, as GE
   * counts {@code mostly}; an all-missing column passes.
   */
  static ExpectationResult mapResult(Expectation e, long n, long missing, long unexpected, List<Object> sample, String what) {
    long nonMissing = n - missing;
    double mostly = e.number("mostly") == null ? 1.0 : e.number("mostly");
    boolean ok = nonMissing == 0 || (nonMissing - unexpected) >= mostly * nonMissing - 1e-9;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("element_count", n);
    result.put("unexpected_count", unexpected);
    result.put("unexpected_percent", nonMissing == 0 ? null : 100.0 * unexpected / nonMissing);
    result.put("partial_unexpected_list", sample);
    result.put("missing_count", missing);
    result.put("missing_percent", n == 0 ? null : 100.0 * missing / n);
    result.put("unexpected_percent_total", n == 0 ? null : 100.0 * unexpected / n);
    result.put("unexpected_percent_nonmissing", nonMissing == 0 ? null : 100.0 * unexpected / nonMissing);
    String message = String.format(Locale.ROOT, "%d of %d non-null values%s%s", unexpected, nonMissing, what, mostly(e));
    return new ExpectationResult(e, ok, result, message, null);
  }

  private static String failing(Expectation e) {
    return switch (e.type()) {
      case "expect_column_values_to_exist_in_table" -> " not in " + e.kwarg("table", "") + "." + e.kwarg("table_column", e.kwarg("column", ""));
      case "expect_column_values_to_equal_previous_period_value" -> " differ from the previous " + e.kwarg("period", "month") + "'s "
          + e.kwarg("previous_column", "") + " (or have no previous " + e.kwarg("period", "month") + " row)";
      default -> " fail " + SuiteValidator.predicate(e);
    };
  }

  private static ExpectationResult aggregate(Expectation e, boolean ok, Object observed, String message) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("observed_value", observed);
    return new ExpectationResult(e, ok, result, message, null);
  }

  private static long count(long n, Double fraction) {
    return fraction == null ? 0 : Math.round(n * fraction);
  }

  private static double nz(Double v) {
    return v == null ? 1.0 : v;
  }

  private static Object asMap(Row r, List<String> columns) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      m.put(columns.get(i), r.get(i));
    }
    return m;
  }

  private static String range(Expectation e) {
    Double min = e.number("min_value");
    Double max = e.number("max_value");
    if (min == null && max == null) {
      return "";
    }
    return " (expected " + (min == null ? "" : (e.flag("strict_min") ? "> " : ">= ") + min) + (min != null && max != null ? " and " : "")
        + (max == null ? "" : (e.flag("strict_max") ? "< " : "<= ") + max) + ")";
  }

  private static String mostly(Expectation e) {
    return e.number("mostly") == null ? "" : " (mostly " + e.number("mostly") + ")";
  }
}
