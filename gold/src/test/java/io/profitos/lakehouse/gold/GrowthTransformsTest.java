package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.dec;
import static io.profitos.lakehouse.gold.Fixtures.money;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Product usage, cohorts, sales, unit economics and the segment table on hand-built rows; every
 * expected value is worked out by hand in the comments.
 */
class GrowthTransformsTest {
  private static final SparkSession spark = SparkTestSession.get();

  private static final String EVENTS = "workspace_id string, event_date date, user_id string, feature string, is_activity boolean, is_deleted boolean";
  private static final String DIM_WORKSPACE = "workspace_key bigint, workspace_id string, plan string, seats int, signup_month date, "
      + "valid_from timestamp, is_current boolean";

  private static Dataset<Row> events() {
    return rows(EVENTS,
        new Object[] {"w1", d("2026-03-01"), "u1", "a", true, false},
        new Object[] {"w1", d("2026-03-01"), "u2", null, true, false},
        new Object[] {"w1", d("2026-03-01"), "u1", null, false, false}, // a heartbeat: not activity
        new Object[] {"w1", d("2026-03-10"), "u3", "b", true, false},
        new Object[] {"w1", d("2026-04-05"), "u1", "c", true, false},
        new Object[] {"w2", d("2026-03-10"), "u9", "a", true, false},
        new Object[] {"w3", d("2026-05-02"), "u7", "a", true, false});
  }

  private static Dataset<Row> dimWorkspace() {
    return rows(DIM_WORKSPACE,
        new Object[] {11L, "w1", "pro", 4, d("2026-01-01"), ts("2026-01-01T00:00:00Z"), false},
        new Object[] {12L, "w1", "pro", 10, d("2026-01-01"), ts("2026-04-01T00:00:00Z"), true},
        new Object[] {21L, "w2", "pro", 0, d("2026-01-01"), ts("2026-01-01T00:00:00Z"), true},
        new Object[] {31L, "w3", "pro", 1, d("2026-05-01"), ts("2026-05-01T00:00:00Z"), true},
        new Object[] {-1L, "unknown", "unknown", null, null, null, false});
  }

  @Test
  void workspaceActivityCountsTheTrailingWindowAndSeats() {
    Dataset<Row> fact = ProductTransforms.workspaceActivityDaily(events(), dimWorkspace(), 30);
    assertThat(fact.count()).isEqualTo(5);
    // 1 March, w1: u1 and u2 active (the heartbeat is not activity), one feature (a; null is no feature), seats 4 -> 2/4.
    Row first = one(fact, "workspace_id = 'w1' AND activity_date = DATE'2026-03-01'");
    assertThat(first.<Long>getAs("active_users")).isEqualTo(2L);
    assertThat(first.<Long>getAs("activity_events")).isEqualTo(2L);
    assertThat(first.<Integer>getAs("features_used")).isEqualTo(1);
    assertThat(dec(first, "seat_utilisation")).isEqualByComparingTo("0.5");
    assertThat(first.<Long>getAs("workspace_key")).isEqualTo(11L);
    // 10 March: the 30 days to it hold u1, u2, u3 and features a, b -> 3 users / 4 seats.
    Row tenth = one(fact, "workspace_id = 'w1' AND activity_date = DATE'2026-03-10'");
    assertThat(tenth.<Integer>getAs("active_users_trailing")).isEqualTo(3);
    assertThat(tenth.<Integer>getAs("features_adopted")).isEqualTo(2);
    assertThat(dec(tenth, "seat_utilisation")).isEqualByComparingTo("0.75");
    // 3 trailing users against 4 seats: the limit is not hit. w3's one user on its one seat hits it.
    assertThat(tenth.<Boolean>getAs("hit_seat_limit")).isFalse();
    assertThat(one(fact, "workspace_id = 'w3'").<Boolean>getAs("hit_seat_limit")).isTrue();
    // 5 April: 1 March is 35 days back, outside the window; 7 March .. 5 April hold u3 (b) and u1 (c); the April
    // version has 10 seats -> 2/10.
    Row april = one(fact, "workspace_id = 'w1' AND activity_date = DATE'2026-04-05'");
    assertThat(april.<Integer>getAs("active_users_trailing")).isEqualTo(2);
    assertThat(april.getList(april.fieldIndex("adopted_features"))).containsExactly("b", "c");
    assertThat(april.<Long>getAs("workspace_key")).isEqualTo(12L);
    assertThat(dec(april, "seat_utilisation")).isEqualByComparingTo("0.2");
    // w2 has 0 seats: no utilisation rather than a division by zero.
    assertThat(one(fact, "workspace_id = 'w2'").isNullAt(fact.schema().fieldIndex("seat_utilisation"))).isTrue();
    assertThat(one(fact, "workspace_id = 'w2'").isNullAt(fact.schema().fieldIndex("hit_seat_limit"))).isTrue();

    Dataset<Row> daily = ProductTransforms.productDaily(events(), fact);
    // 10 March: u3 and u9 -> DAU 2 in 2 workspaces. March MAU = u1, u2, u3, u9 = 4; average DAU (2 + 2) / 2 = 2 -> 0.5.
    Row march = one(daily, "activity_date = DATE'2026-03-10'");
    assertThat(march.<Long>getAs("dau")).isEqualTo(2L);
    assertThat(march.<Long>getAs("active_workspaces")).isEqualTo(2L);
    assertThat(march.<Long>getAs("mau")).isEqualTo(4L);
    assertThat(dec(march, "dau_mau")).isEqualByComparingTo("0.5");
    // Features adopted that day: w1 {a, b} = 2, w2 {a} = 1 -> 1.5; a is adopted by both (1.0), b by one (0.5).
    assertThat(dec(march, "avg_features_adopted")).isEqualByComparingTo("1.5");
    Map<String, BigDecimal> adoption = march.getJavaMap(march.fieldIndex("feature_adoption"));
    assertThat(adoption.get("a")).isEqualByComparingTo("1");
    assertThat(adoption.get("b")).isEqualByComparingTo("0.5");
    assertThat(dec(one(daily, "activity_date = DATE'2026-04-05'"), "dau_mau")).isEqualByComparingTo("1");
  }

