package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.profitos.lakehouse.core.money.Money;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The conformed dimensions and the facts that hang off them, as pure functions. Surrogate keys
 * are stable hashes of the natural key; every dimension has the unknown member {@code -1}, and a
 * fact whose natural key has no dimension row points to it, never to nothing.
 */
public final class StarTransforms {
  private StarTransforms() {}

  /** The dimension with its unknown member appended (key -1, text columns "unknown", the rest null). */
  static Dataset<Row> withUnknown(Dataset<Row> dim, String keyColumn) {
    List<Object> values = new ArrayList<>();
    for (StructField f : dim.schema().fields()) {
      if (f.name().equals(keyColumn)) {
        values.add(DimensionTransforms.UNKNOWN);
      } else if (f.dataType().equals(DataTypes.StringType)) {
        values.add("unknown");
      } else if (f.dataType().equals(DataTypes.BooleanType)) {
        values.add(false);
      } else {
        values.add(null);
      }
    }
    return dim.unionByName(dim.sparkSession().createDataFrame(List.of(RowFactory.create(values.toArray())),
        org.apache.spark.sql.types.DataTypes.createStructType(java.util.Arrays.stream(dim.schema().fields())
            .map(f -> DataTypes.createStructField(f.name(), f.dataType(), true)).toList())));
  }

  /** A stable surrogate key for a natural key (never -1). */
  static Column key(Column... natural) {
    Column h = xxhash64(natural);
    return when(h.equalTo(DimensionTransforms.UNKNOWN), lit(0L)).otherwise(h);
  }

  /**
   * Adds {@code keyColumn}: the surrogate key of the {@code dim} row whose {@code dimNatural}
   * equals the fact's {@code factNatural}, or the unknown member when there is none.
   */
  static Dataset<Row> lookup(Dataset<Row> fact, String factNatural, Dataset<Row> dim, String dimNatural, String keyColumn) {
    Dataset<Row> keys = dim.where(col(keyColumn).notEqual(DimensionTransforms.UNKNOWN))
        .select(col(dimNatural).as("_lookup_natural"), col(keyColumn).as("_lookup_key"));
    return fact.join(org.apache.spark.sql.functions.broadcast(keys), fact.col(factNatural).equalTo(keys.col("_lookup_natural")), "left")
        .withColumn(keyColumn, coalesce(col("_lookup_key"), lit(DimensionTransforms.UNKNOWN)))
        .drop("_lookup_natural", "_lookup_key");
  }

  /** {@code silver.prices} -> plan_key, price_id, product_id, plan (product without its prefix), nickname, interval, interval_count, currency, unit_amount, is_active. */
  public static Dataset<Row> plans(Dataset<Row> prices) {
    return withUnknown(prices.where(col("is_deleted").equalTo(false)).select(
        key(col("price_id")).as("plan_key"), col("price_id"), col("product_id"),
        regexp_replace(col("product_id"), "^prod_", "").as("plan"), col("nickname"), col("interval"), col("interval_count"),
        col("currency"), col("unit_amount"), col("is_active")), "plan_key");
  }

  /** {@code silver.accounts} -> account_key, account_id, name, industry, number_of_employees, billing_country, owner_id, workspace_id, created_at, is_deleted. */
  public static Dataset<Row> accounts(Dataset<Row> accounts) {
    return withUnknown(accounts.select(key(col("account_id")).as("account_key"), col("account_id"), col("name"), col("industry"),
        col("number_of_employees"), col("billing_country"), col("owner_id"), col("workspace_id"), col("created_at"),
        col("is_deleted")), "account_key");
  }

  /** {@code silver.sales_reps} -> rep_key, rep_id, name, title, rep_segment, region, quarterly_quota_usd, is_active, start_date. */
  public static Dataset<Row> salesReps(Dataset<Row> reps) {
    return withUnknown(reps.where(col("is_deleted").equalTo(false)).select(key(col("rep_id")).as("rep_key"), col("rep_id"),
        col("name"), col("title"), col("rep_segment"), col("region"), col("quarterly_quota_usd"), col("is_active"), col("start_date")), "rep_key");
  }

  /** Lead sources and marketing channels -> channel_key, channel (one name each: a lead source is the channel it came through). */
  public static Dataset<Row> channels(Dataset<Row> leads, Dataset<Row> opportunities, Dataset<Row> marketingSpend) {
    Dataset<Row> names = leads.select(col("lead_source").as("channel"))
        .union(opportunities.select(col("lead_source").as("channel")))
        .union(marketingSpend.select(col("channel")))
        .where(col("channel").isNotNull()).distinct();
    return withUnknown(names.select(key(col("channel")).as("channel_key"), col("channel")), "channel_key");
  }

