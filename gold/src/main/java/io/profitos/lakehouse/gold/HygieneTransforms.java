package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The CRM hygiene rules as a pure function: per week and rep, the opportunities that break each rule of the revenue
 * operating system that the landing contract lets us check.
 */
public final class HygieneTransforms {
  private HygieneTransforms() {}

  /**
   * {@code lakehouse.gold.crm-hygiene}: how many days before its renewal date a renewal opportunity must exist, and the
   * opportunity type of renewals.
   */
  public record Hygiene(int renewalLeadDays, String renewalType) {
    public Hygiene {
      if (renewalLeadDays <= 0) {
        throw LakehouseException.usage("lakehouse.gold.crm-hygiene.renewal-lead-days must be a number of days above 0, got "
            + renewalLeadDays + ".");
      }
    }

    public static Hygiene from(Config config) {
      Config c = config.getConfig("lakehouse.gold.crm-hygiene");
      return new Hygiene(c.getInt("renewal-lead-days"), c.getString("renewal-type"));
    }
  }

  /** The rule columns of {@link #crmHygieneWeekly}, whose sum is {@code violations}. */
  public static final List<String> RULES = List.of("commit_without_next_step", "commit_close_outside_quarter",
      "renewals_created_late", "renewals_without_renewal_date", "closed_lost_without_reason");

  /**
   * {@code gold.fact_pipeline_weekly} + {@code gold.fact_opportunity} + {@code gold.dim_sales_rep} ->
   * {@code gold.kpi_crm_hygiene_weekly}, one row per week (Monday, UTC) and rep with open pipeline, a renewal created or
   * an opportunity lost that week; the open pipeline is seen at the week's end (the run date for the current week) and
   * the week's quarter is the quarter of its Monday:
   * <ul>
   *   <li>open_opportunities; commit_opportunities: open in a commit forecast category
   *       ({@code lakehouse.gold.forecast.commit-categories});
   *   <li>rule 1: commit_without_next_step (the opportunity's NextStep as landed last is empty: the history does not
   *       carry it), commit_close_outside_quarter (the close date it had then is outside the week's quarter);
   *   <li>rule 2: renewals_created: renewal opportunities created in the week; renewals_created_late: of those, created
   *       less than {@code renewal-lead-days} before their renewal date; renewals_without_renewal_date: with none;
   *   <li>rule 5: closed_lost (close date in the week), closed_lost_without_reason (no Loss_Reason__c);
   *   <li>violations: the sum of the five rule counts; quarter, rep_id, rep_segment, is_complete.
   * </ul>
   * Rules 3 (an amount change above a threshold carries a note) and 4 (stage exit criteria) need fields the landing
   * contract does not have, and are not computed.
   */
  public static Dataset<Row> crmHygieneWeekly(Dataset<Row> pipelineWeekly, Dataset<Row> factOpportunity, Dataset<Row> dimSalesRep,
      ForecastTransforms.Forecast forecast, Hygiene h, LocalDate runDate) {
    Column run = lit(Date.valueOf(runDate));
    Column quarterStart = trunc(col("week_start"), "quarter");
    Column quarterEnd = date_sub(add_months(quarterStart, 3), 1);
    Dataset<Row> nextSteps = factOpportunity.select(col("opportunity_id"), col("next_step"));
    Column commit = col("forecast_category").isin(forecast.commitCategories().toArray());
    Dataset<Row> open = pipelineWeekly.select("week_start", "rep_key", "opportunity_id", "forecast_category", "close_date")
        .join(nextSteps, MrrTransforms.usingColumns("opportunity_id"), "left")
        .groupBy("week_start", "rep_key").agg(
            count(lit(1)).as("open_opportunities"),
            count(when(commit, 1)).as("commit_opportunities"),
            count(when(commit.and(col("next_step").isNull()), 1)).as("commit_without_next_step"),
            count(when(commit.and(col("close_date").isNull().or(col("close_date").lt(quarterStart))
                .or(col("close_date").gt(quarterEnd))), 1)).as("commit_close_outside_quarter"));
    Column renewalDate = col("renewal_date");
    Dataset<Row> renewals = factOpportunity.where(col("opportunity_type").equalTo(h.renewalType()).and(col("created_at").isNotNull()))
        .groupBy(date_trunc("week", col("created_at")).cast("date").as("week_start"), col("rep_key")).agg(
            count(lit(1)).as("renewals_created"),
            count(when(to_date(col("created_at")).gt(date_sub(renewalDate, h.renewalLeadDays())), 1)).as("renewals_created_late"),
            count(when(renewalDate.isNull(), 1)).as("renewals_without_renewal_date"));
    Dataset<Row> lost = factOpportunity.where(col("is_closed").and(col("is_won").unary_$bang()).and(col("close_date").isNotNull()))
        .groupBy(date_trunc("week", col("close_date")).cast("date").as("week_start"), col("rep_key")).agg(
            count(lit(1)).as("closed_lost"),
            count(when(col("loss_reason").isNull(), 1)).as("closed_lost_without_reason"));
    Dataset<Row> keys = open.select("week_start", "rep_key").union(renewals.select("week_start", "rep_key"))
        .union(lost.select("week_start", "rep_key")).distinct().where(col("week_start").leq(run));
    Dataset<Row> reps = dimSalesRep.select(col("rep_key").as("_rep"), col("rep_id"), col("rep_segment"));
    Dataset<Row> grid = keys.join(open, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(renewals, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(lost, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(reps, col("rep_key").equalTo(col("_rep")), "left");
    Column violations = lit(0L);
    for (String rule : RULES) {
      violations = violations.plus(zero(rule));
    }
    return grid.select(col("week_start"), DimensionTransforms.dateKey(col("week_start")).as("date_key"),
            quarterStart.as("quarter"), col("rep_key"), coalesce(col("rep_id"), lit("unknown")).as("rep_id"),
            coalesce(col("rep_segment"), lit("unknown")).as("rep_segment"),
            zero("open_opportunities").as("open_opportunities"), zero("commit_opportunities").as("commit_opportunities"),
            zero("commit_without_next_step").as("commit_without_next_step"),
            zero("commit_close_outside_quarter").as("commit_close_outside_quarter"),
            zero("renewals_created").as("renewals_created"), zero("renewals_created_late").as("renewals_created_late"),
            zero("renewals_without_renewal_date").as("renewals_without_renewal_date"),
            zero("closed_lost").as("closed_lost"), zero("closed_lost_without_reason").as("closed_lost_without_reason"),
            violations.as("violations"),
            date_add(col("week_start"), 7).leq(run).as("is_complete"))
        .orderBy("week_start", "rep_id");
  }

  private static Column zero(String column) {
    return coalesce(col(column), lit(0L));
  }
}
