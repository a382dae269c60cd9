package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The weekly and rolling definitions of METRICS.md as pure functions. Weeks are ISO weeks,
 * Monday 00:00 to Sunday 24:00 UTC; a week is complete once it has ended.
 */
public final class WeeklyTransforms {
  private WeeklyTransforms() {}

  private static final Column EPOCH = lit(Date.valueOf("1970-01-05")); // a Monday

  /** The window settings of {@code lakehouse.gold.sales.weekly}. */
  public record SalesWindows(int trailingWeeks, int baselineWeeks, int minClosed, int cycleWeeks) {
    static SalesWindows from(com.typesafe.config.Config config) {
      com.typesafe.config.Config c = config.getConfig("lakehouse.gold.sales.weekly");
      return new SalesWindows(c.getInt("trailing-weeks"), c.getInt("baseline-weeks"), c.getInt("min-closed"), c.getInt("cycle-weeks"));
    }
  }

  /**
   * Workspace MRR at the start and at the end of each week -> {@code gold.kpi_saas_weekly}, week x
   * segment ({@value SaasKpis#ALL} and the segment each workspace had at the week's start):
   * week_start, date_key, segment, is_complete, paying_workspaces_at_week_start (MRR > 0 at Monday
   * 00:00), churned_workspaces_in_week (of those, MRR = 0 at the week's end), logo_churn_rate_weekly.
   *
   * @param startMrr workspace_id, week_start, mrr_usd at the week's first instant
   * @param endMrr workspace_id, week_start, mrr_usd at the week's last instant (the run date's end for the current week)
   * @param weeks {@link MrrTransforms#weeks}
   */
  public static Dataset<Row> saasWeekly(Dataset<Row> startMrr, Dataset<Row> endMrr, Dataset<Row> weeks, Segments segments) {
    Dataset<Row> paying = startMrr.where(col("mrr_usd").gt(0)).withColumn("segment", segments.of(col("mrr_usd")))
        .select("workspace_id", "week_start", "segment");
    Dataset<Row> atEnd = endMrr.select(col("workspace_id"), col("week_start"), col("mrr_usd").as("_end_mrr"));
    Dataset<Row> joined = paying.join(atEnd, MrrTransforms.usingColumns("workspace_id", "week_start"), "left")
        .withColumn("_churned", coalesce(col("_end_mrr"), lit(0)).equalTo(0));
    Dataset<Row> both = joined.unionByName(joined.withColumn("segment", lit(SaasKpis.ALL)));
    Dataset<Row> agg = both.groupBy("week_start", "segment").agg(count(lit(1)).as("paying_workspaces_at_week_start"),
        count(when(col("_churned"), 1)).as("churned_workspaces_in_week"));
    return agg.join(weeks.select("week_start", "is_complete"), MrrTransforms.usingColumns("week_start"))
        .select(col("week_start"), DimensionTransforms.dateKey(col("week_start")).as("date_key"), col("segment"), col("is_complete"),
            col("paying_workspaces_at_week_start"), col("churned_workspaces_in_week"),
            ProductTransforms.ratio(col("churned_workspaces_in_week"), col("paying_workspaces_at_week_start"))
                .as("logo_churn_rate_weekly"))
        .orderBy("week_start", "segment");
  }

  /**
   * Adds renewal_risk_usd to {@link #saasWeekly}'s rows: per METRICS.md, the MRR of the workspaces in the high churn-risk
   * band whose billing period ends within the renewal window, from the week's newest renewal calendar ({@code
   * gold.fact_renewal}: as_of_date, segment, mrr_usd, risk_band, in_renewal_window), per segment of the calendar and
   * {@value SaasKpis#ALL}; 0 for a segment with none that week, null for a week without a calendar or when {@code
   * renewals} is null (no model has scored yet).
   */
  public static Dataset<Row> withRenewalRisk(Dataset<Row> weekly, Dataset<Row> renewals) {
    if (renewals == null) {
      return weekly.withColumn("renewal_risk_usd", lit(null).cast(MrrTransforms.USD));
    }
    Dataset<Row> dated = renewals.withColumn("week_start", trunc(col("as_of_date"), "week"));
    Dataset<Row> newest = dated.groupBy("week_start").agg(org.apache.spark.sql.functions.max("as_of_date").as("_day"));
    Dataset<Row> rows = dated.join(newest, MrrTransforms.usingColumns("week_start"))
        .where(col("as_of_date").equalTo(col("_day")))
        .withColumn("_risk", when(col("risk_band").equalTo("high").and(col("in_renewal_window")), col("mrr_usd")).otherwise(0.0));
    Dataset<Row> both = rows.unionByName(rows.withColumn("segment", lit(SaasKpis.ALL)));
    Dataset<Row> risk = both.groupBy("week_start", "segment").agg(sum(col("_risk")).as("_renewal_risk"));
    return weekly.join(risk, MrrTransforms.usingColumns("week_start", "segment"), "left")
        .join(newest, MrrTransforms.usingColumns("week_start"), "left")
        .withColumn("renewal_risk_usd", when(col("_day").isNotNull(), MrrTransforms.usd(coalesce(col("_renewal_risk"), lit(0.0)))))
        .drop("_renewal_risk", "_day")
        .orderBy("week_start", "segment");
  }

