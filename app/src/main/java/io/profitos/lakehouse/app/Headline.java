package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a newcomer came for, printed after {@code lakehouse demo}: the headline KPIs of the
 * newest complete month, the exceptions raised, the quality gates of the run, then where the
 * tables are and how to read them.
 */
final class Headline {
  private Headline() {}

  static final TableName KPIS = TableName.of("gold", "kpi_saas_monthly");
  static final TableName EXCEPTIONS = TableName.of("gold", "kpi_exceptions");
  static final TableName CHECKS = TableName.of("quality", "check_results");

  static void print(SparkSession spark, LakehouseSettings settings, String runId, PrintStream out) {
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    out.println();
    if (catalog.exists(spark, KPIS)) {
      List<Row> newest = spark.read().format("delta").load(catalog.location(KPIS))
          .where(col("segment").equalTo("All").and(col("is_complete"))).orderBy(col("month").desc()).limit(1).collectAsList();
      if (!newest.isEmpty()) {
        Row r = newest.get(0);
        out.printf(Locale.ROOT, "Headline KPIs of %s (the newest complete month, all segments; gold.kpi_saas_monthly):%n",
            r.getDate(r.fieldIndex("month")).toString().substring(0, 7));
        out.printf(Locale.ROOT, "  MRR %s   ARR %s   paying workspaces %,d%n", usd(r, "mrr_usd"), usd(r, "arr_usd"),
            r.getLong(r.fieldIndex("paying_workspaces")));
        out.printf(Locale.ROOT, "  new %s   expansion %s   reactivation %s   contraction -%s   churn -%s%n", usd(r, "new_mrr_usd"),
            usd(r, "expansion_mrr_usd"), usd(r, "reactivation_mrr_usd"), usd(r, "contraction_mrr_usd"), usd(r, "churned_mrr_usd"));
        out.printf(Locale.ROOT, "  NDR (t12m) %s   GRR (t12m) %s   logo churn %s%n", pct(r, "ndr_t12m"), pct(r, "grr_t12m"),
            pct(r, "logo_churn_rate"));
      }
    }
    if (catalog.exists(spark, EXCEPTIONS)) {
      Dataset<Row> exceptions = spark.read().format("delta").load(catalog.location(EXCEPTIONS));
      List<Row> rows = exceptions.orderBy(col("status").desc(), col("period").desc(), col("metric")).collectAsList();
      out.printf(Locale.ROOT, "%nExceptions raised (gold.kpi_exceptions): %d%n", rows.size());
      for (Row e : rows.subList(0, Math.min(8, rows.size()))) {
        Object value = e.get(e.fieldIndex("value"));
        out.printf(Locale.ROOT, "  %-5s %-10s %-30s %-12s %10s  %s%n", e.getString(e.fieldIndex("status")), e.get(e.fieldIndex("period")),
            e.getString(e.fieldIndex("threshold_name")),
            e.isNullAt(e.fieldIndex("breakdown_value")) ? "" : e.getString(e.fieldIndex("breakdown_value")),
            value == null ? "" : String.format(Locale.ROOT, "%.4f", ((Number) value).doubleValue()),
            e.getString(e.fieldIndex("action")));
      }
      if (rows.size() > 8) {
        out.printf(Locale.ROOT, "  ... and %d more%n", rows.size() - 8);
      }
    }
    if (catalog.exists(spark, CHECKS)) {
      List<Row> gates = spark.read().format("delta").load(catalog.location(CHECKS)).where(col("run_id").equalTo(runId))
          .groupBy("table_name").agg(
              org.apache.spark.sql.functions.max(col("published").cast("int")).as("published"),
              org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.when(col("success").equalTo(false)
                  .and(col("severity").equalTo("warning")), 1).otherwise(0)).as("warnings"))
          .collectAsList();
      long blocked = gates.stream().filter(g -> g.getInt(1) == 0).count();
      long warned = gates.stream().filter(g -> g.getInt(1) == 1 && g.getLong(2) > 0).count();
      out.printf(Locale.ROOT, "%nQuality gates of this run (quality.check_results): %d tables checked, %d passed, %d passed with warnings, "
          + "%d blocked%n", gates.size(), gates.size() - blocked - warned, warned, blocked);
    }
    out.println();
    out.println("Tables: " + settings.warehouse() + "/<layer>/<table> (Delta). Read one with Spark, for example");
    out.println("  spark.read.format(\"delta\").load(\"" + catalog.location(KPIS) + "\")");
    out.println("or check one against its suite: lakehouse quality validate --suite conf/quality/gold.kpi_saas_monthly.json "
        + "--table gold.kpi_saas_monthly");
  }

  private static String usd(Row r, String column) {
    BigDecimal v = r.getDecimal(r.fieldIndex(column));
    return v == null ? "n/a" : String.format(Locale.ROOT, "$%,.2f", v);
  }

  private static String pct(Row r, String column) {
    BigDecimal v = r.getDecimal(r.fieldIndex(column));
    return v == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", v.doubleValue() * 100);
  }
}
