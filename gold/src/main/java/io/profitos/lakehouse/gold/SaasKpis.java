package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** {@code gold.fact_mrr_monthly} -> {@code gold.kpi_saas_monthly}: one row per month for all workspaces and per segment. */
public final class SaasKpis {
  private SaasKpis() {}

  public static final String ALL = "All";
  static final org.apache.spark.sql.types.DataType RATE = DataTypes.createDecimalType(12, 6);

  /**
   * month, segment ({@value #ALL} or a segment name), is_complete, mrr_usd, arr_usd,
   * previous_mrr_usd, new_mrr_usd, reactivation_mrr_usd, expansion_mrr_usd, contraction_mrr_usd,
   * churned_mrr_usd (positive amounts), paying_workspaces, previous_paying_workspaces,
   * new_workspaces, churned_workspaces, arpa_usd, logo_churn_rate, gross_mrr_churn_rate,
   * net_mrr_churn_rate, ndr_t12m, grr_t12m.
   *
   * <p>Per segment (METRICS.md): what a month ends with (MRR, paying workspaces, ARPA) and new and
   * reactivation MRR count in the segment of M; what it starts from and loses or grows (previous
   * MRR and paying workspaces, expansion, contraction, churn) counts in the segment of M-1, so every
   * rate's denominator is that segment's own base at the start. The movement identity therefore
   * holds exactly for {@value #ALL}; a segment's rows also move workspaces between segments. NDR
   * and GRR take the workspaces paying at M-12, in their segment then.
   */
  public static Dataset<Row> monthly(Dataset<Row> fact) {
    Dataset<Row> all = fact.withColumn("segment", lit(ALL)).withColumn("previous_segment", lit(ALL));
    Dataset<Row> kpis = aggregate(all).unionByName(aggregate(fact));
    Dataset<Row> retention = retention(all).unionByName(retention(fact));
    return kpis.join(retention, MrrTransforms.usingColumns("month", "segment"), "left")
        .orderBy("month", "segment");
  }

  private static Dataset<Row> aggregate(Dataset<Row> fact) {
    Column amount = col("movement_amount_usd");
    Dataset<Row> ending = fact.groupBy("month", "segment").agg(
        first("is_complete").as("_complete_end"),
        MrrTransforms.usd(sum("mrr_usd")).as("mrr_usd"),
        MrrTransforms.usd(sum("mrr_usd").multiply(12)).as("arr_usd"),
        MrrTransforms.usd(sumWhere("new", amount)).as("new_mrr_usd"),
        MrrTransforms.usd(sumWhere("reactivation", amount)).as("reactivation_mrr_usd"),
        count(when(col("mrr_usd").gt(0), 1)).as("paying_workspaces"),
        count(when(col("movement_type").equalTo("new"), 1)).as("new_workspaces"),
        sum("mrr_usd").as("_mrr"), sumWhere("reactivation", amount).as("_reactivation"));
    Dataset<Row> starting = fact.where(col("previous_segment").isNotNull())
        .groupBy(col("month"), col("previous_segment").as("segment")).agg(
            first("is_complete").as("_complete_start"),
            MrrTransforms.usd(sum("previous_mrr_usd")).as("previous_mrr_usd"),
            MrrTransforms.usd(sumWhere("expansion", amount)).as("expansion_mrr_usd"),
            MrrTransforms.usd(sumWhere("contraction", amount.unary_$minus())).as("contraction_mrr_usd"),
            MrrTransforms.usd(sumWhere("churn", amount.unary_$minus())).as("churned_mrr_usd"),
            count(when(col("previous_mrr_usd").gt(0), 1)).as("previous_paying_workspaces"),
            count(when(col("movement_type").equalTo("churn"), 1)).as("churned_workspaces"),
            sum("previous_mrr_usd").as("_prev"),
            sumWhere("contraction", amount.unary_$minus()).as("_contraction"), sumWhere("churn", amount.unary_$minus()).as("_churn"),
            sumWhere("expansion", amount).as("_expansion"));
    Column zero = lit(0).cast(MrrTransforms.USD);
    Dataset<Row> a = ending.join(starting, MrrTransforms.usingColumns("month", "segment"), "full_outer");
    return a
        .withColumn("is_complete", coalesce(col("_complete_end"), col("_complete_start")))
        .withColumn("arpa_usd", MrrTransforms.usd(ratio(col("_mrr"), col("paying_workspaces"))))
        .withColumn("logo_churn_rate", ratio(col("churned_workspaces"), col("previous_paying_workspaces")).cast(RATE))
        .withColumn("gross_mrr_churn_rate", ratio(col("_churn").plus(col("_contraction")), col("_prev")).cast(RATE))
        .withColumn("net_mrr_churn_rate", ratio(col("_churn").plus(col("_contraction")).minus(col("_expansion"))
            .minus(coalesce(col("_reactivation"), lit(0))), col("_prev")).cast(RATE))
        .select(col("month"), col("segment"), col("is_complete"),
            coalesce(col("mrr_usd"), zero).as("mrr_usd"), coalesce(col("arr_usd"), zero).as("arr_usd"),
            coalesce(col("previous_mrr_usd"), zero).as("previous_mrr_usd"), coalesce(col("new_mrr_usd"), zero).as("new_mrr_usd"),
            coalesce(col("reactivation_mrr_usd"), zero).as("reactivation_mrr_usd"),
            coalesce(col("expansion_mrr_usd"), zero).as("expansion_mrr_usd"),
            coalesce(col("contraction_mrr_usd"), zero).as("contraction_mrr_usd"),
            coalesce(col("churned_mrr_usd"), zero).as("churned_mrr_usd"),
            coalesce(col("paying_workspaces"), lit(0L)).as("paying_workspaces"),
            coalesce(col("previous_paying_workspaces"), lit(0L)).as("previous_paying_workspaces"),
            coalesce(col("new_workspaces"), lit(0L)).as("new_workspaces"),
            coalesce(col("churned_workspaces"), lit(0L)).as("churned_workspaces"),
            col("arpa_usd"), col("logo_churn_rate"), col("gross_mrr_churn_rate"), col("net_mrr_churn_rate"));
  }

  /** NDR and GRR, trailing 12 months: the base is the workspaces paying at M-12, in their segment then. */
  private static Dataset<Row> retention(Dataset<Row> fact) {
    Dataset<Row> base = fact.where(col("mrr_usd").gt(0))
        .select(col("workspace_id"), add_months(col("month"), 12).as("month"), col("segment"), col("mrr_usd").as("_base_mrr"));
    Dataset<Row> now = fact.select(col("workspace_id"), col("month"), col("mrr_usd").as("_mrr_now"));
    return base.join(now, MrrTransforms.usingColumns("workspace_id", "month"), "inner")
        .groupBy("month", "segment")
        .agg(ratio(sum("_mrr_now"), sum("_base_mrr")).cast(RATE).as("ndr_t12m"),
            ratio(sum(least(col("_mrr_now"), col("_base_mrr"))), sum("_base_mrr")).cast(RATE).as("grr_t12m"));
  }

  private static Column sumWhere(String type, Column amount) {
    return coalesce(sum(when(col("movement_type").equalTo(type), amount)), lit(0));
  }

  static Column ratio(Column num, Column den) {
    return when(den.isNull().or(den.equalTo(0)), lit(null)).otherwise(num.cast(DataTypes.createDecimalType(30, 12)).divide(den));
  }

}