  @Test
  void cohortRetentionByActivityAndByRevenue() {
    Dataset<Row> dim = rows(DIM_WORKSPACE,
        new Object[] {1L, "w1", "pro", 5, d("2026-01-01"), ts("2026-01-15T00:00:00Z"), true},
        new Object[] {2L, "w2", "free", 1, d("2026-01-01"), ts("2026-01-16T00:00:00Z"), true}, // only ever free: not in a cohort
        new Object[] {3L, "w3", "free", 1, d("2026-01-01"), ts("2026-01-20T00:00:00Z"), false},
        new Object[] {4L, "w3", "pro", 3, d("2026-01-01"), ts("2026-02-01T00:00:00Z"), true}, // free, then pro: counts
        new Object[] {5L, "w4", "pro", 2, d("2026-02-01"), ts("2026-02-03T00:00:00Z"), true});
    Dataset<Row> mrr = rows("workspace_id string, month date, mrr_usd decimal(18,6)",
        new Object[] {"w1", d("2026-01-01"), money("100")}, new Object[] {"w1", d("2026-02-01"), money("100")},
        new Object[] {"w1", d("2026-03-01"), money("0")}, new Object[] {"w3", d("2026-01-01"), money("0")},
        new Object[] {"w3", d("2026-02-01"), money("50")}, new Object[] {"w3", d("2026-03-01"), money("80")},
        new Object[] {"w4", d("2026-02-01"), money("30")}, new Object[] {"w4", d("2026-03-01"), money("30")});
    // Activity starts 10 February: only March is fully covered.
    Dataset<Row> activity = rows("workspace_id string, activity_date date",
        new Object[] {"w1", d("2026-02-10")}, new Object[] {"w1", d("2026-03-05")}, new Object[] {"w3", d("2026-03-20")});
    Dataset<Row> cohorts = ProductTransforms.cohortRetention(dim, mrr, activity, List.of("free"), LocalDate.parse("2026-03-15"));
    assertThat(cohorts.count()).isEqualTo(5); // January cohort: 3 months; February cohort: 2
    // January cohort = w1, w3 (size 2); initial MRR = w1's first 100 + w3's first 50 = 150.
    Row jan = one(cohorts, "cohort_month = DATE'2026-01-01' AND months_since = 0");
    assertThat(jan.<Long>getAs("cohort_size")).isEqualTo(2L);
    assertThat(jan.<Long>getAs("cohort_paying_workspaces")).isEqualTo(1L);
    assertThat(dec(jan, "paying_retention")).isEqualByComparingTo("0.5");
    assertThat(dec(jan, "initial_mrr_usd")).isEqualByComparingTo("150");
    assertThat(dec(jan, "revenue_retention")).isEqualByComparingTo("0.666667"); // 100 / 150
    assertThat(jan.isNullAt(jan.fieldIndex("logo_retention"))).as("January is before the events begin").isTrue();
    assertThat(dec(one(cohorts, "cohort_month = DATE'2026-01-01' AND months_since = 1"), "revenue_retention"))
        .isEqualByComparingTo("1"); // 100 + 50
    Row march = one(cohorts, "cohort_month = DATE'2026-01-01' AND months_since = 2");
    assertThat(dec(march, "revenue_retention")).isEqualByComparingTo("0.533333"); // 80 / 150
    assertThat(dec(march, "logo_retention")).isEqualByComparingTo("1"); // w1 and w3 both active in March
    assertThat(dec(one(cohorts, "cohort_month = DATE'2026-02-01' AND months_since = 1"), "logo_retention"))
        .isEqualByComparingTo("0"); // w4 has no activity
  }

