package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Row rules of a silver table as pure functions. A failing {@link Rule} sends the row to
 * {@code silver._quarantine} (one row per failed rule, with the table, key, rule and reason); a
 * {@link Flag} keeps the row and names the flag in its {@code _flags} array (for example an
 * unknown enum value, which must not be dropped).
 */
public final class RowRules {
  private RowRules() {}

  /** A rule the row must pass; {@code fails} is true (not null) for a failing row. */
  public record Rule(String name, Column fails, Column reason) {}

  /** A condition recorded on the row without removing it. */
  public record Flag(String name, Column applies) {}

  /** Rows passing every rule, with {@code _flags} (array of flag names, empty when none). */
  public static Dataset<Row> passing(Dataset<Row> rows, List<Rule> rules, List<Flag> flags) {
    Dataset<Row> withFailures = withFailures(rows, rules);
    List<Column> flagged = new ArrayList<>();
    for (Flag f : flags) {
      flagged.add(when(f.applies(), lit(f.name())));
    }
    Column flagArray = flagged.isEmpty() ? array().cast("array<string>")
        : filter(array(flagged.toArray(Column[]::new)), x -> x.isNotNull());
    return withFailures.where(size(col("_failures")).equalTo(0)).drop("_failures").withColumn("_flags", flagArray);
  }

  /**
   * One quarantine row per failed rule: table, key (key values joined by {@code |}), rule,
   * reason, record (the conformed row as JSON), _record_hash, _batch_id.
   */
  public static Dataset<Row> failing(Dataset<Row> rows, List<Rule> rules, String table, List<String> key) {
    Dataset<Row> withFailures = withFailures(rows, rules);
    Column keyText = concat_ws("|", key.stream().map(k -> col(k).cast(DataTypes.StringType)).toArray(Column[]::new));
    Column record = to_json(struct(java.util.Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new)));
    return withFailures.where(size(col("_failures")).gt(0))
        .select(lit(table).as("table"), keyText.as("key"), explode(col("_failures")).as("failure"), record.as("record"),
            col("_record_hash"), col("_batch_id"))
        .select(col("table"), col("key"), col("failure.rule").as("rule"), col("failure.reason").as("reason"),
            col("record"), col("_record_hash"), col("_batch_id"));
  }

  private static Dataset<Row> withFailures(Dataset<Row> rows, List<Rule> rules) {
    if (rules.isEmpty()) {
      return rows.withColumn("_failures", array().cast("array<struct<rule:string,reason:string>>"));
    }
    Column[] failures = rules.stream()
        .map(r -> when(r.fails(), struct(lit(r.name()).as("rule"), r.reason().as("reason"))))
        .toArray(Column[]::new);
    return rows.withColumn("_failures", filter(array(failures), x -> x.isNotNull()));
  }

  /** Null keys are never valid. */
  public static Rule notNull(String column) {
    return new Rule("not_null:" + column, col(column).isNull(), lit(column + " is null"));
  }

  /** A value within [min, max] (nulls pass; use {@link #notNull} for them). */
  public static Rule between(String column, double min, double max) {
    Column c = col(column);
    return new Rule("range:" + column, c.isNotNull().and(c.lt(min).or(c.gt(max))),
        concat_ws("", lit(column + " = "), c.cast(DataTypes.StringType), lit(" outside [" + min + ", " + max + "]")));
  }

  /** A timestamp or date not later than {@code latest} (the run's end plus a tolerance). */
  public static Rule notAfter(String column, java.sql.Timestamp latest) {
    Column c = col(column);
    return new Rule("future:" + column, c.isNotNull().and(c.cast(DataTypes.TimestampType).gt(lit(latest))),
        concat_ws("", lit(column + " = "), c.cast(DataTypes.StringType), lit(" is after " + latest.toInstant())));
  }

  /**
   * A configured SQL condition every row must satisfy (for example {@code record_type <> 'Usage'
   * OR unblended_cost >= 0}); a row where it is false fails, a row where it is null (unknown) passes.
   */
  public static Rule check(String name, String condition) {
    Column holds = org.apache.spark.sql.functions.expr(condition);
    return new Rule("check:" + name, org.apache.spark.sql.functions.not(org.apache.spark.sql.functions.coalesce(holds, lit(true))),
        lit("fails " + name + ": " + condition));
  }

  /** A value outside the known set: kept and flagged. */
  public static Flag unknownValue(String column, List<String> known) {
    return new Flag("unknown_value:" + column, col(column).isNotNull().and(col(column).isin(known.toArray()).unary_$bang()));
  }
}
