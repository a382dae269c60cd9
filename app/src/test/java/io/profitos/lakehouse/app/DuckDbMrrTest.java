package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench gold's DuckDB peer on a hand-made silver history, against MRR worked out by hand. */
class DuckDbMrrTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  private static final String ITEM = "named_struct('unit_amount', CAST(%s AS DECIMAL(18, 6)), 'interval', '%s', "
      + "'interval_count', %d, 'quantity', CAST(%d AS BIGINT))";

  private static String version(String sub, String workspace, String status, String item, String currency, String endedAt,
      String percentOff, String from, String to) {
    return "('" + sub + "', '" + workspace + "', '" + status + "', array(" + item + "), CAST(NULL AS TIMESTAMP), " + endedAt + ", '"
        + currency + "', CAST(" + percentOff + " AS DOUBLE), CAST(NULL AS DECIMAL(18, 6)), " + (percentOff.equals("NULL") ? "NULL" : "'forever'")
        + ", CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), TIMESTAMP'" + from + "', " + (to == null ? "CAST(NULL AS TIMESTAMP)" : "TIMESTAMP'" + to + "'")
        + ", false)";
  }

  @Test
  void computesMonthEndMrrAndMovementsFromTheSilverFiles() {
    TableCatalog catalog = new TableCatalog(dir.resolve("warehouse").toString());
    String rows = String.join(", ",
        // w1: 2 seats at 100 USD a month, 3 seats from 10 February.
        version("s1", "w1", "active", ITEM.formatted("100", "month", 1, 2), "USD", "CAST(NULL AS TIMESTAMP)", "NULL",
            "2026-01-15 00:00:00", "2026-02-10 00:00:00"),
        version("s1", "w1", "active", ITEM.formatted("100", "month", 1, 3), "USD", "CAST(NULL AS TIMESTAMP)", "NULL",
            "2026-02-10 00:00:00", null),
        // w2: 1200 EUR a year (100 EUR a month), canceled and ended on 20 February.
        version("s2", "w2", "active", ITEM.formatted("1200", "year", 1, 1), "EUR", "CAST(NULL AS TIMESTAMP)", "NULL",
            "2026-01-05 00:00:00", "2026-02-20 00:00:00"),
        version("s2", "w2", "canceled", ITEM.formatted("1200", "year", 1, 1), "EUR", "TIMESTAMP'2026-02-20 00:00:00'", "NULL",
            "2026-02-20 00:00:00", null),
        // w3: 10 USD a week (10 x 52 / 12 = 43.333333 a month) at 50% off forever: 21.666667.
        version("s3", "w3", "active", ITEM.formatted("10", "week", 1, 1), "USD", "CAST(NULL AS TIMESTAMP)", "50",
            "2026-01-20 00:00:00", null));
    spark.sql("SELECT * FROM VALUES " + rows + " AS t(subscription_id, workspace_id, status, items, trial_end_at, ended_at, currency, "
            + "discount_percent_off, discount_amount_off, discount_duration, discount_start_at, discount_end_at, valid_from, valid_to, "
            + "is_deleted)")
        .write().format("delta").save(catalog.location(DuckDbMrr.HISTORY));
    spark.sql("SELECT * FROM VALUES (DATE'2026-01-01', 'EUR', CAST(1.10 AS DECIMAL(18, 8)), false), "
            + "(DATE'2026-02-01', 'EUR', CAST(1.20 AS DECIMAL(18, 8)), false) AS t(date, currency, usd_per_unit, is_deleted)")
        .write().format("delta").save(catalog.location(DuckDbMrr.FX));

    DuckDbMrr.Result result = DuckDbMrr.compute(spark, catalog, LocalDate.of(2026, 2, 25), dir.resolve("mrr.parquet"));

    Map<String, DuckDbMrr.Month> m = result.byWorkspaceMonth();
    assertThat(m).hasSize(6);
    assertMonth(m, "w1@2026-01-01", "200.000000", "new", "200.000000");
    assertMonth(m, "w1@2026-02-01", "300.000000", "expansion", "100.000000");
    // January's end uses January's rate (1.10); by 25 February s2 has ended.
    assertMonth(m, "w2@2026-01-01", "110.000000", "new", "110.000000");
    assertMonth(m, "w2@2026-02-01", "0.000000", "churn", "-110.000000");
    assertMonth(m, "w3@2026-01-01", "21.666667", "new", "21.666667");
    assertMonth(m, "w3@2026-02-01", "21.666667", "retained", "0.000000");
    assertThat(dir.resolve("mrr.parquet")).exists();

    // Gold's rows compared: equal within half a cent, a different movement or amount is reported, as is a missing row.
    List<Row> gold = List.of(
        goldRow("w1", "2026-01-01", "200.004", "new", "200.004"),
        goldRow("w1", "2026-02-01", "300", "retained", "100"),
        goldRow("w2", "2026-01-01", "110.01", "new", "110.01"),
        goldRow("w2", "2026-02-01", "0", "churn", "-110"),
        goldRow("w3", "2026-01-01", "21.666667", "new", "21.666667"),
        goldRow("w9", "2026-01-01", "5", "new", "5"));
    assertThat(DuckDbMrr.differences(gold, m)).hasSize(4)
        .anyMatch(d -> d.startsWith("w1@2026-02-01: gold"))
        .anyMatch(d -> d.startsWith("w2@2026-01-01: gold"))
        .contains("w9@2026-01-01: only in gold", "w3@2026-02-01: only in DuckDB");
  }

  private static Row goldRow(String workspace, String month, String mrr, String type, String movement) {
    return RowFactory.create(workspace, Date.valueOf(month), new BigDecimal(mrr), type, new BigDecimal(movement));
  }

  private static void assertMonth(Map<String, DuckDbMrr.Month> m, String key, String mrr, String type, String movement) {
    DuckDbMrr.Month month = m.get(key);
    assertThat(month).as(key).isNotNull();
    assertThat(month.mrrUsd()).as(key).isEqualByComparingTo(mrr);
    assertThat(month.movementType()).as(key).isEqualTo(type);
    assertThat(month.movementUsd()).as(key).isEqualByComparingTo(movement);
  }
}
