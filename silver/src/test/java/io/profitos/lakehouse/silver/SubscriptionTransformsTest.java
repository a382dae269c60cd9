package io.profitos.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SubscriptionTransformsTest {
  private final SparkSession spark = SparkTestSession.get();

  /** Bronze-shaped subscription versions from JSON, with lineage in delivery order. */
  private Dataset<Row> bronze(String... json) {
    return spark.read().json(spark.createDataset(List.of(json), Encoders.STRING()))
        .withColumn("_line_number", monotonically_increasing_id())
        .withColumn("_batch_id", lit("b1")).withColumn("_source_file", lit("f")).withColumn("_record_hash", col("id"));
  }

  private static String sub(String id, long updated, String items, String discount, String currency) {
    return "{\"id\":\"" + id + "\",\"customer\":\"cus\",\"status\":\"active\",\"created\":1700000000,\"currency\":\"" + currency
        + "\",\"items\":{\"data\":[" + items + "]},\"discount\":" + discount + ",\"metadata\":{\"workspace_id\":\"w\"},\"updated\":" + updated + "}";
  }

  private static String item(long unitAmount, String interval, int count, long quantity) {
    return "{\"price\":{\"id\":\"p\",\"product\":\"prod\",\"unit_amount\":" + unitAmount + ",\"currency\":\"usd\",\"recurring\":{\"interval\":\""
        + interval + "\",\"interval_count\":" + count + "}},\"quantity\":" + quantity + "}";
  }

  private static final String NONE = "null";

  @Test
  void monthlyAmountNormalisesIntervalsAndSeats() {
    List<Row> rows = SubscriptionTransforms.conform(bronze(
            sub("monthly", 1, item(1400, "month", 1, 3), NONE, "usd"),                                  // 14.00 x 3 = 42.00
            sub("annual", 1, item(120000, "year", 1, 1), NONE, "usd"),                                  // 1200.00 / 12 = 100.00
            sub("quarterly", 1, item(3000, "month", 3, 1), NONE, "usd"),                                // 30.00 / 3 = 10.00
            sub("two_items", 1, item(1000, "month", 1, 2) + "," + item(6000, "year", 1, 1), NONE, "eur"), // 20.00 + 5.00
            sub("weekly", 1, item(300, "week", 1, 2), NONE, "usd"),                                     // 3.00 x 2 x 52 / 12 = 26.00
            sub("daily", 1, item(45, "day", 1, 4), NONE, "usd"),                                        // 0.45 x 4 x 365 / 12 = 54.75
            sub("biweekly", 1, item(1200, "week", 2, 1), NONE, "usd")))                                 // 12.00 x 52 / 24 = 26.00
        .orderBy("subscription_id").collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs("subscription_id") + "=" + r.getDecimal(r.fieldIndex("monthly_amount")).toPlainString())
        .containsExactly("annual=100.000000", "biweekly=26.000000", "daily=54.750000", "monthly=42.000000", "quarterly=10.000000",
            "two_items=25.000000", "weekly=26.000000");
    assertThat(rows.get(5).<String>getAs("currency")).isEqualTo("EUR");
  }

  @Test
  void historyOrdersVersionsByUpdateEvenWhenTheyArriveLate() {
    Dataset<Row> versions = SubscriptionTransforms.conform(bronze(
        sub("s", 100, item(1000, "month", 1, 5), NONE, "usd"),
        sub("s", 300, item(1000, "month", 1, 7), NONE, "usd"),
        sub("s", 300, item(1000, "month", 1, 7), NONE, "usd"),   // delivered twice
        sub("s", 200, item(1000, "month", 1, 6), NONE, "usd"))); // arrived last, belongs in the middle
    List<Row> h = SubscriptionTransforms.history(versions).orderBy("valid_from").collectAsList();
    assertThat(h).extracting(r -> r.getTimestamp(r.fieldIndex("valid_from")).toInstant().getEpochSecond() + ">"
            + (r.isNullAt(r.fieldIndex("valid_to")) ? "null" : String.valueOf(r.getTimestamp(r.fieldIndex("valid_to")).toInstant().getEpochSecond()))
            + ":" + r.getDecimal(r.fieldIndex("monthly_amount")).toPlainString() + ":" + r.<Boolean>getAs("is_current"))
        .containsExactly("100>200:50.000000:false", "200>300:60.000000:false", "300>null:70.000000:true");
  }

  @Test
  void discountsInForceReduceTheNetAmountOnceCouponsDoNot() {
    long t = 1_750_000_000L;
    Dataset<Row> versions = SubscriptionTransforms.conform(bronze(
        sub("forever20", t, item(10000, "month", 1, 1), "{\"coupon\":{\"percent_off\":20,\"duration\":\"forever\"},\"start\":" + (t - 10) + ",\"end\":null}", "usd"),
        sub("once50", t, item(10000, "month", 1, 1), "{\"coupon\":{\"percent_off\":50,\"duration\":\"once\"},\"start\":" + (t - 10) + ",\"end\":null}", "usd"),
        sub("repeating_over", t, item(10000, "month", 1, 1), "{\"coupon\":{\"percent_off\":25,\"duration\":\"repeating\",\"duration_in_months\":3},\"start\":" + (t - 1000) + ",\"end\":" + (t - 1) + "}", "usd"),
        sub("annual_amount_off", t, item(120000, "year", 1, 1), "{\"coupon\":{\"amount_off\":12000,\"duration\":\"forever\"},\"start\":" + (t - 10) + ",\"end\":null}", "usd"),
        sub("weekly_amount_off", t, item(1200, "week", 1, 1), "{\"coupon\":{\"amount_off\":300,\"duration\":\"forever\"},\"start\":" + (t - 10) + ",\"end\":null}", "usd"),
        sub("daily_amount_off", t, item(100, "day", 1, 1), "{\"coupon\":{\"amount_off\":200,\"duration\":\"forever\"},\"start\":" + (t - 10) + ",\"end\":null}", "usd")));
    List<Row> h = SubscriptionTransforms.history(versions).orderBy("subscription_id").collectAsList();
    // 100.00 less 20%; a once coupon never reduces MRR; an expired repeating coupon no longer does;
    // 100.00/month annual less 120.00/year = 10.00/month; weekly 12.00 x 52/12 = 52.00 less 3.00 per week x 52/12 = 13.00: 39.00;
    // daily 1.00 x 365/12 = 30.416667 less 2.00 per day: never below 0.
    assertThat(h).extracting(r -> r.<String>getAs("subscription_id") + "=" + r.getDecimal(r.fieldIndex("monthly_amount_net")).toPlainString())
        .containsExactly("annual_amount_off=90.000000", "daily_amount_off=0.000000", "forever20=80.000000", "once50=100.000000",
            "repeating_over=100.000000", "weekly_amount_off=39.000000");
  }

  @Test
  void usdTakesTheNewestRateOnOrBeforeTheVersionDate() {
    Dataset<Row> history = SubscriptionTransforms.history(SubscriptionTransforms.conform(bronze(
        sub("eur_sunday", 1767484800L, item(10000, "month", 1, 1), NONE, "eur"),   // 2026-01-04, no rate that day
        sub("eur_early", 1735689600L, item(10000, "month", 1, 1), NONE, "eur"),    // 2025-01-01, before the series
        sub("usd", 1767225600L, item(10000, "month", 1, 1), NONE, "usd"),
        sub("chf", 1767225600L, item(10000, "month", 1, 1), NONE, "chf"))));       // no CHF rate at all
    Dataset<Row> fx = spark.createDataFrame(List.of(
            RowFactory.create(java.sql.Date.valueOf("2026-01-01"), "EUR", new java.math.BigDecimal("1.10000000"), false),
            RowFactory.create(java.sql.Date.valueOf("2026-01-02"), "EUR", new java.math.BigDecimal("1.20000000"), false),
            RowFactory.create(java.sql.Date.valueOf("2026-01-05"), "EUR", new java.math.BigDecimal("1.30000000"), false)),
        StructType.fromDDL("date DATE, currency STRING, usd_per_unit DECIMAL(18,8), is_deleted BOOLEAN"));
    List<Row> priced = SubscriptionTransforms.withUsd(history, fx).orderBy("subscription_id").collectAsList();
    assertThat(priced).extracting(r -> r.<String>getAs("subscription_id") + ":"
            + (r.isNullAt(r.fieldIndex("monthly_amount_usd")) ? "null" : r.getDecimal(r.fieldIndex("monthly_amount_usd")).toPlainString())
            + ":" + r.getAs("fx_rate_date"))
        .containsExactly("chf:null:null", "eur_early:110.000000:2026-01-01", "eur_sunday:120.000000:2026-01-02",
            "usd:100.000000:2026-01-01");
  }
}
