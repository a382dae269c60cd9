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
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Subscription changes and expansion signals on hand-built histories; every expected value is worked out in the comments. */
class ExpansionTransformsTest {
  private static final String HISTORY = "subscription_id string, workspace_id string, customer_id string, valid_from timestamp, "
      + "valid_to timestamp, is_deleted boolean, status string, trial_end_at timestamp, ended_at timestamp, currency string, "
      + "items array<struct<price_id: string, quantity: bigint>>, monthly_amount_net decimal(18,6), usd_per_unit decimal(18,8)";
  private static final String DIM = "workspace_key bigint, workspace_id string, valid_from timestamp";
  private static final String ACTIVITY = "workspace_id string, activity_date date, hit_seat_limit boolean, features_adopted int";

  private static Object[] v(String sub, String ws, String from, String to, String status, String price, long qty, String net,
      String currency, String rate) {
    return new Object[] {sub, ws, "cus_" + ws, ts(from + "T12:00:00Z"), to == null ? null : ts(to + "T12:00:00Z"), false, status,
        null, "canceled".equals(status) ? ts(from + "T12:00:00Z") : null, currency,
        List.of(org.apache.spark.sql.RowFactory.create(price, qty)), money(net), new BigDecimal(rate)};
  }

  private static Dataset<Row> history() {
    Object[] trial = v("s1", "w1", "2026-01-01", "2026-01-15", "trialing", "team", 5, "100", "USD", "1");
    trial[7] = ts("2026-01-15T12:00:00Z");
    return rows(HISTORY,
        trial,                                                                                   // trialing: not paying
        v("s1", "w1", "2026-01-15", "2026-02-10", "active", "team", 5, "100", "USD", "1"),       // converts: new, not a change
        v("s1", "w1", "2026-02-10", "2026-03-05", "active", "team", 8, "160", "USD", "1"),       // seat_addition +60
        v("s1", "w1", "2026-03-05", "2026-04-01", "active", "business", 8, "400", "USD", "1"),   // plan_upgrade +240
        v("s1", "w1", "2026-04-01", "2026-04-20", "active", "business", 6, "300", "USD", "1"),   // seat_removal -100
        v("s1", "w1", "2026-04-20", "2026-05-01", "past_due", "business", 6, "300", "USD", "1"), // still paying: no change
        v("s1", "w1", "2026-05-01", "2026-06-01", "active", "team", 6, "120", "USD", "1"),       // downgrade -180
        v("s1", "w1", "2026-06-01", null, "canceled", "team", 6, "120", "USD", "1"),             // cancel -120
        // w1 comes back on a new EUR subscription after paying nothing since June: reactivation, 90 EUR x 1.1 = +99 USD.
        v("s2", "w1", "2026-08-01", "2026-09-01", "active", "team_eur", 3, "90", "EUR", "1.1"),
        // A new FX rate is not a change of MRR.
        v("s2", "w1", "2026-09-01", null, "active", "team_eur", 3, "90", "EUR", "1.2"),
        // w2 adds a second subscription while its first still pays: new business of that subscription, no row.
        v("s3", "w2", "2026-01-01", "2026-03-01", "active", "pro", 2, "50", "USD", "1"),
        v("s4", "w2", "2026-02-01", null, "active", "addon", 1, "20", "USD", "1"),
        // A plan change that leaves the amount as it was changes no MRR: no row.
        v("s3", "w2", "2026-03-01", null, "active", "pro_v2", 2, "50", "USD", "1"));
  }

  private static Dataset<Row> changes() {
    Dataset<Row> dim = rows(DIM,
        new Object[] {-1L, "unknown", null},
        new Object[] {11L, "w1", ts("2025-12-01T00:00:00Z")},
        new Object[] {12L, "w1", ts("2026-04-15T00:00:00Z")},
        new Object[] {21L, "w2", ts("2025-12-01T00:00:00Z")});
    return ExpansionTransforms.subscriptionChanges(history(), dim);
  }

  @Test
  void everyChangeOfASubscriptionIsOneRowWithItsMrrDelta() {
    Dataset<Row> c = changes().orderBy("changed_at");
    assertThat(c.collectAsList()).extracting(r -> r.getAs("change_date").toString() + " " + r.getAs("change_type"))
        .containsExactly("2026-02-10 seat_addition", "2026-03-05 plan_upgrade", "2026-04-01 seat_removal",
            "2026-05-01 downgrade", "2026-06-01 cancel", "2026-08-01 reactivation");
    String[][] amounts = {
        {"2026-02-10", "100", "160", "60"}, {"2026-03-05", "160", "400", "240"}, {"2026-04-01", "400", "300", "-100"},
        {"2026-05-01", "300", "120", "-180"}, {"2026-06-01", "120", "0", "-120"}, {"2026-08-01", "0", "99", "99"}};
    for (String[] a : amounts) {
      Row r = one(c, "change_date = DATE'" + a[0] + "'");
      assertThat(dec(r, "previous_mrr_usd")).as(a[0]).isEqualByComparingTo(a[1]);
      assertThat(dec(r, "mrr_usd")).as(a[0]).isEqualByComparingTo(a[2]);
      assertThat(dec(r, "mrr_delta_usd")).as(a[0]).isEqualByComparingTo(a[3]);
    }
    Row seats = one(c, "change_type = 'seat_addition'");
    assertThat(seats.<Long>getAs("previous_quantity")).isEqualTo(5L);
    assertThat(seats.<Long>getAs("quantity")).isEqualTo(8L);
    assertThat(seats.<Integer>getAs("date_key")).isEqualTo(20260210);
    // The workspace version valid at the change: key 11 before 15 April, 12 from then on.
    assertThat(seats.<Long>getAs("workspace_key")).isEqualTo(11L);
    assertThat(one(c, "change_type = 'downgrade'").<Long>getAs("workspace_key")).isEqualTo(12L);
    assertThat(one(c, "change_type = 'reactivation'").<String>getAs("currency")).isEqualTo("EUR");
  }

