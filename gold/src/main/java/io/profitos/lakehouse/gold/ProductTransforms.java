package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Product usage as METRICS.md defines it, as pure functions: activity is every Segment track but
 * session_start, session_end and heartbeat ({@code silver.events.is_activity}); DAU and MAU count
 * distinct users; features adopted and seat utilisation look at the trailing window of days.
 */
public final class ProductTransforms {
  private ProductTransforms() {}

  private static final Column EPOCH = lit(Date.valueOf("1970-01-01"));

  /** The columns of {@code silver.events} {@link #activity} reads (and the date), for comparing two versions. */
  static Dataset<Row> activityColumns(Dataset<Row> events) {
    return events.select("event_date", "workspace_id", "user_id", "feature", "is_activity", "is_deleted");
  }

  /** The columns of {@code silver.events} {@link #userEventDaily} reads, for comparing two versions. */
  static Dataset<Row> userEventColumns(Dataset<Row> events) {
    return events.select("event_date", "user_id", "workspace_id", "event", "occurred_at", "is_deleted");
  }

  /**
   * {@code silver.events} -> {@code gold.fact_user_event_daily}: one row per day, user, workspace and event of the events
   * not deleted and with a user: event_date, user_id, workspace_id, event, first_at (the day's first occurred_at),
   * events (how many) and event_month (the table's partition). A funnel over any window of days reads these instead of
   * every event: a step's first time in the window is the earliest first_at of its days.
   */
  public static Dataset<Row> userEventDaily(Dataset<Row> events) {
    return events.where(col("is_deleted").equalTo(false).and(col("user_id").isNotNull()))
        .groupBy(col("event_date"), col("user_id"), col("workspace_id"), col("event"))
        .agg(min("occurred_at").as("first_at"), count(lit(1)).as("events"))
        .withColumn("event_month", trunc(col("event_date"), "month"));
  }

  /** The activity rows of {@code silver.events}: workspace_id, activity_date, user_id, feature. */
  static Dataset<Row> activity(Dataset<Row> events) {
    return events.where(col("is_activity").and(col("is_deleted").equalTo(false))
            .and(col("workspace_id").isNotNull()).and(col("user_id").isNotNull()))
        .select(col("workspace_id"), col("event_date").as("activity_date"), col("user_id"), col("feature"));
  }

  /**
   * {@code silver.events} + {@code gold.dim_workspace} -> {@code gold.fact_workspace_activity_daily},
   * one row per workspace and day with activity: activity_date, date_key, workspace_id,
   * workspace_key (the version valid that day), active_users, activity_events, features_used
   * (that day), active_users_trailing and features_adopted (distinct users / features in the
   * {@code windowDays} days to the day, lakehouse.gold.product.adoption-days), adopted_features
   * (their names), seats, seat_utilisation (active_users_trailing / seats), hit_seat_limit (active_users_trailing >=
   * seats; null when the seats are unknown).
   */
  public static Dataset<Row> workspaceActivityDaily(Dataset<Row> events, Dataset<Row> dimWorkspace, int windowDays) {
    Dataset<Row> daily = activity(events).groupBy("workspace_id", "activity_date").agg(
        countDistinct("user_id").as("active_users"),
        count(lit(1)).as("activity_events"),
        collect_set("user_id").as("_users"),
        collect_set("feature").as("_features"));
    WindowSpec trailing = Window.partitionBy("workspace_id").orderBy(datediff(col("activity_date"), EPOCH))
        .rangeBetween(-(windowDays - 1), 0);
    Dataset<Row> rolling = daily
        .withColumn("features_used", size(col("_features")))
        .withColumn("active_users_trailing", size(array_distinct(flatten(collect_list("_users").over(trailing)))))
        .withColumn("adopted_features", org.apache.spark.sql.functions.array_sort(
            array_distinct(flatten(collect_list("_features").over(trailing)))))
        .withColumn("features_adopted", size(col("adopted_features")))
        .drop("_users", "_features");
    Dataset<Row> keyed = DimensionTransforms.withWorkspaceKey(rolling, dimWorkspace,
        org.apache.spark.sql.functions.to_timestamp(org.apache.spark.sql.functions.date_add(col("activity_date"), 1))
            .minus(org.apache.spark.sql.functions.expr("INTERVAL 1 SECOND")));
    Dataset<Row> seats = dimWorkspace.select(col("workspace_key").as("_key"), col("seats"));
    Dataset<Row> withSeats = keyed.join(seats, keyed.col("workspace_key").equalTo(seats.col("_key")), "left").drop("_key");
    return withSeats.select(col("activity_date"), DimensionTransforms.dateKey(col("activity_date")).as("date_key"),
        col("workspace_id"), col("workspace_key"), col("active_users"), col("activity_events"), col("features_used"),
        col("active_users_trailing"), col("features_adopted"), col("adopted_features"), col("seats"),
        when(col("seats").isNull().or(col("seats").leq(0)), lit(null))
            .otherwise(col("active_users_trailing").cast(DataTypes.createDecimalType(12, 6)).divide(col("seats")).cast(SaasKpis.RATE))
            .as("seat_utilisation"),
        ExpansionTransforms.hitSeatLimit(col("active_users_trailing"), col("seats")).as("hit_seat_limit"));
  }

