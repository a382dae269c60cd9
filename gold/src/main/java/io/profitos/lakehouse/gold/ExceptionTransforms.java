package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
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

/**
 * Threshold breaches of the metric contracts, and publishes a quality gate blocked, as rows for
 * the weekly pre-read ({@code gold.kpi_exceptions}): a blocked number never just goes quiet.
 */
public final class ExceptionTransforms {
  private ExceptionTransforms() {}

  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("metric", DataTypes.StringType).add("table_name", DataTypes.StringType).add("column_name", DataTypes.StringType)
      .add("threshold_name", DataTypes.StringType).add("test", DataTypes.StringType)
      .add("period", DataTypes.DateType).add("period_grain", DataTypes.StringType)
      .add("breakdown", DataTypes.StringType).add("breakdown_value", DataTypes.StringType)
      .add("value", DataTypes.DoubleType).add("threshold", DataTypes.DoubleType).add("comparison", DataTypes.StringType)
      .add("severity", DataTypes.StringType).add("owner", DataTypes.StringType).add("action", DataTypes.StringType)
      .add("status", DataTypes.StringType).add("detail", DataTypes.StringType);

  /** The period column of a KPI table and its grain: month, week_start (week) or quarter. */
  public static String[] period(Dataset<Row> kpis) {
    List<String> columns = List.of(kpis.columns());
    for (String[] p : new String[][] {{"month", "month"}, {"week_start", "week"}, {"quarter", "quarter"}}) {
      if (columns.contains(p[0])) {
        return p;
      }
    }
    throw new IllegalArgumentException("a KPI table with thresholds needs a month, week_start or quarter column: "
        + String.join(", ", kpis.columns()));
  }

  /** The breakdown column of a KPI table (segment or rep_segment), or null when it has none. */
  public static String breakdown(Dataset<Row> kpis) {
    List<String> columns = List.of(kpis.columns());
    return columns.contains("segment") ? "segment" : columns.contains("rep_segment") ? "rep_segment" : null;
  }

  /**
   * A KPI table -> one row per breached threshold of {@code contract}: metric, table_name,
   * column_name, threshold_name, test, period (its month, week or quarter), period_grain, breakdown
   * (segment or rep_segment when the table has one) and breakdown_value, value (the metric, or its
   * change over the previous period for change tests), threshold (the bound crossed), comparison
   * (below | above), severity, owner, action, status (red for critical and high, amber for
   * warning), detail. Only periods from {@code from} on are reported (the run's window; earlier
   * breaches were reported by earlier runs).
   */
  public static Dataset<Row> breaches(Dataset<Row> kpis, MetricContracts.Contract contract, String table, java.time.LocalDate from) {
    List<Dataset<Row>> parts = new ArrayList<>();
    List<String> columns = List.of(kpis.columns());
    String breakdown = breakdown(kpis);
    Column value0 = breakdown == null ? lit(SaasKpis.ALL) : col(breakdown);
    String[] period = period(kpis);
    var byBreakdown = Window.partitionBy(value0).orderBy(period[0]);
    for (MetricContracts.Threshold t : contract.thresholds()) {
      Column v = col(contract.column()).cast(DataTypes.DoubleType);
      Column prev = lag(v, 1).over(byBreakdown);
      Column value = switch (t.test()) {
        case "mom_change" -> when(prev.isNull().or(prev.equalTo(0)), lit(null)).otherwise(v.minus(prev).divide(prev));
        case "abs_mom_change" -> when(prev.isNull().or(prev.equalTo(0)), lit(null))
            .otherwise(org.apache.spark.sql.functions.abs(v.minus(prev).divide(prev)));
        default -> v;
      };
      Dataset<Row> evaluated = kpis.select(col(period[0]).as("period"), value0.as("breakdown_value"),
          columns.contains("is_complete") ? col("is_complete") : lit(true).as("is_complete"), value.as("value"));
      if (t.completeOnly()) {
        evaluated = evaluated.where(col("is_complete"));
      }
      Column below = t.below() == null ? lit(false) : col("value").lt(t.below());
      Column above = t.above() == null ? lit(false) : col("value").gt(t.above());
      parts.add(evaluated.where(col("value").isNotNull().and(below.or(above))
          .and(col("period").geq(lit(java.sql.Date.valueOf(from))))).select(
          lit(contract.metric()).as("metric"),
          lit(table).as("table_name"),
          lit(contract.column()).as("column_name"),
          lit(t.name()).as("threshold_name"),
          lit(t.test()).as("test"),
          col("period"),
          lit(period[1]).as("period_grain"),
          lit(breakdown).cast(DataTypes.StringType).as("breakdown"),
          col("breakdown_value"),
          col("value"),
          when(below, lit(t.below())).otherwise(lit(t.above())).cast(DataTypes.DoubleType).as("threshold"),
          when(below, lit("below")).otherwise(lit("above")).as("comparison"),
          lit(t.severity()).as("severity"),
          lit(contract.owner()).as("owner"),
          lit(t.action()).as("action"),
          lit(t.severity().equals("warning") ? "amber" : "red").as("status"),
          lit(null).cast(DataTypes.StringType).as("detail")));
    }
    return parts.stream().reduce(Dataset::unionByName).orElse(null);
  }

