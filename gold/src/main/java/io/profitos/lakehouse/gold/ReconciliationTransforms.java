package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Finance sign-off (METRICS.md): MRR against invoice MRR, and ARR against the ARR finance reports. */
public final class ReconciliationTransforms {
  private ReconciliationTransforms() {}

  /**
   * {@code silver.invoice_lines} x months -> month, invoice_mrr_usd: lines of paid invoices billed
   * for a subscription cycle or creation, prorations excluded, each line's net amount (amount less
   * its discounts) spread evenly over its service period and the part falling in the month
   * counted, in USD at the month-end rate.
   */
  public static Dataset<Row> invoiceMrr(Dataset<Row> lines, Dataset<Row> months, Dataset<Row> fxRates) {
    Column start = col("period_start_at").cast(DataTypes.LongType);
    Column end = col("period_end_at").cast(DataTypes.LongType);
    Dataset<Row> billed = lines.where(col("is_deleted").equalTo(false)
            .and(col("invoice_status").equalTo("paid"))
            .and(col("billing_reason").isin("subscription_cycle", "subscription_create"))
            .and(col("is_proration").equalTo(false))
            .and(end.gt(start)))
        .select(col("currency"), col("amount").minus(org.apache.spark.sql.functions.coalesce(col("discount_amount"), lit(0))).as("_net"),
            start.as("_start"), end.as("_end"));
    Column monthStart = col("month").cast(DataTypes.TimestampType).cast(DataTypes.LongType);
    Column monthEnd = add_months(col("month"), 1).cast(DataTypes.TimestampType).cast(DataTypes.LongType);
    Dataset<Row> m = months.select(col("month"), col("month_end_date"), monthStart.as("_m_start"), monthEnd.as("_m_end"));
    Dataset<Row> spread = billed.join(org.apache.spark.sql.functions.broadcast(m),
            col("_start").lt(col("_m_end")).and(col("_end").gt(col("_m_start"))))
        .withColumn("_overlap", least(col("_end"), col("_m_end")).minus(greatest(col("_start"), col("_m_start"))))
        .withColumn("_part", col("_net").cast(MrrTransforms.EXACT)
            .multiply(col("_overlap").cast(DataTypes.createDecimalType(12, 0)))
            .divide(col("_end").minus(col("_start")).cast(DataTypes.createDecimalType(12, 0))).cast(MrrTransforms.EXACT));
    return Money.withRate(spread, fxRates, "currency", col("month_end_date"))
        .groupBy("month")
        .agg(MrrTransforms.usd(sum(col("_part").multiply(col("usd_per_unit")))).as("invoice_mrr_usd"));
  }

  /**
   * {@code gold.kpi_saas_monthly} (segment All) + invoice MRR + {@code silver.reported_arr} ->
   * month, is_complete, mrr_usd, invoice_mrr_usd, reconciliation_gap = |mrr - invoice MRR| / invoice
   * MRR, arr_usd, reported_arr_usd, arr_vs_finance_gap = |arr - reported ARR| / reported ARR (null
   * where the comparison number is missing).
   */
  public static Dataset<Row> reconciliation(Dataset<Row> kpis, Dataset<Row> invoiceMrr, Dataset<Row> reportedArr) {
    Dataset<Row> all = kpis.where(col("segment").equalTo(SaasKpis.ALL)).select("month", "is_complete", "mrr_usd", "arr_usd");
    Dataset<Row> finance = reportedArr.where(col("is_deleted").equalTo(false)).select(col("month"), col("arr_usd").as("reported_arr_usd"));
    return all.join(invoiceMrr, MrrTransforms.usingColumns("month"), "left")
        .join(finance, MrrTransforms.usingColumns("month"), "left")
        .withColumn("reconciliation_gap", gap(col("mrr_usd"), col("invoice_mrr_usd")))
        .withColumn("arr_vs_finance_gap", gap(col("arr_usd"), col("reported_arr_usd")))
        .select("month", "is_complete", "mrr_usd", "invoice_mrr_usd", "reconciliation_gap", "arr_usd", "reported_arr_usd",
            "arr_vs_finance_gap")
        .orderBy("month");
  }

  private static Column gap(Column value, Column reference) {
    return when(reference.isNull().or(reference.equalTo(0)), lit(null))
        .otherwise(abs(value.minus(reference)).cast(MrrTransforms.EXACT).divide(reference).cast(SaasKpis.RATE));
  }
}