  private static final SalesTransforms.Stages STAGES = new SalesTransforms.Stages(List.of("A", "B", "C"), "W", "L");

  private static Dataset<Row> opportunities() {
    String ddl = "opportunity_id string, account_id string, owner_id string, opportunity_type string, stage_name string, "
        + "forecast_category string, probability double, currency string, amount decimal(18,6), usd_per_unit decimal(18,8), "
        + "amount_usd decimal(18,6), discount_percent double, created_at timestamp, close_date date, is_closed boolean, "
        + "is_won boolean, lead_source string, is_deleted boolean, next_step string, loss_reason string, renewal_date date";
    BigDecimal one = BigDecimal.ONE.setScale(8);
    return rows(ddl,
        new Object[] {"o1", "a1", "r1", "New Business", "W", "Closed", 100.0, "USD", money("1000"), one, money("1000"), 10.0,
            ts("2026-01-05T10:00:00Z"), d("2026-02-04"), true, true, "Web", false, "Send proposal", null, null},
        new Object[] {"o2", "a1", "r1", "New Business", "L", "Omitted", 0.0, "USD", money("500"), one, money("500"), null,
            ts("2026-01-10T10:00:00Z"), d("2026-02-20"), true, false, "Web", false, null, "Price", null},
        new Object[] {"o3", "a2", "r2", "New Business", "B", "Pipeline", 20.0, "EUR", money("2000"),
            new BigDecimal("1.1").setScale(8), money("2200"), null, ts("2026-02-02T10:00:00Z"), d("2026-05-15"), false, false,
            "Partner", false, null, null, null},
        new Object[] {"o4", "a9", "r9", "Expansion", "W", "Closed", 100.0, "USD", money("300"), one, money("300"), null,
            ts("2026-03-01T10:00:00Z"), d("2026-03-10"), true, true, null, false, null, null, null});
  }

  private static Dataset<Row> stageHistory() {
    String ddl = "history_id string, opportunity_id string, stage_name string, amount decimal(18,6), close_date date, "
        + "created_at timestamp, is_deleted boolean, forecast_category string";
    return rows(ddl,
        new Object[] {"h1", "o1", "A", money("1000"), null, ts("2026-01-05T10:00:00Z"), false, "Pipeline"},
        new Object[] {"h2", "o1", "B", money("1000"), null, ts("2026-01-12T10:00:00Z"), false, "Best Case"},
        new Object[] {"h3", "o1", "W", money("1000"), null, ts("2026-02-04T10:00:00Z"), false, "Closed"},
        new Object[] {"h4", "o2", "A", money("500"), null, ts("2026-01-10T10:00:00Z"), false, "Pipeline"},
        new Object[] {"h5", "o2", "L", money("500"), null, ts("2026-02-20T10:00:00Z"), false, "Omitted"},
        new Object[] {"h6", "o3", "A", money("1500"), null, ts("2026-02-02T10:00:00Z"), false, "Pipeline"},
        new Object[] {"h7", "o3", "B", money("2000"), d("2026-05-15"), ts("2026-02-09T10:00:00Z"), false, "Best Case"},
        new Object[] {"h8", "o4", "B", money("300"), null, ts("2026-03-01T10:00:00Z"), false, "Best Case"},
        new Object[] {"h9", "o4", "W", money("300"), null, ts("2026-03-10T10:00:00Z"), false, "Closed"});
  }

