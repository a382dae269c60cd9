package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;

import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Support tickets, cloud costs and finance sheets to silver columns. */
public final class OperationsTransforms {
  private OperationsTransforms() {}

  /**
   * {@code bronze.zendesk_tickets} -> ticket_id, workspace_id, requester_id, status, priority,
   * ticket_type, subject, satisfaction_score, tags, created_at, solved_at, is_deleted,
   * updated_at, _cursor, lineage.
   */
  public static Dataset<Row> tickets(Dataset<Row> b) {
    Column updated = Columns.optional(b, "updated_at", DataTypes.StringType).cast(DataTypes.TimestampType);
    return b.select(Columns.withLineage(
        col("id").cast(DataTypes.StringType).as("ticket_id"),
        Columns.optional(b, "external_workspace_id", DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "requester_id", DataTypes.StringType).as("requester_id"),
        Columns.optional(b, "status", DataTypes.StringType).as("status"),
        Columns.optional(b, "priority", DataTypes.StringType).as("priority"),
        Columns.optional(b, "type", DataTypes.StringType).as("ticket_type"),
        Columns.optional(b, "subject", DataTypes.StringType).as("subject"),
        Columns.optional(b, "satisfaction_rating.score", DataTypes.StringType).as("satisfaction_score"),
        Columns.optional(b, "tags", DataTypes.createArrayType(DataTypes.StringType)).as("tags"),
        Columns.optional(b, "created_at", DataTypes.StringType).cast(DataTypes.TimestampType).as("created_at"),
        Columns.optional(b, "solved_at", DataTypes.StringType).cast(DataTypes.TimestampType).as("solved_at"),
        lit(false).as("is_deleted"),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  /**
   * {@code bronze.aws_cost_explorer_cost_and_usage} (CSV text) -> usage_date, service, region,
   * usage_type, record_type, cost, currency, is_deleted, _cursor (the extract date), lineage.
   */
  public static Dataset<Row> infraCosts(Dataset<Row> b) {
    return b.select(Columns.withLineage(
        to_date(col("time_period_start")).as("usage_date"),
        trim(col("service")).as("service"),
        coalesce(trim(col("region")), lit("global")).as("region"),
        trim(col("usage_type")).as("usage_type"),
        trim(col("record_type")).as("record_type"),
        col("unblended_cost").cast(Money.MONEY).as("cost"),
        coalesce(upper(trim(col("currency"))), lit("USD")).as("currency"),
        lit(false).as("is_deleted"),
        extractCursor()));
  }

  /** {@code bronze.finance_marketing_spend} -> month (first day), channel, amount_usd, is_deleted, _cursor, lineage. */
  public static Dataset<Row> marketingSpend(Dataset<Row> b) {
    return b.select(Columns.withLineage(
        month(col("month")).as("month"),
        trim(col("channel")).as("channel"),
        col("amount_usd").cast(Money.MONEY).as("amount_usd"),
        lit(false).as("is_deleted"),
        extractCursor()));
  }

  /** {@code bronze.finance_sales_costs} -> month (first day), amount_usd, is_deleted, _cursor, lineage. */
  public static Dataset<Row> salesCosts(Dataset<Row> b) {
    return b.select(Columns.withLineage(
        month(col("month")).as("month"),
        col("amount_usd").cast(Money.MONEY).as("amount_usd"),
        lit(false).as("is_deleted"),
        extractCursor()));
  }

  /** {@code bronze.finance_reported_arr} -> month (first day), arr_usd, is_deleted, _cursor, lineage. */
  public static Dataset<Row> reportedArr(Dataset<Row> b) {
    return b.select(Columns.withLineage(
        month(col("month")).as("month"),
        col("arr_usd").cast(Money.MONEY).as("arr_usd"),
        lit(false).as("is_deleted"),
        extractCursor()));
  }

  /**
   * {@code bronze.finance_targets} -> month (first day), metric (a metric contract's name), segment ({@code All} when
   * blank), target decimal(18,6), is_deleted, _cursor, lineage.
   */
  public static Dataset<Row> targets(Dataset<Row> b) {
    return b.select(Columns.withLineage(
        month(col("month")).as("month"),
        trim(col("metric")).as("metric"),
        coalesce(org.apache.spark.sql.functions.when(trim(col("segment")).notEqual(""), trim(col("segment"))), lit("All"))
            .as("segment"),
        col("target").cast(Money.MONEY).as("target"),
        lit(false).as("is_deleted"),
        extractCursor()));
  }

  /** {@code YYYY-MM} to the month's first day (null when not a month). */
  static Column month(Column text) {
    return to_date(concat(trim(text), lit("-01")), "yyyy-MM-dd");
  }

  private static Column extractCursor() {
    return col("_extract_date").cast(DataTypes.TimestampType).as("_cursor");
  }
}
