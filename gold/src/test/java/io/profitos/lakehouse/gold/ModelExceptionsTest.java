package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The exceptions a model's drift and its degraded realised performance raise. */
class ModelExceptionsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aShiftedFeatureInTheWindowRaisesAnAmberDriftExceptionNamingModelAndFeature() {
    Dataset<Row> drift = spark.sql("select model, model_version, cast(score_date as date) score_date, feature, psi, is_shifted,"
        + " psi_threshold from values ('churn', 3, '2026-11-20', 'tickets_90d', 0.41, true, 0.2),"
        + " ('churn', 3, '2026-11-20', 'seats', 0.05, false, 0.2), ('churn', 2, '2026-08-31', 'plan', 0.9, true, 0.2)"
        + " as t(model, model_version, score_date, feature, psi, is_shifted, psi_threshold)");
    List<Row> rows = ExceptionTransforms.modelDrift(drift, LocalDate.of(2026, 9, 1), "Head of BI").collectAsList();
    // seats did not shift; August is before the window
    assertThat(rows).hasSize(1);
    Row r = rows.get(0);
    assertThat(r.<String>getAs("metric")).isEqualTo("model_drift");
    assertThat(r.<String>getAs("breakdown_value")).isEqualTo("churn: tickets_90d");
    assertThat(r.<Double>getAs("value")).isEqualTo(0.41);
    assertThat(r.<Double>getAs("threshold")).isEqualTo(0.2);
    assertThat(r.<String>getAs("status")).isEqualTo("amber");
    assertThat(r.getAs("period").toString()).isEqualTo("2026-11-20");
    assertThat(r.<String>getAs("detail")).contains("churn v3").contains("lakehouse ml train churn");
    assertThat(List.of(ExceptionTransforms.modelDrift(drift, LocalDate.of(2026, 9, 1), "x").columns()))
        .containsExactlyElementsOf(List.of(ExceptionTransforms.SCHEMA.fieldNames()));
  }

  @Test
  void aDegradedScoreDateRaisesARedPerformanceException() {
    Dataset<Row> performance = spark.sql("select model, model_version, cast(score_date as date) score_date, auc_roc, auc_floor,"
        + " is_degraded from values ('lead_score', 1, '2026-10-01', 0.61, 0.75, true), ('lead_score', 1, '2026-10-02', 0.8, 0.75,"
        + " false) as t(model, model_version, score_date, auc_roc, auc_floor, is_degraded)");
    List<Row> rows = ExceptionTransforms.modelPerformance(performance, LocalDate.of(2026, 9, 1), "Head of BI").collectAsList();
    assertThat(rows).hasSize(1);
    Row r = rows.get(0);
    assertThat(r.<String>getAs("metric")).isEqualTo("model_performance");
    assertThat(r.<String>getAs("breakdown_value")).isEqualTo("lead_score");
    assertThat(r.<Double>getAs("value")).isEqualTo(0.61);
    assertThat(r.<Double>getAs("threshold")).isEqualTo(0.75);
    assertThat(r.<String>getAs("comparison")).isEqualTo("below");
    assertThat(r.<String>getAs("status")).isEqualTo("red");
    assertThat(List.of(ExceptionTransforms.modelPerformance(performance, LocalDate.of(2026, 9, 1), "x").columns()))
        .containsExactlyElementsOf(List.of(ExceptionTransforms.SCHEMA.fieldNames()));
  }
}