  private static Dataset<Row> reps() {
    return rows("rep_key bigint, rep_id string, rep_segment string, quarterly_quota_usd decimal(18,6), is_active boolean, start_date date",
        new Object[] {1L, "r1", "SMB", money("10000"), true, d("2025-08-01")},
        new Object[] {2L, "r2", "Enterprise", money("20000"), true, d("2025-10-01")},
        new Object[] {3L, "r3", "SMB", money("5000"), false, d("2025-01-15")},
        new Object[] {-1L, "unknown", "unknown", null, false, null});
  }

  /** Leads converted to opportunities: o3's own LeadSource is Partner, but it came from a Web lead (and a later Event one). */
  private static Dataset<Row> convertedLeads() {
    return rows("lead_id string, lead_source string, converted_opportunity_id string, created_at timestamp, is_deleted boolean",
        new Object[] {"l8", "Event", "o3", ts("2026-01-20T00:00:00Z"), false},
        new Object[] {"l9", "Web", "o3", ts("2026-01-15T00:00:00Z"), false},
        new Object[] {"l7", "Event", "o2", ts("2026-01-01T00:00:00Z"), true}); // deleted: o2 keeps its own source
  }

  private static Dataset<Row> factOpportunity() {
    return SalesTransforms.opportunities(opportunities(), stageHistory(), convertedLeads(),
        rows("account_key bigint, account_id string", new Object[] {100L, "a1"}, new Object[] {200L, "a2"},
            new Object[] {-1L, "unknown"}),
        reps(), rows("channel_key bigint, channel string", new Object[] {7L, "Web"}, new Object[] {-1L, "unknown"}), STAGES);
  }