  /** {@code silver.infra_costs} services -> service_key, service. */
  public static Dataset<Row> cloudServices(Dataset<Row> costs) {
    return withUnknown(costs.select("service").where(col("service").isNotNull()).distinct()
        .select(key(col("service")).as("service_key"), col("service")), "service_key");
  }

  /**
   * {@code silver.invoice_lines} (+ customers for the workspace) -> line_id, invoice_id, date_key
   * (invoice date), workspace_id, plan_key, invoice_status, billing_reason, is_proration,
   * currency, amount, discount_amount, amount_usd, discount_amount_usd, period_start_at, period_end_at.
   */
  public static Dataset<Row> invoiceLines(Dataset<Row> lines, Dataset<Row> customers, Dataset<Row> dimPlan) {
    Dataset<Row> owners = customers.select(col("customer_id"), col("workspace_id"));
    Dataset<Row> joined = lines.where(col("is_deleted").equalTo(false)).join(owners, MrrTransforms.usingColumns("customer_id"), "left");
    return lookup(joined, "price_id", dimPlan, "price_id", "plan_key").select(col("line_id"), col("invoice_id"),
        DimensionTransforms.dateKey(to_date(col("invoice_created_at"))).as("date_key"), col("workspace_id"),
        col("invoice_created_at"), col("plan_key"), col("invoice_status"), col("billing_reason"), col("is_proration"), col("currency"),
        col("amount"), col("discount_amount"), col("amount_usd"), col("discount_amount_usd"), col("period_start_at"),
        col("period_end_at"));
  }

  /**
   * {@code silver.tickets} -> ticket_id, date_key (created date), workspace_id, status, priority,
   * satisfaction_score, created_at, solved_at, resolution_hours (solved - created), is_solved.
   */
  public static Dataset<Row> tickets(Dataset<Row> tickets) {
    Column hours = col("solved_at").cast(DataTypes.LongType).minus(col("created_at").cast(DataTypes.LongType)).divide(3600.0);
    return tickets.where(col("is_deleted").equalTo(false)).select(col("ticket_id"),
        DimensionTransforms.dateKey(to_date(col("created_at"))).as("date_key"), col("workspace_id"), col("status"), col("priority"),
        col("satisfaction_score"), col("created_at"), col("solved_at"), hours.as("resolution_hours"),
        col("solved_at").isNotNull().as("is_solved"));
  }

  /**
   * {@code silver.infra_costs} -> date_key, service_key, region, usage_type, record_type, is_usage,
   * cost_usd (summed per day; silver quarantines a currency without a rate, so nothing converts at 1).
   */
  public static Dataset<Row> infraCostDaily(Dataset<Row> costs, Dataset<Row> dimService) {
    return lookup(costs, "service", dimService, "service", "service_key")
        .groupBy(col("usage_date"), col("service_key"), col("region"), col("usage_type"), col("record_type"))
        .agg(sum(col("cost_usd")).cast(Money.MONEY).as("cost_usd"))
        .select(DimensionTransforms.dateKey(col("usage_date")).as("date_key"), col("usage_date"), col("service_key"), col("region"),
            col("usage_type"), col("record_type"), col("record_type").equalTo("Usage").as("is_usage"), col("cost_usd"));
  }

  /** {@code silver.marketing_spend} -> month, date_key (first day), channel_key, amount_usd. */
  public static Dataset<Row> marketingSpendMonthly(Dataset<Row> spend, Dataset<Row> dimChannel) {
    return lookup(spend.where(col("is_deleted").equalTo(false)), "channel", dimChannel, "channel", "channel_key")
        .select(col("month"), DimensionTransforms.dateKey(col("month")).as("date_key"), col("channel_key"), col("amount_usd"));
  }

  /**
   * {@code gold.fact_support_ticket} -> month, tickets (created in the month), solved_tickets,
   * median_resolution_hours (of tickets created in the month and solved), csat (good / (good + bad)).
   */
  public static Dataset<Row> supportMonthly(Dataset<Row> tickets) {
    return tickets.withColumn("month", trunc(col("created_at"), "month")).groupBy("month").agg(
            count(lit(1)).as("tickets"),
            count(when(col("is_solved"), 1)).as("solved_tickets"),
            percentile_approx(col("resolution_hours"), lit(0.5), lit(10000)).cast(DataTypes.createDecimalType(12, 2))
                .as("median_resolution_hours"),
            count(when(col("satisfaction_score").equalTo("good"), 1)).as("_good"),
            count(when(col("satisfaction_score").equalTo("bad"), 1)).as("_bad"))
        .withColumn("csat", when(col("_good").plus(col("_bad")).equalTo(0), lit(null))
            .otherwise(col("_good").cast(DataTypes.createDecimalType(12, 6)).divide(col("_good").plus(col("_bad")))
                .cast(SaasKpis.RATE)))
        .drop("_good", "_bad")
        .orderBy("month");
  }
}
