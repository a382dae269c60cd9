package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How far back a change between two versions of an input reaches, for partial rebuilds of
 * month-grained facts. The versions are compared row by row (through the change data feed, or
 * time travel), so late data, restatements and re-keyed versions are all seen, whatever wrote them. Runs Spark actions: used
 * by jobs, never inside transformations.
 */
final class Changes {
  private Changes() {}

  /**
   * What changed in {@code input} from {@code oldVersion} to its current version, as two multisets
   * of rows: {@code before} holds rows of the old version the new one lacks, {@code after} rows of
   * the new one the old lacked (rows in both may appear on both sides; the comparisons below cancel
   * them). From the input's change data feed when it records one at both versions (only the rows
   * commits removed and added are read); otherwise both versions whole.
   */
  record Sides(Dataset<Row> before, Dataset<Row> after) {}

  static Sides sides(io.profitos.lakehouse.core.job.JobContext ctx, io.profitos.lakehouse.core.table.TableName input, long oldVersion) {
    Dataset<Row> feed = ctx.readChanges(input, oldVersion, ctx.version(input));
    if (feed == null) {
      return new Sides(ctx.readVersion(input, oldVersion), ctx.read(input));
    }
    Column removed = col("_change_type").isin("delete", "update_preimage");
    Column added = col("_change_type").isin("insert", "update_postimage");
    return new Sides(feed.where(removed).drop("_change_type", "_commit_version", "_commit_timestamp"),
        feed.where(added).drop("_change_type", "_commit_version", "_commit_timestamp"));
  }

  /**
   * For a table of versions (one row per entity and {@code validFrom}, open until {@code validTo}):
   * the first day on which the entity states differ between {@code before} and {@code after},
   * compared on {@code compared} columns (besides the key and the validity). A version whose
   * content is unchanged but whose end moved (a later version arrived) differs only from the
   * earlier of its two ends. Null when nothing differs.
   */
  static LocalDate firstChangedDay(Dataset<Row> before, Dataset<Row> after, List<String> id, String validFrom, String validTo,
      List<String> compared) {
    List<Column> projection = new ArrayList<>();
    id.forEach(c -> projection.add(col(c)));
    projection.add(col(validFrom));
    projection.add(col(validTo));
    compared.forEach(c -> projection.add(col(c)));
    Dataset<Row> b = before.select(projection.toArray(Column[]::new));
    Dataset<Row> a = after.select(projection.toArray(Column[]::new));
    Column content = sha2(to_json(org.apache.spark.sql.functions.struct(compared.stream()
        .map(org.apache.spark.sql.functions::col).toArray(Column[]::new))), 256);
    Dataset<Row> diff = b.exceptAll(a).withColumn("_side", lit("before"))
        .unionByName(a.exceptAll(b).withColumn("_side", lit("after")))
        .withColumn("_content", content);
    List<Column> group = new ArrayList<>();
    id.forEach(c -> group.add(col(c)));
    group.add(col(validFrom));
    Dataset<Row> versions = diff.groupBy(group.toArray(Column[]::new))
        .agg(countDistinct("_side").as("_sides"), countDistinct("_content").as("_contents"),
            min(coalesce(col(validTo).cast("timestamp"), lit("9999-12-31").cast("timestamp"))).as("_end"));
    Column affected = when(col("_sides").equalTo(2).and(col("_contents").equalTo(1)), col("_end"))
        .otherwise(col(validFrom).cast("timestamp"));
    Row first = versions.agg(min(affected)).first();
    return first.isNullAt(0) ? null : first.getTimestamp(0).toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** For a table keyed by a date: the first date whose rows differ between the two versions (null when none). */
  static LocalDate firstChangedDate(Dataset<Row> before, Dataset<Row> after, String date, List<String> columns) {
    List<Column> projection = new ArrayList<>();
    projection.add(col(date));
    columns.forEach(c -> projection.add(col(c)));
    Dataset<Row> b = before.select(projection.toArray(Column[]::new));
    Dataset<Row> a = after.select(projection.toArray(Column[]::new));
    Row first = b.exceptAll(a).unionByName(a.exceptAll(b)).agg(min(col(date))).first();
    return first.isNullAt(0) ? null : first.getDate(0).toLocalDate();
  }
}
