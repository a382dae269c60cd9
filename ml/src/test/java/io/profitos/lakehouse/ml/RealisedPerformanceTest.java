package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class RealisedPerformanceTest {
  private final SparkSession spark = SparkTestSession.get();

  private Map<String, Row> byDay(Dataset<Row> rows) {
    return rows.collectAsList().stream().collect(Collectors.toMap(r -> r.getAs("model") + " v" + r.getAs("model_version") + " "
        + r.getAs("score_date"), r -> r));
  }

  @Test
  void aucByRanksWithTiesSharingTheirMeanRankAndBrierPerScoredDay() {
    Dataset<Row> labelled = spark.sql("select model, model_version, cast(score_date as date) score_date, cast(probability as double) probability,"
        + " cast(label as double) label from values"
        + " ('churn', 1, '2026-03-31', 0.1, 0.0), ('churn', 1, '2026-03-31', 0.4, 0.0), ('churn', 1, '2026-03-31', 0.35, 1.0),"
        + " ('churn', 1, '2026-03-31', 0.8, 1.0), ('churn', 1, '2026-04-30', 0.5, 1.0), ('churn', 1, '2026-04-30', 0.5, 0.0),"
        + " ('churn', 1, '2026-04-30', 0.2, 0.0), ('churn', 2, '2026-04-30', 0.3, 0.0), ('churn', 2, '2026-04-30', 0.6, 0.0)"
        + " as t(model, model_version, score_date, probability, label)");
    Map<String, Row> days = byDay(RealisedPerformance.byDay(labelled));
    Row march = days.get("churn v1 2026-03-31");
    // positive-negative pairs: 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3 of 4
    assertThat(march.<Double>getAs("auc_roc")).isCloseTo(0.75, within(1e-12));
    assertThat(march.<Double>getAs("brier")).isCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, within(1e-12));
    assertThat(march.<Long>getAs("rows")).isEqualTo(4);
    assertThat(march.<Long>getAs("positives")).isEqualTo(2);
    // 0.5 against the tied 0.5 counts a half, against 0.2 one: 1.5 of 2
    assertThat(days.get("churn v1 2026-04-30").<Double>getAs("auc_roc")).isCloseTo(0.75, within(1e-12));
    // one class: no AUC
    assertThat(days.get("churn v2 2026-04-30").isNullAt(days.get("churn v2 2026-04-30").fieldIndex("auc_roc"))).isTrue();

    Dataset<Row> registered = spark.sql("select model, model_version, cast(registered_auc_roc as double) registered_auc_roc,"
        + " cast(registered_brier as double) registered_brier from values ('churn', 1, 0.85, 0.07), ('churn', 2, 0.78, 0.07)"
        + " as t(model, model_version, registered_auc_roc, registered_brier)");
    Map<String, Row> compared = byDay(RealisedPerformance.compared(RealisedPerformance.byDay(labelled), registered, 0.05));
    assertThat(compared.get("churn v1 2026-03-31").<Boolean>getAs("is_degraded")).isTrue(); // 0.75 < 0.85 - 0.05
    assertThat(compared.get("churn v2 2026-04-30").<Boolean>getAs("is_degraded")).isFalse(); // no AUC to compare
    Map<String, Row> lenient = byDay(RealisedPerformance.compared(RealisedPerformance.byDay(labelled), registered, 0.11));
    assertThat(lenient.get("churn v1 2026-03-31").<Boolean>getAs("is_degraded")).isFalse(); // 0.75 >= 0.85 - 0.11
  }

  @Test
  void aScoredWorkspaceIsLabelledByTheNextThreeMonthEndsOnceKnown() {
    Dataset<Row> scores = spark.sql("select workspace_id, cast(score_date as date) score_date, cast(churn_probability as double) churn_probability, 'churn' model,"
        + " 1 model_version from values ('w1', '2026-03-20', 0.9), ('w2', '2026-03-31', 0.2), ('w3', '2026-03-20', 0.4)"
        + " as t(workspace_id, score_date, churn_probability)");
    Dataset<Row> mrr = spark.sql("select workspace_id, cast(month as date) month, cast(mrr_usd as decimal(18,6)) mrr_usd, is_complete"
        + " from values ('w1','2026-03-01',100,true), ('w1','2026-04-01',0,true), ('w1','2026-05-01',0,false),"
        + " ('w2','2026-03-01',50,true), ('w2','2026-04-01',50,true), ('w2','2026-05-01',50,true), ('w2','2026-06-01',50,true),"
        + " ('w2','2026-07-01',0,true), ('w3','2026-03-01',10,true), ('w3','2026-04-01',10,true), ('w3','2026-05-01',0,false)"
        + " as t(workspace_id, month, mrr_usd, is_complete)");
    Map<String, Double> labels = RealisedPerformance.churnLabels(scores, mrr, 3).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.<Double>getAs("label")));
    // w1 (20 March): March, April, May; 0 in April -> churned though May is open
    // w2 (31 March): April, May, June all paid -> not churned (July is beyond the horizon)
    // w3 (20 March): March and April paid, May open -> unknown, left out
    assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("w1", 1.0, "w2", 0.0));
  }
}
