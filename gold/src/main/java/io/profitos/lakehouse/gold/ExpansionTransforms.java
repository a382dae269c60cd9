package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.money.Money;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * The expansion signals of METRICS.md as pure functions: every change of a subscription (what it was, what it became,
 * what it did to MRR), and how often an expansion followed a hit seat limit or a breadth of feature use.
 */
public final class ExpansionTransforms {
  private ExpansionTransforms() {}

  /** The change types of {@code gold.fact_subscription_change}; the first two are expansion events. */
  public static final List<String> CHANGE_TYPES =
      List.of("plan_upgrade", "seat_addition", "downgrade", "seat_removal", "cancel", "reactivation");

  /** The band of an expansion whose workspace had no product activity in the look-back window. */
  public static final String NO_ACTIVITY = "no_activity";

  /** {@code lakehouse.gold.expansion-signals}: the look-back window and the lower bounds of the feature-breadth bands. */
  public record Signals(int lookbackDays, List<Integer> breadthBands) {
    public Signals {
      breadthBands = List.copyOf(breadthBands);
      if (lookbackDays < 1) {
        throw LakehouseException.usage("lakehouse.gold.expansion-signals.lookback-days must be at least 1.");
      }
      Bands.check("lakehouse.gold.expansion-signals.breadth-bands", breadthBands, "feature counts");
    }

    public static Signals from(Config config) {
      Config c = config.getConfig("lakehouse.gold.expansion-signals");
      return new Signals(c.getInt("lookback-days"), c.getIntList("breadth-bands"));
    }

    /** The band names, lowest first: with bounds [3, 6], "0-2", "3-5" and "6+". */
    public List<String> bandNames() {
      List<String> names = new ArrayList<>();
      int low = 0;
      for (int bound : breadthBands) {
        names.add(low + "-" + (bound - 1));
        low = bound;
      }
      names.add(low + "+");
      return names;
    }

    Column band(Column features) {
      return Bands.of(features, breadthBands, bandNames());
    }
  }

