package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.dec;
import static io.profitos.lakehouse.gold.Fixtures.money;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The weekly and rolling definitions of METRICS.md on hand-built rows; expected values worked out in the comments. */
class WeeklyTransformsTest {
  @Test
  void weeklyLogoChurnCountsWorkspacesPayingAtTheStartAndNotAtTheEnd() {
    // Week of 5 January. At its start: w1 100 (Small), w2 300 (Big), w3 0 (not paying). At its end: w1 100,
    // w2 0 (churned), w4 50 (new during the week: not in the base). All: 1 of 2; Big: 1 of 1; Small: 0 of 1.
    Dataset<Row> start = rows("workspace_id string, week_start date, mrr_usd decimal(18,6)",
        new Object[] {"w1", d("2026-01-05"), money("100")}, new Object[] {"w2", d("2026-01-05"), money("300")},
        new Object[] {"w3", d("2026-01-05"), money("0")});
    Dataset<Row> end = rows("workspace_id string, week_start date, mrr_usd decimal(18,6)",
        new Object[] {"w1", d("2026-01-05"), money("100")}, new Object[] {"w2", d("2026-01-05"), money("0")},
        new Object[] {"w4", d("2026-01-05"), money("50")});
    Dataset<Row> weeks = MrrTransforms.weeks(SparkTestSession.get(), LocalDate.parse("2026-01-07"), LocalDate.parse("2026-01-14"));
    assertThat(weeks.count()).isEqualTo(2); // 5 and 12 January; the second is not complete on the 14th
    Dataset<Row> weekly = WeeklyTransforms.saasWeekly(start, end, weeks,
        Segments.from(ConfigFactory.parseString("lakehouse.gold.segments { Big = 250, Small = 0 }")));
    Row all = one(weekly, "segment = 'All'");
    assertThat(all.<Long>getAs("paying_workspaces_at_week_start")).isEqualTo(2L);
    assertThat(all.<Long>getAs("churned_workspaces_in_week")).isEqualTo(1L);
    assertThat(dec(all, "logo_churn_rate_weekly")).isEqualByComparingTo("0.5");
    assertThat(all.<Boolean>getAs("is_complete")).isTrue();
    assertThat(dec(one(weekly, "segment = 'Big'"), "logo_churn_rate_weekly")).isEqualByComparingTo("1");
    assertThat(dec(one(weekly, "segment = 'Small'"), "logo_churn_rate_weekly")).isEqualByComparingTo("0");
    Row first = one(MrrTransforms.weeks(SparkTestSession.get(), LocalDate.parse("2026-01-07"), LocalDate.parse("2026-01-14")),
        "week_start = DATE'2026-01-05'");
    assertThat(first.getTimestamp(first.fieldIndex("start_at")).toInstant()).hasToString("2026-01-05T00:00:00Z");
    assertThat(first.getTimestamp(first.fieldIndex("end_at")).toInstant()).hasToString("2026-01-11T23:59:59Z");
  }

