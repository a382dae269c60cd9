package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.BillingPeriod;
import io.profitos.lakehouse.core.money.BillingPeriodColumns;
import io.profitos.lakehouse.core.money.Money;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * MRR as METRICS.md defines it, as pure functions: the MRR of every subscription at the last
 * instant of each month (from the version valid at that instant), the workspace MRR per month,
 * the movements between months, and the monthly SaaS KPIs.
 */
public final class MrrTransforms {
  private MrrTransforms() {}

  /** Exact intermediate money: amounts are rounded to cents only when published. */
  static final DataType EXACT = BillingPeriodColumns.EXACT;
  /**
   * Published money: USD in decimal(18,6). Workspace MRR is rounded to it once, and every
   * movement and KPI amount is a sum of such values, so the movement identity holds exactly;
   * round to cents for display.
   */
  public static final DataType USD = Money.MONEY;

  static final StructType MONTHS = new StructType()
      .add("month", DataTypes.DateType, false)
      .add("month_end", DataTypes.TimestampType, false)
      .add("month_end_date", DataTypes.DateType, false)
      .add("is_complete", DataTypes.BooleanType, false);

  /**
   * One row per month from {@code first} to the month of {@code asOf}: month (its first day),
   * month_end (its last instant, a whole second as Stripe's timestamps are; for the month of
   * {@code asOf} the end of the as-of day instead, so the current month is month-to-date),
   * month_end_date and is_complete.
   */
  public static Dataset<Row> months(SparkSession spark, YearMonth first, LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    Instant asOfEnd = asOf.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
    for (YearMonth m = first; !m.isAfter(YearMonth.from(asOf)); m = m.plusMonths(1)) {
      Instant end = m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
      boolean complete = !end.isAfter(asOfEnd);
      Instant at = complete ? end : asOfEnd;
      rows.add(RowFactory.create(Date.valueOf(m.atDay(1)), Timestamp.from(at),
          Date.valueOf(at.atZone(ZoneOffset.UTC).toLocalDate()), complete));
    }
    return spark.createDataFrame(rows, MONTHS);
  }

  static final StructType WEEKS = new StructType()
      .add("week_start", DataTypes.DateType, false)
      .add("start_at", DataTypes.TimestampType, false)
      .add("end_at", DataTypes.TimestampType, false)
      .add("end_date", DataTypes.DateType, false)
      .add("is_complete", DataTypes.BooleanType, false);

