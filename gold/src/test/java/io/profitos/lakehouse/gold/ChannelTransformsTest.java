package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.dec;
import static io.profitos.lakehouse.gold.Fixtures.money;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** First-touch attribution per month and channel on hand-built opportunities, leads and spend; expected values in comments. */
class ChannelTransformsTest {
  private static final String OPPS = "opportunity_id string, channel string, created_at timestamp, close_date date, is_closed boolean, "
      + "is_won boolean, opportunity_type string, amount_usd decimal(18,6)";

  private static Dataset<Row> channelMonthly() {
    Dataset<Row> opps = rows(OPPS,
        new Object[] {"o1", "Web", ts("2026-01-10T09:00:00Z"), d("2026-02-05"), true, true, "New Business", money("1000")},
        new Object[] {"o2", "Web", ts("2026-01-20T09:00:00Z"), d("2026-02-10"), true, false, "New Business", money("500")},
        // o3 came from a Web lead though its own LeadSource is Partner: gold.fact_opportunity gives it channel Web.
        new Object[] {"o3", "Web", ts("2026-02-01T09:00:00Z"), d("2026-05-01"), false, false, "New Business", money("2000")},
        new Object[] {"o4", "Event", ts("2026-02-03T09:00:00Z"), d("2026-02-25"), true, true, "Expansion", money("300")},
        new Object[] {"o5", "unknown", ts("2026-02-04T09:00:00Z"), d("2026-02-20"), true, true, "New Business", money("400")});
    Dataset<Row> leads = rows("lead_id string, lead_source string, created_at timestamp, is_deleted boolean",
        new Object[] {"l1", "Web", ts("2026-01-02T00:00:00Z"), false},
        new Object[] {"l2", "Web", ts("2026-01-03T00:00:00Z"), false},
        new Object[] {"l3", "Web", ts("2026-01-04T00:00:00Z"), true}, // deleted
        new Object[] {"l4", "Event", ts("2026-02-02T00:00:00Z"), false},
        new Object[] {"l5", null, ts("2026-02-02T00:00:00Z"), false}); // no LeadSource: unknown
    Dataset<Row> spend = rows("month date, channel_key bigint, amount_usd decimal(18,6)",
        new Object[] {d("2026-01-01"), 7L, money("3000")}, new Object[] {d("2026-02-01"), 7L, money("4000")},
        new Object[] {d("2026-02-01"), 8L, money("1000")}, new Object[] {d("2026-02-01"), 9L, money("500")});
    Dataset<Row> dim = rows("channel_key bigint, channel string",
        new Object[] {7L, "Web"}, new Object[] {8L, "Event"}, new Object[] {9L, "Ads"}, new Object[] {-1L, "unknown"});
    Dataset<Row> economics = rows("month date, arpa_usd decimal(18,6), gross_margin decimal(12,6)",
        new Object[] {d("2026-01-01"), money("100"), null},
        new Object[] {d("2026-02-01"), money("200"), new BigDecimal("0.800000")});
    return ChannelTransforms.channelMonthly(opps, leads, spend, dim, economics, LocalDate.parse("2026-03-10"));
  }

  @Test
  void leadsPipelineBookingsSpendAndCacPerChannel() {
    Dataset<Row> c = channelMonthly();
    assertThat(c.count()).isEqualTo(5);

    // January, Web: 2 leads (the deleted one aside), o1 and o2 created (1500), nothing closed; 3000 spent, no customer.
    Row jan = one(c, "month = DATE'2026-01-01' AND channel = 'Web'");
    assertThat(jan.<Long>getAs("leads")).isEqualTo(2L);
    assertThat(jan.<Long>getAs("opportunities_created")).isEqualTo(2L);
    assertThat(dec(jan, "pipeline_created_usd")).isEqualByComparingTo("1500");
    assertThat(jan.isNullAt(jan.fieldIndex("win_rate"))).isTrue();
    assertThat(dec(jan, "bookings_usd")).isEqualByComparingTo("0");
    assertThat(dec(jan, "marketing_spend_usd")).isEqualByComparingTo("3000");
    assertThat(jan.isNullAt(jan.fieldIndex("marketing_cac_usd"))).isTrue();
    assertThat(jan.<Boolean>getAs("is_complete")).isTrue();

    // February, Web: o3 created (2000, attributed by its lead); o1 won (1000, a new customer) and o2 lost: win rate 1/2;
    // CAC 4000 / 1 = 4000; payback 4000 / (200 x 0.8) = 25 months.
    Row web = one(c, "month = DATE'2026-02-01' AND channel = 'Web'");
    assertThat(web.<Long>getAs("channel_key")).isEqualTo(7L);
    assertThat(web.<Long>getAs("leads")).isZero();
    assertThat(dec(web, "pipeline_created_usd")).isEqualByComparingTo("2000");
    assertThat(web.<Long>getAs("won_opportunities")).isEqualTo(1L);
    assertThat(web.<Long>getAs("lost_opportunities")).isEqualTo(1L);
    assertThat(dec(web, "win_rate")).isEqualByComparingTo("0.5");
    assertThat(dec(web, "bookings_usd")).isEqualByComparingTo("1000");
    assertThat(web.<Long>getAs("new_customers")).isEqualTo(1L);
    assertThat(dec(web, "marketing_cac_usd")).isEqualByComparingTo("4000");
    assertThat(dec(web, "marketing_cac_payback_months")).isEqualByComparingTo("25");

    // Event: an expansion won is bookings (300) but not a new customer: no CAC.
    Row event = one(c, "month = DATE'2026-02-01' AND channel = 'Event'");
    assertThat(event.<Long>getAs("leads")).isEqualTo(1L);
    assertThat(dec(event, "bookings_usd")).isEqualByComparingTo("300");
    assertThat(dec(event, "win_rate")).isEqualByComparingTo("1");
    assertThat(event.<Long>getAs("new_customers")).isZero();
    assertThat(event.isNullAt(event.fieldIndex("marketing_cac_usd"))).isTrue();

    // unknown: the lead without a source and o5; finance has no spend row for it: spend is null, not 0.
    Row unknown = one(c, "month = DATE'2026-02-01' AND channel = 'unknown'");
    assertThat(unknown.<Long>getAs("channel_key")).isEqualTo(-1L);
    assertThat(unknown.<Long>getAs("leads")).isEqualTo(1L);
    assertThat(dec(unknown, "bookings_usd")).isEqualByComparingTo("400");
    assertThat(unknown.isNullAt(unknown.fieldIndex("marketing_spend_usd"))).isTrue();

    // Ads: spend only.
    Row ads = one(c, "month = DATE'2026-02-01' AND channel = 'Ads'");
    assertThat(dec(ads, "marketing_spend_usd")).isEqualByComparingTo("500");
    assertThat(ads.<Long>getAs("opportunities_created")).isZero();
  }
}