  @Test
  void opportunitySnapshotAndWeeklyPipeline() {
    Dataset<Row> fact = factOpportunity();
    Row o1 = one(fact, "opportunity_id = 'o1'");
    assertThat(o1.<Integer>getAs("sales_cycle_days")).isEqualTo(30); // 5 January -> 4 February
    assertThat(o1.<Timestamp>getAs("b_at")).isEqualTo(ts("2026-01-12T10:00:00Z"));
    assertThat(o1.<Timestamp>getAs("w_at")).isEqualTo(ts("2026-02-04T10:00:00Z"));
    assertThat(o1.isNullAt(o1.fieldIndex("c_at"))).isTrue();
    assertThat(o1.<String>getAs("rep_segment")).isEqualTo("SMB");
    assertThat(o1.<Long>getAs("channel_key")).isEqualTo(7L);
    // First touch: o3 is channel Web (its earliest lead, 15 January) though its own LeadSource is Partner.
    Row o3fact = one(fact, "opportunity_id = 'o3'");
    assertThat(o3fact.<String>getAs("channel")).isEqualTo("Web");
    assertThat(o3fact.<String>getAs("lead_source")).isEqualTo("Partner");
    assertThat(o3fact.<Long>getAs("channel_key")).isEqualTo(7L);
    assertThat(one(fact, "opportunity_id = 'o2'").<String>getAs("channel")).isEqualTo("Web");
    assertThat(o1.<String>getAs("next_step")).isEqualTo("Send proposal");
    assertThat(one(fact, "opportunity_id = 'o2'").<String>getAs("loss_reason")).isEqualTo("Price");
    Row o4 = one(fact, "opportunity_id = 'o4'");
    assertThat(o4.<Long>getAs("rep_key")).as("an owner with no rep row").isEqualTo(-1L);
    assertThat(o4.<Long>getAs("account_key")).isEqualTo(-1L);
    assertThat(o4.<String>getAs("rep_segment")).isEqualTo("unknown");
    assertThat(o4.<String>getAs("channel")).as("no lead and no LeadSource").isEqualTo("unknown");
    assertThat(o4.<Long>getAs("channel_key")).isEqualTo(-1L);

    // Run on Wednesday 11 February: weeks 5 Jan .. 9 Feb; the current week is seen at the end of 11 February.
    Dataset<Row> weekly = SalesTransforms.pipelineWeekly(spark, stageHistory(), fact, STAGES, LocalDate.parse("2026-01-05"),
        LocalDate.parse("2026-02-11"));
    // 5, 12, 19, 26 January: o1 and o2 open; 2 February: o1 won on the 4th, o2 and o3 (A) open; 9 February: o2, o3 (B).
    assertThat(weekly.count()).isEqualTo(12);
    assertThat(one(weekly, "week_start = DATE'2026-01-05' AND opportunity_id = 'o1'").<String>getAs("stage_name")).isEqualTo("A");
    assertThat(one(weekly, "week_start = DATE'2026-01-12' AND opportunity_id = 'o1'").<String>getAs("stage_name")).isEqualTo("B");
    assertThat(weekly.where("week_start = DATE'2026-02-02' AND opportunity_id = 'o1'").count()).isZero();
    // o3 at the end of week 2 February was in A at 1500 EUR (x 1.1 = 1650 USD); a week later in B at 2000 (2200 USD).
    assertThat(dec(one(weekly, "week_start = DATE'2026-02-02' AND opportunity_id = 'o3'"), "amount_usd")).isEqualByComparingTo("1650");
    Row o3 = one(weekly, "week_start = DATE'2026-02-09' AND opportunity_id = 'o3'");
    assertThat(o3.<String>getAs("stage_name")).isEqualTo("B");
    assertThat(dec(o3, "amount_usd")).isEqualByComparingTo("2200");
    assertThat(o3.<Date>getAs("close_date")).isEqualTo(d("2026-05-15"));
  }