  /**
   * One row per ISO week from the week of {@code first} to the week of {@code asOf}: week_start
   * (Monday), start_at (Monday 00:00:00 UTC), end_at (its last second, Sunday 23:59:59; for the week
   * of {@code asOf} the end of the as-of day), end_date and is_complete.
   */
  public static Dataset<Row> weeks(SparkSession spark, LocalDate first, LocalDate asOf) {
    List<Row> rows = new ArrayList<>();
    Instant asOfEnd = asOf.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
    for (LocalDate w = first.with(java.time.DayOfWeek.MONDAY); !w.isAfter(asOf); w = w.plusWeeks(1)) {
      Instant start = w.atStartOfDay().toInstant(ZoneOffset.UTC);
      Instant end = w.plusWeeks(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
      boolean complete = !end.isAfter(asOfEnd);
      Instant at = complete ? end : asOfEnd;
      rows.add(RowFactory.create(Date.valueOf(w), Timestamp.from(start), Timestamp.from(at),
          Date.valueOf(at.atZone(ZoneOffset.UTC).toLocalDate()), complete));
    }
    return spark.createDataFrame(rows, WEEKS);
  }

  /**
   * {@code silver.subscription_history} x instants -> subscription_id, workspace_id, customer_id,
   * the instants' columns (at least {@code at}, a timestamp, and {@code at_date}, its date, whose
   * FX rate applies), currency, status, is_paying, mrr_currency (exact, in the subscription's
   * currency; 0 when not paying), mrr_usd (exact), usd_per_unit. The version valid at {@code at}
   * decides: paying when its status is active or past_due, the trial is over and the
   * subscription has not ended; MRR = sum of unit_amount x quantity per month less a percent_off
   * or amount_off discount in force at {@code at} (never a {@code once} coupon; amount_off per
   * billing period of the first item; every period normalised by {@link BillingPeriod}).
   */
  public static Dataset<Row> subscriptionMrr(Dataset<Row> history, Dataset<Row> instants, Dataset<Row> fxRates) {
    Column t = col("at");
    Dataset<Row> atInstant = history.where(col("is_deleted").equalTo(false))
        .join(org.apache.spark.sql.functions.broadcast(instants),
            col("valid_from").leq(t).and(col("valid_to").isNull().or(t.lt(col("valid_to")))));
    Column paying = col("status").isin("active", "past_due")
        .and(col("trial_end_at").isNull().or(t.geq(col("trial_end_at"))))
        .and(col("ended_at").isNull().or(t.lt(col("ended_at"))));
    Column gross = aggregate(col("items"), lit(0).cast(EXACT), (acc, x) -> acc.plus(BillingPeriodColumns.monthly(
        x.getField("unit_amount").cast(DataTypes.createDecimalType(20, 6)).multiply(x.getField("quantity").cast(DataTypes.createDecimalType(10, 0))),
        x.getField("interval"), x.getField("interval_count"))).cast(EXACT));
    Column firstItem = org.apache.spark.sql.functions.element_at(col("items"), 1);
    Column inForce = col("discount_duration").isin("forever", "repeating")
        .and(col("discount_start_at").isNull().or(col("discount_start_at").leq(t)))
        .and(col("discount_end_at").isNull().or(t.lt(col("discount_end_at"))));
    Column net = when(inForce.and(col("discount_percent_off").isNotNull()),
            col("_gross").multiply(lit(100).minus(col("discount_percent_off").cast(DataTypes.createDecimalType(9, 4))))
                .divide(100))
        .when(inForce.and(col("discount_amount_off").isNotNull()),
            greatest(lit(0).cast(EXACT), col("_gross").minus(BillingPeriodColumns.monthly(col("discount_amount_off"),
                firstItem.getField("interval"), firstItem.getField("interval_count")))))
        .otherwise(col("_gross"));
    Dataset<Row> priced = atInstant
        .withColumn("is_paying", paying)
        .withColumn("_gross", gross)
        .withColumn("mrr_currency", when(paying, net.cast(EXACT)).otherwise(lit(0).cast(EXACT)));
    List<Column> out = new ArrayList<>(List.of(col("subscription_id"), col("workspace_id"), col("customer_id")));
    for (String c : instants.columns()) {
      out.add(col(c));
    }
    out.addAll(List.of(col("currency"), col("status"), col("is_paying"), col("mrr_currency"),
        col("mrr_currency").multiply(col("usd_per_unit")).cast(EXACT).as("mrr_usd"), col("usd_per_unit")));
    return Money.withRate(priced, fxRates, "currency", col("at_date")).select(out.toArray(Column[]::new));
  }

  /** {@link #months} as the instants of {@link #subscriptionMrr}: month, at (month end), at_date, is_complete. */
  public static Dataset<Row> monthEnds(Dataset<Row> months) {
    return months.select(col("month"), col("month_end").as("at"), col("month_end_date").as("at_date"), col("is_complete"));
  }

  /**
   * Subscription MRR -> workspace_id, the {@code period} column, mrr_usd ({@link #USD}): the sum
   * over the workspace's subscriptions at each instant.
   */
  public static Dataset<Row> workspaceMrr(Dataset<Row> subscriptionMrr, String period) {
    return subscriptionMrr.where(col("workspace_id").isNotNull())
        .groupBy("workspace_id", period)
        .agg(usd(sum("mrr_usd")).as("mrr_usd"));
  }

  /**
   * Workspace MRR -> one row per workspace and month from its first paying month to the last
   * month: month, workspace_id, mrr_usd, previous_mrr_usd (the workspace's mrr_usd of the month
   * before), movement_type (new | reactivation | expansion | contraction | churn | retained |
   * inactive), movement_amount_usd (signed: what the movement adds to MRR), segment (by the
   * month's MRR; a churned workspace keeps the segment it left from), previous_segment (by the
   * previous month's MRR; null when it paid nothing), is_complete. Amounts in {@link #USD}, so
   * mrr_usd = previous_mrr_usd + movement_amount_usd exactly.
   */
  public static Dataset<Row> movements(Dataset<Row> workspaceMrr, Dataset<Row> months, Segments segments) {
    return movements(workspaceMrr, months, segments, null);
  }

  /**
   * {@link #movements} for the months of {@code months} only, continuing a fact already published
   * for every earlier month: {@code earlier} holds its rows (workspace_id, month, mrr_usd) before
   * the first of {@code months} (null: there are none). The rows equal those {@link #movements}
   * gives over the whole history for these months: a workspace that paid earlier carries its last
   * month's MRR (previous_mrr_usd) and whether it paid before (reactivation, not new).
   */
  public static Dataset<Row> movements(Dataset<Row> workspaceMrr, Dataset<Row> months, Segments segments, Dataset<Row> earlier) {
    Dataset<Row> firstPaid = workspaceMrr.where(col("mrr_usd").gt(0)).groupBy("workspace_id").agg(min("month").as("_first"));
    Dataset<Row> carry = null;
    if (earlier != null) {
      // Per workspace with earlier rows: the last earlier month's MRR and whether it paid before it / at all.
      Column firstPaidEarlier = min(when(col("mrr_usd").gt(0), col("month")));
      carry = earlier.groupBy("workspace_id")
          .agg(org.apache.spark.sql.functions.max_by(col("mrr_usd"), col("month")).as("_carry_mrr"),
              coalesce(firstPaidEarlier.lt(max("month")), lit(false)).as("_paid_before_last"),
              firstPaidEarlier.isNotNull().as("_paid_earlier"));
      // A workspace with earlier rows has a row in every later month, from the first one on.
      firstPaid = firstPaid.unionByName(carry.select("workspace_id").crossJoin(months.agg(min("month").as("_first"))))
          .groupBy("workspace_id").agg(min("_first").as("_first"))
          .join(carry, usingColumns("workspace_id"), "left");
    }
    Dataset<Row> grid = firstPaid.join(months.select("month", "is_complete"), col("month").geq(col("_first")));
    Dataset<Row> filled = grid.join(workspaceMrr, usingColumns("workspace_id", "month"), "left")
        .withColumn("mrr_usd", coalesce(col("mrr_usd"), lit(0).cast(USD)));
    WindowSpec byWorkspace = Window.partitionBy("workspace_id").orderBy("month");
    Column paidInWindow = coalesce(max(when(col("mrr_usd").gt(0), 1).otherwise(0))
        .over(byWorkspace.rowsBetween(Window.unboundedPreceding(), -2)), lit(0)).equalTo(1);
    Column prev;
    Column paidBefore;
    if (carry == null) {
      prev = coalesce(lag(col("mrr_usd"), 1).over(byWorkspace), lit(0).cast(USD));
      paidBefore = paidInWindow;
    } else {
      Column firstRow = lag(col("month"), 1).over(byWorkspace).isNull();
      prev = coalesce(lag(col("mrr_usd"), 1).over(byWorkspace), col("_carry_mrr"), lit(0).cast(USD));
      paidBefore = paidInWindow.or(coalesce(when(firstRow, col("_paid_before_last")).otherwise(col("_paid_earlier")), lit(false)));
    }
    Dataset<Row> withPrev = filled.withColumn("previous_mrr_usd", prev).withColumn("_paid_before", paidBefore);
    Column curr = col("mrr_usd");
    Column p = col("previous_mrr_usd");
    Column type = when(p.equalTo(0).and(curr.gt(0)), when(col("_paid_before"), lit("reactivation")).otherwise(lit("new")))
        .when(p.gt(0).and(curr.equalTo(0)), lit("churn"))
        .when(curr.gt(p).and(p.gt(0)), lit("expansion"))
        .when(curr.lt(p).and(curr.gt(0)), lit("contraction"))
        .when(curr.equalTo(p).and(curr.gt(0)), lit("retained"))
        .otherwise(lit("inactive"));
    return withPrev
        .withColumn("movement_type", type)
        .withColumn("movement_amount_usd", curr.minus(p).cast(USD))
        .withColumn("segment", segments.of(when(curr.gt(0), curr).otherwise(p)))
        .withColumn("previous_segment", when(p.gt(0), segments.of(p)))
        .select("month", "workspace_id", "mrr_usd", "previous_mrr_usd", "movement_type", "movement_amount_usd", "segment",
            "previous_segment", "is_complete");
  }

  static scala.collection.Seq<String> usingColumns(String... columns) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }

  /** An amount in the published money type (rounded half up to 6 decimals). */
  static Column usd(Column amount) {
    return org.apache.spark.sql.functions.round(amount, 6).cast(USD);
  }
}