  /**
   * {@code quality.check_results} -> one exception per blocking expectation of each table's
   * newest gate run whose output was not published (a critical expectation failed with no
   * override): metric {@code quality_gate}, table_name, threshold_name (the expectation), period
   * (the run date), severity critical, status red, and in detail the message and the approved
   * override that would release the publish.
   */
  public static Dataset<Row> blockedPublishes(Dataset<Row> checkResults, String owner) {
    Dataset<Row> newest = checkResults
        .withColumn("_n", org.apache.spark.sql.functions.dense_rank().over(Window.partitionBy("table_name")
            .orderBy(col("checked_at").desc(), col("run_id").desc())))
        .where(col("_n").equalTo(1));
    Dataset<Row> blocking = newest.where(col("published").equalTo(false).and(col("success").equalTo(false))
        .and(col("severity").equalTo("critical")).and(col("overridden").equalTo(false)));
    return blocking.select(
        lit("quality_gate").as("metric"), col("table_name"), lit(null).cast(DataTypes.StringType).as("column_name"),
        col("expectation").as("threshold_name"), col("expectation_type").as("test"), col("run_date").as("period"),
        lit("day").as("period_grain"), lit(null).cast(DataTypes.StringType).as("breakdown"),
        lit(null).cast(DataTypes.StringType).as("breakdown_value"),
        col("unexpected_percent").as("value"), lit(null).cast(DataTypes.DoubleType).as("threshold"),
        lit(null).cast(DataTypes.StringType).as("comparison"), lit("critical").as("severity"), lit(owner).as("owner"),
        lit("investigate").as("action"), lit("red").as("status"),
        concat_ws("", col("table_name"), lit(" was not published: "), col("message"),
            lit(". Fix the data, or release it with lakehouse.quality.overrides += { table = "), col("table_name"),
            lit(", expectation = "), org.apache.spark.sql.functions.when(col("expectation").rlike("^[A-Za-z0-9_.-]+$"), col("expectation"))
                .otherwise(concat_ws("", lit("\""), org.apache.spark.sql.functions.regexp_replace(
                    org.apache.spark.sql.functions.regexp_replace(col("expectation"), "\\\\", "\\\\\\\\"), "\"", "\\\\\""),
                    lit("\""))), lit(", approved-by = \"...\", reason = \"...\", until = \"YYYY-MM-DD\" }"))
            .as("detail"));
  }

  /**
   * {@code ml.drift_metrics} -> one exception per model, score date and feature whose PSI is above the drift
   * threshold (is_shifted): metric {@code model_drift}, period the score date (from {@code from} on), breakdown
   * {@code model_feature} ("model: feature"), value the PSI, threshold psi_threshold, severity warning (amber), action
   * investigate, detail how to retrain.
   */
  public static Dataset<Row> modelDrift(Dataset<Row> drift, java.time.LocalDate from, String owner) {
    return drift.where(col("is_shifted").and(col("score_date").geq(lit(java.sql.Date.valueOf(from))))).select(
        lit("model_drift").as("metric"), lit("ml.drift_metrics").as("table_name"), lit("psi").as("column_name"),
        lit("psi_above_threshold").as("threshold_name"), lit("value").as("test"), col("score_date").as("period"),
        lit("day").as("period_grain"), lit("model_feature").as("breakdown"),
        concat_ws(": ", col("model"), col("feature")).as("breakdown_value"), col("psi").cast(DataTypes.DoubleType).as("value"),
        col("psi_threshold").cast(DataTypes.DoubleType).as("threshold"), lit("above").as("comparison"), lit("warning").as("severity"), lit(owner).as("owner"),
        lit("investigate").as("action"), lit("amber").as("status"),
        concat_ws("", lit("The distribution of "), col("feature"), lit(" has shifted since model "), col("model"), lit(" v"),
            col("model_version").cast(DataTypes.StringType), lit(" was trained: check the data, then retrain it (lakehouse ml train "),
            col("model"), lit(").")).as("detail"));
  }

  /**
   * {@code ml.model_performance} -> one exception per model version and score date whose realised AUC-ROC fell
   * below its floor (the registered held-out AUC-ROC minus the allowed drop; is_degraded): metric {@code
   * model_performance}, period the score date (from {@code from} on), breakdown {@code model}, value the realised
   * AUC-ROC, threshold the floor, severity high (red), action investigate.
   */
  public static Dataset<Row> modelPerformance(Dataset<Row> performance, java.time.LocalDate from, String owner) {
    return performance.where(col("is_degraded").and(col("score_date").geq(lit(java.sql.Date.valueOf(from))))).select(
        lit("model_performance").as("metric"), lit("ml.model_performance").as("table_name"), lit("auc_roc").as("column_name"),
        lit("auc_below_floor").as("threshold_name"), lit("value").as("test"), col("score_date").as("period"),
        lit("day").as("period_grain"), lit("model").as("breakdown"), col("model").as("breakdown_value"),
        col("auc_roc").cast(DataTypes.DoubleType).as("value"), col("auc_floor").cast(DataTypes.DoubleType).as("threshold"), lit("below").as("comparison"), lit("high").as("severity"), lit(owner).as("owner"),
        lit("investigate").as("action"), lit("red").as("status"),
        concat_ws("", lit("Model "), col("model"), lit(" v"), col("model_version").cast(DataTypes.StringType),
            lit(" scored worse once the labels matured than on its held-out rows: retrain it (lakehouse ml train "), col("model"),
            lit(") or roll back (lakehouse ml rollback).")).as("detail"));
  }
}
