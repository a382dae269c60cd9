package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The lead model's rows: one per lead whose early-engagement window has ended by the run date, scored on
 * {@code score_date} = the day it was created plus {@code engagement-days}, with what is known then: lead_source,
 * industry, company_size (employees), country, title_seniority (executive, vp, director, manager, individual; from the
 * title), web_visits, email_engagements, has_trial, trial_active_user_days and trial_activity_events (the trial
 * workspace's daily active users and activity events summed over the days from creation to the score date, excluded).
 * Label won_in_horizon: the opportunity the lead converted to was won within {@code horizon-days} of the lead's creation;
 * null while that is still open (the window has not ended and it is not won yet).
 */
public final class LeadFeatures {
  /** {@code lakehouse.ml.features.lead}. */
  public record Settings(int engagementDays, int horizonDays) {
    public static Settings from(Config config) {
      Config c = config.getConfig("lakehouse.ml.features.lead");
      return new Settings(c.getInt("engagement-days"), c.getInt("horizon-days"));
    }
  }

  private LeadFeatures() {}

  /** The seniority of a job title (null or blank: null). */
  static Column seniority(Column title) {
    Column t = lower(title);
    return when(t.rlike("\\b(chief|ceo|cfo|cto|coo|cro|founder|owner|president)\\b").and(org.apache.spark.sql.functions.not(t.rlike("vice"))), "executive")
        .when(t.rlike("\\b(vp|vice president|svp|evp)\\b"), "vp")
        .when(t.rlike("\\b(head|director)\\b"), "director")
        .when(t.rlike("\\b(manager|lead|principal)\\b"), "manager")
        .when(t.rlike("\\S"), "individual");
  }

  /** The lead rows from {@code silver.leads}, {@code silver.opportunities} and {@code gold.fact_workspace_activity_daily}. */
  public static Dataset<Row> build(Dataset<Row> leads, Dataset<Row> opportunities, Dataset<Row> activity, LocalDate runDate,
      Settings settings) {
    Column created = to_date(col("created_at"));
    Dataset<Row> l = leads.where(col("is_deleted").equalTo(false))
        .select(col("lead_id"), created.as("lead_date"), date_add(created, settings.engagementDays()).as("score_date"),
            col("lead_source"), col("industry"), col("number_of_employees").as("company_size"), col("country"),
            seniority(col("title")).as("title_seniority"), col("web_visits"), col("email_engagements"),
            col("trial_workspace_id"), col("converted_opportunity_id"))
        .where(col("score_date").leq(lit(java.sql.Date.valueOf(runDate))));
    Dataset<Row> won = opportunities.where(col("is_deleted").equalTo(false).and(col("is_won")))
        .select(col("opportunity_id").as("_opp"), col("close_date").as("_won_on"));
    Dataset<Row> days = activity.select(col("workspace_id").as("_ws"), col("activity_date"),
        col("active_users").cast(DataTypes.DoubleType).as("_users"), col("activity_events").cast(DataTypes.DoubleType).as("_events"));
    Dataset<Row> trial = l.select(col("lead_id").as("_lead"), col("trial_workspace_id"), col("lead_date").as("_from"),
            col("score_date").as("_to"))
        .join(days, col("trial_workspace_id").equalTo(col("_ws")).and(col("activity_date").geq(col("_from")))
            .and(col("activity_date").lt(col("_to"))))
        .groupBy(col("_lead")).agg(sum(col("_users")).as("_user_days"), sum(col("_events")).as("_events"), count(lit(1)).as("_n"));
    Column wonInTime = col("_won_on").isNotNull().and(col("_won_on").leq(date_add(col("lead_date"), settings.horizonDays())));
    Column matured = date_add(col("lead_date"), settings.horizonDays()).leq(lit(java.sql.Date.valueOf(runDate)));
    return l.join(won, col("converted_opportunity_id").equalTo(col("_opp")), "left")
        .join(trial, col("lead_id").equalTo(col("_lead")), "left")
        .select(col("lead_id"), col("lead_date"), col("score_date"), col("lead_source"), col("industry"), col("company_size"),
            col("country"), col("title_seniority"), col("web_visits"), col("email_engagements"),
            col("trial_workspace_id").isNotNull().as("has_trial"),
            coalesce(col("_user_days"), lit(0.0)).as("trial_active_user_days"),
            coalesce(col("_events"), lit(0.0)).as("trial_activity_events"),
            when(wonInTime, true).when(matured, false).as("won_in_horizon"));
  }
}
