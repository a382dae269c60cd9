package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.Money;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** First-touch attribution of METRICS.md as a pure function: leads, pipeline, bookings, spend and CAC per channel and month. */
public final class ChannelTransforms {
  private ChannelTransforms() {}

  /**
   * {@code gold.fact_opportunity} (its first-touch {@code channel}) + {@code silver.leads} +
   * {@code gold.fact_marketing_spend_monthly} + {@code gold.dim_channel} + {@code gold.kpi_unit_economics_monthly} ->
   * {@code gold.kpi_channel_monthly}, one row per month and channel with any
   * lead, opportunity or spend, up to the run date's month:
   * <ul>
   *   <li>leads: leads created in the month whose LeadSource is the channel ({@code unknown} without one);
   *   <li>opportunities_created, pipeline_created_usd: opportunities created in the month and their amount;
   *   <li>won_opportunities, lost_opportunities, win_rate (won / (won + lost)) and bookings_usd of those closed in it;
   *   <li>new_customers: won New Business opportunities closed in the month;
   *   <li>marketing_spend_usd: the channel's spend that month (finance), null when finance has no row for it;
   *   <li>marketing_cac_usd = marketing_spend_usd / new_customers (the channel's marketing CAC; the blended CAC with
   *       sales costs is {@code gold.kpi_unit_economics_monthly}'s); marketing_cac_payback_months = marketing_cac_usd /
   *       (ARPA x gross margin) of the month (all workspaces), null where a part is missing or 0;
   *   <li>is_complete: the month has ended by the run date.
   * </ul>
   */
  public static Dataset<Row> channelMonthly(Dataset<Row> factOpportunity, Dataset<Row> leads, Dataset<Row> spendMonthly,
      Dataset<Row> dimChannel, Dataset<Row> unitEconomics, LocalDate runDate) {
    Column runMonth = trunc(lit(Date.valueOf(runDate)), "month");
    Dataset<Row> leadRows = leads.where(col("is_deleted").equalTo(false).and(col("created_at").isNotNull()))
        .groupBy(trunc(col("created_at"), "month").as("month"), coalesce(col("lead_source"), lit("unknown")).as("channel"))
        .agg(count(lit(1)).as("leads"));
    Dataset<Row> opps = factOpportunity.select(col("channel"), col("created_at"), col("close_date"), col("is_closed"), col("is_won"),
        col("opportunity_type"), col("amount_usd"));
    Dataset<Row> created = opps.where(col("created_at").isNotNull())
        .groupBy(trunc(col("created_at"), "month").as("month"), col("channel"))
        .agg(count(lit(1)).as("opportunities_created"), sum("amount_usd").cast(Money.MONEY).as("pipeline_created_usd"));
    Column won = col("is_won");
    Column lost = col("is_closed").and(col("is_won").unary_$bang());
    Dataset<Row> closed = opps.where(col("is_closed").and(col("close_date").isNotNull()))
        .groupBy(trunc(col("close_date"), "month").as("month"), col("channel"))
        .agg(count(when(won, 1)).as("won_opportunities"), count(when(lost, 1)).as("lost_opportunities"),
            coalesce(sum(when(won, col("amount_usd"))), lit(0)).cast(Money.MONEY).as("bookings_usd"),
            count(when(won.and(col("opportunity_type").equalTo("New Business")), 1)).as("new_customers"));
    Dataset<Row> channelNames = dimChannel.select(col("channel_key").as("_key"), col("channel").as("_spend_channel"));
    Dataset<Row> spend = spendMonthly.join(channelNames, col("channel_key").equalTo(col("_key")))
        .groupBy(col("month"), col("_spend_channel").as("channel"))
        .agg(sum("amount_usd").cast(Money.MONEY).as("marketing_spend_usd"));
    Dataset<Row> keys = leadRows.select("month", "channel").union(created.select("month", "channel"))
        .union(closed.select("month", "channel")).union(spend.select("month", "channel")).distinct()
        .where(col("month").leq(runMonth));
    Dataset<Row> economics = unitEconomics.select(col("month"), col("arpa_usd"), col("gross_margin"));
    Dataset<Row> joined = keys
        .join(leadRows, MrrTransforms.usingColumns("month", "channel"), "left")
        .join(created, MrrTransforms.usingColumns("month", "channel"), "left")
        .join(closed, MrrTransforms.usingColumns("month", "channel"), "left")
        .join(spend, MrrTransforms.usingColumns("month", "channel"), "left")
        .join(economics, MrrTransforms.usingColumns("month"), "left");
    Dataset<Row> keyed = StarTransforms.lookup(joined, "channel", dimChannel, "channel", "channel_key");
    Column newCustomers = coalesce(col("new_customers"), lit(0L));
    Column wonCount = coalesce(col("won_opportunities"), lit(0L));
    Column lostCount = coalesce(col("lost_opportunities"), lit(0L));
    Column cac = SaasKpis.ratio(col("marketing_spend_usd"), newCustomers).cast(Money.MONEY);
    Column monthlyMargin = col("arpa_usd").multiply(col("gross_margin"));
    return keyed.select(col("month"), col("channel"), col("channel_key"),
            coalesce(col("leads"), lit(0L)).as("leads"),
            coalesce(col("opportunities_created"), lit(0L)).as("opportunities_created"),
            coalesce(col("pipeline_created_usd"), lit(0)).cast(Money.MONEY).as("pipeline_created_usd"),
            wonCount.as("won_opportunities"), lostCount.as("lost_opportunities"),
            ProductTransforms.ratio(wonCount, wonCount.plus(lostCount)).as("win_rate"),
            coalesce(col("bookings_usd"), lit(0)).cast(Money.MONEY).as("bookings_usd"),
            newCustomers.as("new_customers"),
            col("marketing_spend_usd"),
            cac.as("marketing_cac_usd"),
            when(monthlyMargin.gt(0), cac.divide(monthlyMargin)).cast(DataTypes.createDecimalType(12, 2)).as("marketing_cac_payback_months"),
            col("month").lt(runMonth).as("is_complete"))
        .orderBy("month", "channel");
  }
}
