package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The segment mart's month-end churn scores: each month the stored scores of its own end date. */
class MonthEndScoresTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void eachMonthTakesTheScoresOfItsEndDateNeverAnotherDays() {
    Dataset<Row> segments = spark.sql("select cast(month as date) month, segment from values ('2026-10-01', 'SMB'),"
        + " ('2026-10-01', 'Enterprise'), ('2026-11-01', 'SMB') as t(month, segment)");
    // November is month-to-date: its end date is the as-of day, 20 November
    Dataset<Row> mrr = spark.sql("select workspace_id, cast(month as date) month, segment, cast(mrr_usd as decimal(18,6)) mrr_usd,"
        + " date_key from values ('w1', '2026-10-01', 'SMB', 100, 20261031), ('w2', '2026-10-01', 'SMB', 50, 20261031),"
        + " ('w3', '2026-10-01', 'Enterprise', 1000, 20261031), ('w1', '2026-11-01', 'SMB', 100, 20261120),"
        + " ('w4', '2026-11-01', 'SMB', 0, 20261120) as t(workspace_id, month, segment, mrr_usd, date_key)");
    Dataset<Row> scores = spark.sql("select workspace_id, cast(score_date as date) score_date, cast(churn_probability as double)"
        + " churn_probability, risk_band from values ('w1', '2026-10-31', 0.6, 'high'), ('w2', '2026-10-31', 0.1, 'low'),"
        + " ('w1', '2026-10-30', 0.9, 'high'), ('w1', '2026-11-20', 0.2, 'medium'), ('w4', '2026-11-20', 0.9, 'high')"
        + " as t(workspace_id, score_date, churn_probability, risk_band)");
    Map<String, Row> rows = BusinessTransforms.withMonthEndScores(segments, mrr, scores).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("month") + " " + r.getAs("segment"), r -> r));
    Row october = rows.get("2026-10-01 SMB");
    // 31 October: w1 0.6 (high), w2 0.1; 30 October's 0.9 is another day's
    assertThat(october.<java.math.BigDecimal>getAs("avg_churn_probability_month_end")).isEqualByComparingTo("0.35");
    assertThat(october.<Long>getAs("high_risk_workspaces_month_end")).isEqualTo(1L);
    assertThat(october.<java.math.BigDecimal>getAs("high_risk_mrr_month_end_usd")).isEqualByComparingTo("100");
    // 20 November: w1 medium; w4 pays nothing, so its score does not count
    Row november = rows.get("2026-11-01 SMB");
    assertThat(november.<java.math.BigDecimal>getAs("avg_churn_probability_month_end")).isEqualByComparingTo("0.2");
    assertThat(november.<Long>getAs("high_risk_workspaces_month_end")).isZero();
    assertThat(november.<java.math.BigDecimal>getAs("high_risk_mrr_month_end_usd")).isEqualByComparingTo("0");
    // no Enterprise workspace was scored on 31 October
    Row enterprise = rows.get("2026-10-01 Enterprise");
    assertThat(enterprise.isNullAt(enterprise.fieldIndex("avg_churn_probability_month_end"))).isTrue();
    // no model has scored yet
    assertThat(BusinessTransforms.withMonthEndScores(segments, mrr, null).where("avg_churn_probability_month_end IS NOT NULL"
        + " OR high_risk_mrr_month_end_usd IS NOT NULL").count()).isZero();
  }
}
