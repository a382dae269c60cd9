package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hand-built subscription histories, January to June 2026, one workspace per case; every
 * expected MRR is worked out by hand in the comments (USD unless said).
 */
class MrrTransformsTest {
  private static final SparkSession spark = SparkTestSession.get();
  private static final DataType MONEY = DataTypes.createDecimalType(18, 6);
  private static final StructType ITEM = new StructType().add("price_id", "string").add("product_id", "string")
      .add("unit_amount", MONEY).add("currency", "string").add("interval", "string").add("interval_count", "int")
      .add("quantity", "long");
  private static final StructType HISTORY = new StructType()
      .add("subscription_id", "string").add("workspace_id", "string").add("customer_id", "string").add("status", "string")
      .add("trial_end_at", "timestamp").add("ended_at", "timestamp").add("currency", "string")
      .add("items", DataTypes.createArrayType(ITEM)).add("discount_percent_off", "double").add("discount_amount_off", MONEY)
      .add("discount_duration", "string").add("discount_start_at", "timestamp").add("discount_end_at", "timestamp")
      .add("is_deleted", "boolean").add("valid_from", "timestamp").add("valid_to", "timestamp");
  private static final StructType FX = new StructType().add("date", "date").add("currency", "string")
      .add("usd_per_unit", DataTypes.createDecimalType(18, 8)).add("is_deleted", "boolean");

  private static Map<String, Map<String, BigDecimal>> mrr; // workspace -> month -> mrr
  private static Map<String, Map<String, String>> movement;
  private static Dataset<Row> kpis;

  private static Timestamp ts(String iso) {
    return Timestamp.from(java.time.Instant.parse(iso));
  }

  private static Row item(double unitAmount, String interval, int count, long quantity) {
    return RowFactory.create("price", "prod", BigDecimal.valueOf(unitAmount).setScale(6), "USD", interval, count, quantity);
  }

  /** One version: workspace, subscription, status, valid from, valid to, items; optional fields through {@code extra}. */
  private static Row version(String ws, String sub, String status, String from, String to, List<Row> items, Map<String, Object> extra) {
    return RowFactory.create(sub, ws, "cus_" + ws, status,
        extra.containsKey("trial_end") ? ts((String) extra.get("trial_end")) : null,
        extra.containsKey("ended") ? ts((String) extra.get("ended")) : null,
        extra.getOrDefault("currency", "USD"),
        scala.collection.JavaConverters.asScalaBuffer(items).toSeq(),
        extra.get("percent_off"), extra.containsKey("amount_off") ? new BigDecimal((String) extra.get("amount_off")).setScale(6) : null,
        extra.get("duration"),
        extra.containsKey("discount_start") ? ts((String) extra.get("discount_start")) : null,
        extra.containsKey("discount_end") ? ts((String) extra.get("discount_end")) : null,
        extra.getOrDefault("deleted", false),
        ts(from), to == null ? null : ts(to));
  }

