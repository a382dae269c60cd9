package io.profitos.lakehouse.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.profitos.lakehouse.quality.ExpectationSuite.Expectation;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Column aggregates Deequ approximates or lacks, computed exactly with Great Expectations' statistics conventions, all
 * of a domain in one Spark aggregation over the rows: the median (the mean of the two middle values of an even count,
 * as pandas; Deequ's quantiles are approximate), the sample standard deviation (Deequ's is the population's), the
 * count of distinct values, the share of non-null values, the set of distinct values, the minimum and maximum of a
 * column that is not numeric, and the mean and deviation z-scores need. The most common value takes a grouping of its
 * own, and z-scores a second pass that counts the values past the threshold.
 */
final class ExactAggregates {
  private ExactAggregates() {}

  static final Set<String> TYPES = Set.of("expect_column_median_to_be_between", "expect_column_stdev_to_be_between",
      "expect_column_unique_value_count_to_be_between", "expect_column_proportion_of_non_null_values_to_be_between",
      "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
      "expect_column_distinct_values_to_equal_set", "expect_column_most_common_value_to_be_in_set",
      "expect_column_value_z_scores_to_be_less_than", "expect_column_quantile_values_to_be_between",
      "expect_column_values_to_not_be_outliers");

  /** Whether {@code e} runs here: one of {@link #TYPES}, or a minimum or maximum of a column that is not numeric. */
  static boolean handles(Expectation e, Dataset<Row> rows) {
    if (TYPES.contains(e.type())) {
      return true;
    }
    if (e.type().equals("expect_column_min_to_be_between") || e.type().equals("expect_column_max_to_be_between")) {
      String column = e.kwarg("column", "");
      return e.kwargs().get("min_value") instanceof String || e.kwargs().get("max_value") instanceof String
          || java.util.Arrays.stream(rows.schema().fields()).anyMatch(f -> f.name().equals(column)
          && !(f.dataType() instanceof org.apache.spark.sql.types.NumericType));
    }
    return false;
  }

  static List<ExpectationResult> evaluate(Dataset<Row> rows, List<Expectation> expectations) {
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(expr("count(1)"));
    for (Expectation e : expectations) {
      aggregates.addAll(columns(e));
    }
    // One pass over the rows for every aggregate of the domain.
    Row values = rows.agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new)).first();
    long n = values.getLong(0);
    List<ExpectationResult> out = new ArrayList<>();
    int at = 1;
    for (Expectation e : expectations) {
      int width = columns(e).size();
      List<Object> own = new ArrayList<>();
      for (int i = 0; i < width; i++) {
        own.add(values.get(at + i));
      }
      at += width;
      out.add(verdict(e, n, own, rows));
    }
    return out;
  }

  private static String q(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  private static List<Column> columns(Expectation e) {
    String c = q(e.kwarg("column", ""));
    return switch (e.type()) {
      case "expect_column_median_to_be_between" -> List.of(expr("percentile(CAST(" + c + " AS DOUBLE), 0.5)"));
      case "expect_column_stdev_to_be_between" -> List.of(expr("stddev_samp(CAST(" + c + " AS DOUBLE))"));
      case "expect_column_unique_value_count_to_be_between" -> List.of(expr("count(DISTINCT " + c + ")"));
      case "expect_column_proportion_of_non_null_values_to_be_between" -> List.of(expr("count(" + c + ")"));
      case "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
          "expect_column_distinct_values_to_equal_set" -> List.of(expr("collect_set(" + c + ")"));
      case "expect_column_min_to_be_between" -> List.of(expr("min(" + c + ")"));
      case "expect_column_max_to_be_between" -> List.of(expr("max(" + c + ")"));
      case "expect_column_value_z_scores_to_be_less_than" -> List.of(expr("avg(CAST(" + c + " AS DOUBLE))"),
          expr("stddev_samp(CAST(" + c + " AS DOUBLE))"), expr("count(" + c + ")"));
      case "expect_column_quantile_values_to_be_between" -> List.of(expr("count(" + c + ")"));
      // Tukey's fences on the linear quartiles (pandas' Series.quantile), or the mean and sample deviation.
      case "expect_column_values_to_not_be_outliers" -> List.of(expr("percentile(CAST(" + c + " AS DOUBLE), 0.25)"),
          expr("percentile(CAST(" + c + " AS DOUBLE), 0.75)"), expr("avg(CAST(" + c + " AS DOUBLE))"),
          expr("stddev_samp(CAST(" + c + " AS DOUBLE))"), expr("count(" + c + ")"));
      default -> List.of(); // the most common value: a grouping of its own
    };
  }

  @SuppressWarnings("unchecked")
  private static ExpectationResult verdict(Expectation e, long n, List<Object> v, Dataset<Row> rows) {
    String column = e.kwarg("column", "");
    Map<String, Object> result = new LinkedHashMap<>();
    switch (e.type()) {
      case "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
          "expect_column_distinct_values_to_equal_set" -> {
        List<Object> observed = sorted(scala.collection.JavaConverters.seqAsJavaList(((scala.collection.Seq<?>) v.get(0))));
        Set<String> have = canonical(observed);
        Set<String> wanted = canonical(e.kwarg("value_set", List.of()));
        boolean ok = switch (e.type()) {
          case "expect_column_distinct_values_to_be_in_set" -> wanted.containsAll(have);
          case "expect_column_distinct_values_to_contain_set" -> have.containsAll(wanted);
          default -> have.equals(wanted);
        };
        result.put("observed_value", observed);
        Set<String> extra = new TreeSet<>(have);
        extra.removeAll(wanted);
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(have);
        // GE's counts: distinct values outside the set (in set, equal set), values of the set never seen (contain, equal).
        if (!e.type().equals("expect_column_distinct_values_to_contain_set")) {
          result.put("unexpected_count", (long) extra.size());
          result.put("partial_unexpected_list", observed.stream().filter(o -> extra.contains(key(o)))
              .limit(SuiteValidator.SAMPLE).toList());
        }
        if (!e.type().equals("expect_column_distinct_values_to_be_in_set")) {
          result.put("missing_count", (long) missing.size());
          result.put("partial_missing_list", shown(missing).stream().limit(SuiteValidator.SAMPLE).toList());
        }
        return new ExpectationResult(e, ok, result, "the distinct values of " + column + " are " + observed
            + (ok ? "" : " (not in the set: " + shown(extra) + ", missing from them: " + shown(missing) + ")"), null);
      }
      case "expect_column_most_common_value_to_be_in_set" -> {
        Dataset<Row> counts = rows.where(col(column).isNotNull()).groupBy(col(column)).count();
        List<Object> modes = sorted(counts.withColumn("_top", org.apache.spark.sql.functions.max("count").over(Window.partitionBy()))
            .where(col("count").equalTo(col("_top"))).select(col(column)).collectAsList().stream().map(r -> r.get(0)).toList());
        Set<String> wanted = canonical(e.kwarg("value_set", List.of()));
        long inSet = canonical(modes).stream().filter(wanted::contains).count();
        boolean ok = e.flag("ties_okay") ? inSet > 0 : modes.size() == 1 && inSet == 1;
        result.put("observed_value", modes);
        return new ExpectationResult(e, ok, result, "the most common value(s) of " + column + ": " + modes, null);
      }
      case "expect_column_quantile_values_to_be_between" -> {
        Map<String, Object> ranges = e.kwarg("quantile_ranges", Map.of());
        List<Number> quantiles = (List<Number>) ranges.get("quantiles");
        List<List<Object>> bounds = (List<List<Object>>) ranges.get("value_ranges");
        long count = ((Number) v.get(0)).longValue();
        List<Object> found = quantiles(rows, column, quantiles, count, String.valueOf(e.kwarg("allow_relative_error", "nearest")));
        List<Boolean> each = new ArrayList<>();
        for (int i = 0; i < quantiles.size(); i++) {
          Object value = found.get(i);
          List<Object> range = bounds.get(i);
          each.add(value instanceof Number num && (range.get(0) == null || num.doubleValue() >= ((Number) range.get(0)).doubleValue())
              && (range.get(1) == null || num.doubleValue() <= ((Number) range.get(1)).doubleValue()));
        }
        Map<String, Object> observed = new LinkedHashMap<>();
        observed.put("quantiles", quantiles);
        observed.put("values", found);
        result.put("observed_value", observed);
        result.put("details", Map.of("success_details", each));
        boolean ok = !each.contains(false);
        return new ExpectationResult(e, ok, result, "the quantiles " + quantiles + " of " + column + " are " + found, null);
      }
      case "expect_column_values_to_not_be_outliers" -> {
        boolean iqr = !"std".equals(e.kwarg("method", "iqr"));
        double multiplier = e.number("multiplier") == null ? 1.5 : e.number("multiplier");
        Double lower = number(v.get(iqr ? 0 : 2));
        Double upper = number(v.get(iqr ? 1 : 2));
        Double spread = iqr ? (lower == null || upper == null ? null : upper - lower) : number(v.get(3));
        long nonNull = ((Number) v.get(4)).longValue();
        long unexpected = 0;
        if (lower != null && upper != null && spread != null) {
          double threshold = multiplier * spread;
          Column x = col(column).cast("double");
          Column inside = iqr ? x.geq(org.apache.spark.sql.functions.lit(lower - threshold)).and(x.leq(org.apache.spark.sql.functions.lit(upper + threshold)))
              : threshold <= 0 ? x.equalTo(org.apache.spark.sql.functions.lit(lower))
              : org.apache.spark.sql.functions.abs(x.minus(org.apache.spark.sql.functions.lit(lower))).lt(org.apache.spark.sql.functions.lit(threshold));
          unexpected = rows.where(col(column).isNotNull().and(org.apache.spark.sql.functions.not(inside))).count();
        }
        return Verdicts.mapResult(e, n, n - nonNull, unexpected, List.of(), " are outliers by " + (iqr ? "the interquartile range" : "the "
            + "standard deviation") + " x " + multiplier);
      }
      case "expect_column_value_z_scores_to_be_less_than" -> {
        Double mean = v.get(0) == null ? null : ((Number) v.get(0)).doubleValue();
        Double sd = v.get(1) == null ? null : ((Number) v.get(1)).doubleValue();
        long nonNull = ((Number) v.get(2)).longValue();
        double threshold = e.number("threshold");
        boolean twoSided = e.kwargs().get("double_sided") == null || e.flag("double_sided");
        long unexpected = 0;
        if (mean != null && sd != null && sd > 0) {
          Column z = col(column).cast("double").minus(org.apache.spark.sql.functions.lit(mean)).divide(org.apache.spark.sql.functions.lit(sd));
          unexpected = rows.where((twoSided ? org.apache.spark.sql.functions.abs(z) : z).geq(org.apache.spark.sql.functions.lit(threshold))).count();
        }
        return Verdicts.mapResult(e, n, n - nonNull, unexpected, List.of(),
            " have a z-score " + (twoSided ? "whose size is " : "") + "at least " + threshold);
      }
      default -> { // a number (or a string or date: min and max of a column that is not numeric) between bounds
        Object raw = v.get(0);
        Object observed = e.type().equals("expect_column_proportion_of_non_null_values_to_be_between")
            ? (n == 0 ? 0.0 : ((Number) raw).doubleValue() / n) : raw; // GE: no row has a share of 0
        if (observed instanceof String && (e.kwargs().get("min_value") instanceof Number || e.kwargs().get("max_value") instanceof Number)) {
          result.put("observed_value", observed);
          return new ExpectationResult(e, false, result, "the column " + column + " holds text, which a number bound cannot order "
              + "(GE fails with a type error): give text bounds, or check a numeric column", null);
        }
        boolean ok = observed instanceof Number num ? withinNumber(num.doubleValue(), e) : withinText(observed, e);
        result.put("observed_value", observed instanceof java.sql.Timestamp t ? utc(t).toString()
            : observed instanceof java.time.LocalDateTime local ? local.toString()
            : observed instanceof java.sql.Date ? String.valueOf(observed) : observed);
        String what = e.type().replace("expect_column_", "").replace("_to_be_between", "").replace('_', ' ');
        return new ExpectationResult(e, ok, result, observed == null ? "the " + what + " of " + column + " cannot be computed (no non-null value)"
            : "the " + what + " of " + column + " is " + observed, null);
      }
    }
  }

  /**
   * The quantiles of the column's non-null values, exactly, as pandas computes them with GE's interpolation
   * ({@code allow_relative_error}: false or nearest (the default), lower, higher, midpoint, linear): the values at the
   * ranks around q x (count - 1), read in one pass by {@code percentile_disc} (the value at a rank).
   */
  private static List<Object> quantiles(Dataset<Row> rows, String column, List<Number> quantiles, long count, String method) {
    List<Object> out = new ArrayList<>();
    if (count == 0) {
      quantiles.forEach(q -> out.add(null));
      return out;
    }
    List<Column> ranks = new ArrayList<>();
    for (Number q : quantiles) {
      double at = q.doubleValue() * (count - 1);
      for (long rank : new long[] {(long) Math.floor(at), (long) Math.ceil(at), (long) Math.rint(at)}) {
        // percentile_disc(p) is the first value whose cumulative share reaches p: the middle of a rank's step picks it.
        ranks.add(expr("percentile_disc(" + ((rank + 0.5) / count) + ") WITHIN GROUP (ORDER BY " + q(column) + ")"));
      }
    }
    Row values = rows.where(col(column).isNotNull()).agg(ranks.get(0), ranks.subList(1, ranks.size()).toArray(Column[]::new)).first();
    for (int i = 0; i < quantiles.size(); i++) {
      double at = quantiles.get(i).doubleValue() * (count - 1);
      Object lower = values.get(3 * i);
      Object higher = values.get(3 * i + 1);
      Object nearest = values.get(3 * i + 2);
      out.add(switch (method) {
        case "lower" -> lower;
        case "higher" -> higher;
        case "midpoint" -> (((Number) lower).doubleValue() + ((Number) higher).doubleValue()) / 2;
        case "linear" -> ((Number) lower).doubleValue() + (((Number) higher).doubleValue() - ((Number) lower).doubleValue()) * (at - Math.floor(at));
        default -> nearest;
      });
    }
    return out;
  }

  private static Double number(Object v) {
    return v == null || Double.isNaN(((Number) v).doubleValue()) ? null : ((Number) v).doubleValue();
  }

  /** A number between bounds given as numbers or as numeric text. */
  private static boolean withinNumber(double v, Expectation e) {
    Double min = bound(e, "min_value");
    Double max = bound(e, "max_value");
    boolean lo = min == null || (e.flag("strict_min") ? v > min : v >= min);
    boolean hi = max == null || (e.flag("strict_max") ? v < max : v <= max);
    return !Double.isNaN(v) && lo && hi;
  }

  private static Double bound(Expectation e, String key) {
    Object b = e.kwargs().get(key);
    if (b == null || b instanceof Number) {
      return b == null ? null : ((Number) b).doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(b));
    } catch (NumberFormatException ex) {
      throw io.profitos.lakehouse.core.LakehouseException.usage(e.name() + ": '" + key + "' is '" + b + "', text, but the column "
          + e.kwarg("column", "") + " is numeric: give a number.");
    }
  }

  /**
   * A text, date or time between bounds: a date or time column's bounds are read as ISO dates or date-times ("2026-01-31",
   * "2026-01-31T08:00:00" or with a blank for the T) and compared in time; a text column's bounds compare as text.
   */
  private static boolean withinText(Object observed, Expectation e) {
    if (observed == null) {
      return false;
    }
    int lo = compareToBound(observed, e, "min_value");
    int hi = compareToBound(observed, e, "max_value");
    return (e.kwargs().get("min_value") == null || (e.flag("strict_min") ? lo > 0 : lo >= 0))
        && (e.kwargs().get("max_value") == null || (e.flag("strict_max") ? hi < 0 : hi <= 0));
  }

  /** A time as the lakehouse writes it: its UTC wall clock (the session's time zone), whatever the JVM's is. */
  private static java.time.LocalDateTime utc(java.sql.Timestamp t) {
    return t.toInstant().atOffset(java.time.ZoneOffset.UTC).toLocalDateTime();
  }

  private static int compareToBound(Object observed, Expectation e, String key) {
    Object bound = e.kwargs().get(key);
    if (bound == null) {
      return 0;
    }
    String text = String.valueOf(bound).strip().replace(' ', 'T');
    try {
      if (observed instanceof java.sql.Date d) {
        return d.toLocalDate().compareTo(java.time.LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text));
      }
      if (observed instanceof java.sql.Timestamp || observed instanceof java.time.LocalDateTime) {
        java.time.LocalDateTime b = text.length() == 10 ? java.time.LocalDate.parse(text).atStartOfDay() : java.time.LocalDateTime.parse(text);
        return (observed instanceof java.sql.Timestamp t ? utc(t) : (java.time.LocalDateTime) observed).compareTo(b);
      }
    } catch (java.time.format.DateTimeParseException ex) {
      throw io.profitos.lakehouse.core.LakehouseException.usage(e.name() + ": '" + key + "' is '" + bound + "', which is not an ISO date "
          + "or date-time (2026-01-31, 2026-01-31T08:00:00) for the date column " + e.kwarg("column", "") + ".");
    }
    return String.valueOf(observed).compareTo(String.valueOf(bound));
  }

  private static List<Object> sorted(List<?> values) {
    List<Object> out = new ArrayList<>(values);
    out.sort((a, b) -> a instanceof Comparable<?> && a.getClass().equals(b.getClass()) ? compare(a, b) : String.valueOf(a).compareTo(String.valueOf(b)));
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  /**
   * Values as comparable text, kept apart by kind as Python's {@code ==} keeps them: a number is the same number whatever
   * its Java type (1, 1L, 1.0), and never equal to a text ("1"); NaN and infinities as they print.
   */
  static Set<String> canonical(List<?> values) {
    Set<String> out = new TreeSet<>();
    for (Object o : values) {
      out.add(key(o));
    }
    return out;
  }

  private static List<String> shown(Set<String> keys) {
    return keys.stream().map(k -> k.substring(k.indexOf(':') + 1)).toList();
  }

  private static String key(Object o) {
    if (o instanceof Number num) {
      double d = num.doubleValue();
      return "number:" + (Double.isNaN(d) || Double.isInfinite(d) ? String.valueOf(d)
          : new BigDecimal(num.toString()).stripTrailingZeros().toPlainString());
    }
    return "text:" + o;
  }
}
