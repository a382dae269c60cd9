package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The CRM hygiene rules on hand-built weekly snapshots and opportunities (Q1 2026 ends Tuesday 31 March; weeks start on
 * Mondays); run date Wednesday 1 April. Every expected count is worked out in the comments.
 */
class HygieneTransformsTest {
  private static final ForecastTransforms.Forecast FORECAST =
      new ForecastTransforms.Forecast(List.of("Commit"), List.of("Commit", "Best Case"), List.of(10, 20));
  private static final HygieneTransforms.Hygiene HYGIENE = new HygieneTransforms.Hygiene(90, "Renewal");
  private static final String SNAPSHOT = "week_start date, rep_key bigint, opportunity_id string, forecast_category string, "
      + "close_date date";
  private static final String OPPS = "opportunity_id string, rep_key bigint, opportunity_type string, created_at timestamp, "
      + "is_closed boolean, is_won boolean, close_date date, next_step string, loss_reason string, renewal_date date";

  private static Object[] open(String week, long rep, String id, String category, String close) {
    return new Object[] {d(week), rep, id, category, close == null ? null : d(close)};
  }

  private static Object[] opp(String id, long rep, String type, String created, boolean closed, boolean won, String close,
                              String nextStep, String lossReason, String renewal) {
    return new Object[] {id, rep, type, ts(created), closed, won, d(close), nextStep, lossReason,
        renewal == null ? null : d(renewal)};
  }

  private static Dataset<Row> hygiene() {
    Dataset<Row> snapshots = rows(SNAPSHOT,
        // Week of 23 March (Q1): c1 commit, next step, closes in Q1: fine; c2 commit without a next step closing in Q2:
        // two violations; c3 best case without a next step: not commit, no violation; c4 commit, no close date.
        open("2026-03-23", 1, "c1", "Commit", "2026-03-31"),
        open("2026-03-23", 1, "c2", "Commit", "2026-04-20"),
        open("2026-03-23", 1, "c3", "Best Case", "2026-05-01"),
        open("2026-03-23", 1, "c4", "Commit", null),
        // Week of 30 March: its quarter is Q1 (the quarter of its Monday), seen at the run date; c2 still commit in Q2.
        open("2026-03-30", 1, "c2", "Commit", "2026-04-20"));
    Dataset<Row> opps = rows(OPPS,
        opp("c1", 1, "New Business", "2026-01-05T10:00:00Z", false, false, "2026-03-31", "Send proposal", null, null),
        opp("c2", 1, "New Business", "2026-01-05T10:00:00Z", false, false, "2026-04-20", null, null, null),
        opp("c3", 1, "Expansion", "2026-01-05T10:00:00Z", false, false, "2026-05-01", null, null, null),
        opp("c4", 1, "New Business", "2026-01-05T10:00:00Z", false, false, "2026-06-01", "Legal redlines", null, null),
        // Renewals created in the week of 16 March by rep 2: r1 100 days before its renewal (fine); r2 89 days before
        // (late); r3 exactly 90 days before (fine: "at least 90 days"); r4 without a renewal date.
        opp("r1", 2, "Renewal", "2026-03-16T10:00:00Z", false, false, "2026-06-24", "Send quote", null, "2026-06-24"),
        opp("r2", 2, "Renewal", "2026-03-17T23:00:00Z", false, false, "2026-06-14", "Send quote", null, "2026-06-14"),
        opp("r3", 2, "Renewal", "2026-03-18T10:00:00Z", false, false, "2026-06-16", "Send quote", null, "2026-06-16"),
        opp("r4", 2, "Renewal", "2026-03-19T10:00:00Z", false, false, "2026-06-30", "Send quote", null, null),
        // Lost in the week of 9 March by rep 2: one with a reason, one without; won without a reason: no violation.
        opp("l1", 2, "New Business", "2026-01-05T10:00:00Z", true, false, "2026-03-10", null, "Price", null),
        opp("l2", 2, "New Business", "2026-01-05T10:00:00Z", true, false, "2026-03-15", null, null, null),
        opp("w1", 2, "New Business", "2026-01-05T10:00:00Z", true, true, "2026-03-11", null, null, null));
    Dataset<Row> reps = rows("rep_key bigint, rep_id string, rep_segment string",
        new Object[] {1L, "a", "SMB"}, new Object[] {2L, "b", "Enterprise"}, new Object[] {-1L, "unknown", "unknown"});
    return HygieneTransforms.crmHygieneWeekly(snapshots, opps, reps, FORECAST, HYGIENE, LocalDate.parse("2026-04-01"));
  }

