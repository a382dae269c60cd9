package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.Money;
import java.sql.Date;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sales as METRICS.md defines it, as pure functions: the opportunity accumulating snapshot, the
 * weekly open-pipeline snapshot and the monthly sales KPIs. An opportunity's segment is its
 * owner's (the rep's) segment, the one quotas are set for.
 */
public final class SalesTransforms {
  private SalesTransforms() {}

  /** The stages in funnel order, then the won and lost stages (configuration). */
  public record Stages(List<String> open, String won, String lost) {
    public Stages {
      open = List.copyOf(open);
    }

    static Stages from(com.typesafe.config.Config config) {
      com.typesafe.config.Config c = config.getConfig("lakehouse.gold.sales");
      return new Stages(c.getStringList("stages"), c.getString("won-stage"), c.getString("lost-stage"));
    }

    /** Every stage: the open ones in order, then won and lost. */
    List<String> all() {
      List<String> all = new ArrayList<>(open);
      all.add(won);
      all.add(lost);
      return all;
    }

    /** The column of the instant a stage was first entered: "Proposal/Price Quote" -> proposal_price_quote_at. */
    static String column(String stage) {
      return stage.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "") + "_at";
    }
  }

  /**
   * {@code silver.opportunities} + {@code silver.opportunity_stage_history} + {@code silver.leads} + dimensions ->
   * {@code gold.fact_opportunity} (accumulating snapshot): opportunity_id, created_date_key,
   * close_date_key, account_key, rep_key, channel (first touch, METRICS.md: the LeadSource of the lead it was converted
   * from, the earliest such lead when several were; else its own LeadSource; else unknown), channel_key, lead_source
   * (its own), rep_segment, opportunity_type, stage_name,
   * forecast_category, probability, currency, amount, usd_per_unit, amount_usd, discount_percent,
   * created_at, close_date, is_closed, is_won, next_step, loss_reason, renewal_date (the CRM hygiene fields, as landed
   * last), sales_cycle_days (created -> close, closed ones),
   * and one {@code <stage>_at} column per configured stage (when it was first entered).
   */
  public static Dataset<Row> opportunities(Dataset<Row> opportunities, Dataset<Row> stageHistory, Dataset<Row> leads,
      Dataset<Row> dimAccount, Dataset<Row> dimSalesRep, Dataset<Row> dimChannel, Stages stages) {
    Dataset<Row> entered = stageHistory.where(col("is_deleted").equalTo(false)).groupBy("opportunity_id")
        .pivot("stage_name", new ArrayList<>(stages.all())).agg(min("created_at"));
    for (String stage : stages.all()) {
      entered = entered.withColumnRenamed(stage, Stages.column(stage));
    }
    Dataset<Row> firstTouch = leads.where(col("is_deleted").equalTo(false).and(col("converted_opportunity_id").isNotNull())
            .and(col("lead_source").isNotNull()))
        .withColumn("_touch", row_number().over(Window.partitionBy("converted_opportunity_id").orderBy(col("created_at"), col("lead_id"))))
        .where(col("_touch").equalTo(1))
        .select(col("converted_opportunity_id").as("opportunity_id"), col("lead_source").as("_lead_channel"));
    Dataset<Row> opps = opportunities.where(col("is_deleted").equalTo(false))
        .join(entered, MrrTransforms.usingColumns("opportunity_id"), "left")
        .join(firstTouch, MrrTransforms.usingColumns("opportunity_id"), "left")
        .withColumn("channel", coalesce(col("_lead_channel"), col("lead_source"), lit("unknown")));
    Dataset<Row> keyed = StarTransforms.lookup(StarTransforms.lookup(StarTransforms.lookup(opps,
        "account_id", dimAccount, "account_id", "account_key"), "owner_id", dimSalesRep, "rep_id", "rep_key"),
        "channel", dimChannel, "channel", "channel_key");
    Dataset<Row> repSegment = dimSalesRep.select(col("rep_key").as("_rep_key"), col("rep_segment").as("_rep_segment"));
    Dataset<Row> withSegment = keyed.join(broadcast(repSegment), keyed.col("rep_key").equalTo(repSegment.col("_rep_key")), "left");
    List<Column> columns = new ArrayList<>(List.of(col("opportunity_id"),
        DimensionTransforms.dateKey(to_date(col("created_at"))).as("created_date_key"),
        DimensionTransforms.dateKey(col("close_date")).as("close_date_key"),
        col("account_key"), col("rep_key"), col("channel"), col("channel_key"), col("lead_source"),
        coalesce(col("_rep_segment"), lit("unknown")).as("rep_segment"),
        col("opportunity_type"), col("stage_name"), col("forecast_category"), col("probability"), col("currency"),
        col("amount"), col("usd_per_unit"), col("amount_usd"), col("discount_percent"), col("created_at"), col("close_date"),
        col("is_closed"), col("is_won"), col("next_step"), col("loss_reason"), col("renewal_date"),
        when(col("is_closed"), datediff(col("close_date"), to_date(col("created_at")))).as("sales_cycle_days")));
    stages.all().forEach(s -> columns.add(col(Stages.column(s))));
    return withSegment.select(columns.toArray(Column[]::new));
  }

  /**
   * {@code silver.opportunity_stage_history} + {@code gold.fact_opportunity} ->
   * {@code gold.fact_pipeline_weekly}: for each week (Monday) from {@code firstWeek} to the run
   * date's week, every opportunity open at the end of the week (the run date's end for the current
   * week) with the stage, amount and close date it had then: week_start, date_key, opportunity_id,
   * account_key, rep_key, rep_segment, stage_name, forecast_category (of that history row), currency, amount, amount_usd
   * (at the opportunity's rate; null without one, never converted at 1), close_date, days_open.
   */
  public static Dataset<Row> pipelineWeekly(SparkSession spark, Dataset<Row> stageHistory, Dataset<Row> factOpportunity,
      Stages stages, LocalDate firstWeek, LocalDate runDate) {
    Dataset<Row> weeks = spark.sql("SELECT explode(sequence(DATE'" + firstWeek.with(DayOfWeek.MONDAY) + "', DATE'"
            + runDate.with(DayOfWeek.MONDAY) + "', INTERVAL 7 DAYS)) AS week_start")
        .withColumn("snapshot_end", least(date_add(col("week_start"), 7), lit(Date.valueOf(runDate.plusDays(1))))
            .cast(DataTypes.TimestampType));
    List<Object> closed = List.of(stages.won(), stages.lost());
    Dataset<Row> history = stageHistory.where(col("is_deleted").equalTo(false)).select(col("opportunity_id"),
        col("stage_name"), col("forecast_category"), col("amount").as("_amount"), col("close_date").as("_close_date"),
        col("created_at").as("_entered_at"));
    Dataset<Row> closedAt = history.where(col("stage_name").isin(closed.toArray())).groupBy("opportunity_id")
        .agg(min("_entered_at").as("_closed_at"));
    Dataset<Row> h = history.join(closedAt, MrrTransforms.usingColumns("opportunity_id"), "left");
    Dataset<Row> snapshots = h.join(broadcast(weeks), col("_entered_at").lt(col("snapshot_end"))
            .and(col("_closed_at").isNull().or(col("_closed_at").geq(col("week_start")))))
        .withColumn("_pick", row_number().over(Window.partitionBy("opportunity_id", "week_start")
            .orderBy(col("_entered_at").desc())))
        .where(col("_pick").equalTo(1).and(col("stage_name").isin(closed.toArray()).unary_$bang()));
    Dataset<Row> opp = factOpportunity.select(col("opportunity_id"), col("account_key"), col("rep_key"), col("rep_segment"),
        col("currency"), col("amount").as("_current_amount"), col("usd_per_unit"), col("close_date").as("_current_close"),
        col("created_at"));
    Column amount = coalesce(col("_amount"), col("_current_amount"));
    return snapshots.join(opp, MrrTransforms.usingColumns("opportunity_id"))
        .select(col("week_start"), DimensionTransforms.dateKey(col("week_start")).as("date_key"), col("opportunity_id"),
            col("account_key"), col("rep_key"), col("rep_segment"), col("stage_name"), col("forecast_category"), col("currency"),
            amount.cast(Money.MONEY).as("amount"), amount.multiply(col("usd_per_unit")).cast(Money.MONEY).as("amount_usd"),
            coalesce(col("_close_date"), col("_current_close")).as("close_date"),
            datediff(to_date(col("snapshot_end")), to_date(col("created_at"))).as("days_open"));
  }

  /**
   * {@code gold.fact_opportunity} + {@code gold.dim_sales_rep} -> {@code gold.kpi_rep_quarterly},
   * one row per rep and quarter the rep carried a quota in: quarter (its first day), rep_key,
   * rep_id, rep_segment, is_complete, bookings_usd (won, close date in the quarter),
   * quarterly_quota_usd, quota_attainment (bookings / quota; null without a quota), ramp_quarters (quarters since the
   * quarter of the rep's start date: 0 in it; null without a start date). A rep carries
   * a quota from the quarter of their start date: while active, through the quarter after the run
   * date's (the next quarter's coverage needs it); after leaving, through the last quarter they
   * booked in, so reps who left keep their quota in the quarters they sold in.
   */
  public static Dataset<Row> repQuarterly(Dataset<Row> factOpportunity, Dataset<Row> dimSalesRep, LocalDate runDate) {
    Date nextQuarter = Date.valueOf(runDate.withDayOfMonth(1).minusMonths((runDate.getMonthValue() - 1) % 3).plusMonths(3));
    Dataset<Row> won = factOpportunity.where(col("is_won").and(col("close_date").isNotNull()))
        .withColumn("quarter", trunc(col("close_date"), "quarter"));
    Dataset<Row> bookings = won.groupBy("rep_key", "quarter").agg(sum("amount_usd").cast(Money.MONEY).as("_bookings"));
    Dataset<Row> lastBooked = won.groupBy("rep_key").agg(max("quarter").as("_last_booked"));
    Dataset<Row> reps = dimSalesRep.where(col("rep_key").notEqual(DimensionTransforms.UNKNOWN))
        .join(lastBooked, MrrTransforms.usingColumns("rep_key"), "left");
    Dataset<Row> firstBooked = won.groupBy("rep_key").agg(min("quarter").as("_first_booked"));
    Column first = coalesce(trunc(col("start_date"), "quarter"), col("_first_booked"), lit(nextQuarter));
    Column last = when(col("is_active"), lit(nextQuarter)).otherwise(col("_last_booked"));
    Dataset<Row> grid = reps.join(firstBooked, MrrTransforms.usingColumns("rep_key"), "left")
        .where(last.isNotNull().and(first.leq(last)))
        .withColumn("quarter", explode(sequence(first, last, expr("INTERVAL 3 MONTHS"))));
    Column quarterEnd = add_months(col("quarter"), 3);
    return grid.join(bookings, MrrTransforms.usingColumns("rep_key", "quarter"), "left")
        .select(col("quarter"), col("rep_key"), col("rep_id"), col("rep_segment"),
            quarterEnd.leq(lit(Date.valueOf(runDate.plusDays(1)))).as("is_complete"),
            coalesce(col("_bookings"), lit(0)).cast(Money.MONEY).as("bookings_usd"),
            col("quarterly_quota_usd"),
            ProductTransforms.ratio(coalesce(col("_bookings"), lit(0)), col("quarterly_quota_usd")).as("quota_attainment"),
            org.apache.spark.sql.functions.months_between(col("quarter"), trunc(col("start_date"), "quarter")).divide(3)
                .cast(DataTypes.IntegerType).as("ramp_quarters"))
        .orderBy("quarter", "rep_id");
  }

  /**
   * -> {@code gold.kpi_sales}, month x rep_segment ({@value SaasKpis#ALL} and each rep segment),
   * months from {@code from} to the run date's: is_complete; of the opportunities closed in the
   * month: won_opportunities, lost_opportunities, bookings_usd, win_rate (count), win_rate_amount,
   * avg_deal_size_usd, avg_discount_percent, sales_cycle_days (won); stage_conversion (s -> s+1:
   * share of the opportunities that first reached s in the month and later reached s+1); at the
   * month's last weekly snapshot: open_pipeline_next_quarter_usd (close date in the next quarter),
   * quota_next_quarter_usd (the quotas reps carry in the next quarter, {@code gold.kpi_rep_quarterly}),
   * pipeline_coverage_next_quarter; bookings_qtd_usd and quota_attainment_qtd (quarter-to-date
   * bookings / the quotas of the month's quarter); leads_created, leads_converted and
   * lead_conversion_rate (leads created in the month, by their owner's rep segment).
   */
  public static Dataset<Row> monthly(SparkSession spark, Dataset<Row> factOpportunity, Dataset<Row> leads, Dataset<Row> dimSalesRep,
      Dataset<Row> pipelineWeekly, Dataset<Row> repQuarterly, Stages stages, java.time.YearMonth from, LocalDate runDate) {
    Dataset<Row> segments = dimSalesRep.select("rep_segment").distinct()
        .union(spark.sql("SELECT '" + SaasKpis.ALL + "' AS rep_segment"));
    Dataset<Row> grid = MrrTransforms.months(spark, from, runDate).select("month", "is_complete").crossJoin(segments);

    Dataset<Row> closed = bothLevels(factOpportunity.where(col("is_closed").and(col("close_date").isNotNull()))
        .withColumn("month", trunc(col("close_date"), "month")));
    Column won = col("is_won");
    Dataset<Row> outcomes = closed.groupBy("month", "rep_segment").agg(
        count(when(won, 1)).as("won_opportunities"),
        count(when(won.unary_$bang(), 1)).as("lost_opportunities"),
        sum(when(won, col("amount_usd"))).as("_won_amount"),
        sum(when(won.unary_$bang(), col("amount_usd"))).as("_lost_amount"),
        avg(when(won, col("amount_usd"))).cast(Money.MONEY).as("avg_deal_size_usd"),
        avg(when(won, col("discount_percent"))).cast(DataTypes.createDecimalType(12, 4)).as("avg_discount_percent"),
        avg(when(won, col("sales_cycle_days"))).cast(DataTypes.createDecimalType(12, 2)).as("sales_cycle_days"))
        .withColumn("bookings_usd", coalesce(col("_won_amount"), lit(0)).cast(Money.MONEY))
        .withColumn("win_rate", ProductTransforms.ratio(col("won_opportunities"),
            col("won_opportunities").plus(col("lost_opportunities"))))
        .withColumn("win_rate_amount", ProductTransforms.ratio(coalesce(col("_won_amount"), lit(0)),
            coalesce(col("_won_amount"), lit(0)).plus(coalesce(col("_lost_amount"), lit(0)))))
        .drop("_won_amount", "_lost_amount");

    Dataset<Row> conversion = stageConversion(factOpportunity, stages);

    Dataset<Row> quota = bothLevels(repQuarterly).groupBy("quarter", "rep_segment")
        .agg(sum("quarterly_quota_usd").cast(Money.MONEY).as("_quota"));
    Dataset<Row> quotaNext = quota.select(col("quarter").as("_next_quarter"), col("rep_segment"), col("_quota").as("quota_next_quarter_usd"));
    Dataset<Row> quotaNow = quota.select(col("quarter").as("_quarter"), col("rep_segment"), col("_quota").as("_quota_now"));
    Dataset<Row> lastSnapshot = pipelineWeekly.groupBy(trunc(col("week_start"), "month").as("month"))
        .agg(max("week_start").as("week_start"));
    Column nextQuarter = add_months(trunc(col("month"), "quarter"), 3);
    Dataset<Row> pipeline = bothLevels(pipelineWeekly.join(lastSnapshot, MrrTransforms.usingColumns("week_start")))
        .where(col("close_date").geq(nextQuarter).and(col("close_date").lt(add_months(nextQuarter, 3))))
        .groupBy("month", "rep_segment").agg(sum("amount_usd").cast(Money.MONEY).as("open_pipeline_next_quarter_usd"));

    Dataset<Row> repSegment = dimSalesRep.select(col("rep_id").as("owner_id"), col("rep_segment"));
    Dataset<Row> leadRows = bothLevels(leads.where(col("is_deleted").equalTo(false))
        .join(broadcast(repSegment), MrrTransforms.usingColumns("owner_id"), "left")
        .withColumn("rep_segment", coalesce(col("rep_segment"), lit("unknown")))
        .withColumn("month", trunc(col("created_at"), "month")));
    Dataset<Row> leadKpis = leadRows.groupBy("month", "rep_segment").agg(count(lit(1)).as("leads_created"),
        count(when(col("is_converted"), 1)).as("leads_converted"));

    Dataset<Row> joined = grid.join(outcomes, MrrTransforms.usingColumns("month", "rep_segment"), "left")
        .join(conversion, MrrTransforms.usingColumns("month", "rep_segment"), "left")
        .join(pipeline, MrrTransforms.usingColumns("month", "rep_segment"), "left")
        .withColumn("_next_quarter", add_months(trunc(col("month"), "quarter"), 3))
        .withColumn("_quarter", trunc(col("month"), "quarter"))
        .join(quotaNext, MrrTransforms.usingColumns("_next_quarter", "rep_segment"), "left")
        .join(quotaNow, MrrTransforms.usingColumns("_quarter", "rep_segment"), "left")
        .join(leadKpis, MrrTransforms.usingColumns("month", "rep_segment"), "left");
    Column bookings = coalesce(col("bookings_usd"), lit(0));
    return joined
        .withColumn("bookings_usd", bookings.cast(Money.MONEY))
        .withColumn("bookings_qtd_usd", sum(bookings).over(Window.partitionBy(col("rep_segment"), trunc(col("month"), "quarter"))
            .orderBy("month").rowsBetween(Window.unboundedPreceding(), Window.currentRow())).cast(Money.MONEY))
        .select(col("month"), col("rep_segment"), col("is_complete"),
            coalesce(col("won_opportunities"), lit(0L)).as("won_opportunities"),
            coalesce(col("lost_opportunities"), lit(0L)).as("lost_opportunities"),
            col("bookings_usd"), col("win_rate"), col("win_rate_amount"), col("avg_deal_size_usd"), col("avg_discount_percent"),
            col("sales_cycle_days"), col("stage_conversion"),
            coalesce(col("open_pipeline_next_quarter_usd"), lit(0)).cast(Money.MONEY).as("open_pipeline_next_quarter_usd"),
            col("quota_next_quarter_usd"),
            ProductTransforms.ratio(coalesce(col("open_pipeline_next_quarter_usd"), lit(0)), col("quota_next_quarter_usd"))
                .as("pipeline_coverage_next_quarter"),
            col("bookings_qtd_usd"),
            ProductTransforms.ratio(col("bookings_qtd_usd"), col("_quota_now")).as("quota_attainment_qtd"),
            coalesce(col("leads_created"), lit(0L)).as("leads_created"),
            coalesce(col("leads_converted"), lit(0L)).as("leads_converted"),
            ProductTransforms.ratio(col("leads_converted"), col("leads_created")).as("lead_conversion_rate"))
        .orderBy("month", "rep_segment");
  }

  /**
   * month, rep_segment, stage_conversion: for each stage s with a next stage (the open stages in
   * order, then won), among the opportunities that first reached s in the month, the share that
   * later reached the next stage.
   */
  static Dataset<Row> stageConversion(Dataset<Row> factOpportunity, Stages stages) {
    List<String> funnel = new ArrayList<>(stages.open());
    funnel.add(stages.won());
    List<Dataset<Row>> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < funnel.size(); i++) {
      String s = Stages.column(funnel.get(i));
      String next = Stages.column(funnel.get(i + 1));
      pairs.add(factOpportunity.where(col(s).isNotNull()).select(col("opportunity_id"), col("rep_segment"),
          trunc(col(s), "month").as("month"), lit(funnel.get(i) + " -> " + funnel.get(i + 1)).as("step"),
          col(next).isNotNull().and(col(next).geq(col(s))).as("_converted")));
    }
    Dataset<Row> reached = bothLevels(pairs.stream().reduce(Dataset::unionByName).orElseThrow());
    return reached.groupBy("month", "rep_segment", "step")
        .agg(ProductTransforms.ratio(count(when(col("_converted"), 1)), count(lit(1))).as("_share"))
        .groupBy("month", "rep_segment").agg(map_from_entries(collect_list(struct(col("step"), col("_share")))).as("stage_conversion"));
  }

  /** The rows twice: in their own rep segment, and in {@value SaasKpis#ALL}. */
  static Dataset<Row> bothLevels(Dataset<Row> rows) {
    return rows.unionByName(rows.withColumn("rep_segment", lit(SaasKpis.ALL)));
  }
}
