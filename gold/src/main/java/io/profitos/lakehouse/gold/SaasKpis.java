package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.add_months;
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
   * month, segment ({@value #ALL} or a segment name), is_complete, mrr, arr, previous_mrr,
   * new_mrr, reactivation_mrr, expansion_mrr, contraction_mrr, churned_mrr (positive amounts),
   * paying_workspaces, previous_paying_workspaces, new_workspaces, churned_workspaces, arpa,
   * logo_churn_rate, gross_mrr_churn_rate, net_mrr_churn_rate, ndr_t12m, grr_t12m. A workspace
   * counts in the segment of its month's MRR (a churned one in the segment it left), so the
   * movement identity holds exactly for {@value #ALL}. NDR and GRR take the workspaces paying
   * at M-12 (in their segment then) and compare their MRR at M with M-12.
   */
  public static Dataset<Row> monthly(Dataset<Row> fact) {
    Dataset<Row> all = aggregate(fact.withColumn("segment", lit(ALL)));
    Dataset<Row> bySegment = aggregate(fact);
    Dataset<Row> kpis = all.unionByName(bySegment);
    Dataset<Row> retention = retention(fact.withColumn("segment", lit(ALL))).unionByName(retention(fact));
    return kpis.join(retention, MrrTransforms.usingColumns("month", "segment"), "left")
        .orderBy("month", "segment");
  }

  private static Dataset<Row> aggregate(Dataset<Row> fact) {
    Column amount = col("movement_amount");
    Dataset<Row> a = fact.groupBy("month", "segment").agg(
        first("is_complete").as("is_complete"),
        MrrTransforms.usd(sum("mrr")).as("mrr"),
        MrrTransforms.usd(sum("mrr").multiply(12)).as("arr"),
        MrrTransforms.usd(sum("previous_mrr")).as("previous_mrr"),
        MrrTransforms.usd(sumWhere("new", amount)).as("new_mrr"),
        MrrTransforms.usd(sumWhere("reactivation", amount)).as("reactivation_mrr"),
        MrrTransforms.usd(sumWhere("expansion", amount)).as("expansion_mrr"),
        MrrTransforms.usd(sumWhere("contraction", amount.unary_$minus())).as("contraction_mrr"),
        MrrTransforms.usd(sumWhere("churn", amount.unary_$minus())).as("churned_mrr"),
        count(when(col("mrr").gt(0), 1)).as("paying_workspaces"),
        count(when(col("previous_mrr").gt(0), 1)).as("previous_paying_workspaces"),
        count(when(col("movement_type").equalTo("new"), 1)).as("new_workspaces"),
        count(when(col("movement_type").equalTo("churn"), 1)).as("churned_workspaces"),
        sum("mrr").as("_mrr"), sum("previous_mrr").as("_prev"),
        sumWhere("contraction", amount.unary_$minus()).as("_contraction"), sumWhere("churn", amount.unary_$minus()).as("_churn"),
        sumWhere("expansion", amount).as("_expansion"), sumWhere("reactivation", amount).as("_reactivation"));
    return a
        .withColumn("arpa", MrrTransforms.usd(ratio(col("_mrr"), col("paying_workspaces"))))
        .withColumn("logo_churn_rate", ratio(col("churned_workspaces"), col("previous_paying_workspaces")).cast(RATE))
        .withColumn("gross_mrr_churn_rate", ratio(col("_churn").plus(col("_contraction")), col("_prev")).cast(RATE))
        .withColumn("net_mrr_churn_rate", ratio(col("_churn").plus(col("_contraction")).minus(col("_expansion"))
            .minus(col("_reactivation")), col("_prev")).cast(RATE))
        .drop("_mrr", "_prev", "_contraction", "_churn", "_expansion", "_reactivation");
  }

  /** NDR and GRR, trailing 12 months: the base is the workspaces paying at M-12. */
  private static Dataset<Row> retention(Dataset<Row> fact) {
    Dataset<Row> base = fact.where(col("mrr").gt(0))
        .select(col("workspace_id"), add_months(col("month"), 12).as("month"), col("segment"), col("mrr").as("_base_mrr"));
    Dataset<Row> now = fact.select(col("workspace_id"), col("month"), col("mrr").as("_mrr_now"));
    return base.join(now, MrrTransforms.usingColumns("workspace_id", "month"), "inner")
        .groupBy("month", "segment")
        .agg(ratio(sum("_mrr_now"), sum("_base_mrr")).cast(RATE).as("ndr_t12m"),
            ratio(sum(least(col("_mrr_now"), col("_base_mrr"))), sum("_base_mrr")).cast(RATE).as("grr_t12m"));
  }

  private static Column sumWhere(String type, Column amount) {
    return org.apache.spark.sql.functions.coalesce(sum(when(col("movement_type").equalTo(type), amount)), lit(0));
  }

  static Column ratio(Column num, Column den) {
    return when(den.isNull().or(den.equalTo(0)), lit(null)).otherwise(num.cast(DataTypes.createDecimalType(30, 12)).divide(den));
  }

}
