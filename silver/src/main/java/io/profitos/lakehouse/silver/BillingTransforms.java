package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.upper;

import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Stripe invoices, their lines and prices to silver columns: minor units to decimal, seconds to UTC timestamps. */
public final class BillingTransforms {
  private BillingTransforms() {}

  /**
   * {@code bronze.stripe_invoices} -> invoice_id, customer_id, subscription_id, status,
   * billing_reason, currency, amount_due, amount_paid, amount_remaining, subtotal, total (major
   * units), created_at, period_start_at, period_end_at, paid_at, is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> invoices(Dataset<Row> b) {
    Column currency = upper(Columns.optional(b, "currency", DataTypes.StringType));
    Column updated = seconds(b, "updated");
    return b.select(Columns.withLineage(
        col("id").cast(DataTypes.StringType).as("invoice_id"),
        Columns.optional(b, "customer", DataTypes.StringType).as("customer_id"),
        Columns.optional(b, "subscription", DataTypes.StringType).as("subscription_id"),
        Columns.optional(b, "status", DataTypes.StringType).as("status"),
        Columns.optional(b, "billing_reason", DataTypes.StringType).as("billing_reason"),
        currency.as("currency"),
        minor(b, "amount_due", currency).as("amount_due"),
        minor(b, "amount_paid", currency).as("amount_paid"),
        minor(b, "amount_remaining", currency).as("amount_remaining"),
        minor(b, "subtotal", currency).as("subtotal"),
        minor(b, "total", currency).as("total"),
        seconds(b, "created").as("created_at"),
        seconds(b, "period_start").as("period_start_at"),
        seconds(b, "period_end").as("period_end_at"),
        seconds(b, "status_transitions.paid_at").as("paid_at"),
        lit(false).as("is_deleted"),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  /**
   * {@code bronze.stripe_invoices} lines -> line_id, invoice_id, customer_id, subscription_id,
   * invoice_status, billing_reason, invoice_amount_due, currency, amount, discount_amount,
   * quantity, price_id, period_start_at, period_end_at, is_proration, invoice_created_at,
   * is_deleted, updated_at, _cursor (the invoice version's), lineage. A line takes the newest
   * version of its invoice.
   */
  public static Dataset<Row> invoiceLines(Dataset<Row> b) {
    DataType lineType = Columns.elementType(b, "lines.data", "id STRING, amount BIGINT, currency STRING, "
        + "period STRUCT<start: BIGINT, `end`: BIGINT>, proration BOOLEAN, quantity BIGINT, price STRUCT<id: STRING>, "
        + "discount_amounts ARRAY<STRUCT<amount: BIGINT>>");
    Column invoiceCurrency = upper(Columns.optional(b, "currency", DataTypes.StringType));
    Column updated = seconds(b, "updated");
    Dataset<Row> exploded = b.select(Columns.withLineage(
        col("id").cast(DataTypes.StringType).as("invoice_id"),
        Columns.optional(b, "customer", DataTypes.StringType).as("customer_id"),
        Columns.optional(b, "subscription", DataTypes.StringType).as("subscription_id"),
        Columns.optional(b, "status", DataTypes.StringType).as("invoice_status"),
        Columns.optional(b, "billing_reason", DataTypes.StringType).as("billing_reason"),
        minor(b, "amount_due", invoiceCurrency).as("invoice_amount_due"),
        invoiceCurrency.as("invoice_currency"),
        seconds(b, "created").as("invoice_created_at"),
        updated.as("updated_at"),
        explode(Columns.optional(b, "lines.data", DataTypes.createArrayType(lineType))).as("line")));
    Column line = col("line");
    Column currency = coalesce(upper(line.getField("currency").cast("string")), col("invoice_currency"));
    Column discount = org.apache.spark.sql.functions.aggregate(
        coalesce(line.getField("discount_amounts"), org.apache.spark.sql.functions.array().cast("array<struct<amount:bigint>>")),
        lit(0L), (acc, x) -> acc.plus(coalesce(x.getField("amount").cast("long"), lit(0L))));
    return exploded.select(Columns.withLineage(
        line.getField("id").cast("string").as("line_id"),
        col("invoice_id"), col("customer_id"), col("subscription_id"), col("invoice_status"), col("billing_reason"),
        col("invoice_amount_due"),
        currency.as("currency"),
        Money.fromMinor(line.getField("amount"), currency).as("amount"),
        Money.fromMinor(discount, currency).as("discount_amount"),
        coalesce(line.getField("quantity").cast("long"), lit(1L)).as("quantity"),
        line.getField("price").getField("id").cast("string").as("price_id"),
        timestamp_seconds(line.getField("period").getField("start").cast("long")).as("period_start_at"),
        timestamp_seconds(line.getField("period").getField("end").cast("long")).as("period_end_at"),
        coalesce(line.getField("proration").cast("boolean"), lit(false)).as("is_proration"),
        col("invoice_created_at"),
        lit(false).as("is_deleted"),
        col("updated_at"),
        Columns.cursor(col("updated_at"))));
  }

  /**
   * {@code bronze.stripe_prices} -> price_id, product_id, nickname, unit_amount (major units),
   * currency, interval, interval_count, usage_type, is_active, created_at, is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> prices(Dataset<Row> b) {
    Column currency = upper(Columns.optional(b, "currency", DataTypes.StringType));
    Column updated = seconds(b, "updated");
    return b.select(Columns.withLineage(
        col("id").cast(DataTypes.StringType).as("price_id"),
        Columns.optional(b, "product", DataTypes.StringType).as("product_id"),
        Columns.optional(b, "nickname", DataTypes.StringType).as("nickname"),
        minor(b, "unit_amount", currency).as("unit_amount"),
        currency.as("currency"),
        Columns.optional(b, "recurring.interval", DataTypes.StringType).as("interval"),
        coalesce(Columns.optional(b, "recurring.interval_count", DataTypes.IntegerType), lit(1)).as("interval_count"),
        Columns.optional(b, "recurring.usage_type", DataTypes.StringType).as("usage_type"),
        coalesce(Columns.optional(b, "active", DataTypes.BooleanType), lit(true)).as("is_active"),
        seconds(b, "created").as("created_at"),
        lit(false).as("is_deleted"),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  private static Column minor(Dataset<Row> b, String field, Column currency) {
    return Money.fromMinor(Columns.optional(b, field, DataTypes.LongType), currency);
  }

  private static Column seconds(Dataset<Row> b, String path) {
    return timestamp_seconds(Columns.optional(b, path, DataTypes.LongType));
  }

}
