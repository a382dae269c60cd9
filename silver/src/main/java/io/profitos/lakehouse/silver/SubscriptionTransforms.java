package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.BillingPeriod;
import io.profitos.lakehouse.core.money.BillingPeriodColumns;
import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Stripe subscriptions: typed versions, monthly amounts, and the version history. Pure functions. */
public final class SubscriptionTransforms {
  /** Money in major units: decimal(18,6) keeps sub-cent monthly shares of annual plans exact. */
  static final DataType MONEY = Money.MONEY;

  private SubscriptionTransforms() {}

  /**
   * {@code bronze.stripe_subscriptions} -> subscription_id, customer_id, workspace_id, status,
   * created_at, started_at, trial_start_at, trial_end_at, current_period_start_at,
   * current_period_end_at, cancel_at_period_end, canceled_at, ended_at, currency, items
   * (price_id, product_id, unit_amount in major units, currency, interval, interval_count,
   * quantity), discount_percent_off, discount_amount_off, discount_duration,
   * discount_duration_in_months, discount_start_at, discount_end_at, monthly_amount (list price
   * per month, before discounts, in the subscription's currency), is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> conform(Dataset<Row> b) {
    Column items = transform(Columns.optional(b, "items.data", DataTypes.createArrayType(Columns.elementType(b, "items.data",
        "price STRUCT<id: STRING, product: STRING, unit_amount: BIGINT, currency: STRING, "
            + "recurring: STRUCT<interval: STRING, interval_count: BIGINT>>, quantity BIGINT"))), x -> struct(
        x.getField("price").getField("id").cast("string").as("price_id"),
        x.getField("price").getField("product").cast("string").as("product_id"),
        Money.fromMinor(x.getField("price").getField("unit_amount"), x.getField("price").getField("currency").cast("string")).as("unit_amount"),
        upper(x.getField("price").getField("currency").cast("string")).as("currency"),
        x.getField("price").getField("recurring").getField("interval").cast("string").as("interval"),
        coalesce(x.getField("price").getField("recurring").getField("interval_count").cast("int"), lit(1)).as("interval_count"),
        coalesce(x.getField("quantity").cast("long"), lit(1L)).as("quantity")));
    Column updated = timestamp_seconds(Columns.optional(b, "updated", DataTypes.LongType));
    Dataset<Row> typed = b.select(
        col("id").cast("string").as("subscription_id"),
        Columns.optional(b, "customer", DataTypes.StringType).as("customer_id"),
        Columns.optional(b, "metadata.workspace_id", DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "status", DataTypes.StringType).as("status"),
        seconds(b, "created").as("created_at"),
        seconds(b, "start_date").as("started_at"),
        seconds(b, "trial_start").as("trial_start_at"),
        seconds(b, "trial_end").as("trial_end_at"),
        seconds(b, "current_period_start").as("current_period_start_at"),
        seconds(b, "current_period_end").as("current_period_end_at"),
        coalesce(Columns.optional(b, "cancel_at_period_end", DataTypes.BooleanType), lit(false)).as("cancel_at_period_end"),
        seconds(b, "canceled_at").as("canceled_at"),
        seconds(b, "ended_at").as("ended_at"),
        upper(Columns.optional(b, "currency", DataTypes.StringType)).as("currency"),
        items.as("items"),
        Columns.optional(b, "discount.coupon.percent_off", DataTypes.DoubleType).as("discount_percent_off"),
        Money.fromMinor(Columns.optional(b, "discount.coupon.amount_off", DataTypes.LongType), Columns.optional(b, "currency", DataTypes.StringType)).as("discount_amount_off"),
        Columns.optional(b, "discount.coupon.duration", DataTypes.StringType).as("discount_duration"),
        Columns.optional(b, "discount.coupon.duration_in_months", DataTypes.IntegerType).as("discount_duration_in_months"),
        seconds(b, "discount.start").as("discount_start_at"),
        seconds(b, "discount.end").as("discount_end_at"),
        lit(false).as("is_deleted"),
        updated.as("updated_at"),
        coalesce(updated, lit(0).cast(DataTypes.TimestampType)).as("_cursor"),
        col("_batch_id"), col("_source_file"), col("_line_number"), col("_record_hash"));
    return typed.withColumn("monthly_amount", monthlyAmount(col("items")));
  }

  /** Sum of unit_amount x quantity per month, each item normalised by its own billing period ({@link BillingPeriod}). */
  static Column monthlyAmount(Column items) {
    return aggregate(items, lit(0).cast(MONEY), (acc, x) -> acc.plus(BillingPeriodColumns.monthly(
        x.getField("unit_amount").multiply(x.getField("quantity")), x.getField("interval"), x.getField("interval_count"))).cast(MONEY));
  }

  /**
   * Versions to history rows: one per (subscription_id, valid_from = updated_at) (a version
   * delivered twice counts once, the last delivery wins), valid_to = the next version's
   * valid_from (null for the current one), is_current, and monthly_amount_net = monthly_amount
   * less the discount in force at valid_from (a {@code once} coupon never reduces it; an
   * amount_off is per billing period of the first item, normalised like a price).
   */
  public static Dataset<Row> history(Dataset<Row> versions) {
    Dataset<Row> unique = versions.transform(ConformTransforms.dedupeLatest(
        java.util.List.of("subscription_id", "updated_at"), java.util.List.of())::apply);
    var bySubscription = Window.partitionBy("subscription_id").orderBy(col("updated_at"));
    Column from = col("updated_at");
    Column inForce = col("discount_duration").isin("forever", "repeating")
        .and(col("discount_start_at").isNull().or(col("discount_start_at").leq(from)))
        .and(col("discount_end_at").isNull().or(col("discount_end_at").gt(from)));
    Column firstItem = element_at(col("items"), 1);
    Column discount = when(inForce.and(col("discount_percent_off").isNotNull()),
            col("monthly_amount").multiply(col("discount_percent_off").cast(DataTypes.createDecimalType(9, 4))).divide(100))
        .when(inForce.and(col("discount_amount_off").isNotNull()), BillingPeriodColumns.monthly(col("discount_amount_off"),
            firstItem.getField("interval"), firstItem.getField("interval_count")))
        .otherwise(lit(0));
    return unique
        .withColumn("valid_from", from)
        .withColumn("valid_to", lead(from, 1).over(bySubscription))
        .withColumn("is_current", col("valid_to").isNull())
        .withColumn("monthly_amount_net", greatest(lit(0).cast(MONEY), col("monthly_amount").minus(discount)).cast(MONEY))
        .withColumn("fx_date", to_date(from));
  }

  /**
   * Adds {@code usd_per_unit}, {@code fx_rate_date} (the date of the rate used),
   * {@code monthly_amount_usd} and {@code monthly_amount_net_usd}. USD converts at 1. Other
   * currencies take the newest rate on or before {@code fx_date} (rates are not published on
   * weekends and holidays); a version older than the currency's first rate takes that first rate,
   * and {@code fx_rate_date} shows it. A currency without any rate stays null here: the caller
   * quarantines it.
   */
  public static Dataset<Row> withUsd(Dataset<Row> history, Dataset<Row> fxRates) {
    return Money.withRate(history, fxRates, "currency", col("fx_date"))
        .withColumn("monthly_amount_usd", Money.usd(col("monthly_amount")))
        .withColumn("monthly_amount_net_usd", Money.usd(col("monthly_amount_net")));
  }

  private static Column seconds(Dataset<Row> b, String path) {
    return timestamp_seconds(Columns.optional(b, path, DataTypes.LongType));
  }
}
