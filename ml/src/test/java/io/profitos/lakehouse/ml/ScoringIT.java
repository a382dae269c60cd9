package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The churn score job on a small warehouse: the champion scores the run date's rows into gold.fact_churn_score_daily. */
class ScoringIT {
  private static final LocalDate RUN = LocalDate.of(2026, 9, 15);
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  /**
   * 400 workspaces at eight month ends (labelled, churn driven by tickets and falling usage) and on the run date; w0
   * changed plan on 1 September (a second dimension version).
   */
  private void seed(TableCatalog catalog) {
    Dataset<Row> rows = spark.sql("""
        WITH ws AS (SELECT id, concat('w', id) AS workspace_id FROM range(400)),
        snaps AS (SELECT explode(array(DATE'2026-01-31', DATE'2026-02-28', DATE'2026-03-31', DATE'2026-04-30', DATE'2026-05-31',
          DATE'2026-06-30', DATE'2026-07-31', DATE'2026-08-31', DATE'2026-09-15')) AS snapshot_date),
        x AS (SELECT workspace_id, snapshot_date, CAST(pmod(xxhash64(workspace_id, snapshot_date, 'a'), 6) AS BIGINT) AS tickets_90d,
          (pmod(xxhash64(workspace_id, snapshot_date, 'b'), 2001) - 1000) / 500.0 AS usage_trend_30d,
          CASE WHEN pmod(xxhash64(workspace_id), 3) = 0 THEN 'team' ELSE 'business' END AS plan,
          pmod(xxhash64(workspace_id, snapshot_date, 'c'), 100000) / 100000.0 AS u
          FROM ws CROSS JOIN snaps)
        SELECT workspace_id, snapshot_date, tickets_90d, usage_trend_30d, plan, usage_trend_30d < -0.5 AS usage_dropped,
          CASE WHEN snapshot_date = DATE'2026-09-15' THEN NULL
               ELSE u < 1 / (1 + exp(-(-3.0 + 0.9 * tickets_90d - 1.2 * usage_trend_30d))) END AS churned_in_horizon
        FROM x""");
    rows.write().format("delta").save(catalog.location(MlJobProvider.CHURN_FEATURES));
    spark.sql("""
        SELECT CAST(id + 1000 AS BIGINT) AS workspace_key, concat('w', id) AS workspace_id, TIMESTAMP'2025-01-01 00:00:00' AS valid_from,
          CAST(NULL AS TIMESTAMP) AS valid_to FROM range(1, 400)
        UNION ALL SELECT 5000L, 'w0', TIMESTAMP'2025-01-01 00:00:00', TIMESTAMP'2026-09-01 00:00:00'
        UNION ALL SELECT 5001L, 'w0', TIMESTAMP'2026-09-01 00:00:00', CAST(NULL AS TIMESTAMP)
        UNION ALL SELECT -1L, 'unknown', CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP)""")
        .write().format("delta").save(catalog.location(io.profitos.lakehouse.core.table.TableName.of("gold", "dim_workspace")));
  }

  private JobRunner.Outcome score(LakehouseSettings settings, LocalDate day) {
    return score(settings, day, false);
  }

  private JobRunner.Outcome score(LakehouseSettings settings, LocalDate day, boolean fullRefresh) {
    LakehouseJob job = new MlJobProvider().jobs(settings).stream().filter(j -> j.name().equals("gold.fact_churn_score_daily"))
        .findFirst().orElseThrow();
    return new JobRunner(new io.profitos.lakehouse.core.job.JobContext(spark, settings, new TableCatalog(settings.warehouse()),
        java.util.UUID.randomUUID().toString(), day, fullRefresh, java.time.Clock.systemUTC())).run(List.of(job));
  }

  @Test
  void theChampionScoresEachWorkspaceOfTheRunDateOnceWithItsBandReasonsAndVersionAndScoringAgainChangesNothing() throws Exception {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"),
        "lakehouse.ml.scoring.churn.risk-bands { high = 0.5, medium = 0.2 }");
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    seed(catalog);

    // no champion yet: nothing is scored, and the run says how to get one
    JobRunner.Outcome none = score(settings, RUN);
    assertThat(none.exitCode()).isZero();
    assertThat(none.finished().get(0).result().message()).contains("no champion").contains("lakehouse ml train churn");
    assertThat(catalog.exists(spark, MlJobProvider.CHURN_SCORES)).isFalse();

    Path conf = Files.createDirectories(dir.resolve("models")).resolve("churn.conf");
    Files.writeString(conf, """
        source.table = "ml.churn_features"
        entity-key = [workspace_id, snapshot_date]
        label.column = churned_in_horizon
        as-of = snapshot_date
        features { numeric = [tickets_90d, usage_trend_30d], categorical = [plan] }
        algorithms = [logistic_regression]
        grid.logistic_regression.reg-param = [0.01]
        split.folds = 2
        baseline.group-by = usage_dropped
        """);
    ModelTraining.Outcome trained = ModelTraining.trainAndRegister(spark, catalog, ModelSpec.parse(conf, settings.config()),
        Instant.parse("2026-09-14T00:00:00Z"));
    assertThat(trained.registered().status()).isEqualTo(ModelRegistry.CHAMPION);

