package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class RenewalsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void eachScoredWorkspaceWithItsPeriodEndMrrScoreOpenTicketsAndWhetherItRenewsWithinTheWindow() {
    Dataset<Row> scores = spark.sql("select * from values (11L, 'w1', 0.6, 'high'), (12L, 'w2', 0.4, 'high'), (13L, 'w3', 0.05, 'low')"
        + " as t(workspace_key, workspace_id, churn_probability, risk_band)");
    Dataset<Row> features = spark.sql("select workspace_id, cast(mrr_usd as double) mrr_usd, segment from values ('w1', 100, 'SMB'),"
        + " ('w2', 2000, 'Enterprise'), ('w3', 50, 'SMB') as t(workspace_id, mrr_usd, segment)");
    // w1 monthly, renews on 5 December; w2 annual, renews on 1 March (101 days); w3 had a period that ended, then a new one
    Dataset<Row> subscriptions = spark.sql("select subscription_id, workspace_id, status, cast(current_period_start_at as timestamp)"
        + " current_period_start_at, cast(current_period_end_at as timestamp) current_period_end_at, cancel_at_period_end,"
        + " array(named_struct('interval', interval)) items, false is_deleted from values"
        + " ('s1', 'w1', 'active', '2026-11-05 00:00:00', '2026-12-05 00:00:00', false, 'month'),"
        + " ('s2', 'w2', 'active', '2026-03-01 00:00:00', '2027-03-01 00:00:00', true, 'year'),"
        + " ('s3', 'w3', 'canceled', '2026-09-01 00:00:00', '2026-10-01 00:00:00', false, 'month'),"
        + " ('s4', 'w3', 'past_due', '2026-11-10 00:00:00', '2026-12-10 00:00:00', false, 'month')"
        + " as t(subscription_id, workspace_id, status, current_period_start_at, current_period_end_at, cancel_at_period_end, interval)");
    Dataset<Row> tickets = spark.sql("select workspace_id, cast(created_at as timestamp) created_at, cast(solved_at as timestamp) solved_at"
        + " from values ('w1', '2026-11-01 00:00:00', null), ('w1', '2026-11-02 00:00:00', '2026-11-25 00:00:00'),"
        + " ('w1', '2026-11-03 00:00:00', '2026-11-04 00:00:00'), ('w2', '2026-11-21 00:00:00', null)"
        + " as t(workspace_id, created_at, solved_at)");
    Map<String, Row> rows = Renewals.calendar(scores, features, subscriptions, tickets, LocalDate.of(2026, 11, 20), 60)
        .collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("workspace_id"), r -> r));
    Row w1 = rows.get("w1");
    assertThat(w1.getAs("period_end_date").toString()).isEqualTo("2026-12-05");
    assertThat(w1.<Integer>getAs("days_to_renewal")).isEqualTo(15);
    assertThat(w1.<Boolean>getAs("in_renewal_window")).isTrue();
    assertThat(w1.<String>getAs("billing_interval")).isEqualTo("month");
    // open at the end of 20 November: the one never solved and the one solved on the 25th
    assertThat(w1.<Long>getAs("open_tickets")).isEqualTo(2L);
    assertThat(w1.<Double>getAs("mrr_usd")).isEqualTo(100.0);
    Row w2 = rows.get("w2");
    assertThat(w2.<Integer>getAs("days_to_renewal")).isEqualTo(101);
    assertThat(w2.<Boolean>getAs("in_renewal_window")).isFalse(); // an annual plan outside its last 60 days
    assertThat(w2.<Boolean>getAs("cancel_at_period_end")).isTrue();
    assertThat(w2.<Long>getAs("open_tickets")).isZero(); // created after the day
    assertThat(rows.get("w3").<String>getAs("subscription_id")).isEqualTo("s4");
    assertThat(rows.get("w3").<Integer>getAs("days_to_renewal")).isEqualTo(20);
  }

  @Test
  void theCustomerHealthViewIsTheNewestCalendarWithEachWorkspacesReasons() {
    Dataset<Row> renewals = spark.sql("select cast(as_of_date as date) as_of_date, workspace_key, workspace_id, segment,"
        + " cast(mrr_usd as double) mrr_usd, cast(churn_probability as double) churn_probability, risk_band, cast(period_end_date as date) period_end_date, days_to_renewal, in_renewal_window,"
        + " cancel_at_period_end, open_tickets from values"
        + " ('2026-11-19', 11L, 'w1', 'SMB', 100.0, 0.5, 'high', '2026-12-05', 16, true, false, 1L),"
        + " ('2026-11-20', 11L, 'w1', 'SMB', 100.0, 0.6, 'high', '2026-12-05', 15, true, false, 2L),"
        + " ('2026-11-20', 12L, 'w2', 'Enterprise', 2000.0, 0.1, 'low', '2027-03-01', 101, false, true, 0L)"
        + " as t(as_of_date, workspace_key, workspace_id, segment, mrr_usd, churn_probability, risk_band, period_end_date,"
        + " days_to_renewal, in_renewal_window, cancel_at_period_end, open_tickets)");
    Dataset<Row> scores = spark.sql("select workspace_id, cast(score_date as date) score_date, 3 model_version,"
        + " array(named_struct('feature', f, 'direction', 'raises', 'contribution', 0.1)) top_reasons from values"
        + " ('w1', '2026-11-19', 'seats'), ('w1', '2026-11-20', 'tickets_90d'), ('w2', '2026-11-20', 'tenure_months')"
        + " as t(workspace_id, score_date, f)");
    Map<String, Row> rows = Renewals.health(renewals, scores).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("workspace_id"), r -> r));
    assertThat(rows).hasSize(2); // one row per workspace: 20 November's
    assertThat(rows.get("w1").<Double>getAs("churn_probability")).isEqualTo(0.6);
    assertThat(rows.get("w1").<Long>getAs("open_tickets")).isEqualTo(2L);
    assertThat(rows.get("w1").getList(rows.get("w1").fieldIndex("top_reasons")).get(0).toString()).contains("tickets_90d");
    assertThat(rows.get("w2").<Integer>getAs("model_version")).isEqualTo(3);
  }
}