  /**
   * {@code silver.events} + {@code gold.fact_workspace_activity_daily} -> {@code gold.kpi_product_daily}:
   * activity_date, month, dau, active_workspaces, activity_events, mau (distinct users of the
   * month), dau_mau (average DAU of the month / MAU), avg_features_adopted (over the day's active
   * workspaces), feature_adoption (feature -> share of the day's active workspaces that used it in
   * the trailing window). Days without any activity have no row.
   */
  public static Dataset<Row> productDaily(Dataset<Row> events, Dataset<Row> activityDaily) {
    Dataset<Row> act = activity(events).withColumn("month", trunc(col("activity_date"), "month"));
    Dataset<Row> days = act.groupBy("activity_date", "month").agg(countDistinct("user_id").as("dau"),
        countDistinct("workspace_id").as("active_workspaces"), count(lit(1)).as("activity_events"));
    Dataset<Row> months = act.groupBy("month").agg(countDistinct("user_id").as("mau"));
    Dataset<Row> avgDau = days.groupBy("month").agg(avg("dau").as("_avg_dau"));
    Dataset<Row> adoption = activityDaily.groupBy("activity_date")
        .agg(avg("features_adopted").cast(DataTypes.createDecimalType(12, 4)).as("avg_features_adopted"));
    Dataset<Row> perFeature = activityDaily.select(col("activity_date"), col("workspace_id"), explode(col("adopted_features")).as("feature"))
        .groupBy("activity_date", "feature").agg(countDistinct("workspace_id").as("_adopters"));
    Dataset<Row> active = activityDaily.groupBy("activity_date").agg(count(lit(1)).as("_active"));
    Dataset<Row> shares = perFeature.join(active, MrrTransforms.usingColumns("activity_date"))
        .groupBy("activity_date").agg(map_from_entries(collect_list(struct(col("feature"),
            col("_adopters").cast(DataTypes.createDecimalType(12, 6)).divide(col("_active")).cast(SaasKpis.RATE))))
            .as("feature_adoption"));
    return days.join(months, MrrTransforms.usingColumns("month"))
        .join(avgDau, MrrTransforms.usingColumns("month"))
        .join(adoption, MrrTransforms.usingColumns("activity_date"), "left")
        .join(shares, MrrTransforms.usingColumns("activity_date"), "left")
        .withColumn("dau_mau", col("_avg_dau").cast(DataTypes.createDecimalType(18, 6)).divide(col("mau")).cast(SaasKpis.RATE))
        .select(col("activity_date"), DimensionTransforms.dateKey(col("activity_date")).as("date_key"), col("month"),
            col("dau"), col("active_workspaces"), col("activity_events"), col("mau"), col("dau_mau"),
            col("avg_features_adopted"), col("feature_adoption"))
        .orderBy("activity_date");
  }

