package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/** Threshold breaches of the metric contracts as rows for the weekly pre-read ({@code gold.kpi_exceptions}). */
public final class ExceptionTransforms {
  private ExceptionTransforms() {}

  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("metric", DataTypes.StringType).add("threshold_name", DataTypes.StringType).add("test", DataTypes.StringType)
      .add("period", DataTypes.DateType).add("segment", DataTypes.StringType).add("value", DataTypes.DoubleType)
      .add("threshold", DataTypes.DoubleType).add("comparison", DataTypes.StringType).add("severity", DataTypes.StringType)
      .add("owner", DataTypes.StringType).add("action", DataTypes.StringType).add("status", DataTypes.StringType);

  /**
   * A KPI table with month (and optionally segment) -> one row per breached threshold: metric,
   * threshold_name, period (the month), segment, value (the metric, or its month-over-month change
   * for change tests), threshold (the bound crossed), comparison (below | above), severity, owner,
   * action, status (red for critical and high, amber for warning). Only periods from {@code
   * fromMonth} on are reported (the run's window; earlier breaches were reported by earlier runs).
   */
  public static Dataset<Row> breaches(Dataset<Row> kpis, MetricContracts.Contract contract, java.time.LocalDate fromMonth) {
    List<Dataset<Row>> parts = new ArrayList<>();
    boolean segmented = List.of(kpis.columns()).contains("segment");
    Column segment = segmented ? col("segment") : lit(SaasKpis.ALL);
    var bySegment = Window.partitionBy(segment).orderBy("month");
    for (MetricContracts.Threshold t : contract.thresholds()) {
      Column v = col(contract.column()).cast(DataTypes.DoubleType);
      Column prev = lag(v, 1).over(bySegment);
      Column value = switch (t.test()) {
        case "mom_change" -> when(prev.isNull().or(prev.equalTo(0)), lit(null)).otherwise(v.minus(prev).divide(prev));
        case "abs_mom_change" -> when(prev.isNull().or(prev.equalTo(0)), lit(null))
            .otherwise(org.apache.spark.sql.functions.abs(v.minus(prev).divide(prev)));
        default -> v;
      };
      Dataset<Row> evaluated = kpis.select(col("month"), segment.as("segment"),
          segmented || List.of(kpis.columns()).contains("is_complete") ? col("is_complete") : lit(true).as("is_complete"),
          value.as("value"));
      if (t.completeOnly()) {
        evaluated = evaluated.where(col("is_complete"));
      }
      Column below = t.below() == null ? lit(false) : col("value").lt(t.below());
      Column above = t.above() == null ? lit(false) : col("value").gt(t.above());
      parts.add(evaluated.where(col("value").isNotNull().and(below.or(above))
          .and(col("month").geq(lit(java.sql.Date.valueOf(fromMonth))))).select(
          lit(contract.metric()).as("metric"),
          lit(t.name()).as("threshold_name"),
          lit(t.test()).as("test"),
          col("month").as("period"),
          col("segment"),
          col("value"),
          when(below, lit(t.below())).otherwise(lit(t.above())).cast(DataTypes.DoubleType).as("threshold"),
          when(below, lit("below")).otherwise(lit("above")).as("comparison"),
          lit(t.severity()).as("severity"),
          lit(contract.owner()).as("owner"),
          lit(t.action()).as("action"),
          lit(t.severity().equals("warning") ? "amber" : "red").as("status")));
    }
    return parts.stream().reduce(Dataset::unionByName).orElse(null);
  }
}
