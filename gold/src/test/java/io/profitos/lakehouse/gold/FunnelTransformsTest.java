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
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The signup funnel on hand-built workspaces, events and MRR; every expected count is worked out in the comments. */
class FunnelTransformsTest {
  private static final FunnelTransforms.Funnel FUNNEL = new FunnelTransforms.Funnel(14, 3, 90, 12);
  private static final String DIM = "workspace_key bigint, workspace_id string, plan string, created_at timestamp, signup_month date, "
      + "is_current boolean";
  private static final String EVENTS = "workspace_id string, event_date date, user_id string, feature string, is_activity boolean, "
      + "is_deleted boolean";
  private static final String MRR = "workspace_id string, month date, mrr_usd decimal(18,6), movement_type string";

  private static Object[] ws(long key, String id, String plan, String created) {
    return new Object[] {key, id, plan, ts(created + "T09:00:00Z"), d(created.substring(0, 8) + "01"), true};
  }

  private static Object[] ev(String ws, String day, String feature) {
    return new Object[] {ws, d(day), ws + "-u1", feature, true, false};
  }

  private static Dataset<Row> funnel(LocalDate runDate) {
    Dataset<Row> dim = rows(DIM,
        ws(-1, "unknown", null, "1970-01-01"),
        ws(1, "b1", "pro", "2026-02-20"),   // February: before the events begin (1 March): activation unobservable
        ws(2, "a1", "pro", "2026-03-02"),
        ws(3, "a2", "pro", "2026-03-05"),
        ws(4, "a3", "team", "2026-03-20"),
        ws(5, "a4", "pro", "2026-03-25"),
        ws(6, "a5", "free", "2026-03-10"),  // only ever free: not a signup of the funnel
        ws(7, "c1", "pro", "2026-04-10"),
        ws(8, "d1", "pro", "2026-09-25"),   // its 14 days end 8 October, after the run date
        ws(9, "e1", "pro", "2026-10-05"));  // after the run date
    Dataset<Row> events = rows(EVENTS,
        ev("b1", "2026-03-01", "f1"),
        // a1: f1, f2, f3 within 2-15 March (day 14 included): activated.
        ev("a1", "2026-03-02", "f1"), ev("a1", "2026-03-10", "f2"), ev("a1", "2026-03-15", "f3"),
        // a2: f1, f2 in its window; f3 on 19 March is day 15; a session event and a deleted event do not count.
        ev("a2", "2026-03-06", "f1"), ev("a2", "2026-03-06", "f2"), ev("a2", "2026-03-19", "f3"),
        new Object[] {"a2", d("2026-03-07"), "a2-u1", "f8", false, false}, new Object[] {"a2", d("2026-03-07"), "a2-u1", "f9", true, true},
        // a3 and a4: four and three features on their first days: activated.
        ev("a3", "2026-03-21", "f1"), ev("a3", "2026-03-21", "f2"), ev("a3", "2026-03-21", "f3"), ev("a3", "2026-03-22", "f4"),
        ev("a4", "2026-03-25", "f1"), ev("a4", "2026-03-26", "f2"), ev("a4", "2026-04-07", "f3"),
        // c1: one feature, used twice: not activated.
        ev("c1", "2026-04-10", "f1"), ev("c1", "2026-04-11", "f1"));
    Dataset<Row> mrr = rows(MRR,
        // a1 pays at the end of April (within 90 days of 2 March: by 31 May) and expands in July (within 12 months).
        new Object[] {"a1", d("2026-04-01"), money("100"), "new"}, new Object[] {"a1", d("2026-05-01"), money("100"), "retained"},
        new Object[] {"a1", d("2026-07-01"), money("150"), "expansion"},
        // a2 pays in April but was never activated: not counted past activation.
        new Object[] {"a2", d("2026-04-01"), money("80"), "new"}, new Object[] {"a2", d("2026-05-01"), money("120"), "expansion"},
        // a3 pays first at the end of July: 20 March + 90 days = 18 June, too late.
        new Object[] {"a3", d("2026-07-01"), money("50"), "new"},
        // a4 pays at the end of March; its expansion at the end of May 2027 is past 12 months of 31 March 2026.
        new Object[] {"a4", d("2026-03-01"), money("40"), "new"}, new Object[] {"a4", d("2027-05-01"), money("60"), "expansion"},
        new Object[] {"c1", d("2026-05-01"), money("30"), "new"});
    return FunnelTransforms.funnelMonthly(dim, events, mrr, List.of("free"), FUNNEL, runDate);
  }

