package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
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
 * The signup funnel of METRICS.md as a pure function: per signup cohort month, signup, activation, conversion and
 * expansion, each step counted among the workspaces that reached the step before, with its rate from that step.
 */
public final class FunnelTransforms {
  private FunnelTransforms() {}

  /** {@code lakehouse.gold.funnel}: the windows and the activation threshold. */
  public record Funnel(int activationDays, int activationFeatures, int conversionDays, int expansionMonths) {
    public Funnel {
      if (activationDays < 1 || activationFeatures < 1 || conversionDays < 1 || expansionMonths < 1) {
        throw LakehouseException.usage("lakehouse.gold.funnel: activation-days, activation-features, conversion-days and "
            + "expansion-months must each be at least 1.");
      }
    }

    public static Funnel from(Config config) {
      Config c = config.getConfig("lakehouse.gold.funnel");
      return new Funnel(c.getInt("activation-days"), c.getInt("activation-features"), c.getInt("conversion-days"),
          c.getInt("expansion-months"));
    }
  }

  /**
   * {@code gold.dim_workspace}, {@code silver.events} and {@code gold.fact_mrr_monthly} -> {@code gold.kpi_funnel_monthly},
   * one row per signup cohort month (workspaces created that month, UTC, ever on a plan outside {@code excludedPlans}):
   * <ul>
   *   <li>{@code signups};
   *   <li>{@code activated_workspaces}: signups with at least {@code activationFeatures} distinct features used in their
   *       first {@code activationDays} days (the signup day included); null for a cohort with a signup whose window the
   *       event history does not cover (events start later, or the window has not ended by the run date);
   *   <li>{@code converted_workspaces}: activated workspaces paying (MRR > 0) at a month end within
   *       {@code conversionDays} days of signup;
   *   <li>{@code expanded_workspaces}: converted workspaces with an expansion movement at a month end after their first
   *       paying month end and within {@code expansionMonths} months of it;
   *   <li>{@code activation_rate}, {@code conversion_rate}, {@code expansion_rate}: each count over the step before;
   *   <li>{@code is_complete}: every window of the cohort has ended by the run date (counts can still grow otherwise).
   * </ul>
   */
  public static Dataset<Row> funnelMonthly(Dataset<Row> dimWorkspace, Dataset<Row> events, Dataset<Row> mrrFact, List<String> excludedPlans,
      Funnel f, LocalDate runDate) {
    Column run = lit(Date.valueOf(runDate));
    Dataset<Row> versions = dimWorkspace.where(col("workspace_key").notEqual(DimensionTransforms.UNKNOWN));
    Dataset<Row> paidPlan = versions.where(col("plan").isNotNull().and(col("plan").isin(excludedPlans.toArray()).unary_$bang()))
        .select("workspace_id").distinct();
    Dataset<Row> signups = versions.where(col("is_current")).join(paidPlan, MrrTransforms.usingColumns("workspace_id"))
        .where(col("created_at").isNotNull())
        .select(col("workspace_id"), to_date(col("created_at")).as("signup_date"), col("signup_month").as("cohort_month"))
        .where(col("signup_date").leq(run));
    Dataset<Row> activity = ProductTransforms.activity(events);
    Dataset<Row> covered = activity.agg(min("activity_date").as("_covered_since"));
    Dataset<Row> features = signups.join(activity, MrrTransforms.usingColumns("workspace_id"))
        .where(col("activity_date").between(col("signup_date"), date_add(col("signup_date"), f.activationDays() - 1)))
        .groupBy("workspace_id").agg(countDistinct("feature").as("_features"));
    Dataset<Row> paying = mrrFact.where(col("mrr_usd").gt(0)).select(col("workspace_id"), last_day(col("month")).as("_month_end"));
    Dataset<Row> converted = signups.join(paying, MrrTransforms.usingColumns("workspace_id"))
        .where(col("_month_end").between(col("signup_date"), date_add(col("signup_date"), f.conversionDays())))
        .groupBy("workspace_id").agg(min("_month_end").as("_converted_on"));
    Dataset<Row> expansions = mrrFact.where(col("movement_type").equalTo("expansion"))
        .select(col("workspace_id"), last_day(col("month")).as("_expanded_on"));
    Dataset<Row> expanded = converted.join(expansions, MrrTransforms.usingColumns("workspace_id"))
        .where(col("_expanded_on").gt(col("_converted_on")).and(col("_expanded_on").leq(add_months(col("_converted_on"), f.expansionMonths()))))
        .select("workspace_id").distinct().withColumn("_expanded", lit(true));
    Dataset<Row> each = signups.join(features, MrrTransforms.usingColumns("workspace_id"), "left")
        .join(converted, MrrTransforms.usingColumns("workspace_id"), "left")
        .join(expanded, MrrTransforms.usingColumns("workspace_id"), "left")
        .crossJoin(covered)
        .withColumn("_observable", col("_covered_since").isNotNull().and(col("signup_date").geq(col("_covered_since")))
            .and(date_add(col("signup_date"), f.activationDays() - 1).leq(run)))
        .withColumn("_activated", org.apache.spark.sql.functions.coalesce(col("_features"), lit(0)).geq(f.activationFeatures()))
        .withColumn("_converted", col("_activated").and(col("_converted_on").isNotNull()))
        .withColumn("_expanded", col("_converted").and(org.apache.spark.sql.functions.coalesce(col("_expanded"), lit(false))));
    Dataset<Row> cohorts = each.groupBy("cohort_month").agg(
        count(lit(1)).as("signups"),
        count(when(col("_observable").unary_$bang(), 1)).as("_unobservable"),
        count(when(col("_activated"), 1)).as("_activated_count"),
        count(when(col("_converted"), 1)).as("_converted_count"),
        count(when(col("_expanded"), 1)).as("_expanded_count"));
    Column known = col("_unobservable").equalTo(0);
    Column activated = when(known, col("_activated_count"));
    Column convertedCount = when(known, col("_converted_count"));
    Column expandedCount = when(known, col("_expanded_count"));
    Column lastWindowEnds = add_months(date_add(last_day(col("cohort_month")), f.conversionDays()), f.expansionMonths());
    return cohorts.select(col("cohort_month"), col("signups"),
            activated.as("activated_workspaces"), ProductTransforms.ratio(activated, col("signups")).as("activation_rate"),
            convertedCount.as("converted_workspaces"), ProductTransforms.ratio(convertedCount, activated).as("conversion_rate"),
            expandedCount.as("expanded_workspaces"), ProductTransforms.ratio(expandedCount, convertedCount).as("expansion_rate"),
            lastWindowEnds.leq(run).as("is_complete"))
        .orderBy("cohort_month");
  }
}