    assertThat(score(settings, RUN).exitCode()).isZero();
    Dataset<Row> fact = spark.read().format("delta").load(catalog.location(MlJobProvider.CHURN_SCORES));
    List<Row> rows = fact.collectAsList();
    assertThat(rows).hasSize(400);
    Map<String, Row> byWorkspace = rows.stream().collect(Collectors.toMap(r -> r.getAs("workspace_id"), r -> r));
    // the workspace version valid on the score date
    assertThat(byWorkspace.get("w0").<Long>getAs("workspace_key")).isEqualTo(5001L);
    assertThat(byWorkspace.get("w7").<Long>getAs("workspace_key")).isEqualTo(1007L);
    for (Row r : rows) {
      double p = r.getAs("churn_probability");
      assertThat(r.<String>getAs("risk_band")).isEqualTo(p >= 0.5 ? "high" : p >= 0.2 ? "medium" : "low");
      assertThat(r.<Integer>getAs("model_version")).isEqualTo(1);
      assertThat(r.getDate(r.fieldIndex("score_date")).toLocalDate()).isEqualTo(RUN);
      List<Row> reasons = r.getList(r.fieldIndex("top_reasons"));
      assertThat(reasons).hasSize(3);
      assertThat(reasons.stream().map(x -> x.getString(0))).containsExactlyInAnyOrder("tickets_90d", "usage_trend_30d", "plan");
    }
    // the score follows the signal: many tickets and falling usage score above few tickets and rising usage
    double risky = mean(fact, catalog, "tickets_90d >= 4 AND usage_trend_30d < -1");
    double safe = mean(fact, catalog, "tickets_90d <= 1 AND usage_trend_30d > 1");
    assertThat(risky).isGreaterThan(safe + 0.3);
    assertThat(fact.where(col("risk_band").equalTo("high")).count()).isPositive();

    // nothing changed: the day's rows stand; scored again (a full refresh), they are replaced with the same ones
    List<Row> before = fact.orderBy("workspace_id").collectAsList();
    JobRunner.Outcome unchanged = score(settings, RUN);
    assertThat(unchanged.finished().get(0).result().message()).isEqualTo("up to date");
    JobRunner.Outcome rescored = score(settings, RUN, true);
    assertThat(rescored.finished().get(0).result().rowsWritten()).isEqualTo(400);
    Dataset<Row> again = spark.read().format("delta").load(catalog.location(MlJobProvider.CHURN_SCORES));
    assertThat(again.orderBy("workspace_id").collectAsList()).isEqualTo(before);

    // drift: the run date's rows come from the training distribution, so nothing has shifted
    Map<String, Row> drift = drift(catalog);
    assertThat(drift.keySet()).containsExactlyInAnyOrder("tickets_90d", "usage_trend_30d", "plan", Drift.SCORE);
    for (Row r : drift.values()) {
      assertThat(r.<Double>getAs("psi")).as(r.<String>getAs("feature")).isLessThan(Drift.SHIFTED);
      assertThat(r.<Long>getAs("scoring_rows")).isEqualTo(400L);
      assertThat(r.<Boolean>getAs("is_shifted")).isFalse();
    }
    // every workspace of the day now has five tickets: that feature and the score shift, usage does not
    spark.read().format("delta").load(catalog.location(MlJobProvider.CHURN_FEATURES))
        .withColumn("tickets_90d", org.apache.spark.sql.functions.when(col("snapshot_date").equalTo(java.sql.Date.valueOf(RUN)),
            org.apache.spark.sql.functions.lit(5L)).otherwise(col("tickets_90d")))
        .write().format("delta").mode("overwrite").save(catalog.location(MlJobProvider.CHURN_FEATURES));
    JobRunner.Outcome shifted = score(settings, RUN);
    assertThat(shifted.finished().get(0).result().message()).contains("drift").contains("tickets_90d")
        .contains("lakehouse ml train churn");
    drift = drift(catalog);
    assertThat(drift).hasSize(4); // the day's rows replaced, not added
    assertThat(drift.get("tickets_90d").<Double>getAs("psi")).isGreaterThan(1.0);
    assertThat(drift.get("tickets_90d").<Boolean>getAs("is_shifted")).isTrue();
    assertThat(drift.get(Drift.SCORE).<Boolean>getAs("is_shifted")).isTrue();
    assertThat(drift.get("usage_trend_30d").<Double>getAs("psi")).isLessThan(Drift.SHIFTED);

    // the report: the champion's registered held-out figures and the newest day's drift, as text, JSON and CSV
    ModelReport.Registered report = ModelReport.registered(spark, catalog, "churn");
    double auc = trained.registered().metrics().get("auc_roc");
    assertThat(report.version().version()).isEqualTo(1);
    assertThat(report.text()).contains("Model churn v1 (champion").contains(String.format(java.util.Locale.ROOT, "%.4f", auc))
        .contains("Drift on 2026-09-15").containsPattern("tickets_90d\\s+[0-9.]+  shifted");
    assertThat(report.csv()).startsWith("section,name,model,baseline\n").contains("held_out,AUC-ROC," + auc + ",");
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.json());
    assertThat(json.get("held_out").get(0).get("model").asDouble()).isEqualTo(auc);
    assertThat(json.get("drift")).hasSize(4);
  }

  private Map<String, Row> drift(TableCatalog catalog) {
    return spark.read().format("delta").load(catalog.location(ScoreJob.DRIFT_METRICS)).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getAs("feature"), r -> r));
  }

  /** The mean probability of the run date's rows whose features match {@code where}. */
  private double mean(Dataset<Row> fact, TableCatalog catalog, String where) {
    Dataset<Row> features = spark.read().format("delta").load(catalog.location(MlJobProvider.CHURN_FEATURES))
        .where(col("snapshot_date").equalTo(java.sql.Date.valueOf(RUN))).where(where).select("workspace_id");
    return fact.join(features, "workspace_id").agg(org.apache.spark.sql.functions.avg("churn_probability")).first().getDouble(0);
  }
}