  @Test
  void signalsCountExpansionsAfterASeatLimitAndByFeatureBreadth() {
    // Three expansions in March 2026 and one in April, each a hand-built change.
    String changeDdl = "subscription_id string, changed_at timestamp, workspace_id string, change_date date, change_type string, "
        + "mrr_delta_usd decimal(18,6)";
    Dataset<Row> changes = rows(changeDdl,
        new Object[] {"s1", ts("2026-03-10T12:00:00Z"), "w1", d("2026-03-10"), "seat_addition", money("60")},
        new Object[] {"s2", ts("2026-03-20T12:00:00Z"), "w2", d("2026-03-20"), "plan_upgrade", money("240")},
        new Object[] {"s3", ts("2026-03-25T12:00:00Z"), "w3", d("2026-03-25"), "seat_addition", money("15")},
        new Object[] {"s1", ts("2026-04-30T12:00:00Z"), "w1", d("2026-04-30"), "plan_upgrade", money("100")},
        // 20 January: its 30 days begin 21 December 2025, before the activity history (5 January): not observed.
        new Object[] {"s6", ts("2026-01-20T12:00:00Z"), "w6", d("2026-01-20"), "seat_addition", money("40")},
        // Not expansions: ignored.
        new Object[] {"s4", ts("2026-03-12T12:00:00Z"), "w4", d("2026-03-12"), "downgrade", money("-50")},
        new Object[] {"s5", ts("2026-03-13T12:00:00Z"), "w5", d("2026-03-13"), "reactivation", money("70")});
    Dataset<Row> activity = rows(ACTIVITY,
        // w1: hit its seat limit on 1 March (9 days before its change), 4 features on 8 March (its last active day).
        new Object[] {"w1", d("2026-03-01"), true, 2},
        new Object[] {"w1", d("2026-03-08"), false, 4},
        // w1's change on 10 March does not see its own day; its April change looks back to 31 March: only 20 April counts.
        new Object[] {"w1", d("2026-03-10"), true, 4},
        new Object[] {"w1", d("2026-04-20"), false, 7},
        // w2: hit the limit 31 days before its change (19 February): outside the 30 days. 1 feature on 10 March.
        new Object[] {"w2", d("2026-02-17"), true, 1},
        new Object[] {"w2", d("2026-03-10"), false, 1},
        // w3: no activity in its window at all.
        new Object[] {"w3", d("2026-01-05"), true, 9});
    Dataset<Row> s = ExpansionTransforms.expansionSignals(changes, activity,
        new ExpansionTransforms.Signals(30, List.of(3, 6)));
    assertThat(s.count()).isEqualTo(3);
    Row january = one(s, "month = DATE'2026-01-01'");
    assertThat(january.<Long>getAs("expansions")).isEqualTo(1L);
    assertThat(january.<Long>getAs("observed_expansions")).isZero();
    assertThat(january.isNullAt(january.fieldIndex("seat_limit_share"))).isTrue();
    assertThat(january.isNullAt(january.fieldIndex("feature_breadth_share"))).isTrue();

    // March: 3 expansions (60 + 240 + 15 = 315 USD); only w1 followed a seat limit: 1/3; w1 and w2 were active.
    Row march = one(s, "month = DATE'2026-03-01'");
    assertThat(march.<Long>getAs("expansions")).isEqualTo(3L);
    assertThat(dec(march, "expansion_mrr_usd")).isEqualByComparingTo("315");
    assertThat(march.<Long>getAs("observed_expansions")).isEqualTo(3L);
    assertThat(march.<Long>getAs("seat_limit_expansions")).isEqualTo(1L);
    assertThat(dec(march, "seat_limit_share")).isEqualByComparingTo("0.333333");
    assertThat(march.<Long>getAs("active_expansions")).isEqualTo(2L);
    // Breadth on the last active day: w1 4 features (3-5), w2 1 (0-2), w3 none.
    Map<String, BigDecimal> bands = march.getJavaMap(march.fieldIndex("feature_breadth_share"));
    assertThat(bands).containsOnlyKeys("0-2", "3-5", ExpansionTransforms.NO_ACTIVITY);
    assertThat(bands.get("3-5")).isEqualByComparingTo("0.333333");
    assertThat(bands.get("0-2")).isEqualByComparingTo("0.333333");

    // April: w1's plan upgrade; 10 March is 51 days before it, 20 April had no seat limit and 7 features (6+).
    Row april = one(s, "month = DATE'2026-04-01'");
    assertThat(april.<Long>getAs("expansions")).isEqualTo(1L);
    assertThat(april.<Long>getAs("seat_limit_expansions")).isZero();
    assertThat(dec(april, "seat_limit_share")).isEqualByComparingTo("0");
    Map<String, BigDecimal> aprilBands = april.getJavaMap(april.fieldIndex("feature_breadth_share"));
    assertThat(aprilBands).containsOnlyKeys("6+");
    assertThat(aprilBands.get("6+")).isEqualByComparingTo("1");
  }

  @Test
  void bandsMustIncrease() {
    assertThat(new ExpansionTransforms.Signals(30, List.of(3, 6)).bandNames()).containsExactly("0-2", "3-5", "6+");
    assertThatThrownBy(() -> new ExpansionTransforms.Signals(30, List.of(6, 3))).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("breadth-bands");
  }
}