  @Test
  void eachRuleCountsTheOpportunitiesThatBreakIt() {
    Dataset<Row> h = hygiene();
    // Rep a: the week c1-c4 were created (5 January; no snapshot, no renewal, no loss: not a key), 23 and 30 March.
    // Rep b: 5 January (l1, l2, w1 created: not a key either), 9 March (losses), 16 March (renewals).
    assertThat(h.collectAsList()).extracting(r -> r.getAs("rep_id") + "@" + r.getAs("week_start")).containsExactlyInAnyOrder(
        "a@2026-03-23", "a@2026-03-30", "b@2026-03-09", "b@2026-03-16");

    // 23 March, rep a: 4 open, 3 commit (c1, c2, c4); without a next step: c2; outside Q1: c2 (20 April) and c4 (none).
    Row a1 = one(h, "rep_id = 'a' AND week_start = DATE'2026-03-23'");
    assertThat(a1.<Long>getAs("open_opportunities")).isEqualTo(4L);
    assertThat(a1.<Long>getAs("commit_opportunities")).isEqualTo(3L);
    assertThat(a1.<Long>getAs("commit_without_next_step")).isEqualTo(1L);
    assertThat(a1.<Long>getAs("commit_close_outside_quarter")).isEqualTo(2L);
    assertThat(a1.<Long>getAs("violations")).isEqualTo(3L);
    assertThat(a1.<Boolean>getAs("is_complete")).isTrue();
    assertThat(a1.getDate(a1.fieldIndex("quarter")).toString()).isEqualTo("2026-01-01");
    // 30 March: c2 alone, both rule-1 violations; the week has not ended on 1 April.
    Row a2 = one(h, "rep_id = 'a' AND week_start = DATE'2026-03-30'");
    assertThat(a2.<Long>getAs("commit_without_next_step")).isEqualTo(1L);
    assertThat(a2.<Long>getAs("commit_close_outside_quarter")).isEqualTo(1L);
    assertThat(a2.<Long>getAs("violations")).isEqualTo(2L);
    assertThat(a2.<Boolean>getAs("is_complete")).isFalse();

    // 16 March, rep b: 4 renewals; late: r2 (created 17 March, 14 June - 90 days = 16 March, so 1 day late); r3 is
    // created on the 18th for 16 June = 90 days before: not late; r4 has no renewal date. No pipeline snapshot.
    Row b2 = one(h, "rep_id = 'b' AND week_start = DATE'2026-03-16'");
    assertThat(b2.<Long>getAs("renewals_created")).isEqualTo(4L);
    assertThat(b2.<Long>getAs("renewals_created_late")).isEqualTo(1L);
    assertThat(b2.<Long>getAs("renewals_without_renewal_date")).isEqualTo(1L);
    assertThat(b2.<Long>getAs("open_opportunities")).isZero();
    assertThat(b2.<Long>getAs("violations")).isEqualTo(2L);
    assertThat(b2.<String>getAs("rep_segment")).isEqualTo("Enterprise");

    // 9 March, rep b: l1 (10 March) and l2 (15 March) lost, l2 without a reason; w1 was won.
    Row b1 = one(h, "rep_id = 'b' AND week_start = DATE'2026-03-09'");
    assertThat(b1.<Long>getAs("closed_lost")).isEqualTo(2L);
    assertThat(b1.<Long>getAs("closed_lost_without_reason")).isEqualTo(1L);
    assertThat(b1.<Long>getAs("violations")).isEqualTo(1L);
  }

  @Test
  void configurationIsChecked() {
    assertThatThrownBy(() -> new HygieneTransforms.Hygiene(0, "Renewal")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("renewal-lead-days");
  }
}