  /**
   * {@code silver.subscription_history} + {@code gold.dim_workspace} -> {@code gold.fact_subscription_change}, one row
   * per change of a subscription, at the version that made it:
   * <ul>
   *   <li>between two paying versions (status active or past_due, the trial over, not ended at the version's start):
   *       {@code plan_upgrade} or {@code downgrade} when the set of prices changed (by the sign of the monthly amount's
   *       change; a plan change that leaves the amount equal is not a change of MRR and has no row), else
   *       {@code seat_addition} or {@code seat_removal} when the total quantity changed;
   *   <li>{@code cancel}: a paying version followed by a canceled (or ended) one;
   *   <li>{@code reactivation}: the first paying version of a subscription of a workspace that had paid on another
   *       subscription before and paid on none at that instant (a workspace's first paying version is new business,
   *       not a change; a trial converting is neither).
   * </ul>
   * Columns: subscription_id, workspace_id, workspace_key (the version valid at the change), customer_id, changed_at,
   * change_date, date_key, change_type, currency, previous_quantity, quantity, previous_mrr_usd, mrr_usd (the monthly
   * amount net of the discount in force, 0 when not paying) and mrr_delta_usd, both amounts at the change's rate, so a
   * change of FX rate is never a change of MRR.
   */
  public static Dataset<Row> subscriptionChanges(Dataset<Row> history, Dataset<Row> dimWorkspace) {
    Column from = col("valid_from");
    Column paying = col("status").isin("active", "past_due")
        .and(col("trial_end_at").isNull().or(col("trial_end_at").leq(from)))
        .and(col("ended_at").isNull().or(col("ended_at").gt(from)));
    Column ended = col("status").equalTo("canceled").or(col("ended_at").isNotNull().and(col("ended_at").leq(from)));
    WindowSpec bySubscription = Window.partitionBy("subscription_id").orderBy(from);
    Dataset<Row> versions = history.where(col("is_deleted").equalTo(false))
        .withColumn("_paying", paying)
        .withColumn("_ended", ended)
        .withColumn("_net", when(paying, col("monthly_amount_net")).otherwise(lit(0)).cast(Money.MONEY))
        .withColumn("_quantity", org.apache.spark.sql.functions.aggregate(col("items"), lit(0L),
            (acc, x) -> acc.plus(coalesce(x.getField("quantity").cast(DataTypes.LongType), lit(0L)))))
        .withColumn("_prices", array_sort(transform(col("items"), x -> x.getField("price_id"))))
        .withColumn("_prev_paying", lag(col("_paying"), 1).over(bySubscription))
        .withColumn("_prev_net", lag(col("_net"), 1).over(bySubscription))
        .withColumn("_prev_quantity", lag(col("_quantity"), 1).over(bySubscription))
        .withColumn("_prev_prices", lag(col("_prices"), 1).over(bySubscription))
        .withColumn("_paid_before", coalesce(max(col("_paying").cast(DataTypes.IntegerType)).over(
            bySubscription.rowsBetween(Window.unboundedPreceding(), -1)), lit(0)).equalTo(1));
    Dataset<Row> firstPaying = versions.where(col("_paying").and(col("_paid_before").unary_$bang()))
        .select(col("subscription_id"), col("workspace_id"), col("valid_from"));
    Dataset<Row> otherPaying = versions.where(col("_paying"))
        .select(col("subscription_id").as("_other_subscription"), col("workspace_id").as("_other_workspace"),
            col("valid_from").as("_other_from"), col("valid_to").as("_other_to"));
    Dataset<Row> reactivations = firstPaying.join(otherPaying, col("workspace_id").equalTo(col("_other_workspace"))
            .and(col("subscription_id").notEqual(col("_other_subscription"))).and(col("_other_from").lt(col("valid_from"))), "inner")
        .withColumn("_overlaps", col("_other_to").isNull().or(col("_other_to").gt(col("valid_from"))))
        .groupBy("subscription_id", "valid_from")
        .agg(max(col("_overlaps").cast(DataTypes.IntegerType)).as("_overlapping"))
        .where(col("_overlapping").equalTo(0))
        .select(col("subscription_id"), col("valid_from"), lit(true).as("_reactivation"));
    Column bothPaying = col("_prev_paying").and(col("_paying"));
    Column delta = col("_net").minus(col("_prev_net"));
    Column planChanged = bothPaying.and(col("_prices").notEqual(col("_prev_prices")));
    Column type = when(planChanged.and(delta.gt(0)), "plan_upgrade")
        .when(planChanged.and(delta.lt(0)), "downgrade")
        .when(planChanged, lit(null))
        .when(bothPaying.and(col("_quantity").gt(col("_prev_quantity"))), "seat_addition")
        .when(bothPaying.and(col("_quantity").lt(col("_prev_quantity"))), "seat_removal")
        .when(col("_prev_paying").and(col("_ended")), "cancel")
        .when(coalesce(col("_reactivation"), lit(false)), "reactivation");
    Dataset<Row> typed = versions.join(reactivations, MrrTransforms.usingColumns("subscription_id", "valid_from"), "left")
        .withColumn("change_type", type)
        .where(col("change_type").isNotNull().and(col("workspace_id").isNotNull()));
    Dataset<Row> keyed = DimensionTransforms.withWorkspaceKey(typed, dimWorkspace, col("valid_from"));
    Column previous = coalesce(col("_prev_net"), lit(0));
    return keyed.select(col("subscription_id"), col("workspace_id"), col("workspace_key"), col("customer_id"),
        col("valid_from").as("changed_at"), to_date(col("valid_from")).as("change_date"),
        DimensionTransforms.dateKey(to_date(col("valid_from"))).as("date_key"), col("change_type"), col("currency"),
        col("_prev_quantity").as("previous_quantity"), col("_quantity").as("quantity"),
        Money.usd(previous).cast(Money.MONEY).as("previous_mrr_usd"), Money.usd(col("_net")).cast(Money.MONEY).as("mrr_usd"),
        Money.usd(col("_net")).minus(Money.usd(previous)).cast(Money.MONEY).as("mrr_delta_usd"));
  }

  /**
   * {@code gold.fact_workspace_activity_daily}'s {@code hit_seat_limit}: active users in the trailing window at or
   * above the workspace's seats (null when the seats are unknown).
   */
  static Column hitSeatLimit(Column activeUsersTrailing, Column seats) {
    return when(seats.isNull().or(seats.leq(0)), lit(null).cast(DataTypes.BooleanType)).otherwise(activeUsersTrailing.geq(seats));
  }

