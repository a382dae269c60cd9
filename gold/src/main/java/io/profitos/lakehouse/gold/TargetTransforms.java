package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;

import io.profitos.lakehouse.core.money.Money;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/** KPI targets of finance's plan, shown in the mart where each metric lives. */
public final class TargetTransforms {
  private TargetTransforms() {}

  /** The type of a target and of a gap. */
  static final MapType TARGETS = DataTypes.createMapType(DataTypes.StringType, Money.MONEY, true);

  /**
   * Adds to a monthly mart {@code targets} (metric contract name -> finance's target for the row's month and segment)
   * and {@code target_gaps} (metric -> the row's value - its target), for the contracts published in this mart
   * ({@code metricColumns}: metric -> column; numeric columns only). A metric without a target has no entry, so reading
   * it gives null, never 0. Rows match a target by month and, when {@code segmentColumn} is given, by segment (the
   * mart's {@code All} row takes the {@code All} target); without it only {@code All} targets apply. {@code targets}
   * is {@code silver.targets}, or null when finance lands no plan (both columns are then null).
   */
  public static Dataset<Row> withTargets(Dataset<Row> mart, Dataset<Row> targets, Map<String, String> metricColumns,
      String segmentColumn) {
    Map<String, String> numeric = new LinkedHashMap<>();
    for (StructField f : mart.schema().fields()) {
      metricColumns.forEach((metric, column) -> {
        if (column.equals(f.name()) && f.dataType() instanceof NumericType) {
          numeric.put(metric, column);
        }
      });
    }
    if (targets == null || numeric.isEmpty()) {
      return mart.withColumn("targets", lit(null).cast(TARGETS)).withColumn("target_gaps", lit(null).cast(TARGETS));
    }
    Column segment = segmentColumn == null ? lit(SaasKpis.ALL) : col(segmentColumn);
    Dataset<Row> plan = targets.where(col("is_deleted").equalTo(false).and(col("metric").isin(numeric.keySet().toArray()))
            .and(col("target").isNotNull()))
        .groupBy(col("month").as("_t_month"), col("segment").as("_t_segment"))
        .agg(map_from_entries(collect_list(struct(col("metric"), col("target").cast(Money.MONEY)))).as("targets"));
    Dataset<Row> joined = mart.join(plan, col("month").equalTo(col("_t_month")).and(segment.equalTo(col("_t_segment"))), "left")
        .drop("_t_month", "_t_segment");
    List<Column> keys = new ArrayList<>();
    List<Column> gaps = new ArrayList<>();
    numeric.forEach((metric, column) -> {
      keys.add(lit(metric));
      gaps.add(col(column).cast(Money.MONEY).minus(element_at(col("targets"), metric)).cast(Money.MONEY));
    });
    Column all = map_from_arrays(org.apache.spark.sql.functions.array(keys.toArray(Column[]::new)),
        org.apache.spark.sql.functions.array(gaps.toArray(Column[]::new)));
    return joined.withColumn("target_gaps", org.apache.spark.sql.functions.when(col("targets").isNotNull(),
        map_filter(all, (k, v) -> v.isNotNull())).cast(TARGETS));
  }
}
