package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.money.Money;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Forecast and pipeline operations as a pure function: per week and rep, the commit and best-case pipeline of the
 * quarter against the bookings that followed, slippage out of the quarter, close dates in the past, new pipeline, open
 * pipeline and win rate by discount band.
 */
public final class ForecastTransforms {
  private ForecastTransforms() {}

  /** {@code lakehouse.gold.forecast}: the forecast categories counted as commit and as best case, and the discount bands. */
  public record Forecast(List<String> commitCategories, List<String> bestCaseCategories, List<Integer> discountBands) {
    public Forecast {
      commitCategories = List.copyOf(commitCategories);
      bestCaseCategories = List.copyOf(bestCaseCategories);
      discountBands = List.copyOf(discountBands);
      if (commitCategories.isEmpty() || !bestCaseCategories.containsAll(commitCategories)) {
        throw LakehouseException.usage("lakehouse.gold.forecast: commit-categories must be non-empty and each also a best-case "
            + "category (best case includes commit), got " + commitCategories + " and " + bestCaseCategories + ".");
      }
      Bands.check("lakehouse.gold.forecast.discount-bands", discountBands, "percentages");
    }

    public static Forecast from(Config config) {
      Config c = config.getConfig("lakehouse.gold.forecast");
      return new Forecast(c.getStringList("commit-categories"), c.getStringList("best-case-categories"),
          c.getIntList("discount-bands"));
    }

    /** Band names, lowest first: with bounds [10, 20], "0-10", "10-20" and "20+" (a band holds its lower bound). */
    public List<String> bandNames() {
      List<String> names = new ArrayList<>();
      int low = 0;
      for (int bound : discountBands) {
        names.add(low + "-" + bound);
        low = bound;
      }
      names.add(low + "+");
      return names;
    }

    Column band(Column discount) {
      return Bands.of(coalesce(discount, lit(0.0)), discountBands, bandNames());
    }
  }