  /**
   * {@code gold.fact_subscription_change} + {@code gold.fact_workspace_activity_daily} ->
   * {@code gold.kpi_expansion_signals}, one row per month with an expansion event (plan_upgrade or seat_addition):
   * expansions and expansion_mrr_usd; observed_expansions, those whose look-back window ({@code lookbackDays} before the
   * change, its day excluded) lies within the activity history, so a signal could be seen; among them
   * seat_limit_expansions (the workspace hit its seat limit on a day of the window), seat_limit_share
   * (seat_limit_expansions / observed_expansions), active_expansions (activity in the window), and feature_breadth_share:
   * band -> share of the observed expansions whose workspace had that many features adopted on its last active day of
   * the window ({@link #NO_ACTIVITY} when it had none); null when none is observed. A storage limit is not landed
   * (LANDING.md has no storage usage), so no signal is computed for it.
   */
  public static Dataset<Row> expansionSignals(Dataset<Row> changes, Dataset<Row> activityDaily, Signals s) {
    Dataset<Row> covered = activityDaily.agg(org.apache.spark.sql.functions.min("activity_date").as("_covered_since"));
    Dataset<Row> expansions = changes.where(col("change_type").isin("plan_upgrade", "seat_addition"))
        .select(col("subscription_id"), col("changed_at"), col("workspace_id"), col("change_date"), col("mrr_delta_usd"))
        .crossJoin(covered)
        .withColumn("_observed", col("_covered_since").isNotNull()
            .and(date_sub(col("change_date"), s.lookbackDays()).geq(col("_covered_since"))));
    Dataset<Row> days = activityDaily.select(col("workspace_id").as("_ws"), col("activity_date"), col("hit_seat_limit"),
        col("features_adopted"));
    Dataset<Row> looked = expansions.join(days, col("workspace_id").equalTo(col("_ws"))
            .and(col("activity_date").lt(col("change_date")))
            .and(col("activity_date").geq(date_sub(col("change_date"), s.lookbackDays()))), "left")
        .groupBy("subscription_id", "changed_at", "workspace_id", "change_date", "mrr_delta_usd", "_observed")
        .agg(max(coalesce(col("hit_seat_limit"), lit(false)).cast(DataTypes.IntegerType)).as("_seat_limit"),
            count(col("activity_date")).as("_active_days"),
            max_by(col("features_adopted"), col("activity_date")).as("_breadth"))
        .withColumn("_band", when(col("_active_days").equalTo(0), lit(NO_ACTIVITY)).otherwise(s.band(col("_breadth"))))
        .withColumn("month", trunc(col("change_date"), "month"));
    Column observed = col("_observed");
    Dataset<Row> monthly = looked.groupBy("month").agg(
        count(lit(1)).as("expansions"),
        sum("mrr_delta_usd").cast(Money.MONEY).as("expansion_mrr_usd"),
        count(when(observed, 1)).as("observed_expansions"),
        count(when(observed.and(col("_seat_limit").equalTo(1)), 1)).as("seat_limit_expansions"),
        count(when(observed.and(col("_active_days").gt(0)), 1)).as("active_expansions"));
    Dataset<Row> bands = looked.where(observed).groupBy("month", "_band").agg(count(lit(1)).as("_n"))
        .join(monthly.select(col("month"), col("observed_expansions").as("_all")), MrrTransforms.usingColumns("month"))
        .groupBy("month").agg(map_from_entries(array_sort(org.apache.spark.sql.functions.collect_list(struct(col("_band"),
                ProductTransforms.ratio(col("_n"), col("_all")).as("_share"))))).as("feature_breadth_share"));
    return monthly.join(bands, MrrTransforms.usingColumns("month"), "left")
        .select(col("month"), col("expansions"), col("expansion_mrr_usd"), col("observed_expansions"), col("seat_limit_expansions"),
            ProductTransforms.ratio(col("seat_limit_expansions"), col("observed_expansions")).as("seat_limit_share"),
            col("active_expansions"), col("feature_breadth_share"))
        .orderBy("month");
  }
}
