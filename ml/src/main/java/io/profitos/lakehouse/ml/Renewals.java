package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.to_date;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The renewal calendar for customer-success triage, as a pure function: each workspace scored on the day, the end of
 * its current billing period, its MRR, churn score and open tickets.
 */
public final class Renewals {
  private Renewals() {}

  /**
   * {@code gold.fact_renewal} of {@code day}: as_of_date, workspace_key, workspace_id, segment, subscription_id,
   * billing_interval (month, year, ...), period_end_date (the end of the current billing period of the workspace's
   * newest paying subscription), days_to_renewal, cancel_at_period_end, mrr_usd, churn_probability, risk_band,
   * open_tickets (created by the end of the day and not solved by then), in_renewal_window (the period ends within
   * {@code windowDays} days after the day: a monthly plan always, an annual one in its last {@code windowDays} days).
   *
   * @param scores the day's {@code gold.fact_churn_score_daily} rows
   * @param features the day's {@code ml.churn_features} rows (mrr_usd, segment)
   */
  public static Dataset<Row> calendar(Dataset<Row> scores, Dataset<Row> features, Dataset<Row> subscriptions, Dataset<Row> tickets,
      LocalDate day, int windowDays) {
    Column end = lit(java.sql.Timestamp.valueOf(day.plusDays(1).atStartOfDay()));
    Column today = lit(java.sql.Date.valueOf(day));
    Dataset<Row> current = subscriptions.where(col("is_deleted").equalTo(false).and(col("status").isin("active", "past_due"))
            .and(col("current_period_end_at").geq(end)).and(col("workspace_id").isNotNull()))
        .groupBy(col("workspace_id").as("_ws")).agg(
            max_by(col("subscription_id"), col("current_period_start_at")).as("subscription_id"),
            max_by(element_at(col("items"), 1).getField("interval"), col("current_period_start_at")).as("billing_interval"),
            max_by(to_date(col("current_period_end_at")), col("current_period_start_at")).as("period_end_date"),
            max_by(col("cancel_at_period_end"), col("current_period_start_at")).as("cancel_at_period_end"));
    Dataset<Row> open = tickets.where(col("created_at").lt(end).and(col("solved_at").isNull().or(col("solved_at").geq(end))))
        .groupBy(col("workspace_id").as("_tws")).agg(count(lit(1)).as("_open"));
    Dataset<Row> f = features.select(col("workspace_id").as("_fws"), col("mrr_usd"), col("segment"));
    return scores.join(f, scores.col("workspace_id").equalTo(col("_fws")), "left")
        .join(current, scores.col("workspace_id").equalTo(col("_ws")), "left")
        .join(open, scores.col("workspace_id").equalTo(col("_tws")), "left")
        .select(today.as("as_of_date"), col("workspace_key"), col("workspace_id"), col("segment"), col("subscription_id"),
            col("billing_interval"), col("period_end_date"), datediff(col("period_end_date"), today).as("days_to_renewal"),
            col("cancel_at_period_end"), col("mrr_usd"), col("churn_probability"), col("risk_band"),
            coalesce(col("_open"), lit(0L)).as("open_tickets"),
            coalesce(datediff(col("period_end_date"), today).leq(windowDays), lit(false)).as("in_renewal_window"));
  }

  /**
   * {@code gold.customer_health}: the newest renewal calendar ({@code gold.fact_renewal}'s latest as_of_date) with each
   * workspace's top reasons and model version from that day's scores: one row per workspace, the newest view a
   * customer-success team works from (the month-end figures live in {@code gold.kpi_segment_monthly}).
   */
  public static Dataset<Row> health(Dataset<Row> renewals, Dataset<Row> scores) {
    Dataset<Row> newest = renewals.agg(org.apache.spark.sql.functions.max("as_of_date").as("_newest"));
    Dataset<Row> day = renewals.crossJoin(newest).where(col("as_of_date").equalTo(col("_newest"))).drop("_newest");
    Dataset<Row> reasons = scores.select(col("workspace_id").as("_ws"), col("score_date"), col(Explanations.REASONS),
        col("model_version"));
    return day.join(reasons, col("workspace_id").equalTo(col("_ws")).and(col("score_date").equalTo(col("as_of_date"))), "left")
        .select(col("as_of_date"), col("workspace_key"), col("workspace_id"), col("segment"), col("mrr_usd"),
            col("churn_probability"), col("risk_band"), col(Explanations.REASONS), col("model_version"), col("period_end_date"),
            col("days_to_renewal"), col("in_renewal_window"), col("cancel_at_period_end"), col("open_tickets"));
  }
}