  @Test
  void eachStepCountsTheWorkspacesThatReachedTheStepBefore() {
    Dataset<Row> f = funnel(LocalDate.parse("2026-09-30"));
    assertThat(f.select("cohort_month").collectAsList()).extracting(r -> r.getDate(0).toString())
        .containsExactly("2026-02-01", "2026-03-01", "2026-04-01", "2026-09-01");

    // March: signups a1, a2, a3, a4 (a5 is free); activated a1, a3, a4; converted a1, a4; expanded a1.
    Row march = one(f, "cohort_month = DATE'2026-03-01'");
    assertThat(march.<Long>getAs("signups")).isEqualTo(4L);
    assertThat(march.<Long>getAs("activated_workspaces")).isEqualTo(3L);
    assertThat(dec(march, "activation_rate")).isEqualByComparingTo("0.75");
    assertThat(march.<Long>getAs("converted_workspaces")).isEqualTo(2L);
    assertThat(dec(march, "conversion_rate")).isEqualByComparingTo("0.666667");
    assertThat(march.<Long>getAs("expanded_workspaces")).isEqualTo(1L);
    assertThat(dec(march, "expansion_rate")).isEqualByComparingTo("0.5");
    // Its last window (31 March + 90 days + 12 months = 29 June 2027) has not ended.
    assertThat(march.<Boolean>getAs("is_complete")).isFalse();

    // April: a cohort with no activation. Its later steps are 0 and their rates have no denominator.
    Row april = one(f, "cohort_month = DATE'2026-04-01'");
    assertThat(april.<Long>getAs("signups")).isEqualTo(1L);
    assertThat(april.<Long>getAs("activated_workspaces")).isZero();
    assertThat(dec(april, "activation_rate")).isEqualByComparingTo("0");
    assertThat(april.<Long>getAs("converted_workspaces")).isZero();
    assertThat(april.isNullAt(april.fieldIndex("conversion_rate"))).isTrue();
    assertThat(april.isNullAt(april.fieldIndex("expansion_rate"))).isTrue();

    // February (signed up before the events begin) and September (window still open): counted, not measured.
    for (String month : List.of("2026-02-01", "2026-09-01")) {
      Row r = one(f, "cohort_month = DATE'" + month + "'");
      assertThat(r.<Long>getAs("signups")).isEqualTo(1L);
      for (String c : List.of("activated_workspaces", "activation_rate", "converted_workspaces", "conversion_rate",
          "expanded_workspaces", "expansion_rate")) {
        assertThat(r.isNullAt(r.fieldIndex(c))).as(month + " " + c).isTrue();
      }
    }
  }

  @Test
  void aCohortIsCompleteOnceItsLastWindowHasEnded() {
    Dataset<Row> later = funnel(LocalDate.parse("2027-12-31"));
    Row march = one(later, "cohort_month = DATE'2026-03-01'");
    assertThat(march.<Boolean>getAs("is_complete")).isTrue();
    // a4's expansion in May 2027 is still outside its 12 months: the counts do not move.
    assertThat(march.<Long>getAs("expanded_workspaces")).isEqualTo(1L);
    // e1 (October 2026) is now a signup; with no events it is not activated.
    Row october = one(later, "cohort_month = DATE'2026-10-01'");
    assertThat(october.<Long>getAs("activated_workspaces")).isZero();
    assertThat(october.<Boolean>getAs("is_complete")).isFalse(); // 31 Oct 2026 + 90 days + 12 months = 29 Jan 2028
  }

  @Test
  void windowsMustBePositive() {
    assertThatThrownBy(() -> new FunnelTransforms.Funnel(14, 0, 90, 12)).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.gold.funnel");
  }
}
