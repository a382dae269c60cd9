package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/** Unit economics and the segment table of METRICS.md, as pure functions over the gold facts and KPIs. */
public final class BusinessTransforms {
  private BusinessTransforms() {}

  /** The unit-economics settings of {@code lakehouse.gold.unit-economics}. */
  public record UnitEconomics(double supportCostPerTicketUsd, int maxLifetimeMonths, int churnTrailingMonths) {
    static UnitEconomics from(com.typesafe.config.Config config) {
      com.typesafe.config.Config c = config.getConfig("lakehouse.gold.unit-economics");
      return new UnitEconomics(c.getDouble("support-cost-per-ticket-usd"), c.getInt("max-lifetime-months"),
          c.getInt("churn-trailing-months"));
    }
  }

  /**
   * -> {@code gold.kpi_unit_economics_monthly}, one row per month of {@code kpi_saas_monthly}
   * ({@value SaasKpis#ALL}): month, is_complete, mrr_usd, arpa_usd, new_workspaces, marketing_spend_usd,
   * sales_cost_usd, sm_spend_usd (null when finance has sent neither), blended_cac_usd (S&M spend /
   * new paying workspaces), infra_cost_usd (AWS Usage records), support_cost_usd (tickets x cost
   * per ticket), gross_margin (null for a month without infrastructure cost data), avg_logo_churn_rate
   * (trailing months), ltv_usd (ARPA x gross margin x lifetime, lifetime = 1 / average churn capped
   * at the maximum months), ltv_to_cac, cac_payback_months (CAC / (ARPA x gross margin)),
   * sm_expense_ratio (S&M / MRR), mau, infra_cost_per_active_user_usd (infrastructure cost / MAU).
   */
  public static Dataset<Row> unitEconomics(Dataset<Row> kpiSaas, Dataset<Row> marketingMonthly, Dataset<Row> salesCosts,
      Dataset<Row> infraDaily, Dataset<Row> supportMonthly, Dataset<Row> productDaily, UnitEconomics settings) {
    Dataset<Row> base = kpiSaas.where(col("segment").equalTo(SaasKpis.ALL))
        .select("month", "is_complete", "mrr_usd", "arpa_usd", "new_workspaces", "logo_churn_rate");
    Dataset<Row> marketing = marketingMonthly.groupBy("month").agg(sum("amount_usd").as("marketing_spend_usd"));
    Dataset<Row> sales = salesCosts.where(col("is_deleted").equalTo(false)).groupBy("month")
        .agg(sum("amount_usd").as("sales_cost_usd"));
    Dataset<Row> infra = infraDaily.where(col("is_usage")).groupBy(trunc(col("usage_date"), "month").as("month"))
        .agg(sum("cost_usd").as("infra_cost_usd"));
    Dataset<Row> support = supportMonthly.select(col("month"),
        col("tickets").multiply(lit(java.math.BigDecimal.valueOf(settings.supportCostPerTicketUsd()))).as("support_cost_usd"));
    Dataset<Row> mau = productDaily.groupBy("month").agg(first("mau").as("mau"));
    Dataset<Row> joined = base.join(marketing, MrrTransforms.usingColumns("month"), "left")
        .join(sales, MrrTransforms.usingColumns("month"), "left")
        .join(infra, MrrTransforms.usingColumns("month"), "left")
        .join(support, MrrTransforms.usingColumns("month"), "left")
        .join(mau, MrrTransforms.usingColumns("month"), "left");
    Column sm = when(col("marketing_spend_usd").isNull().and(col("sales_cost_usd").isNull()), lit(null))
        .otherwise(coalesce(col("marketing_spend_usd"), lit(0)).plus(coalesce(col("sales_cost_usd"), lit(0))));
    Column grossProfit = col("mrr_usd").minus(coalesce(col("infra_cost_usd"), lit(0))).minus(coalesce(col("support_cost_usd"), lit(0)));
    Column churn = avg("logo_churn_rate").over(Window.orderBy("month").rowsBetween(-(settings.churnTrailingMonths() - 1), 0));
    Column lifetime = when(col("avg_logo_churn_rate").isNull(), lit(null))
        .when(col("avg_logo_churn_rate").leq(0), lit(settings.maxLifetimeMonths()))
        .otherwise(least(lit(1.0).divide(col("avg_logo_churn_rate")), lit((double) settings.maxLifetimeMonths())));
    Column marginPerAccount = col("arpa_usd").multiply(col("gross_margin"));
    return joined
        .withColumn("sm_spend_usd", sm.cast(Money.MONEY))
        .withColumn("gross_margin", when(col("infra_cost_usd").isNotNull(), ProductTransforms.ratio(grossProfit, col("mrr_usd"))))
        .withColumn("avg_logo_churn_rate", churn.cast(SaasKpis.RATE))
        .withColumn("blended_cac_usd", money(when(col("new_workspaces").gt(0), col("sm_spend_usd").divide(col("new_workspaces")))))
        .withColumn("ltv_usd", money(marginPerAccount.multiply(lifetime)))
        .select(col("month"), col("is_complete"), col("mrr_usd"), col("arpa_usd"), col("new_workspaces"),
            money(col("marketing_spend_usd")).as("marketing_spend_usd"), money(col("sales_cost_usd")).as("sales_cost_usd"),
            col("sm_spend_usd"), col("blended_cac_usd"), money(col("infra_cost_usd")).as("infra_cost_usd"),
            money(col("support_cost_usd")).as("support_cost_usd"), col("gross_margin"), col("avg_logo_churn_rate"), col("ltv_usd"),
            ProductTransforms.ratio(col("ltv_usd"), col("blended_cac_usd")).as("ltv_to_cac"),
            when(marginPerAccount.gt(0), col("blended_cac_usd").divide(marginPerAccount)).cast(DataTypes.createDecimalType(12, 2))
                .as("cac_payback_months"),
            ProductTransforms.ratio(col("sm_spend_usd"), col("mrr_usd")).as("sm_expense_ratio"),
            col("mau"),
            money(when(col("mau").gt(0), col("infra_cost_usd").divide(col("mau")))).as("infra_cost_per_active_user_usd"))
        .orderBy("month");
  }