  @Test
  void monthlySalesKpis() {
    Dataset<Row> fact = factOpportunity();
    LocalDate run = LocalDate.parse("2026-03-20");
    Dataset<Row> weekly = SalesTransforms.pipelineWeekly(spark, stageHistory(), fact, STAGES, LocalDate.parse("2026-01-05"), run);
    Dataset<Row> leads = rows("lead_id string, owner_id string, created_at timestamp, is_converted boolean, is_deleted boolean",
        new Object[] {"l1", "r1", ts("2026-01-03T00:00:00Z"), true, false},
        new Object[] {"l2", "r1", ts("2026-01-04T00:00:00Z"), false, false},
        new Object[] {"l3", "r2", ts("2026-02-04T00:00:00Z"), true, false});
    Dataset<Row> kpis = SalesTransforms.monthly(spark, fact, leads, reps(), weekly, SalesTransforms.repQuarterly(fact, reps(), run), STAGES,
        java.time.YearMonth.of(2026, 1), run);
    // February, All: o1 won (1000) and o2 lost (500): win rate 1/2, by amount 1000/1500; deal 1000, discount 10, cycle 30 days.
    Row feb = one(kpis, "month = DATE'2026-02-01' AND rep_segment = 'All'");
    assertThat(feb.<Long>getAs("won_opportunities")).isEqualTo(1L);
    assertThat(feb.<Long>getAs("lost_opportunities")).isEqualTo(1L);
    assertThat(dec(feb, "bookings_usd")).isEqualByComparingTo("1000");
    assertThat(dec(feb, "win_rate")).isEqualByComparingTo("0.5");
    assertThat(dec(feb, "win_rate_amount")).isEqualByComparingTo("0.666667");
    assertThat(dec(feb, "avg_deal_size_usd")).isEqualByComparingTo("1000");
    assertThat(dec(feb, "avg_discount_percent")).isEqualByComparingTo("10");
    assertThat(dec(feb, "sales_cycle_days")).isEqualByComparingTo("30");
    // The last February snapshot (week 23 Feb): o3 open, 2200 USD closing 15 May (next quarter, Q2).
    // The quotas reps carry in Q2: r1 10000 + r2 20000 (r3 left and sold nothing) -> coverage 2200 / 30000.
    assertThat(dec(feb, "open_pipeline_next_quarter_usd")).isEqualByComparingTo("2200");
    assertThat(dec(feb, "quota_next_quarter_usd")).isEqualByComparingTo("30000");
    assertThat(dec(feb, "pipeline_coverage_next_quarter")).isEqualByComparingTo("0.073333");
    assertThat(dec(one(kpis, "month = DATE'2026-02-01' AND rep_segment = 'Enterprise'"), "pipeline_coverage_next_quarter"))
        .isEqualByComparingTo("0.11"); // 2200 / 20000
    assertThat(dec(feb, "quota_attainment_qtd")).isEqualByComparingTo("0.033333"); // Q1 to date: 1000 / (10000 + 20000)
    // March: o4 (300) won by an owner with no rep row: in All and in unknown; Q1 to date 1300 / 30000.
    Row mar = one(kpis, "month = DATE'2026-03-01' AND rep_segment = 'All'");
    assertThat(dec(mar, "bookings_qtd_usd")).isEqualByComparingTo("1300");
    assertThat(dec(mar, "quota_attainment_qtd")).isEqualByComparingTo("0.043333");
    assertThat(dec(one(kpis, "month = DATE'2026-03-01' AND rep_segment = 'unknown'"), "bookings_usd")).isEqualByComparingTo("300");
    // Stage conversion, January: o1 and o2 reached A, only o1 went on to B; o1 reached B and never C.
    Row jan = one(kpis, "month = DATE'2026-01-01' AND rep_segment = 'All'");
    Map<String, BigDecimal> conversion = jan.getJavaMap(jan.fieldIndex("stage_conversion"));
    assertThat(conversion.get("A -> B")).isEqualByComparingTo("0.5");
    assertThat(conversion.get("B -> C")).isEqualByComparingTo("0");
    // Leads: January, r1 (SMB): l1 converted, l2 not.
    assertThat(dec(jan, "lead_conversion_rate")).isEqualByComparingTo("0.5");
    assertThat(dec(one(kpis, "month = DATE'2026-02-01' AND rep_segment = 'Enterprise'"), "lead_conversion_rate"))
        .isEqualByComparingTo("1");
  }