  /**
   * {@code gold.fact_opportunity} -> {@code gold.kpi_sales_weekly}, week x rep_segment
   * ({@value SaasKpis#ALL} and each rep segment), for every week of {@code weeks}: is_complete;
   * closed_trailing and win_rate_trailing (won / closed among opportunities closed in the
   * trailing window of weeks ending with this one); closed_baseline and win_rate_baseline (the
   * baseline window just before it); win_rate_drop = 1 - trailing / baseline, only when each window
   * has at least the minimum of closed opportunities; sales_cycle_window_days (mean days created ->
   * close of the opportunities won in the cycle window ending with this week), the same for the
   * two windows before it, and sales_cycle_rise = the smaller of the two latest window-over-window
   * rises (positive when each of the last two windows rose).
   *
   * @param segments rep_segment values (the rep dimension's)
   */
  public static Dataset<Row> salesWeekly(Dataset<Row> factOpportunity, Dataset<Row> weeks, Dataset<Row> segments, SalesWindows w) {
    Dataset<Row> closed = factOpportunity.where(col("is_closed").and(col("close_date").isNotNull()))
        .withColumn("week_start", trunc(col("close_date"), "week"))
        .select(col("week_start"), col("rep_segment"), col("is_won"), col("sales_cycle_days"));
    Dataset<Row> both = closed.unionByName(closed.withColumn("rep_segment", lit(SaasKpis.ALL)));
    Dataset<Row> perWeek = both.groupBy("week_start", "rep_segment").agg(
        count(lit(1)).as("_closed"), count(when(col("is_won"), 1)).as("_won"),
        sum(when(col("is_won"), col("sales_cycle_days"))).as("_cycle_sum"),
        count(when(col("is_won").and(col("sales_cycle_days").isNotNull()), 1)).as("_cycle_n"));
    Dataset<Row> grid = weeks.select("week_start", "is_complete")
        .crossJoin(segments.select("rep_segment").union(segments.sparkSession().sql("SELECT '" + SaasKpis.ALL + "' AS rep_segment"))
            .distinct());
    Dataset<Row> filled = grid.join(perWeek, MrrTransforms.usingColumns("week_start", "rep_segment"), "left")
        .na().fill(0L, new String[] {"_closed", "_won", "_cycle_n"})
        .withColumn("_cycle_sum", coalesce(col("_cycle_sum"), lit(0)))
        .withColumn("_w", datediff(col("week_start"), EPOCH).divide(7).cast(DataTypes.LongType));
    WindowSpec bySegment = Window.partitionBy("rep_segment").orderBy("_w");
    Dataset<Row> windows = filled
        .withColumn("closed_trailing", sum("_closed").over(bySegment.rangeBetween(-(w.trailingWeeks() - 1), 0)))
        .withColumn("_won_trailing", sum("_won").over(bySegment.rangeBetween(-(w.trailingWeeks() - 1), 0)))
        .withColumn("closed_baseline", sum("_closed").over(bySegment.rangeBetween(-(w.trailingWeeks() + w.baselineWeeks() - 1),
            -w.trailingWeeks())))
        .withColumn("_won_baseline", sum("_won").over(bySegment.rangeBetween(-(w.trailingWeeks() + w.baselineWeeks() - 1),
            -w.trailingWeeks())));
    for (int k = 0; k < 3; k++) {
      long hi = -(long) k * w.cycleWeeks();
      long lo = hi - (w.cycleWeeks() - 1);
      windows = windows.withColumn("_cs" + k, sum("_cycle_sum").over(bySegment.rangeBetween(lo, hi)))
          .withColumn("_cn" + k, sum("_cycle_n").over(bySegment.rangeBetween(lo, hi)));
    }
    Column trailing = ProductTransforms.ratio(col("_won_trailing"), col("closed_trailing"));
    Column baseline = ProductTransforms.ratio(col("_won_baseline"), col("closed_baseline"));
    Column enough = col("closed_trailing").geq(w.minClosed()).and(col("closed_baseline").geq(w.minClosed()));
    Column[] cycle = new Column[3];
    for (int k = 0; k < 3; k++) {
      cycle[k] = when(col("_cn" + k).gt(0), col("_cs" + k).cast(DataTypes.createDecimalType(18, 6)).divide(col("_cn" + k)))
          .cast(DataTypes.createDecimalType(12, 2));
    }
    Column rise0 = when(cycle[1].gt(0), cycle[0].divide(cycle[1]).minus(1));
    Column rise1 = when(cycle[2].gt(0), cycle[1].divide(cycle[2]).minus(1));
    return windows.select(col("week_start"), DimensionTransforms.dateKey(col("week_start")).as("date_key"), col("rep_segment"),
            col("is_complete"), col("closed_trailing"), trailing.as("win_rate_trailing"), col("closed_baseline"),
            baseline.as("win_rate_baseline"),
            when(enough.and(baseline.gt(0)), lit(1).minus(trailing.divide(baseline))).cast(SaasKpis.RATE).as("win_rate_drop"),
            cycle[0].as("sales_cycle_window_days"), cycle[1].as("sales_cycle_prior_window_days"),
            cycle[2].as("sales_cycle_second_prior_window_days"), when(rise0.isNotNull().and(rise1.isNotNull()), least(rise0, rise1)).cast(SaasKpis.RATE).as("sales_cycle_rise"))
        .orderBy("week_start", "rep_segment");
  }
}