  private static Column money(Column amount) {
    return amount.cast(Money.MONEY);
  }

  /**
   * {@code gold.fact_mrr_monthly} + {@code gold.fact_workspace_activity_daily} +
   * {@code gold.kpi_saas_monthly} -> {@code gold.kpi_segment_monthly}, month x segment (the
   * segment table of the BI lead journey): is_complete, paying_workspaces, mrr_usd, arpa_usd,
   * avg_dau (average daily active users per paying workspace), avg_features_adopted_at_last_activity
   * (features adopted as of each paying workspace's last active day of the month),
   * logo_churn_rate (of {@code kpi_saas_monthly}), and usage churn risk: churn_risk_workspaces
   * and churn_risk_mrr_usd (paying workspaces without activity in the {@code riskDays} days to
   * month end). Activity columns are null for months the event history does not cover.
   */
  public static Dataset<Row> segmentMonthly(Dataset<Row> mrrFact, Dataset<Row> activityDaily, Dataset<Row> kpiSaas, int riskDays) {
    Dataset<Row> perMonth = activityDaily.groupBy(col("workspace_id"), trunc(col("activity_date"), "month").as("month"))
        .agg(sum("active_users").as("_user_days"), max("activity_date").as("_last_active"),
            max(org.apache.spark.sql.functions.struct(col("activity_date"), col("features_adopted")))
                .getField("features_adopted").as("_features"));
    // month_end_date: the last day of the month, or the as-of day of a month-to-date row (the fact's date_key).
    Dataset<Row> paying = mrrFact.where(col("mrr_usd").gt(0))
        .join(perMonth, MrrTransforms.usingColumns("workspace_id", "month"), "left")
        .withColumn("_last_active", max("_last_active").over(Window.partitionBy("workspace_id").orderBy("month")
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .crossJoin(ProductTransforms.coveredFrom(activityDaily));
    Column days = dayofmonth(col("month_end_date"));
    Column monthCovered = col("month").geq(col("_covered_since"));
    Column riskCovered = date_sub(col("month_end_date"), riskDays - 1).geq(col("_covered_since"));
    Column atRisk = col("_last_active").isNull().or(col("_last_active").lt(date_sub(col("month_end_date"), riskDays - 1)));
    Dataset<Row> rows = paying
        .withColumn("month_end_date", org.apache.spark.sql.functions.to_date(col("date_key").cast(DataTypes.StringType), "yyyyMMdd"))
        .withColumn("_dau", coalesce(col("_user_days"), lit(0)).divide(days))
        .withColumn("_at_risk", atRisk)
        .withColumn("_month_covered", coalesce(monthCovered, lit(false)))
        .withColumn("_risk_covered", coalesce(riskCovered, lit(false)));
    Dataset<Row> agg = rows.groupBy("month", "segment").agg(
        first("is_complete").as("is_complete"),
        count(lit(1)).as("paying_workspaces"),
        MrrTransforms.usd(sum("mrr_usd")).as("mrr_usd"),
        first("_month_covered").as("_month_covered"), first("_risk_covered").as("_risk_covered"),
        avg("_dau").as("_avg_dau"), avg("_features").as("_avg_features"),
        count(when(col("_at_risk"), 1)).as("_risk_count"),
        sum(when(col("_at_risk"), col("mrr_usd"))).as("_risk_mrr"));
    Dataset<Row> churn = kpiSaas.where(col("segment").notEqual(SaasKpis.ALL)).select("month", "segment", "logo_churn_rate");
    return agg.join(churn, MrrTransforms.usingColumns("month", "segment"), "left")
        .select(col("month"), col("segment"), col("is_complete"), col("paying_workspaces"), col("mrr_usd"),
            MrrTransforms.usd(col("mrr_usd").divide(col("paying_workspaces"))).as("arpa_usd"),
            when(col("_month_covered"), col("_avg_dau")).cast(DataTypes.createDecimalType(12, 4)).as("avg_dau"),
            when(col("_month_covered"), col("_avg_features")).cast(DataTypes.createDecimalType(12, 4))
                .as("avg_features_adopted_at_last_activity"),
            col("logo_churn_rate"),
            when(col("_risk_covered"), col("_risk_count")).as("churn_risk_workspaces"),
            when(col("_risk_covered"), MrrTransforms.usd(coalesce(col("_risk_mrr"), lit(0)))).as("churn_risk_mrr_usd"))
        .orderBy("month", "segment");
  }

  /**
   * Adds the churn model's month-end scores to {@link #segmentMonthly}'s rows: of the segment's paying workspaces of
   * the month ({@code mrrFact}), those scored on the month's end date (its last day; the as-of day of a month-to-date
   * row) in {@code scores} ({@code gold.fact_churn_score_daily}): avg_churn_probability_month_end,
   * high_risk_workspaces_month_end and high_risk_mrr_month_end_usd (risk band high). Each month reads its own day's
   * stored scores, never the newest, so a month's figures stay as they were. Null for a month with no scores that day,
   * or when {@code scores} is null (no model has scored yet).
   */
  public static Dataset<Row> withMonthEndScores(Dataset<Row> segmentMonthly, Dataset<Row> mrrFact, Dataset<Row> scores) {
    if (scores == null) {
      return segmentMonthly.withColumn("avg_churn_probability_month_end", lit(null).cast(DataTypes.createDecimalType(12, 6)))
          .withColumn("high_risk_workspaces_month_end", lit(null).cast(DataTypes.LongType))
          .withColumn("high_risk_mrr_month_end_usd", lit(null).cast(MrrTransforms.USD));
    }
    Dataset<Row> paying = mrrFact.where(col("mrr_usd").gt(0)).select(col("workspace_id"), col("month"), col("segment"),
        col("mrr_usd"), org.apache.spark.sql.functions.to_date(col("date_key").cast(DataTypes.StringType), "yyyyMMdd").as("_end"));
    Dataset<Row> s = scores.select(col("workspace_id").as("_ws"), col("score_date"), col("churn_probability"), col("risk_band"));
    Dataset<Row> scored = paying.join(s, col("workspace_id").equalTo(col("_ws")).and(col("score_date").equalTo(col("_end"))));
    Dataset<Row> agg = scored.groupBy("month", "segment").agg(
        avg("churn_probability").cast(DataTypes.createDecimalType(12, 6)).as("avg_churn_probability_month_end"),
        count(when(col("risk_band").equalTo("high"), 1)).as("high_risk_workspaces_month_end"),
        MrrTransforms.usd(coalesce(sum(when(col("risk_band").equalTo("high"), col("mrr_usd"))), lit(0))).as("high_risk_mrr_month_end_usd"));
    return segmentMonthly.join(agg, MrrTransforms.usingColumns("month", "segment"), "left").orderBy("month", "segment");
  }
}
