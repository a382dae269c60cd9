package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.dec;
import static io.profitos.lakehouse.gold.Fixtures.money;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The weekly forecast on hand-built snapshots (Q1 2026 ends Tuesday 31 March; weeks start on Mondays) and opportunities;
 * run date Friday 10 April. Every expected value is worked out in the comments.
 */
class ForecastTransformsTest {
  private static final ForecastTransforms.Forecast FORECAST =
      new ForecastTransforms.Forecast(List.of("Commit"), List.of("Commit", "Best Case"), List.of(10, 20));
  private static final String SNAPSHOT = "week_start date, rep_key bigint, opportunity_id string, forecast_category string, "
      + "amount_usd decimal(18,6), close_date date";
  private static final String OPPS = "opportunity_id string, rep_key bigint, created_at timestamp, is_closed boolean, is_won boolean, "
      + "close_date date, amount_usd decimal(18,6), discount_percent double";

  private static Object[] open(String week, long rep, String id, String category, String usd, String close) {
    return new Object[] {d(week), rep, id, category, money(usd), d(close)};
  }

  private static Dataset<Row> forecast() {
    Dataset<Row> snapshots = rows(SNAPSHOT,
        open("2026-03-02", 1, "p1", "Commit", "1000", "2026-03-20"),
        open("2026-03-02", 1, "p2", "Best Case", "500", "2026-03-25"),
        open("2026-03-02", 1, "p3", "Pipeline", "700", "2026-05-10"),
        open("2026-03-02", 1, "p4", "Commit", "300", "2026-02-20"),   // its close date is already in the past
        // p1 is pushed out of Q1 (20 March -> 15 April) during the week of 9 March; p4 was won on 10 March.
        open("2026-03-09", 1, "p1", "Commit", "1000", "2026-04-15"),
        open("2026-03-09", 1, "p2", "Best Case", "500", "2026-03-25"),
        open("2026-03-09", 1, "p3", "Pipeline", "700", "2026-05-10"),
        open("2026-03-30", 1, "p1", "Commit", "1000", "2026-04-15"),
        open("2026-03-30", 1, "p3", "Pipeline", "700", "2026-05-10"),
        // ... and pushed out a second time, out of Q2 (15 April -> 10 July), during the week of 6 April.
        open("2026-04-06", 1, "p1", "Commit", "1000", "2026-07-10"),
        open("2026-04-06", 1, "p3", "Pipeline", "700", "2026-05-10"));
    Dataset<Row> opps = rows(OPPS,
        new Object[] {"p1", 1L, ts("2026-01-06T10:00:00Z"), false, false, d("2026-07-10"), money("1000"), null},
        new Object[] {"p2", 1L, ts("2026-01-06T10:00:00Z"), true, true, d("2026-03-25"), money("500"), 12.0},
        new Object[] {"p3", 1L, ts("2026-01-06T10:00:00Z"), false, false, d("2026-05-10"), money("700"), null},
        new Object[] {"p4", 1L, ts("2026-01-06T10:00:00Z"), true, true, d("2026-03-10"), money("300"), 5.0},
        new Object[] {"p5", 2L, ts("2026-03-04T10:00:00Z"), true, false, d("2026-03-12"), money("2000"), 25.0});
    Dataset<Row> reps = rows("rep_key bigint, rep_id string, rep_segment string",
        new Object[] {1L, "r1", "SMB"}, new Object[] {2L, "r2", "Enterprise"}, new Object[] {-1L, "unknown", "unknown"});
    return ForecastTransforms.forecastWeekly(snapshots, opps, reps, FORECAST, LocalDate.parse("2026-04-10"));
  }

