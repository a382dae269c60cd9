package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The churn model's rows: one per paying workspace (MRR above 0) at each complete month end and on the as-of day (the
 * run date: the month-to-date MRR, the rows a day's scoring reads), its features as of that day only, and its label, whether its MRR is 0 at one of the next {@code horizon-months} month ends (90 days).
 *
 * <p>Every feature reads only rows dated on or before the snapshot: months up to the snapshot's, activity days up to
 * it, tickets created by it (ratings only of tickets solved by it), invoices created by it (paid only if paid by it),
 * the workspace version valid on it. The label is null until all of its months are complete, unless the workspace
 * already churned in one of them.
 *
 * <p>Columns: workspace_id, snapshot_date, segment, plan, seats, mrr_usd, mrr_change_3m (MRR over the MRR three month
 * ends earlier, minus 1; null when it paid nothing then), tenure_months (since the first paying month),
 * active_users_30d and features_adopted (on the workspace's last active day in the 30 days to the snapshot, else 0),
 * seat_utilisation (active_users_30d / seats), active_user_days_30d (daily active users summed over the 30 days),
 * usage_trend_30d and usage_trend_90d (ln of the active user-days of the last 30 / 90 days, plus 1, over those of the
 * 30 / 90 days before, plus 1), days_since_activity (capped at 180), tickets_90d, urgent_tickets_90d, open_tickets
 * (created in the 90 days and not solved by the snapshot), bad_ratings_90d, csat_90d (good / rated; null when none),
 * unpaid_invoices_90d (created in the 90 days, something due, not paid by the snapshot), discount_share_90d
 * (discounts / invoiced amounts before discount), usage_dropped (the baseline's rule: active user-days of the last 30
 * days below {@code usage-drop-share} of the 30 days before, or none), churned_in_horizon (the label).
 */
public final class ChurnFeatures {
  /** Days of history the activity features look back: 90 days and the 90 before them. */
  static final int LOOKBACK_DAYS = 180;
  private static final scala.collection.Seq<String> KEY =
      scala.collection.JavaConverters.asScalaBuffer(java.util.List.of("workspace_id", "snapshot_date")).toSeq();

  /** {@code lakehouse.ml.features.churn}. */
  public record Settings(int horizonMonths, double usageDropShare) {
    public static Settings from(Config config) {
      Config c = config.getConfig("lakehouse.ml.features.churn");
      return new Settings(c.getInt("horizon-months"), c.getDouble("usage-drop-share"));
    }
  }

  private ChurnFeatures() {}

  /**
   * The churn rows from {@code gold.fact_mrr_monthly}, {@code gold.dim_workspace}, {@code
   * gold.fact_workspace_activity_daily}, {@code gold.fact_support_ticket}, {@code gold.fact_invoice_line}, {@code
   * silver.invoices} and {@code silver.customers}.
   */
  public static Dataset<Row> build(Dataset<Row> mrr, Dataset<Row> dimWorkspace, Dataset<Row> activity, Dataset<Row> tickets,
      Dataset<Row> invoiceLines, Dataset<Row> invoices, Dataset<Row> customers, java.time.LocalDate asOf, Settings settings) {
    Dataset<Row> months = mrr.select(col("workspace_id"), col("month"), col("mrr_usd").cast(DataTypes.DoubleType).as("mrr_usd"),
        col("segment"), col("is_complete"));
    Column today = lit(java.sql.Date.valueOf(asOf));
    Dataset<Row> snapshots = months.where(col("mrr_usd").gt(0).and(col("is_complete")
            .or(col("month").equalTo(lit(java.sql.Date.valueOf(asOf.withDayOfMonth(1)))))))
        .select(col("workspace_id"), col("month"), when(col("is_complete"), last_day(col("month"))).otherwise(today)
            .as("snapshot_date"), col("mrr_usd"), col("segment"));
    Dataset<Row> keys = snapshots.select(col("workspace_id"), col("snapshot_date"));
    Dataset<Row> rows = withHistory(snapshots, months, settings.horizonMonths())
        .join(workspace(keys, dimWorkspace), KEY, "left")
        .join(activity(keys, activity, settings.usageDropShare()), KEY, "left")
        .join(tickets(keys, tickets), KEY, "left")
        .join(unpaid(keys, invoices, customers), KEY, "left")
        .join(discounts(keys, invoiceLines), KEY, "left");
    return rows.select(col("workspace_id"), col("snapshot_date"), col("segment"), col("plan"), col("seats"), col("mrr_usd"),
        col("mrr_change_3m"), col("tenure_months"), col("active_users_30d"), col("features_adopted"),
        ratio(col("active_users_30d"), col("seats")).as("seat_utilisation"), col("active_user_days_30d"),
        col("usage_trend_30d"), col("usage_trend_90d"), col("days_since_activity"), col("tickets_90d"),
        col("urgent_tickets_90d"), col("open_tickets"), col("bad_ratings_90d"), col("csat_90d"),
        coalesce(col("unpaid_invoices_90d"), lit(0L)).as("unpaid_invoices_90d"),
        coalesce(col("discount_share_90d"), lit(0.0)).as("discount_share_90d"), col("usage_dropped"), col("churned_in_horizon"));
  }

  /** The end of the snapshot day, as a timestamp: what happened before it is known on the snapshot date. */
  static Column endOfDay(Column date) {
    return date_add(date, 1).cast(DataTypes.TimestampType);
  }

  private static Column ratio(Column num, Column den) {
    return when(den.gt(0), num.cast(DataTypes.DoubleType).divide(den.cast(DataTypes.DoubleType)));
  }

  /** MRR three month ends earlier, tenure, and the label from the next months. */
  private static Dataset<Row> withHistory(Dataset<Row> snapshots, Dataset<Row> months, int horizon) {
    Dataset<Row> other = months.select(col("workspace_id").as("_ws"), col("month").as("_month"), col("mrr_usd").as("_mrr"),
        col("is_complete").as("_complete"));
    Column later = col("_month").gt(col("month")).and(col("_month").leq(add_months(col("month"), horizon)));
    Dataset<Row> joined = snapshots.join(other, col("workspace_id").equalTo(col("_ws"))
        .and(col("_month").leq(add_months(col("month"), horizon))), "left");
    Dataset<Row> agg = joined.groupBy(col("workspace_id"), col("month"), col("snapshot_date"), col("mrr_usd"), col("segment")).agg(
        max(when(col("_month").equalTo(add_months(col("month"), -3)), col("_mrr"))).as("_mrr_3m"),
        min(when(col("_month").leq(col("month")).and(col("_mrr").gt(0)), col("_month"))).as("_first_paid"),
        max(when(later.and(col("_complete")).and(col("_mrr").leq(0)), true).otherwise(false)).as("_churned"),
        count(when(later.and(col("_complete")), true)).as("_known_months"));
    return agg.select(col("workspace_id"), col("snapshot_date"), col("segment"), col("mrr_usd"),
        when(col("_mrr_3m").gt(0), col("mrr_usd").divide(col("_mrr_3m")).minus(1)).as("mrr_change_3m"),
        months_between(col("month"), col("_first_paid")).cast(DataTypes.IntegerType).as("tenure_months"),
        when(col("_churned"), true).when(col("_known_months").geq(horizon), false).as("churned_in_horizon"));
  }

  /** Plan and seats of the workspace version valid on the snapshot date. */
  private static Dataset<Row> workspace(Dataset<Row> keys, Dataset<Row> dimWorkspace) {
    Dataset<Row> versions = dimWorkspace.where(col("workspace_key").notEqual(-1L))
        .select(col("workspace_id").as("_ws"), col("valid_from"), col("valid_to"), col("plan").as("_plan"), col("seats").as("_seats"));
    Column end = endOfDay(col("snapshot_date"));
    return keys.join(versions, col("workspace_id").equalTo(col("_ws")).and(col("valid_from").lt(end))
        .and(col("valid_to").isNull().or(col("valid_to").geq(end))))
        .groupBy(col("workspace_id"), col("snapshot_date"))
        .agg(max_by(col("_plan"), col("valid_from")).as("plan"), max_by(col("_seats"), col("valid_from")).as("seats"));
  }

  /** Usage over the 180 days to the snapshot. */
  private static Dataset<Row> activity(Dataset<Row> keys, Dataset<Row> activity, double dropShare) {
    Dataset<Row> days = activity.select(col("workspace_id").as("_ws"), col("activity_date"),
        col("active_users").cast(DataTypes.DoubleType).as("_users"), col("active_users_trailing").as("_trailing"),
        col("features_adopted").as("_adopted"));
    Column age = datediff(col("snapshot_date"), col("activity_date"));
    Dataset<Row> joined = keys.join(days, col("workspace_id").equalTo(col("_ws")).and(col("activity_date").leq(col("snapshot_date")))
        .and(col("activity_date").gt(date_sub(col("snapshot_date"), LOOKBACK_DAYS))), "left");
    Dataset<Row> agg = joined.groupBy(col("workspace_id"), col("snapshot_date")).agg(
        coalesce(sum(when(age.lt(30), col("_users"))), lit(0.0)).as("_d30"),
        coalesce(sum(when(age.geq(30).and(age.lt(60)), col("_users"))), lit(0.0)).as("_p30"),
        coalesce(sum(when(age.lt(90), col("_users"))), lit(0.0)).as("_d90"),
        coalesce(sum(when(age.geq(90), col("_users"))), lit(0.0)).as("_p90"),
        max_by(when(age.lt(30), struct(col("_trailing"), col("_adopted"))), when(age.lt(30), col("activity_date"))).as("_last"),
        max(col("activity_date")).as("_last_day"));
    return agg.select(col("*"),
        coalesce(col("_last._trailing"), lit(0L)).as("active_users_30d"),
        coalesce(col("_last._adopted"), lit(0L)).as("features_adopted"),
        col("_d30").as("active_user_days_30d"),
        log(col("_d30").plus(1).divide(col("_p30").plus(1))).as("usage_trend_30d"),
        log(col("_d90").plus(1).divide(col("_p90").plus(1))).as("usage_trend_90d"),
        coalesce(least(datediff(col("snapshot_date"), col("_last_day")), lit(LOOKBACK_DAYS)), lit(LOOKBACK_DAYS))
            .as("days_since_activity"),
        col("_d30").equalTo(0).or(col("_d30").lt(col("_p30").multiply(dropShare))).as("usage_dropped"))
        .drop("_d30", "_p30", "_d90", "_p90", "_last", "_last_day");
  }

  /** Support in the 90 days to the snapshot. */
  private static Dataset<Row> tickets(Dataset<Row> keys, Dataset<Row> tickets) {
    Dataset<Row> t = tickets.select(col("workspace_id").as("_ws"), col("created_at").as("_created"), col("solved_at").as("_solved"),
        lower(col("priority")).as("_priority"), lower(col("satisfaction_score")).as("_rating"));
    Column end = endOfDay(col("snapshot_date"));
    Dataset<Row> joined = keys.join(t, col("workspace_id").equalTo(col("_ws")).and(col("_created").lt(end))
        .and(col("_created").geq(endOfDay(date_sub(col("snapshot_date"), 90)))), "left");
    Column solvedBy = col("_solved").isNotNull().and(col("_solved").lt(end));
    Dataset<Row> agg = joined.groupBy(col("workspace_id"), col("snapshot_date")).agg(
        count(col("_created")).as("tickets_90d"),
        count(when(col("_priority").equalTo("urgent"), true)).as("urgent_tickets_90d"),
        count(when(col("_created").isNotNull().and(org.apache.spark.sql.functions.not(solvedBy)), true)).as("open_tickets"),
        count(when(solvedBy.and(col("_rating").equalTo("bad")), true)).as("bad_ratings_90d"),
        count(when(solvedBy.and(col("_rating").equalTo("good")), true)).as("_good"));
    return agg.withColumn("csat_90d", ratio(col("_good"), col("_good").plus(col("bad_ratings_90d")))).drop("_good");
  }

  /** Invoices created in the 90 days to the snapshot with something due and not paid by it. */
  private static Dataset<Row> unpaid(Dataset<Row> keys, Dataset<Row> invoices, Dataset<Row> customers) {
    Column end = endOfDay(col("snapshot_date"));
    Dataset<Row> owned = invoices.where(col("is_deleted").equalTo(false).and(col("amount_due").gt(0)))
        .join(customers.select(col("customer_id"), col("workspace_id").as("_ws")), "customer_id")
        .select(col("_ws"), col("created_at").as("_created"), col("paid_at").as("_paid"));
    return keys.join(owned, col("workspace_id").equalTo(col("_ws")).and(col("_created").lt(end))
        .and(col("_created").geq(endOfDay(date_sub(col("snapshot_date"), 90)))))
        .groupBy(col("workspace_id"), col("snapshot_date"))
        .agg(count(when(col("_paid").isNull().or(col("_paid").geq(end)), true)).as("unpaid_invoices_90d"));
  }

  /**
   * Discounts over invoiced amounts before discount, of the invoice lines of the 90 days to the snapshot. The sums stay
   * decimal (exact): a sum of doubles depends on the order rows arrive in, so the same data on another partitioning
   * would give a feature that differs in its last digit.
   */
  private static Dataset<Row> discounts(Dataset<Row> keys, Dataset<Row> invoiceLines) {
    Column end = endOfDay(col("snapshot_date"));
    Dataset<Row> lines = invoiceLines.select(col("workspace_id").as("_ws"), col("invoice_created_at").as("_created"),
        col("amount_usd").as("_amount"), col("discount_amount_usd").as("_discount"));
    return keys.join(lines, col("workspace_id").equalTo(col("_ws")).and(col("_created").lt(end))
        .and(col("_created").geq(endOfDay(date_sub(col("snapshot_date"), 90)))))
        .groupBy(col("workspace_id"), col("snapshot_date"))
        .agg(ratio(sum(col("_discount")), sum(greatest(col("_amount"), lit(java.math.BigDecimal.ZERO)))).as("discount_share_90d"));
  }
}