  /**
   * Windows of 2 trailing and 2 baseline weeks (at least 2 closed each), cycle windows of 1 week.
   * Weeks W0 5 Jan: won (10 days), lost; W1 12 Jan: won (20), won (20); W2 19 Jan: lost, lost, won
   * (25); W3 26 Jan: won (30), lost. At W3: trailing W2..W3 = 2 won of 5 = 0.4; baseline W0..W1 = 3
   * of 4 = 0.75; drop 1 - 0.4 / 0.75 = 0.466667. Cycle W3 30, W2 25, W1 20: rises 0.2 and 0.25, the
   * smaller 0.2. At W1 the baseline window is empty: no drop.
   */
  @Test
  void trailingWinRateAgainstItsBaselineAndTheSalesCycleOverConsecutiveWindows() {
    Dataset<Row> opps = rows("rep_segment string, is_closed boolean, is_won boolean, close_date date, sales_cycle_days int",
        new Object[] {"S", true, true, d("2026-01-06"), 10}, new Object[] {"S", true, false, d("2026-01-07"), 12},
        new Object[] {"S", true, true, d("2026-01-13"), 20}, new Object[] {"S", true, true, d("2026-01-14"), 20},
        new Object[] {"S", true, false, d("2026-01-20"), 5}, new Object[] {"S", true, false, d("2026-01-21"), 6},
        new Object[] {"S", true, true, d("2026-01-22"), 25},
        new Object[] {"S", true, true, d("2026-01-27"), 30}, new Object[] {"S", true, false, d("2026-01-28"), 3},
        new Object[] {"S", false, false, null, null});
    Dataset<Row> weeks = MrrTransforms.weeks(SparkTestSession.get(), LocalDate.parse("2026-01-05"), LocalDate.parse("2026-02-01"));
    Dataset<Row> weekly = WeeklyTransforms.salesWeekly(opps, weeks, rows("rep_segment string", new Object[] {"S"}),
        new WeeklyTransforms.SalesWindows(2, 2, 2, 1));
    Row w3 = one(weekly, "week_start = DATE'2026-01-26' AND rep_segment = 'S'");
    assertThat(w3.<Long>getAs("closed_trailing")).isEqualTo(5L);
    assertThat(dec(w3, "win_rate_trailing")).isEqualByComparingTo("0.4");
    assertThat(w3.<Long>getAs("closed_baseline")).isEqualTo(4L);
    assertThat(dec(w3, "win_rate_baseline")).isEqualByComparingTo("0.75");
    assertThat(dec(w3, "win_rate_drop")).isEqualByComparingTo("0.466667");
    assertThat(dec(w3, "sales_cycle_window_days")).isEqualByComparingTo("30");
    assertThat(dec(w3, "sales_cycle_prior_window_days")).isEqualByComparingTo("25");
    assertThat(dec(w3, "sales_cycle_second_prior_window_days")).isEqualByComparingTo("20");
    assertThat(dec(w3, "sales_cycle_rise")).isEqualByComparingTo("0.2");
    Row w1 = one(weekly, "week_start = DATE'2026-01-12' AND rep_segment = 'S'");
    assertThat(w1.isNullAt(w1.fieldIndex("win_rate_drop"))).isTrue();
    assertThat(w1.isNullAt(w1.fieldIndex("sales_cycle_rise"))).as("no window two before W1").isTrue();
    assertThat(dec(one(weekly, "week_start = DATE'2026-01-26' AND rep_segment = 'All'"), "win_rate_drop"))
        .isEqualByComparingTo("0.466667");
    assertThat(weekly.count()).isEqualTo(8); // 4 weeks x (S, All)
  }