  @Test
  void unitEconomics() {
    Dataset<Row> saas = rows("month date, segment string, is_complete boolean, mrr_usd decimal(18,6), arpa_usd decimal(18,6), "
            + "new_workspaces bigint, logo_churn_rate decimal(12,6)",
        new Object[] {d("2026-01-01"), "All", true, money("10000"), money("100"), 5L, new BigDecimal("0.000000")},
        new Object[] {d("2026-01-01"), "SMB", true, money("4000"), money("80"), 3L, new BigDecimal("0.100000")},
        new Object[] {d("2026-02-01"), "All", true, money("11000"), money("110"), 4L, new BigDecimal("0.040000")},
        new Object[] {d("2026-03-01"), "All", false, money("12000"), money("120"), 0L, new BigDecimal("0.030000")});
    Dataset<Row> marketing = rows("month date, amount_usd decimal(18,6)", new Object[] {d("2026-01-01"), money("2000")},
        new Object[] {d("2026-01-01"), money("1000")}, new Object[] {d("2026-02-01"), money("2000")});
    Dataset<Row> sales = rows("month date, amount_usd decimal(18,6), is_deleted boolean",
        new Object[] {d("2026-01-01"), money("2000"), false}, new Object[] {d("2026-02-01"), money("2000"), false});
    Dataset<Row> infra = rows("usage_date date, is_usage boolean, cost_usd decimal(18,6)",
        new Object[] {d("2026-01-10"), true, money("1000")}, new Object[] {d("2026-01-11"), false, money("-500")},
        new Object[] {d("2026-02-10"), true, money("1100")});
    Dataset<Row> support = rows("month date, tickets bigint", new Object[] {d("2026-01-01"), 20L}, new Object[] {d("2026-02-01"), 10L});
    Dataset<Row> product = rows("month date, mau bigint", new Object[] {d("2026-01-01"), 200L}, new Object[] {d("2026-01-01"), 200L},
        new Object[] {d("2026-02-01"), 100L});
    Dataset<Row> ue = BusinessTransforms.unitEconomics(saas, marketing, sales, infra, support, product,
        new BusinessTransforms.UnitEconomics(25, 60, 3));
    assertThat(ue.count()).isEqualTo(3);
    Row jan = one(ue, "month = DATE'2026-01-01'");
    // S&M 3000 + 2000 = 5000 over 5 new -> CAC 1000. Infrastructure: Usage only (the credit is left out) = 1000;
    // support 20 x 25 = 500 -> gross margin (10000 - 1000 - 500) / 10000 = 0.85. No churn -> lifetime capped at 60
    // months: LTV = 100 x 0.85 x 60 = 5100, LTV:CAC 5.1, payback 1000 / 85 = 11.76; S&M ratio 0.5; 1000 / 200 MAU = 5.
    assertThat(dec(jan, "sm_spend_usd")).isEqualByComparingTo("5000");
    assertThat(dec(jan, "blended_cac_usd")).isEqualByComparingTo("1000");
    assertThat(dec(jan, "infra_cost_usd")).isEqualByComparingTo("1000");
    assertThat(dec(jan, "support_cost_usd")).isEqualByComparingTo("500");
    assertThat(dec(jan, "gross_margin")).isEqualByComparingTo("0.85");
    assertThat(dec(jan, "ltv_usd")).isEqualByComparingTo("5100");
    assertThat(dec(jan, "ltv_to_cac")).isEqualByComparingTo("5.1");
    assertThat(dec(jan, "cac_payback_months")).isEqualByComparingTo("11.76");
    assertThat(dec(jan, "sm_expense_ratio")).isEqualByComparingTo("0.5");
    assertThat(dec(jan, "infra_cost_per_active_user_usd")).isEqualByComparingTo("5");
    // February: average churn (0 + 0.04) / 2 = 0.02 -> lifetime 50 months.
    assertThat(dec(one(ue, "month = DATE'2026-02-01'"), "avg_logo_churn_rate")).isEqualByComparingTo("0.02");
    // March: no finance or AWS data yet -> no S&M, CAC or gross margin rather than zeros.
    Row mar = one(ue, "month = DATE'2026-03-01'");
    assertThat(mar.isNullAt(mar.fieldIndex("sm_spend_usd"))).isTrue();
    assertThat(mar.isNullAt(mar.fieldIndex("blended_cac_usd"))).isTrue();
    assertThat(mar.isNullAt(mar.fieldIndex("gross_margin"))).isTrue();
  }

  @Test
  void segmentTableWithUsageChurnRisk() {
    Dataset<Row> fact = rows("month date, date_key int, workspace_id string, segment string, mrr_usd decimal(18,6), is_complete boolean",
        new Object[] {d("2026-03-01"), 20260331, "w1", "SMB", money("300"), true},
        new Object[] {d("2026-03-01"), 20260331, "w2", "SMB", money("500"), true},
        new Object[] {d("2026-03-01"), 20260331, "w3", "Enterprise", money("6000"), true},
        new Object[] {d("2026-03-01"), 20260331, "w4", "SMB", money("0"), true}); // churned: not paying
    Dataset<Row> activity = rows("workspace_id string, activity_date date, active_users bigint, features_adopted int",
        new Object[] {"w1", d("2026-03-10"), 3L, 2}, new Object[] {"w1", d("2026-03-20"), 1L, 4},
        new Object[] {"w3", d("2026-02-15"), 5L, 1});
    Dataset<Row> saas = rows("month date, segment string, logo_churn_rate decimal(12,6)",
        new Object[] {d("2026-03-01"), "SMB", new BigDecimal("0.100000")}, new Object[] {d("2026-03-01"), "All", new BigDecimal("0.05")});
    Dataset<Row> table = BusinessTransforms.segmentMonthly(fact, activity, saas, 30);
    assertThat(table.count()).isEqualTo(2);
    // SMB: w1 and w2 pay 800 -> average 400. Daily active users: w1 (3 + 1) / 31 days, w2 0 -> mean 0.0645.
    // Features at the last active day: w1 4 (w2 has none). Risk window 2 .. 31 March: w2 is silent -> 1 workspace, 500.
    Row smb = one(table, "segment = 'SMB'");
    assertThat(smb.<Long>getAs("paying_workspaces")).isEqualTo(2L);
    assertThat(dec(smb, "arpa_usd")).isEqualByComparingTo("400");
    assertThat(dec(smb, "avg_dau")).isEqualByComparingTo("0.0645");
    assertThat(dec(smb, "avg_features_adopted_at_last_activity")).isEqualByComparingTo("4");
    assertThat(dec(smb, "logo_churn_rate")).isEqualByComparingTo("0.1");
    assertThat(smb.<Long>getAs("churn_risk_workspaces")).isEqualTo(1L);
    assertThat(dec(smb, "churn_risk_mrr_usd")).isEqualByComparingTo("500");
    // Enterprise: w3 was last active 15 February, before the window.
    Row ent = one(table, "segment = 'Enterprise'");
    assertThat(ent.<Long>getAs("churn_risk_workspaces")).isEqualTo(1L);
    assertThat(dec(ent, "churn_risk_mrr_usd")).isEqualByComparingTo("6000");
    assertThat(table.where(col("segment").equalTo("All")).count()).isZero();
  }

