package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The peer a small team would pick instead of Spark for {@code gold.fact_mrr_monthly}: DuckDB
 * (in-process, one machine) computing the same month-end MRR per workspace and its movements
 * with SQL over the same silver Parquet files (the files of each table's current Delta version),
 * written to Parquet. Written from METRICS.md's definitions, not from gold's code: the version
 * valid at each month's last instant (the as-of day's end for the current month), paying when
 * active or past_due after the trial and before the end, items normalised by their billing
 * period (week x52/12, day x365/12), a forever or repeating discount in force (amount_off per
 * billing period of the first item), the newest rate on or before the month-end date (the first
 * rate before a currency's first), workspace MRR rounded to 6 decimals, then the movements.
 */
final class DuckDbMrr {
  private DuckDbMrr() {}

  /** One workspace month: MRR, the movement type and amount. */
  record Month(BigDecimal mrrUsd, String movementType, BigDecimal movementUsd) {}

  /** What DuckDB computed and how long it took (reading the files, computing, writing the result). */
  record Result(Map<String, Month> byWorkspaceMonth, double seconds) {}

  static final TableName HISTORY = TableName.of("silver", "subscription_history");
  static final TableName FX = TableName.of("silver", "fx_rates");

  /** Computes the MRR months of the warehouse's silver tables as of {@code asOf}; writes them to {@code output}. */
  static Result compute(SparkSession spark, TableCatalog catalog, LocalDate asOf, Path output) {
    String history = files(spark, catalog, HISTORY);
    String fx = files(spark, catalog, FX);
    String asOfEnd = asOf.plusDays(1) + " 00:00:00";
    String sql = """
        CREATE TEMP MACRO monthly_factor(item) AS
          (CASE struct_extract(item, 'interval') WHEN 'day' THEN 365 WHEN 'week' THEN 52 WHEN 'month' THEN 12 WHEN 'year' THEN 1 END)
          / (12 * coalesce(struct_extract(item, 'interval_count'), 1));
        CREATE TEMP TABLE hist AS SELECT * FROM read_parquet(%1$s) WHERE NOT is_deleted;
        CREATE TEMP TABLE rates AS SELECT currency, "date" AS rate_date, usd_per_unit FROM read_parquet(%2$s)
          WHERE NOT is_deleted AND usd_per_unit IS NOT NULL;
        CREATE TEMP TABLE months AS
          SELECT CAST(m AS DATE) AS month,
                 LEAST(m + INTERVAL 1 MONTH, TIMESTAMP '%3$s') - INTERVAL 1 SECOND AS month_end,
                 m + INTERVAL 1 MONTH <= TIMESTAMP '%3$s' AS is_complete
          FROM range((SELECT date_trunc('month', min(valid_from)) FROM hist), DATE '%4$s' + INTERVAL 1 MONTH, INTERVAL 1 MONTH) t(m);
        CREATE TEMP TABLE sub_month AS
          WITH at_instant AS (
            SELECT h.*, m.month, m.month_end, CAST(m.month_end AS DATE) AS at_date FROM hist h
            JOIN months m ON h.valid_from <= m.month_end AND (h.valid_to IS NULL OR m.month_end < h.valid_to)),
          priced AS (
            SELECT workspace_id, currency, month, at_date,
              status IN ('active', 'past_due') AND (trial_end_at IS NULL OR month_end >= trial_end_at)
                AND (ended_at IS NULL OR month_end < ended_at) AS paying,
              list_sum(list_transform(items, x -> CAST(struct_extract(x, 'unit_amount') AS DOUBLE) * struct_extract(x, 'quantity')
                * monthly_factor(x))) AS gross,
              discount_duration IN ('forever', 'repeating') AND (discount_start_at IS NULL OR discount_start_at <= month_end)
                AND (discount_end_at IS NULL OR month_end < discount_end_at) AS discounted,
              discount_percent_off, discount_amount_off,
              CAST(discount_amount_off AS DOUBLE) * monthly_factor(items[1]) AS amount_off_monthly
            FROM at_instant),
          net AS (
            SELECT workspace_id, currency, month, at_date,
              CASE WHEN NOT paying THEN 0
                   WHEN discounted AND discount_percent_off IS NOT NULL THEN gross * (100 - discount_percent_off) / 100
                   WHEN discounted AND discount_amount_off IS NOT NULL THEN greatest(0, gross - amount_off_monthly)
                   ELSE gross END AS mrr_currency
            FROM priced),
          first_rate AS (SELECT currency, arg_min(usd_per_unit, rate_date) AS usd_per_unit FROM rates GROUP BY currency)
          SELECT n.workspace_id, n.month,
            n.mrr_currency * CASE WHEN n.currency = 'USD' THEN 1 ELSE coalesce(r.usd_per_unit, f.usd_per_unit) END AS mrr_usd
          FROM net n ASOF LEFT JOIN rates r ON n.currency = r.currency AND n.at_date >= r.rate_date
          LEFT JOIN first_rate f ON n.currency = f.currency;
        CREATE TEMP TABLE mrr_months AS
          WITH ws AS (
            SELECT workspace_id, month, CAST(round(sum(mrr_usd), 6) AS DECIMAL(18, 6)) AS mrr_usd
            FROM sub_month WHERE workspace_id IS NOT NULL GROUP BY workspace_id, month),
          first_paid AS (SELECT workspace_id, min(month) AS first FROM ws WHERE mrr_usd > 0 GROUP BY workspace_id),
          filled AS (
            SELECT f.workspace_id, m.month, coalesce(ws.mrr_usd, CAST(0 AS DECIMAL(18, 6))) AS mrr_usd
            FROM first_paid f JOIN months m ON m.month >= f.first
            LEFT JOIN ws ON ws.workspace_id = f.workspace_id AND ws.month = m.month),
          prev AS (
            SELECT *, coalesce(lag(mrr_usd) OVER (PARTITION BY workspace_id ORDER BY month), 0) AS previous_mrr_usd,
              coalesce(max(CASE WHEN mrr_usd > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY workspace_id ORDER BY month
                ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING), 0) = 1 AS paid_before
            FROM filled)
          SELECT workspace_id, month, mrr_usd, previous_mrr_usd,
            CASE WHEN previous_mrr_usd = 0 AND mrr_usd > 0 THEN CASE WHEN paid_before THEN 'reactivation' ELSE 'new' END
                 WHEN previous_mrr_usd > 0 AND mrr_usd = 0 THEN 'churn'
                 WHEN mrr_usd > previous_mrr_usd AND previous_mrr_usd > 0 THEN 'expansion'
                 WHEN mrr_usd < previous_mrr_usd AND mrr_usd > 0 THEN 'contraction'
                 WHEN mrr_usd = previous_mrr_usd AND mrr_usd > 0 THEN 'retained'
                 ELSE 'inactive' END AS movement_type,
            mrr_usd - previous_mrr_usd AS movement_amount_usd
          FROM prev;
        COPY mrr_months TO '%5$s' (FORMAT parquet);
        """.formatted(history, fx, asOfEnd, asOf.withDayOfMonth(1), output.toAbsolutePath().toString().replace("'", "''"));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      long t0 = System.nanoTime();
      for (String statement : sql.split(";\n")) {
        if (!statement.isBlank()) {
          st.execute(statement);
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Month> out = new HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT workspace_id, month, mrr_usd, movement_type, movement_amount_usd FROM mrr_months")) {
        while (rs.next()) {
          out.put(key(rs.getString(1), rs.getDate(2).toLocalDate()), new Month(rs.getBigDecimal(3), rs.getString(4), rs.getBigDecimal(5)));
        }
      }
      return new Result(out, seconds);
    } catch (SQLException e) {
      throw new LakehouseException(LakehouseException.EXIT_FAILURE, "bench gold: the DuckDB computation failed: " + e.getMessage(), e);
    }
  }

  static String key(String workspaceId, LocalDate month) {
    return workspaceId + "@" + month;
  }

  /**
   * The Parquet files of the table's current version, as a DuckDB list literal (local warehouses
   * only). A version whose files carry deletion vectors (rows a merge replaced) is refused: read as
   * plain Parquet, its replaced rows would count twice.
   */
  private static String files(SparkSession spark, TableCatalog catalog, TableName table) {
    if (io.profitos.lakehouse.core.table.DeltaTables.deletionVectorFiles(spark, catalog.location(table)) > 0) {
      throw LakehouseException.usage("bench gold: " + table + " has files with deletion vectors, which DuckDB's Parquet reader "
          + "does not apply; rewrite them first: REORG TABLE delta.`" + catalog.location(table) + "` APPLY (PURGE).");
    }
    String[] files = spark.read().format("delta").load(catalog.location(table)).inputFiles();
    if (files.length == 0) {
      throw LakehouseException.usage("bench gold: " + table + " has no data files to compare with.");
    }
    return Arrays.stream(files).map(f -> "'" + Path.of(java.net.URI.create(f)).toString().replace("'", "''") + "'")
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Differences between gold's rows and DuckDB's: a missing row, a movement type, or an amount off by half a cent or more. */
  static List<String> differences(List<Row> gold, Map<String, Month> duck) {
    Map<String, Month> spark = new HashMap<>();
    for (Row r : gold) {
      spark.put(key(r.getString(0), r.getDate(1).toLocalDate()), new Month(r.getDecimal(2), r.getString(3), r.getDecimal(4)));
    }
    BigDecimal halfCent = new BigDecimal("0.005");
    List<String> out = new java.util.ArrayList<>();
    for (Map.Entry<String, Month> e : spark.entrySet()) {
      Month d = duck.get(e.getKey());
      Month s = e.getValue();
      if (d == null) {
        out.add(e.getKey() + ": only in gold");
      } else if (!s.movementType().equals(d.movementType()) || s.mrrUsd().subtract(d.mrrUsd()).abs().compareTo(halfCent) >= 0
          || s.movementUsd().subtract(d.movementUsd()).abs().compareTo(halfCent) >= 0) {
        out.add(e.getKey() + ": gold " + s + ", DuckDB " + d);
      }
    }
    duck.keySet().stream().filter(k -> !spark.containsKey(k)).forEach(k -> out.add(k + ": only in DuckDB"));
    return out;
  }
}