  /**
   * {@code gold.fact_pipeline_weekly} + {@code gold.fact_opportunity} + {@code gold.dim_sales_rep} ->
   * {@code gold.kpi_forecast_weekly}, one row per week (Monday, UTC) and rep with open pipeline or activity that week;
   * a week is seen at its end (Sunday, or the run date for the current week), its quarter is the quarter of its Monday:
   * <ul>
   *   <li>open_opportunities, pipeline_usd: open at the week's end;
   *   <li>commit_pipeline_usd, best_case_pipeline_usd: open at the week's end in a commit (best-case) forecast category
   *       with a close date in the quarter;
   *   <li>bookings_after_week_usd: won with a close date after the week's end through the quarter's end, and
   *       forecast_accuracy = bookings_after_week_usd / commit_pipeline_usd once the quarter has ended (null before);
   *   <li>slipped_opportunities, slipped_usd: open at the ends of the week before and of this week, whose close date
   *       moved out of a quarter: from within the quarter of the week before (or of this week) to after its end;
   *   <li>past_due_opportunities, past_due_usd: open at the week's end with a close date before it (close-date
   *       hygiene);
   *   <li>new_opportunities, new_pipeline_usd: created in the week;
   *   <li>win_rate_by_discount_band: band -> won / (won + lost) of the opportunities closed in the week, by discount;
   *   <li>quarter, rep_id, rep_segment, is_complete (the week has ended by the run date).
   * </ul>
   */
  public static Dataset<Row> forecastWeekly(Dataset<Row> pipelineWeekly, Dataset<Row> factOpportunity, Dataset<Row> dimSalesRep,
      Forecast f, LocalDate runDate) {
    Column run = lit(Date.valueOf(runDate));
    Column quarterEnd = date_sub(add_months(trunc(col("week_start"), "quarter"), 3), 1);
    Column weekEnd = least(date_add(col("week_start"), 6), run);
    Dataset<Row> open = pipelineWeekly.select(col("week_start"), col("rep_key"), col("opportunity_id"), col("forecast_category"),
        col("amount_usd"), col("close_date"));
    Column inQuarter = col("close_date").leq(quarterEnd);
    Dataset<Row> snapshot = open.groupBy("week_start", "rep_key").agg(
        count(lit(1)).as("open_opportunities"),
        sum("amount_usd").cast(Money.MONEY).as("pipeline_usd"),
        sum(when(col("forecast_category").isin(f.commitCategories().toArray()).and(inQuarter), col("amount_usd")))
            .cast(Money.MONEY).as("_commit"),
        sum(when(col("forecast_category").isin(f.bestCaseCategories().toArray()).and(inQuarter), col("amount_usd")))
            .cast(Money.MONEY).as("_best_case"),
        count(when(col("close_date").lt(weekEnd), 1)).as("past_due_opportunities"),
        sum(when(col("close_date").lt(weekEnd), col("amount_usd"))).cast(Money.MONEY).as("_past_due"));
    Dataset<Row> before = open.select(col("opportunity_id"), date_add(col("week_start"), 7).as("week_start"),
        col("close_date").as("_close_before"), date_sub(add_months(trunc(col("week_start"), "quarter"), 3), 1).as("_quarter_end_before"));
    // Out of the quarter of the week before (a move across a quarter's end) or of this week's quarter.
    Column outOfBefore = col("_close_before").leq(col("_quarter_end_before")).and(col("close_date").gt(col("_quarter_end_before")));
    Column outOfThis = col("_close_before").leq(quarterEnd).and(col("close_date").gt(quarterEnd));
    Dataset<Row> slipped = open.join(before, MrrTransforms.usingColumns("opportunity_id", "week_start"))
        .where(outOfBefore.or(outOfThis))
        .groupBy("week_start", "rep_key")
        .agg(count(lit(1)).as("slipped_opportunities"), sum("amount_usd").cast(Money.MONEY).as("_slipped"));
    Column createdWeek = date_trunc("week", col("created_at")).cast("date");
    Dataset<Row> created = factOpportunity.where(col("created_at").isNotNull())
        .groupBy(createdWeek.as("week_start"), col("rep_key"))
        .agg(count(lit(1)).as("new_opportunities"), sum("amount_usd").cast(Money.MONEY).as("_new_pipeline"));
    Dataset<Row> closed = factOpportunity.where(col("is_closed").and(col("close_date").isNotNull()))
        .withColumn("_band", f.band(col("discount_percent")))
        .groupBy(date_trunc("week", col("close_date")).cast("date").as("week_start"), col("rep_key"), col("_band"))
        .agg(count(when(col("is_won"), 1)).as("_won"), count(lit(1)).as("_closed"))
        .groupBy("week_start", "rep_key")
        .agg(map_from_entries(org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.collect_list(
            struct(col("_band"), ProductTransforms.ratio(col("_won"), col("_closed")).as("_rate"))))).as("win_rate_by_discount_band"));
    Dataset<Row> keys = snapshot.select("week_start", "rep_key").union(slipped.select("week_start", "rep_key"))
        .union(created.select("week_start", "rep_key")).union(closed.select("week_start", "rep_key")).distinct()
        .where(col("week_start").leq(run));
    Dataset<Row> won = factOpportunity.where(col("is_won").and(col("close_date").isNotNull()))
        .select(col("rep_key").as("_won_rep"), col("close_date").as("_won_on"), col("amount_usd").as("_won_usd"));
    Dataset<Row> grid = keys.join(snapshot, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(slipped, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(created, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(closed, MrrTransforms.usingColumns("week_start", "rep_key"), "left");
    Dataset<Row> following = grid.select("week_start", "rep_key")
        .join(won, col("rep_key").equalTo(col("_won_rep")).and(col("_won_on").gt(date_add(col("week_start"), 6)))
            .and(col("_won_on").leq(quarterEnd)))
        .groupBy("week_start", "rep_key").agg(sum("_won_usd").cast(Money.MONEY).as("_following"));
    Dataset<Row> reps = dimSalesRep.select(col("rep_key").as("_rep"), col("rep_id"), col("rep_segment"));
    Column commit = coalesce(col("_commit"), lit(0)).cast(Money.MONEY);
    Column quarterDone = quarterEnd.lt(run);
    Column following2 = coalesce(col("_following"), lit(0)).cast(Money.MONEY);
    return grid.join(following, MrrTransforms.usingColumns("week_start", "rep_key"), "left")
        .join(reps, col("rep_key").equalTo(col("_rep")), "left")
        .select(col("week_start"), DimensionTransforms.dateKey(col("week_start")).as("date_key"),
            trunc(col("week_start"), "quarter").as("quarter"), col("rep_key"), coalesce(col("rep_id"), lit("unknown")).as("rep_id"),
            coalesce(col("rep_segment"), lit("unknown")).as("rep_segment"),
            coalesce(col("open_opportunities"), lit(0L)).as("open_opportunities"),
            coalesce(col("pipeline_usd"), lit(0)).cast(Money.MONEY).as("pipeline_usd"),
            commit.as("commit_pipeline_usd"),
            coalesce(col("_best_case"), lit(0)).cast(Money.MONEY).as("best_case_pipeline_usd"),
            following2.as("bookings_after_week_usd"),
            when(quarterDone, ProductTransforms.ratio(following2, commit)).as("forecast_accuracy"),
            coalesce(col("slipped_opportunities"), lit(0L)).as("slipped_opportunities"),
            coalesce(col("_slipped"), lit(0)).cast(Money.MONEY).as("slipped_usd"),
            coalesce(col("past_due_opportunities"), lit(0L)).as("past_due_opportunities"),
            coalesce(col("_past_due"), lit(0)).cast(Money.MONEY).as("past_due_usd"),
            coalesce(col("new_opportunities"), lit(0L)).as("new_opportunities"),
            coalesce(col("_new_pipeline"), lit(0)).cast(Money.MONEY).as("new_pipeline_usd"),
            col("win_rate_by_discount_band"),
            date_add(col("week_start"), 7).leq(run).as("is_complete"))
        .orderBy("week_start", "rep_id");
  }
}