  /**
   * Run 2026-03-20 (Q1; next quarter Q2). r1 started in August 2025 and is active: quota in Q3
   * 2025 .. Q2 2026, booked 1000 in Q1 (o1). r2 started in October: Q4 2025 .. Q2 2026, booked
   * nothing. r3 started in January 2025 and left after booking 800 in November 2025 (o5): it keeps
   * its quota from Q1 2025 through Q4 2025, the last quarter it sold in, and carries none in 2026.
   */
  @Test
  void quotaAttainmentPerRepAndQuarter() {
    Dataset<Row> extra = rows("opportunity_id string, rep_key bigint, is_won boolean, close_date date, amount_usd decimal(18,6)",
        new Object[] {"o5", 3L, true, d("2025-11-15"), money("800")});
    Dataset<Row> fact = factOpportunity().select("opportunity_id", "rep_key", "is_won", "close_date", "amount_usd").unionByName(extra);
    Dataset<Row> reps = SalesTransforms.repQuarterly(fact, reps(), LocalDate.parse("2026-03-20"));
    assertThat(reps.collectAsList()).extracting(r -> r.getAs("rep_id") + "@" + r.getAs("quarter")).containsExactlyInAnyOrder(
        "r1@2025-07-01", "r1@2025-10-01", "r1@2026-01-01", "r1@2026-04-01",
        "r2@2025-10-01", "r2@2026-01-01", "r2@2026-04-01",
        "r3@2025-01-01", "r3@2025-04-01", "r3@2025-07-01", "r3@2025-10-01");
    Row r1 = one(reps, "rep_id = 'r1' AND quarter = DATE'2026-01-01'");
    assertThat(dec(r1, "bookings_usd")).isEqualByComparingTo("1000");
    assertThat(dec(r1, "quota_attainment")).isEqualByComparingTo("0.1"); // 1000 / 10000
    assertThat(r1.<Boolean>getAs("is_complete")).isFalse();
    // Ramp: r1 started in Q3 2025, so Q1 2026 is its third quarter (2 since the start); its start quarter is 0.
    assertThat(r1.<Integer>getAs("ramp_quarters")).isEqualTo(2);
    assertThat(one(reps, "rep_id = 'r1' AND quarter = DATE'2025-07-01'").<Integer>getAs("ramp_quarters")).isZero();
    Row r3 = one(reps, "rep_id = 'r3' AND quarter = DATE'2025-10-01'");
    assertThat(r3.<Integer>getAs("ramp_quarters")).isEqualTo(3); // started January 2025 (Q1): Q4 is 3 quarters on
    assertThat(dec(r3, "quota_attainment")).isEqualByComparingTo("0.16"); // 800 / 5000
    assertThat(r3.<Boolean>getAs("is_complete")).isTrue();
  }
}
