package io.profitos.lakehouse.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.profitos.lakehouse.quality.ExpectationSuite.Expectation;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Great Expectations' {@code result_format}, per expectation: {@code BOOLEAN_ONLY} (the verdict alone), {@code BASIC}
 * (counts, percentages and up to {@code partial_unexpected_count} unexpected values: the engine's default),
 * {@code SUMMARY} (and the counts of the most frequent unexpected values, {@code partial_unexpected_counts}) or
 * {@code COMPLETE} (every unexpected value, {@code unexpected_list}, and with {@code unexpected_index_column_names}
 * each unexpected row's identifying columns, {@code unexpected_index_list}). The kwarg is GE's: a name, or
 * {@code {"result_format": name, "unexpected_index_column_names": [...], "partial_unexpected_count": n}}.
 */
final class ResultFormats {
  private ResultFormats() {}

  static final List<String> NAMES = List.of("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE");

  record Format(String name, List<String> indexColumns, int partialCount) {}

  static Format of(Expectation e) {
    Object raw = e.kwargs().get("result_format");
    if (raw instanceof Map<?, ?> m) {
      Object ids = m.get("unexpected_index_column_names");
      Object partial = m.get("partial_unexpected_count");
      return new Format(String.valueOf(m.get("result_format") == null ? "BASIC" : m.get("result_format")),
          ids instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(),
          partial instanceof Number n ? n.intValue() : SuiteValidator.SAMPLE);
    }
    return new Format(raw == null ? "BASIC" : String.valueOf(raw), List.of(), SuiteValidator.SAMPLE);
  }

  /** Whether the kwarg is well formed; null when it is, else why not. */
  static String problem(Object raw) {
    if (raw == null) {
      return null;
    }
    Object name = raw instanceof Map<?, ?> m ? m.get("result_format") : raw;
    if (name != null && !NAMES.contains(String.valueOf(name))) {
      return "'result_format' must be one of " + NAMES + " (or an object with \"result_format\", \"unexpected_index_column_names\", "
          + "\"partial_unexpected_count\")";
    }
    if (raw instanceof Map<?, ?> m && m.get("unexpected_index_column_names") != null
        && !(m.get("unexpected_index_column_names") instanceof List<?> l && l.stream().allMatch(String.class::isInstance))) {
      return "'unexpected_index_column_names' must be a list of column names";
    }
    if (raw instanceof Map<?, ?> m && m.get("partial_unexpected_count") != null
        && !(m.get("partial_unexpected_count") instanceof Integer n && n >= 0)) {
      return "'partial_unexpected_count' must be a whole number of at least 0";
    }
    return raw instanceof Map<?, ?> || raw instanceof String ? null : "'result_format' must be a name or an object";
  }

  /**
   * The result shaped as the expectation asks. {@code rows} are the rows it was judged on (with any derived check
   * column), {@code unexpected} the condition of its unexpected rows and {@code values} the columns whose values it
   * reports (null for an expectation that has no unexpected rows: aggregates and table checks).
   */
  static ExpectationResult shape(ExpectationResult r, Dataset<Row> rows, Column unexpected, List<String> values) {
    Format f = of(r.expectation());
    Map<String, Object> result = new LinkedHashMap<>(r.result());
    switch (f.name()) {
      case "BOOLEAN_ONLY" -> result.clear();
      case "SUMMARY", "COMPLETE" -> {
        if (unexpected != null) {
          Dataset<Row> bad = rows.where(unexpected);
          Column[] valueColumns = values.stream().map(c -> col(c)).toArray(Column[]::new);
          List<Object> counts = new ArrayList<>();
          for (Row c : bad.groupBy(valueColumns).count().orderBy(orderOf(values)).limit(f.partialCount()).collectAsList()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("value", value(c, values.size()));
            one.put("count", c.getLong(values.size()));
            counts.add(one);
          }
          result.put("partial_unexpected_counts", counts);
          if (f.name().equals("COMPLETE")) {
            List<String> selected = new ArrayList<>(f.indexColumns());
            selected.addAll(values.stream().filter(v -> !f.indexColumns().contains(v)).toList());
            List<Object> all = new ArrayList<>();
            List<Object> index = new ArrayList<>();
            for (Row row : bad.select(selected.stream().map(c -> col(c)).toArray(Column[]::new)).collectAsList()) {
              Map<String, Object> byName = new LinkedHashMap<>();
              for (int i = 0; i < selected.size(); i++) {
                byName.put(selected.get(i), row.get(i));
              }
              all.add(values.size() == 1 ? byName.get(values.get(0)) : values.stream().map(byName::get).toList());
              if (!f.indexColumns().isEmpty()) {
                Map<String, Object> id = new LinkedHashMap<>();
                f.indexColumns().forEach(c -> id.put(c, byName.get(c)));
                values.forEach(v -> id.put(v, byName.get(v)));
                index.add(id);
              }
            }
            result.put("unexpected_list", all);
            if (!f.indexColumns().isEmpty()) {
              result.put("unexpected_index_column_names", f.indexColumns());
              result.put("unexpected_index_list", index);
            }
          }
        }
      }
      default -> { } // BASIC: as computed
    }
    if (f.name().equals("BASIC") || f.name().equals("SUMMARY") || f.name().equals("COMPLETE")) {
      Object partial = result.get("partial_unexpected_list");
      if (partial instanceof List<?> l && l.size() > f.partialCount()) {
        result.put("partial_unexpected_list", List.copyOf(l.subList(0, f.partialCount())));
      }
    }
    return new ExpectationResult(r.expectation(), r.success(), result, r.message(), r.override());
  }

  /** GE's order of partial_unexpected_counts: the most frequent first, ties by value. */
  private static Column[] orderOf(List<String> values) {
    List<Column> order = new ArrayList<>();
    order.add(col("count").desc());
    values.forEach(v -> order.add(col(v).asc_nulls_first()));
    return order.toArray(Column[]::new);
  }

  private static Object value(Row r, int width) {
    if (width == 1) {
      return r.get(0);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      out.add(r.get(i));
    }
    return out;
  }

  /**
   * The unexpected rows of a column map, pair or multicolumn expectation (null for the others), and the columns whose
   * values it reports.
   */
  static Column unexpected(Expectation e) {
    String type = e.type();
    ExpectationTypes.Kind kind = ExpectationTypes.spec(type).kind();
    if (kind != ExpectationTypes.Kind.MAP) {
      return null;
    }
    if (type.equals("expect_column_values_to_not_be_null")) {
      return col(e.kwarg("column", "")).isNull();
    }
    if (type.equals("expect_column_values_to_be_null")) {
      return col(e.kwarg("column", "")).isNotNull();
    }
    if (e.kwargs().containsKey("column_list") || e.kwargs().containsKey("column_A")) {
      return expr(SuiteValidator.pairDomain(e)).and(expr(SuiteValidator.predicate(e)).unary_$bang());
    }
    return col(e.kwarg("column", "")).isNotNull().and(expr(SuiteValidator.predicate(e)).unary_$bang());
  }

  static List<String> values(Expectation e) {
    if (e.kwargs().containsKey("column_list")) {
      return e.kwarg("column_list", List.of());
    }
    if (e.kwargs().containsKey("column_A")) {
      return List.of(e.kwarg("column_A", ""), e.kwarg("column_B", ""));
    }
    return List.of(e.kwarg("column", ""));
  }
}
