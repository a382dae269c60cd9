package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * How the scores of past days did once their labels matured: per model, version and score date, the AUC-ROC and
 * Brier score of the day's scores against what happened, beside the figures the version was registered with.
 */
public final class RealisedPerformance {
  private RealisedPerformance() {}

  /**
   * The realised churn label of each scored workspace and day: whether its MRR is 0 at one of the first {@code
   * horizonMonths} month ends after the score date ({@code gold.fact_mrr_monthly}); null until those months are
   * complete, unless it churned in one already. {@code scores}: workspace_id, score_date, churn_probability, model,
   * model_version -> the same with {@code label} (1.0 or 0.0), rows without a known label left out.
   */
  public static Dataset<Row> churnLabels(Dataset<Row> scores, Dataset<Row> mrr, int horizonMonths) {
    Dataset<Row> months = mrr.select(col("workspace_id").as("_ws"), col("month").as("_month"),
        col("mrr_usd").cast(DataTypes.DoubleType).as("_mrr"), col("is_complete").as("_complete"));
    Column first = trunc(date_add(col("score_date"), 1), "month");
    Dataset<Row> joined = scores.join(months, col("workspace_id").equalTo(col("_ws")).and(col("_month").geq(first))
        .and(col("_month").lt(add_months(first, horizonMonths))).and(col("_complete")), "left");
    Dataset<Row> labelled = joined.groupBy(col("workspace_id"), col("score_date"), col("churn_probability"), col("model"),
        col("model_version")).agg(max(when(col("_mrr").leq(0), 1.0).otherwise(0.0)).as("_churned"), count(col("_month")).as("_known"));
    return labelled.where(col("_churned").equalTo(1.0).or(col("_known").geq(horizonMonths)))
        .select(col("workspace_id"), col("score_date"), col("churn_probability").as("probability"), col("model"),
            col("model_version"), col("_churned").as("label"));
  }

  /**
   * The realised label of each scored lead and day: {@code won_in_horizon} of {@code ml.lead_features} once known.
   * {@code scores}: lead_id, score_date, score, model, model_version -> lead_id, score_date, probability, model,
   * model_version, label.
   */
  public static Dataset<Row> leadLabels(Dataset<Row> scores, Dataset<Row> leadFeatures) {
    Dataset<Row> known = leadFeatures.where(col("won_in_horizon").isNotNull())
        .select(col("lead_id").as("_lead"), when(col("won_in_horizon"), 1.0).otherwise(0.0).as("label"));
    return scores.join(known, col("lead_id").equalTo(col("_lead")))
        .select(col("lead_id"), col("score_date"), col("score").as("probability"), col("model"), col("model_version"), col("label"));
  }

  /**
   * Per model, model_version and score_date of labelled scores (probability, label): rows, positives, auc_roc (by
   * ranks, ties sharing their mean rank; null with one class) and brier. Pure: one aggregation.
   */
  public static Dataset<Row> byDay(Dataset<Row> labelled) {
    WindowSpec day = Window.partitionBy("model", "model_version", "score_date");
    WindowSpec ordered = day.orderBy(col("probability"));
    WindowSpec tie = Window.partitionBy(col("model"), col("model_version"), col("score_date"), col("probability"));
    Dataset<Row> ranked = labelled.withColumn("_rank", rank().over(ordered).cast(DataTypes.DoubleType)
        .plus(count(lit(1)).over(tie).minus(1).divide(2.0)));
    Column positives = sum(col("label"));
    Column rows = count(lit(1));
    Column negatives = rows.minus(positives);
    Column positiveRanks = sum(when(col("label").equalTo(1.0), col("_rank")).otherwise(0.0));
    return ranked.groupBy("model", "model_version", "score_date").agg(rows.as("rows"), positives.cast(DataTypes.LongType)
            .as("positives"),
        when(positives.gt(0).and(negatives.gt(0)),
            positiveRanks.minus(positives.multiply(positives.plus(1)).divide(2.0)).divide(positives.multiply(negatives)))
            .as("auc_roc"),
        avg(pow(col("probability").minus(col("label")), 2)).as("brier"));
  }

  /**
   * {@link #byDay} beside the registered held-out figures ({@code registered}: model, model_version,
   * registered_auc_roc, registered_brier): {@code auc_floor} (the registered AUC-ROC minus {@code maxDrop}) and {@code
   * is_degraded} when the realised AUC-ROC is below it.
   */
  public static Dataset<Row> compared(Dataset<Row> byDay, Dataset<Row> registered, double maxDrop) {
    return byDay.join(registered, scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("model", "model_version"))
            .toSeq(), "left")
        .withColumn("auc_floor", col("registered_auc_roc").minus(maxDrop))
        .withColumn("is_degraded", coalesce(col("auc_roc").lt(col("auc_floor")), lit(false)));
  }
}