  /**
   * Signup cohorts -> {@code gold.kpi_cohort_retention}: cohort_month (month the workspace was
   * created, UTC; workspaces that were ever on a plan outside {@code excludedPlans}), months_since,
   * month, cohort_size, cohort_active_workspaces and logo_retention (workspaces of the cohort with
   * activity in the month / cohort size; null for months the event history does not fully cover),
   * cohort_paying_workspaces and paying_retention (MRR > 0), cohort_mrr_usd, initial_mrr_usd (sum
   * of each workspace's first positive monthly MRR), revenue_retention (cohort_mrr_usd / initial_mrr_usd).
   */
  public static Dataset<Row> cohortRetention(Dataset<Row> dimWorkspace, Dataset<Row> mrrFact, Dataset<Row> activityDaily,
      List<String> excludedPlans, LocalDate runDate) {
    Dataset<Row> versions = dimWorkspace.where(col("workspace_key").notEqual(DimensionTransforms.UNKNOWN));
    Dataset<Row> paidPlan = versions.where(col("plan").isNotNull().and(col("plan").isin(excludedPlans.toArray()).unary_$bang()))
        .select("workspace_id").distinct();
    Dataset<Row> cohort = versions.where(col("is_current")).join(paidPlan, MrrTransforms.usingColumns("workspace_id"))
        .where(col("signup_month").isNotNull())
        .select(col("workspace_id"), col("signup_month").as("cohort_month"));
    Date runMonth = Date.valueOf(runDate.withDayOfMonth(1));
    Dataset<Row> grid = cohort.withColumn("month", explode(sequence(col("cohort_month"), lit(runMonth),
        org.apache.spark.sql.functions.expr("INTERVAL 1 MONTH"))));
    Dataset<Row> activeMonths = activityDaily.select(col("workspace_id"), trunc(col("activity_date"), "month").as("month"))
        .distinct().withColumn("_active", lit(true));
    Dataset<Row> mrr = mrrFact.select(col("workspace_id"), col("month"), col("mrr_usd"));
    Dataset<Row> initial = mrrFact.where(col("mrr_usd").gt(0))
        .withColumn("_first", org.apache.spark.sql.functions.row_number().over(Window.partitionBy("workspace_id").orderBy("month")))
        .where(col("_first").equalTo(1)).select(col("workspace_id"), col("mrr_usd").as("_initial_mrr"));
    Dataset<Row> joined = grid.join(activeMonths, MrrTransforms.usingColumns("workspace_id", "month"), "left")
        .join(mrr, MrrTransforms.usingColumns("workspace_id", "month"), "left")
        .join(initial, MrrTransforms.usingColumns("workspace_id"), "left");
    Dataset<Row> agg = joined.groupBy("cohort_month", "month").agg(
        count(lit(1)).as("cohort_size"),
        count(when(col("_active"), 1)).as("_active_count"),
        count(when(col("mrr_usd").gt(0), 1)).as("cohort_paying_workspaces"),
        MrrTransforms.usd(org.apache.spark.sql.functions.coalesce(sum("mrr_usd"), lit(0))).as("cohort_mrr_usd"),
        MrrTransforms.usd(org.apache.spark.sql.functions.coalesce(sum("_initial_mrr"), lit(0))).as("initial_mrr_usd"));
    Column covered = col("month").geq(col("_covered_from"));
    return agg.crossJoin(coveredFrom(activityDaily)).select(col("cohort_month"),
            months_between(col("month"), col("cohort_month")).cast(DataTypes.IntegerType).as("months_since"),
            col("month"), col("cohort_size"),
            when(covered, col("_active_count")).as("cohort_active_workspaces"),
            when(covered, ratio(col("_active_count"), col("cohort_size"))).as("logo_retention"),
            col("cohort_paying_workspaces"),
            ratio(col("cohort_paying_workspaces"), col("cohort_size")).as("paying_retention"),
            col("cohort_mrr_usd"), col("initial_mrr_usd"),
            ratio(col("cohort_mrr_usd"), col("initial_mrr_usd")).as("revenue_retention"))
        .orderBy("cohort_month", "months_since");
  }

  /**
   * One row, {@code _covered_from}: the first day of the first month the activity history covers
   * whole (null without activity), and {@code _covered_since}: its first day with activity.
   */
  static Dataset<Row> coveredFrom(Dataset<Row> activityDaily) {
    Column first = min("activity_date");
    return activityDaily.agg(org.apache.spark.sql.functions.add_months(trunc(org.apache.spark.sql.functions.date_sub(first, 1),
        "month"), 1).as("_covered_from"), first.as("_covered_since"));
  }

  /** num / den as a published rate, null when den is 0. */
  static Column ratio(Column num, Column den) {
    return SaasKpis.ratio(num, den).cast(SaasKpis.RATE);
  }
}
