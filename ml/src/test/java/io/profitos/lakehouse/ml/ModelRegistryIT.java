package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, promotion against the baseline and the champion on the same held-out rows, and hand promotion and rollback. */
class ModelRegistryIT {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private ModelSpec spec(Path csv, String features) throws IOException {
    Path conf = dir.resolve("churn.conf");
    Files.writeString(conf, """
        source { path = "%s", format = csv }
        entity-key = [customer_id]
        label { column = Churn, positive = [yes] }
        %s
        algorithms = [logistic_regression]
        grid.logistic_regression.reg-param = [0.01]
        split.folds = 2
        baseline.group-by = contract
        """.formatted(csv, features));
    return ModelSpec.parse(conf, ConfigFactory.defaultReference());
  }

  private Map<Integer, String> statuses(ModelRegistry registry) {
    return registry.versions("churn").stream().collect(Collectors.toMap(ModelRegistry.Version::version,
        ModelRegistry.Version::status));
  }

  @Test
  void aVersionBecomesChampionOnlyByBeatingTheBaselineAndTheChampionAndEachStatusChangeIsOneCommit() throws IOException {
    Path csv = dir.resolve("customers.csv");
    MessyCsv.write(csv, 3000, 99);
    TableCatalog catalog = new TableCatalog("file:" + dir.resolve("warehouse").toAbsolutePath());
    ModelRegistry registry = new ModelRegistry(spark, catalog);
    String all = "features.all-other-columns = true";

    ModelTraining.Outcome v1 = ModelTraining.trainAndRegister(spark, catalog, spec(csv, all), Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(v1.registered().version()).isEqualTo(1);
    assertThat(v1.registered().status()).isEqualTo(ModelRegistry.CHAMPION);
    assertThat(v1.registered().statusReason()).contains("no champion before");
    long afterV1 = DeltaTables.version(spark, registry.location());
    // the saved version scores its own held-out rows exactly as training did (plan and calibration saved with it)
    Evaluation reloaded = new ModelTrainer(spark, catalog).evaluate(registry.load(v1.registered()), v1.trained());
    assertThat(reloaded.aucRoc()).isCloseTo(v1.trained().model().aucRoc(), within(1e-12));
    assertThat(reloaded.brier()).isCloseTo(v1.trained().model().brier(), within(1e-12));
    assertThat(Files.isDirectory(dir.resolve("warehouse/ml/models/churn/v1/pipeline"))).isTrue();
    assertThat(v1.registered().metrics()).containsKeys("auc_roc", "auc_pr", "brier", "log_loss", "baseline_auc_roc");

    // only the cities, which carry no signal: it cannot beat the baseline (the churn rate of each contract type)
    ModelTraining.Outcome v2 = ModelTraining.trainAndRegister(spark, catalog, spec(csv, "features.categorical = [city]"),
        Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(v2.registered().status()).isEqualTo(ModelRegistry.CHALLENGER);
    assertThat(v2.registered().statusReason()).contains("does not beat the baseline's");
    assertThat(DeltaTables.version(spark, registry.location())).isEqualTo(afterV1 + 1);

    // the same configuration again: the same AUC as the champion on the same held-out rows, so not better by the margin
    ModelTraining.Outcome v3 = ModelTraining.trainAndRegister(spark, catalog, spec(csv, all), Instant.parse("2026-12-03T00:00:00Z"));
    assertThat(v3.championOnHeldOut().aucRoc()).isCloseTo(v3.trained().model().aucRoc(), within(1e-12));
    assertThat(v3.registered().status()).isEqualTo(ModelRegistry.CHALLENGER);
    assertThat(v3.registered().statusReason()).contains("does not beat champion v1's");
    assertThat(statuses(registry)).isEqualTo(Map.of(1, "champion", 2, "archived", 3, "challenger"));
    assertThat(DeltaTables.version(spark, registry.location())).isEqualTo(afterV1 + 2);

    registry.makeChampion("churn", 3, "promoted by hand", Instant.parse("2026-12-04T00:00:00Z"));
    assertThat(statuses(registry)).isEqualTo(Map.of(1, "archived", 2, "archived", 3, "champion"));
    registry.makeChampion("churn", 1, "rolled back to by hand", Instant.parse("2026-12-04T01:00:00Z"));
    assertThat(statuses(registry)).isEqualTo(Map.of(1, "champion", 2, "archived", 3, "archived"));
    assertThat(DeltaTables.version(spark, registry.location())).isEqualTo(afterV1 + 4);

    assertThatThrownBy(() -> registry.makeChampion("churn", 9, "x", Instant.now()))
        .hasMessage("Model 'churn' has no version 9; its versions: v3 (archived), v2 (archived), v1 (champion).");
    assertThatThrownBy(() -> registry.makeChampion("churn", 1, "x", Instant.now()))
        .hasMessage("Model 'churn' v1 is already the champion.");
    assertThatThrownBy(() -> registry.makeChampion("leads", 1, "x", Instant.now()))
        .hasMessageContaining("Model 'leads' has no registered version");
  }
}