  private static Map<String, Object> with(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @BeforeAll
  static void build() {
    List<Row> h = new ArrayList<>();
    // W1 trial 10-24 Jan, converts to active on 24 Jan: Jan..Jun 100 (new in Jan).
    h.add(version("w1", "s1", "trialing", "2026-01-10T09:00:00Z", "2026-01-24T09:00:00Z", List.of(item(100, "month", 1, 1)),
        with("trial_end", "2026-01-24T09:00:00Z")));
    h.add(version("w1", "s1", "active", "2026-01-24T09:00:00Z", null, List.of(item(100, "month", 1, 1)),
        with("trial_end", "2026-01-24T09:00:00Z")));
    // W2 annual plan 1,200 a year from 2 Feb: Jan 0, Feb..Jun 1200 / 12 = 100 (new in Feb).
    h.add(version("w2", "s2", "active", "2026-02-02T00:00:00Z", null, List.of(item(1200, "year", 1, 1)), with()));
    // W3 seats: 3 x 20 = 60; 5 seats from 5 Mar = 100 (expansion 40); 2 seats from 10 May = 40 (contraction 60).
    h.add(version("w3", "s3", "active", "2025-12-01T00:00:00Z", "2026-03-05T00:00:00Z", List.of(item(20, "month", 1, 3)), with()));
    h.add(version("w3", "s3", "active", "2026-03-05T00:00:00Z", "2026-05-10T00:00:00Z", List.of(item(20, "month", 1, 5)), with()));
    h.add(version("w3", "s3", "active", "2026-05-10T00:00:00Z", null, List.of(item(20, "month", 1, 2)), with()));
    // W4 forever 20% off 50 = 40 every month.
    h.add(version("w4", "s4", "active", "2025-12-01T00:00:00Z", null, List.of(item(50, "month", 1, 1)),
        with("percent_off", 20.0, "duration", "forever", "discount_start", "2025-12-01T00:00:00Z")));
    // W5 once 50% off 80: a once coupon never reduces MRR, 80 every month.
    h.add(version("w5", "s5", "active", "2025-12-01T00:00:00Z", null, List.of(item(80, "month", 1, 1)),
        with("percent_off", 50.0, "duration", "once", "discount_start", "2025-12-01T00:00:00Z")));
    // W6 repeating 25% off 100 from 15 Jan to 15 Mar: Jan 75, Feb 75, Mar..Jun 100 (expansion 25 in Mar).
    h.add(version("w6", "s6", "active", "2026-01-15T00:00:00Z", null, List.of(item(100, "month", 1, 1)),
        with("percent_off", 25.0, "duration", "repeating", "discount_start", "2026-01-15T00:00:00Z",
            "discount_end", "2026-03-15T00:00:00Z")));
    // W7 EUR 100 at the month-end rate (newest on or before the last day): 31 Jan -> 30 Jan 1.10 = 110;
    // 28 Feb -> 27 Feb 1.20 = 120; 31 Mar 1.15 = 115; 30 Apr 1.15 = 115; 31 May -> 29 May 1.10 = 110; 30 Jun 1.05 = 105.
    h.add(version("w7", "s7", "active", "2025-12-01T00:00:00Z", null, List.of(item(100, "month", 1, 1)), with("currency", "EUR")));
    // W8 cancel at period end: canceled on 10 Feb, ends 1 Mar: Jan 100, Feb 100, Mar 0 (churn 100).
    h.add(version("w8", "s8", "active", "2025-12-01T00:00:00Z", "2026-02-10T00:00:00Z", List.of(item(100, "month", 1, 1)), with()));
    h.add(version("w8", "s8", "active", "2026-02-10T00:00:00Z", "2026-03-01T00:00:00Z", List.of(item(100, "month", 1, 1)),
        with("ended", "2026-03-01T00:00:00Z")));
    h.add(version("w8", "s8", "canceled", "2026-03-01T00:00:00Z", null, List.of(item(100, "month", 1, 1)),
        with("ended", "2026-03-01T00:00:00Z")));
    // W9 churns 1 Feb, comes back 5 May after three months at 0: Jan 60, Feb-Apr 0, May 60 (reactivation), Jun 60.
    h.add(version("w9", "s9", "active", "2025-12-01T00:00:00Z", "2026-02-01T00:00:00Z", List.of(item(60, "month", 1, 1)), with()));
    h.add(version("w9", "s9", "canceled", "2026-02-01T00:00:00Z", null, List.of(item(60, "month", 1, 1)),
        with("ended", "2026-02-01T00:00:00Z")));
    h.add(version("w9", "s9b", "active", "2026-05-05T00:00:00Z", null, List.of(item(60, "month", 1, 1)), with()));
    // W10 two subscriptions in one workspace: 30 + 45 = 75 every month.
    h.add(version("w10", "s10a", "active", "2025-12-01T00:00:00Z", null, List.of(item(30, "month", 1, 1)), with()));
    h.add(version("w10", "s10b", "active", "2025-12-01T00:00:00Z", null, List.of(item(45, "month", 1, 1)), with()));
    // W11 deleted customer: Stripe cancels the subscription on 3 Feb: Jan 100, Feb 0 (churn 100).
    h.add(version("w11", "s11", "active", "2025-12-01T00:00:00Z", "2026-02-03T00:00:00Z", List.of(item(100, "month", 1, 1)), with()));
    h.add(version("w11", "s11", "canceled", "2026-02-03T00:00:00Z", null, List.of(item(100, "month", 1, 1)),
        with("ended", "2026-02-03T00:00:00Z")));
    // W12 past_due still pays, unpaid does not: Jan 50, Feb 50 (past_due), Mar 0 (churn 50).
    h.add(version("w12", "s12", "active", "2025-12-01T00:00:00Z", "2026-02-10T00:00:00Z", List.of(item(50, "month", 1, 1)), with()));
    h.add(version("w12", "s12", "past_due", "2026-02-10T00:00:00Z", "2026-03-10T00:00:00Z", List.of(item(50, "month", 1, 1)), with()));
    h.add(version("w12", "s12", "unpaid", "2026-03-10T00:00:00Z", null, List.of(item(50, "month", 1, 1)), with()));
    // A tombstone never counts.
    h.add(version("w13", "s13", "active", "2025-12-01T00:00:00Z", null, List.of(item(999, "month", 1, 1)), with("deleted", true)));

    List<Row> fx = new ArrayList<>();
    Object[][] eur = {{"2026-01-30", "1.10"}, {"2026-02-27", "1.20"}, {"2026-03-31", "1.15"}, {"2026-04-30", "1.15"},
        {"2026-05-29", "1.10"}, {"2026-06-30", "1.05"}, {"2025-12-31", "1.00"}};
    for (Object[] r : eur) {
      fx.add(RowFactory.create(Date.valueOf((String) r[0]), "EUR", new BigDecimal((String) r[1]).setScale(8), false));
    }
    Dataset<Row> history = spark.createDataFrame(h, HISTORY);
    Dataset<Row> months = MrrTransforms.months(spark, YearMonth.of(2026, 1), LocalDate.of(2026, 6, 30));
    Dataset<Row> fact = MrrTransforms.movements(
        MrrTransforms.workspaceMrr(MrrTransforms.subscriptionMrr(history, MrrTransforms.monthEnds(months), spark.createDataFrame(fx, FX)),
            "month"), months,
        Segments.from(ConfigFactory.parseString("lakehouse.gold.segments { Enterprise = 5000, Mid-Market = 1000, SMB = 200, Self-Serve = 0 }")))
        .cache();
    mrr = new HashMap<>();
    movement = new HashMap<>();
    for (Row r : fact.collectAsList()) {
      String m = r.getDate(r.fieldIndex("month")).toLocalDate().toString().substring(0, 7);
      mrr.computeIfAbsent(r.getString(r.fieldIndex("workspace_id")), k -> new HashMap<>()).put(m, r.getDecimal(r.fieldIndex("mrr_usd")));
      movement.computeIfAbsent(r.getString(r.fieldIndex("workspace_id")), k -> new HashMap<>())
          .put(m, r.getString(r.fieldIndex("movement_type")));
    }
    kpis = SaasKpis.monthly(fact).where(col("segment").equalTo(SaasKpis.ALL)).cache();
  }

  private static void assertMrr(String ws, String... byMonth) {
    for (int i = 0; i < byMonth.length; i++) {
      String month = "2026-0" + (i + 1);
      BigDecimal actual = mrr.getOrDefault(ws, Map.of()).getOrDefault(month, BigDecimal.ZERO);
      assertThat(actual).as(ws + " " + month).isEqualByComparingTo(byMonth[i]);
    }
  }

  @Test
  void trialConvertingMidMonthPaysFromTheMonthItConverts() {
    assertMrr("w1", "100", "100", "100", "100", "100", "100");
    assertThat(movement.get("w1").get("2026-01")).isEqualTo("new");
  }

  @Test
  void annualPlanIsATwelfthPerMonth() {
    assertMrr("w2", "0", "100", "100", "100", "100", "100");
    assertThat(movement.get("w2").get("2026-02")).isEqualTo("new");
  }

  @Test
  void seatChangesExpandAndContract() {
    assertMrr("w3", "60", "60", "100", "100", "40", "40");
    assertThat(movement.get("w3").get("2026-03")).isEqualTo("expansion");
    assertThat(movement.get("w3").get("2026-05")).isEqualTo("contraction");
  }

  @Test
  void foreverOnceAndRepeatingCoupons() {
    assertMrr("w4", "40", "40", "40", "40", "40", "40");
    assertMrr("w5", "80", "80", "80", "80", "80", "80");
    assertMrr("w6", "75", "75", "100", "100", "100", "100");
    assertThat(movement.get("w6").get("2026-03")).isEqualTo("expansion");
  }

  @Test
  void euroSubscriptionAtTheMonthEndRate() {
    assertMrr("w7", "110", "120", "115", "115", "110", "105");
    assertThat(movement.get("w7").get("2026-03")).isEqualTo("contraction");
  }

  @Test
  void cancelAtPeriodEndChurnsWhenBillingStops() {
    assertMrr("w8", "100", "100", "0", "0", "0", "0");
    assertThat(movement.get("w8").get("2026-03")).isEqualTo("churn");
  }

  @Test
  void reactivationAfterThreeMonths() {
    assertMrr("w9", "60", "0", "0", "0", "60", "60");
    assertThat(movement.get("w9").get("2026-02")).isEqualTo("churn");
    assertThat(movement.get("w9").get("2026-05")).isEqualTo("reactivation");
  }

  @Test
  void twoSubscriptionsOneWorkspaceDeletedCustomerPastDueAndTombstones() {
    assertMrr("w10", "75", "75", "75", "75", "75", "75");
    assertMrr("w11", "100", "0", "0", "0", "0", "0");
    assertMrr("w12", "50", "50", "0", "0", "0", "0");
    assertThat(mrr).doesNotContainKey("w13");
  }

  @Test
  void monthlyTotalsMovementsAndTheIdentity() {
    // Jan 100+0+60+40+80+75+110+100+60+75+100+50 = 850; Feb 800; Mar 710; Apr 710; May 705; Jun 700.
    // Feb: new 100 (w2), expansion 10 (w7 FX), churn 160 (w9 60, w11 100): 850 + 100 + 10 - 160 = 800.
    // Mar: expansion 65 (w3 40, w6 25), contraction 5 (w7), churn 150 (w8 100, w12 50): 800 + 65 - 5 - 150 = 710.
    // May: reactivation 60 (w9), contraction 65 (w3 60, w7 5): 710 + 60 - 65 = 705.
    Map<String, Row> byMonth = new HashMap<>();
    kpis.collectAsList().forEach(r -> byMonth.put(r.getDate(r.fieldIndex("month")).toString().substring(0, 7), r));
    String[][] expected = {
        {"2026-02", "800", "100", "0", "10", "0", "160", "2"},
        {"2026-03", "710", "0", "0", "65", "5", "150", "2"},
        {"2026-04", "710", "0", "0", "0", "0", "0", "0"},
        {"2026-05", "705", "0", "60", "0", "65", "0", "0"},
        {"2026-06", "700", "0", "0", "0", "5", "0", "0"}};
    assertThat(byMonth.get("2026-01").getDecimal(byMonth.get("2026-01").fieldIndex("mrr_usd"))).isEqualByComparingTo("850");
    for (String[] e : expected) {
      Row r = byMonth.get(e[0]);
      assertThat(r.getDecimal(r.fieldIndex("mrr_usd"))).as(e[0] + " mrr").isEqualByComparingTo(e[1]);
      assertThat(r.getDecimal(r.fieldIndex("new_mrr_usd"))).as(e[0] + " new").isEqualByComparingTo(e[2]);
      assertThat(r.getDecimal(r.fieldIndex("reactivation_mrr_usd"))).as(e[0] + " reactivation").isEqualByComparingTo(e[3]);
      assertThat(r.getDecimal(r.fieldIndex("expansion_mrr_usd"))).as(e[0] + " expansion").isEqualByComparingTo(e[4]);
      assertThat(r.getDecimal(r.fieldIndex("contraction_mrr_usd"))).as(e[0] + " contraction").isEqualByComparingTo(e[5]);
      assertThat(r.getDecimal(r.fieldIndex("churned_mrr_usd"))).as(e[0] + " churn").isEqualByComparingTo(e[6]);
      assertThat(r.getLong(r.fieldIndex("churned_workspaces"))).as(e[0] + " churned workspaces").isEqualTo(Long.parseLong(e[7]));
      BigDecimal identity = r.getDecimal(r.fieldIndex("previous_mrr_usd")).add(r.getDecimal(r.fieldIndex("new_mrr_usd")))
          .add(r.getDecimal(r.fieldIndex("reactivation_mrr_usd"))).add(r.getDecimal(r.fieldIndex("expansion_mrr_usd")))
          .subtract(r.getDecimal(r.fieldIndex("contraction_mrr_usd"))).subtract(r.getDecimal(r.fieldIndex("churned_mrr_usd")));
      assertThat(identity).as(e[0] + " identity").isEqualByComparingTo(r.getDecimal(r.fieldIndex("mrr_usd")));
    }
    // Mar logo churn: w8 and w12 of the 10 workspaces paying in Feb = 0.2; ARPA Mar 710 / 8 = 88.75.
    Row mar = byMonth.get("2026-03");
    assertThat(mar.getDecimal(mar.fieldIndex("logo_churn_rate"))).isEqualByComparingTo("0.2");
    assertThat(mar.getDecimal(mar.fieldIndex("arpa_usd"))).isEqualByComparingTo("88.75");
    assertThat(mar.getLong(mar.fieldIndex("paying_workspaces"))).isEqualTo(8);
  }

  @Test
  void ndrAndGrrTakeTheBaseOfTwelveMonthsBefore() {
    // a: 100 -> 150; b: 200 -> churned in month 6; c starts in month 5 (not in the base).
    // NDR(M12) = (150 + 0) / (100 + 200) = 0.5; GRR = (min(150, 100) + 0) / 300 = 0.333333.
    List<Row> rows = new ArrayList<>();
    StructType schema = new StructType().add("workspace_id", "string").add("month", "date").add("mrr_usd", MONEY);
    for (int m = 0; m <= 12; m++) {
      Date month = Date.valueOf(LocalDate.of(2025, 1, 1).plusMonths(m));
      rows.add(RowFactory.create("a", month, BigDecimal.valueOf(m == 12 ? 150 : 100).setScale(6)));
      if (m < 6) {
        rows.add(RowFactory.create("b", month, BigDecimal.valueOf(200).setScale(6)));
      }
      if (m >= 5) {
        rows.add(RowFactory.create("c", month, BigDecimal.valueOf(300).setScale(6)));
      }
    }
    Dataset<Row> months = MrrTransforms.months(spark, YearMonth.of(2025, 1), LocalDate.of(2026, 1, 31));
    Dataset<Row> fact = MrrTransforms.movements(spark.createDataFrame(rows, schema), months,
        Segments.from(ConfigFactory.parseString("lakehouse.gold.segments { Big = 250, Small = 0 }")));
    Row m12 = SaasKpis.monthly(fact).where(col("segment").equalTo(SaasKpis.ALL).and(col("month").equalTo(Date.valueOf("2026-01-01"))))
        .first();
    assertThat(m12.getDecimal(m12.fieldIndex("ndr_t12m"))).isEqualByComparingTo("0.5");
    assertThat(m12.getDecimal(m12.fieldIndex("grr_t12m"))).isEqualByComparingTo("0.333333");
    // Segments by the month's MRR: c (300) is Big, a (150) is Small; b's churn month keeps the segment it left from (Small).
    Row bigJan = SaasKpis.monthly(fact).where(col("segment").equalTo("Big").and(col("month").equalTo(Date.valueOf("2026-01-01")))).first();
    assertThat(bigJan.getDecimal(bigJan.fieldIndex("mrr_usd"))).isEqualByComparingTo("300");
  }

  private static Map<String, BigDecimal> january(List<Row> versions, List<Row> fx) {
    Dataset<Row> months = MrrTransforms.months(spark, YearMonth.of(2026, 1), LocalDate.of(2026, 1, 31));
    Map<String, BigDecimal> out = new HashMap<>();
    MrrTransforms.workspaceMrr(MrrTransforms.subscriptionMrr(spark.createDataFrame(versions, HISTORY), MrrTransforms.monthEnds(months),
        spark.createDataFrame(fx, FX)), "month").collectAsList()
        .forEach(r -> out.put(r.getString(r.fieldIndex("workspace_id")), r.getDecimal(r.fieldIndex("mrr_usd"))));
    return out;
  }

  @Test
  void everyStripeBillingIntervalAndAmountOffPerBillingPeriod() {
    List<Row> h = new ArrayList<>();
    // Weekly 12.00 a seat x 2 seats: 24 x 52 / 12 = 104.
    h.add(version("weekly", "a", "active", "2025-12-01T00:00:00Z", null, List.of(item(12, "week", 1, 2)), with()));
    // Daily 1.50: 1.5 x 365 / 12 = 45.625.
    h.add(version("daily", "b", "active", "2025-12-01T00:00:00Z", null, List.of(item(1.5, "day", 1, 1)), with()));
    // Quarterly (every 3 months) 300: 100.
    h.add(version("quarterly", "c", "active", "2025-12-01T00:00:00Z", null, List.of(item(300, "month", 3, 1)), with()));
    // Annual 1,200 with 120 off every (annual) invoice: 100 - 10 = 90.
    h.add(version("annual_off", "d", "active", "2025-12-01T00:00:00Z", null, List.of(item(1200, "year", 1, 1)),
        with("amount_off", "120", "duration", "forever", "discount_start", "2025-12-01T00:00:00Z")));
    // Weekly 10 with 3 off every weekly invoice: (10 - 3) x 52 / 12 = 30.333333.
    h.add(version("weekly_off", "e", "active", "2025-12-01T00:00:00Z", null, List.of(item(10, "week", 1, 1)),
        with("amount_off", "3", "duration", "forever", "discount_start", "2025-12-01T00:00:00Z")));
    // Every 2 years 2,400: 100; an amount off larger than the charge never makes MRR negative.
    h.add(version("biennial", "f", "active", "2025-12-01T00:00:00Z", null, List.of(item(2400, "year", 2, 1)), with()));
    h.add(version("over_off", "g", "active", "2025-12-01T00:00:00Z", null, List.of(item(5, "month", 1, 1)),
        with("amount_off", "20", "duration", "forever", "discount_start", "2025-12-01T00:00:00Z")));
    Map<String, BigDecimal> jan = january(h, List.of());
    assertThat(jan.get("weekly")).isEqualByComparingTo("104");
    assertThat(jan.get("daily")).isEqualByComparingTo("45.625");
    assertThat(jan.get("quarterly")).isEqualByComparingTo("100");
    assertThat(jan.get("annual_off")).isEqualByComparingTo("90");
    assertThat(jan.get("weekly_off")).isEqualByComparingTo("30.333333");
    assertThat(jan.get("biennial")).isEqualByComparingTo("100");
    assertThat(jan.get("over_off")).isEqualByComparingTo("0");
  }

  /**
   * Segments Big >= 250, Small below. January: x 300 (Big), y 100 and z 200 (Small). February: x
   * 200 (contracts into Small), y 0 (churns), z 260 (expands into Big), n 50 (new, Small).
   * Rates take the segment at the start: Big's base is x (300): contraction 100, gross churn
   * 100 / 300, logo churn 0 / 1. Small's base is y + z (300): churn 100 and expansion 60, gross
   * 100 / 300, net (100 - 60) / 300 = 0.133333, logo churn 1 / 2. New MRR counts where it lands:
   * Small 50. Ending MRR by February's segment: Big 260 (z), Small 250 (x + n).
   */
  @Test
  void perSegmentRatesUseTheSegmentAtTheStartOfThePeriod() {
    List<Row> rows = new ArrayList<>();
    StructType schema = new StructType().add("workspace_id", "string").add("month", "date").add("mrr_usd", MONEY);
    Date jan = Date.valueOf("2026-01-01");
    Date feb = Date.valueOf("2026-02-01");
    for (Object[] r : new Object[][] {{"x", jan, 300}, {"y", jan, 100}, {"z", jan, 200}, {"x", feb, 200}, {"z", feb, 260},
        {"n", feb, 50}}) {
      rows.add(RowFactory.create(r[0], r[1], BigDecimal.valueOf((Integer) r[2]).setScale(6)));
    }
    Dataset<Row> months = MrrTransforms.months(spark, YearMonth.of(2026, 1), LocalDate.of(2026, 2, 28));
    Dataset<Row> fact = MrrTransforms.movements(spark.createDataFrame(rows, schema), months,
        Segments.from(ConfigFactory.parseString("lakehouse.gold.segments { Big = 250, Small = 0 }")));
    Map<String, Row> bySegment = new HashMap<>();
    SaasKpis.monthly(fact).where(col("month").equalTo(feb)).collectAsList().forEach(r -> bySegment.put(r.getString(1), r));
    Row big = bySegment.get("Big");
    Row small = bySegment.get("Small");
    Row all = bySegment.get(SaasKpis.ALL);
    assertThat(big.getDecimal(big.fieldIndex("mrr_usd"))).isEqualByComparingTo("260");
    assertThat(big.getDecimal(big.fieldIndex("previous_mrr_usd"))).isEqualByComparingTo("300");
    assertThat(big.getDecimal(big.fieldIndex("contraction_mrr_usd"))).isEqualByComparingTo("100");
    assertThat(big.getDecimal(big.fieldIndex("gross_mrr_churn_rate"))).isEqualByComparingTo("0.333333");
    assertThat(big.getDecimal(big.fieldIndex("logo_churn_rate"))).isEqualByComparingTo("0");
    assertThat(small.getDecimal(small.fieldIndex("mrr_usd"))).isEqualByComparingTo("250");
    assertThat(small.getDecimal(small.fieldIndex("previous_mrr_usd"))).isEqualByComparingTo("300");
    assertThat(small.getDecimal(small.fieldIndex("new_mrr_usd"))).isEqualByComparingTo("50");
    assertThat(small.getDecimal(small.fieldIndex("expansion_mrr_usd"))).isEqualByComparingTo("60");
    assertThat(small.getDecimal(small.fieldIndex("churned_mrr_usd"))).isEqualByComparingTo("100");
    assertThat(small.getDecimal(small.fieldIndex("gross_mrr_churn_rate"))).isEqualByComparingTo("0.333333");
    assertThat(small.getDecimal(small.fieldIndex("net_mrr_churn_rate"))).isEqualByComparingTo("0.133333");
    assertThat(small.getDecimal(small.fieldIndex("logo_churn_rate"))).isEqualByComparingTo("0.5");
    assertThat(small.getLong(small.fieldIndex("previous_paying_workspaces"))).isEqualTo(2);
    // All: 600 + 50 new + 60 expansion - 100 contraction - 100 churn = 510.
    assertThat(all.getDecimal(all.fieldIndex("mrr_usd"))).isEqualByComparingTo("510");
    assertThat(all.getDecimal(all.fieldIndex("previous_mrr_usd"))).isEqualByComparingTo("600");
  }

  /**
   * Continuing a published fact from April: the months before are carried, not recomputed. a paid
   * in January only, so April is a reactivation (paid two months or more before); e paid only in
   * March (the carried month), so its April is a churn of 100 and its May a reactivation; c
   * churns in April from the carried 200; d is new in May. By hand, and equal to the movements of
   * the whole history in those months.
   */
  @Test
  void movementsFromAMonthContinueTheEarlierMonthsLikeTheWholeHistory() {
    StructType schema = new StructType().add("workspace_id", "string").add("month", "date").add("mrr_usd", MONEY);
    Object[][] byMonth = {
        {"a", 100, 0, 0, 50, 50, 50}, {"b", 100, 100, 0, 0, 80, 80}, {"c", null, null, 200, 0, 0, 200},
        {"d", null, null, null, null, 300, 0}, {"e", null, null, 100, 0, 100, 100}, {"f", null, 100, 100, 100, 100, 120}};
    List<Row> rows = new ArrayList<>();
    for (Object[] w : byMonth) {
      for (int m = 1; m <= 6; m++) {
        if (w[m] != null) {
          rows.add(RowFactory.create(w[0], Date.valueOf(LocalDate.of(2026, m, 1)), BigDecimal.valueOf((Integer) w[m]).setScale(6)));
        }
      }
    }
    Dataset<Row> mrr = spark.createDataFrame(rows, schema);
    Segments segments = Segments.from(ConfigFactory.parseString("lakehouse.gold.segments { Big = 250, Small = 0 }"));
    Date april = Date.valueOf("2026-04-01");
    Dataset<Row> earlier = MrrTransforms.movements(mrr.where(col("month").lt(april)),
        MrrTransforms.months(spark, YearMonth.of(2026, 1), LocalDate.of(2026, 3, 31)), segments).select("workspace_id", "month", "mrr_usd");
    Dataset<Row> continued = MrrTransforms.movements(mrr.where(col("month").geq(april)),
        MrrTransforms.months(spark, YearMonth.of(2026, 4), LocalDate.of(2026, 6, 30)), segments, earlier).cache();

    Map<String, String> actual = new HashMap<>();
    continued.collectAsList().forEach(r -> actual.put(r.getString(r.fieldIndex("workspace_id")) + "@" + r.getDate(r.fieldIndex("month"))
        .toLocalDate().getMonthValue(), r.getString(r.fieldIndex("movement_type")) + " from "
        + r.getDecimal(r.fieldIndex("previous_mrr_usd")).stripTrailingZeros().toPlainString()));
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("a@4", "reactivation from 0"), Map.entry("a@5", "retained from 50"), Map.entry("a@6", "retained from 50"),
        Map.entry("b@4", "inactive from 0"), Map.entry("b@5", "reactivation from 0"), Map.entry("b@6", "retained from 80"),
        Map.entry("c@4", "churn from 200"), Map.entry("c@5", "inactive from 0"), Map.entry("c@6", "reactivation from 0"),
        Map.entry("d@5", "new from 0"), Map.entry("d@6", "churn from 300"),
        Map.entry("e@4", "churn from 100"), Map.entry("e@5", "reactivation from 0"), Map.entry("e@6", "retained from 100"),
        Map.entry("f@4", "retained from 100"), Map.entry("f@5", "retained from 100"), Map.entry("f@6", "expansion from 100")));

    Dataset<Row> whole = MrrTransforms.movements(mrr, MrrTransforms.months(spark, YearMonth.of(2026, 1), LocalDate.of(2026, 6, 30)),
        segments).where(col("month").geq(april));
    assertThat(continued.exceptAll(whole).count()).isZero();
    assertThat(whole.exceptAll(continued).count()).isZero();
  }
}