  @Test
  void weeklyBreachesAndBlockedPublishesBecomeExceptions() {
    MetricContracts.Contract churn = MetricContracts.from(ConfigFactory.parseString("""
        lakehouse.gold.metrics.logo_churn_rate_weekly {
          title = t, definition = d, table = gold.kpi_saas_weekly, column = logo_churn_rate_weekly, grain = g, unit = ratio,
          sources = [x], owner = "Head of BI", steward = s, refresh = daily, confidence = high, version = 1,
          approved-by = a, effective-date = "2026-01-01"
          thresholds = [{ name = weekly_logo_churn, test = value, above = 0.015, severity = high, action = mitigate }]
        }""")).contracts().get(0);
    Dataset<Row> kpis = rows("week_start date, segment string, is_complete boolean, logo_churn_rate_weekly decimal(12,6)",
        new Object[] {d("2026-01-05"), "All", true, new java.math.BigDecimal("0.020000")},
        new Object[] {d("2026-01-12"), "All", true, new java.math.BigDecimal("0.010000")},
        new Object[] {d("2026-01-19"), "All", false, new java.math.BigDecimal("0.050000")}); // not complete: not judged
    List<Row> breaches = ExceptionTransforms.breaches(kpis, churn, "gold.kpi_saas_weekly", LocalDate.parse("2026-01-01")).collectAsList();
    assertThat(breaches).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("period_grain")).isEqualTo("week");
      assertThat(r.getAs("period").toString()).isEqualTo("2026-01-05");
      assertThat(r.<String>getAs("breakdown")).isEqualTo("segment");
      assertThat(r.<String>getAs("breakdown_value")).isEqualTo("All");
      assertThat(r.<String>getAs("status")).isEqualTo("red");
      assertThat(r.<Double>getAs("value")).isEqualTo(0.02);
    });
    // The newest gate of gold.a blocked its publish; gold.b's newest gate passed (its earlier block is released).
    Dataset<Row> checks = rows("run_id string, checked_at timestamp, run_date date, table_name string, expectation string, "
            + "expectation_type string, severity string, success boolean, overridden boolean, published boolean, message string, "
            + "unexpected_percent double",
        new Object[] {"r1", Fixtures.ts("2026-01-05T07:00:00Z"), d("2026-01-05"), "gold.a", "mrr_continuity", "t", "critical", false, false,
            false, "MRR moved 40%", null},
        new Object[] {"r1", Fixtures.ts("2026-01-05T07:00:00Z"), d("2026-01-05"), "gold.a", "grain", "t", "critical", true, false, false, "ok",
            0.0},
        new Object[] {"r0", Fixtures.ts("2026-01-04T07:00:00Z"), d("2026-01-04"), "gold.b", "x", "t", "critical", false, false, false, "bad",
            null},
        new Object[] {"r1", Fixtures.ts("2026-01-05T07:00:00Z"), d("2026-01-05"), "gold.b", "x", "t", "critical", true, false, true, "ok",
            null});
    List<Row> blocked = ExceptionTransforms.blockedPublishes(checks, "Head of BI").collectAsList();
    assertThat(blocked).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("metric")).isEqualTo("quality_gate");
      assertThat(r.<String>getAs("table_name")).isEqualTo("gold.a");
      assertThat(r.<String>getAs("threshold_name")).isEqualTo("mrr_continuity");
      assertThat(r.<String>getAs("detail")).contains("MRR moved 40%")
          .contains("lakehouse.quality.overrides += { table = gold.a, expectation = mrr_continuity");
    });
  }

  @Test
  void renewalRiskIsTheHighRiskMrrRenewingWithinTheWindowOnTheWeeksNewestScoredDay() {
    org.apache.spark.sql.SparkSession spark = SparkTestSession.get();
    Dataset<Row> weekly = spark.sql("select cast(week_start as date) week_start, segment from values ('2026-11-16', 'All'),"
        + " ('2026-11-16', 'SMB'), ('2026-11-16', 'Enterprise'), ('2026-11-09', 'All'), ('2026-11-09', 'SMB') as t(week_start, segment)");
    Dataset<Row> renewals = spark.sql("select cast(as_of_date as date) as_of_date, segment, cast(mrr_usd as double) mrr_usd, risk_band,"
        + " in_renewal_window from values ('2026-11-18', 'SMB', 100, 'high', true), ('2026-11-18', 'SMB', 50, 'high', false),"
        + " ('2026-11-18', 'Enterprise', 1000, 'medium', true), ('2026-11-18', 'SMB', 30, 'high', true),"
        + " ('2026-11-17', 'SMB', 999, 'high', true) as t(as_of_date, segment, mrr_usd, risk_band, in_renewal_window)");
    java.util.Map<String, java.math.BigDecimal> risk = new java.util.HashMap<>();
    for (Row r : WeeklyTransforms.withRenewalRisk(weekly, renewals).collectAsList()) {
      risk.put(r.getAs("week_start") + " " + r.getAs("segment"), r.getAs("renewal_risk_usd"));
    }
    // 18 November is the week's newest calendar (17 November's 999 is older); 50 renews outside the window; 1000 is medium
    assertThat(risk.get("2026-11-16 SMB")).isEqualByComparingTo("130");
    assertThat(risk.get("2026-11-16 All")).isEqualByComparingTo("130");
    assertThat(risk.get("2026-11-16 Enterprise")).isEqualByComparingTo("0");
    // no calendar that week
    assertThat(risk.get("2026-11-09 All")).isNull();
    // no model has scored yet
    assertThat(WeeklyTransforms.withRenewalRisk(weekly, null).where("renewal_risk_usd IS NOT NULL").count()).isZero();
  }
}