  @Test
  void commitAgainstBookingsSlippageAndHygienePerWeekAndRep() {
    Dataset<Row> f = forecast();
    // r1: the week it created p1-p4 (5 January), 2 and 9 March, 23 March (p2 won), 30 March, 6 April;
    // r2: 2 March (p5 created) and 9 March (p5 lost).
    assertThat(f.collectAsList()).extracting(r -> r.getAs("rep_id") + "@" + r.getAs("week_start")).containsExactlyInAnyOrder(
        "r1@2026-01-05", "r1@2026-03-02", "r1@2026-03-09", "r1@2026-03-23", "r1@2026-03-30", "r1@2026-04-06",
        "r2@2026-03-02", "r2@2026-03-09");

    // Week of 2 March, r1: 4 open (2500); commit in Q1 = p1 1000 + p4 300 = 1300; best case adds p2: 1800.
    // After the week (9-31 March) r1 won p4 (300) and p2 (500): 800 / 1300 = 0.615385. p4 closes 20 Feb, before 8 March.
    Row w1 = one(f, "rep_id = 'r1' AND week_start = DATE'2026-03-02'");
    assertThat(w1.<Long>getAs("open_opportunities")).isEqualTo(4L);
    assertThat(dec(w1, "pipeline_usd")).isEqualByComparingTo("2500");
    assertThat(dec(w1, "commit_pipeline_usd")).isEqualByComparingTo("1300");
    assertThat(dec(w1, "best_case_pipeline_usd")).isEqualByComparingTo("1800");
    assertThat(dec(w1, "bookings_after_week_usd")).isEqualByComparingTo("800");
    assertThat(dec(w1, "forecast_accuracy")).isEqualByComparingTo("0.615385");
    assertThat(w1.<Long>getAs("past_due_opportunities")).isEqualTo(1L);
    assertThat(dec(w1, "past_due_usd")).isEqualByComparingTo("300");
    assertThat(w1.<Long>getAs("slipped_opportunities")).isZero();
    assertThat(w1.getDate(w1.fieldIndex("quarter")).toString()).isEqualTo("2026-01-01");

    // Week of 9 March: p1 slipped out of Q1 (1000); commit in Q1 is now 0, so accuracy has no denominator.
    // p4 won on 10 March at 5% discount: band 0-10 won 1 of 1.
    Row w2 = one(f, "rep_id = 'r1' AND week_start = DATE'2026-03-09'");
    assertThat(w2.<Long>getAs("slipped_opportunities")).isEqualTo(1L);
    assertThat(dec(w2, "slipped_usd")).isEqualByComparingTo("1000");
    assertThat(dec(w2, "commit_pipeline_usd")).isEqualByComparingTo("0");
    assertThat(dec(w2, "best_case_pipeline_usd")).isEqualByComparingTo("500");
    assertThat(w2.isNullAt(w2.fieldIndex("forecast_accuracy"))).isTrue();
    Map<String, BigDecimal> bands = w2.getJavaMap(w2.fieldIndex("win_rate_by_discount_band"));
    assertThat(bands).containsOnlyKeys("0-10");
    assertThat(bands.get("0-10")).isEqualByComparingTo("1");

    // Week of 30 March: p1 already closes after Q1 the week before: not a new slip.
    assertThat(one(f, "rep_id = 'r1' AND week_start = DATE'2026-03-30'").<Long>getAs("slipped_opportunities")).isZero();
    // Week of 6 April (Q2): p1 pushed out again, 15 April -> 10 July: the second slip. Q2 has not ended: no accuracy yet.
    Row w4 = one(f, "rep_id = 'r1' AND week_start = DATE'2026-04-06'");
    assertThat(w4.<Long>getAs("slipped_opportunities")).isEqualTo(1L);
    assertThat(w4.isNullAt(w4.fieldIndex("forecast_accuracy"))).isTrue();
    assertThat(w4.<Boolean>getAs("is_complete")).isFalse();
    assertThat(dec(w4, "pipeline_usd")).isEqualByComparingTo("1700");

    // New pipeline: r1 created p1-p4 in the week of 5 January (2500); r2 created p5 (2000) on 4 March.
    Row created = one(f, "rep_id = 'r1' AND week_start = DATE'2026-01-05'");
    assertThat(created.<Long>getAs("new_opportunities")).isEqualTo(4L);
    assertThat(dec(created, "new_pipeline_usd")).isEqualByComparingTo("2500");
    Row r2 = one(f, "rep_id = 'r2' AND week_start = DATE'2026-03-02'");
    assertThat(dec(r2, "new_pipeline_usd")).isEqualByComparingTo("2000");
    assertThat(r2.<String>getAs("rep_segment")).isEqualTo("Enterprise");
    // p5 lost on 12 March at 25%: band 20+ won 0 of 1. p2 won on 25 March at 12%: band 10-20.
    Row lost = one(f, "rep_id = 'r2' AND week_start = DATE'2026-03-09'");
    assertThat(lost.<String, BigDecimal>getJavaMap(lost.fieldIndex("win_rate_by_discount_band")).get("20+")).isEqualByComparingTo("0");
    Row won = one(f, "rep_id = 'r1' AND week_start = DATE'2026-03-23'");
    assertThat(won.<String, BigDecimal>getJavaMap(won.fieldIndex("win_rate_by_discount_band")).get("10-20")).isEqualByComparingTo("1");
  }

  @Test
  void configurationIsChecked() {
    assertThat(FORECAST.bandNames()).containsExactly("0-10", "10-20", "20+");
    assertThatThrownBy(() -> new ForecastTransforms.Forecast(List.of("Commit"), List.of("Best Case"), List.of(10)))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("best-case");
    assertThatThrownBy(() -> new ForecastTransforms.Forecast(List.of("Commit"), List.of("Commit"), List.of(20, 10)))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("discount-bands");
  }
}
