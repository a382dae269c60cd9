package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own CSV, messy as real exports are ({@link MessyCsv}), trained from configuration alone. Each row's true
 * probability is known, so the best achievable (oracle) AUC can be computed on the same held-out rows, independently
 * of the code under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelTrainerIT {
  private static final int ROWS = 4000;

  private final SparkSession spark = SparkTestSession.get();
  @TempDir static Path dir;
  private final Map<String, Double> truth = new HashMap<>();
  private int positives;
  private Path csv;
  private ModelTrainer trainer;

  @BeforeAll
  void writeTheCsv() throws IOException {
    csv = dir.resolve("customers.csv");
    MessyCsv.Truth t = MessyCsv.write(csv, ROWS, 2026);
    truth.putAll(t.probability());
    positives = t.positives();
    trainer = new ModelTrainer(spark, new TableCatalog("file:" + dir.resolve("warehouse").toAbsolutePath()));
  }

  private ModelSpec spec(String name, String extra) throws IOException {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, """
        source { path = "%s", format = csv }
        entity-key = [customer_id]
        label { column = Churn, positive = [yes] }
        features { all-other-columns = true }
        grid {
          logistic_regression { reg-param = [0.01] }
          gradient_boosted_trees { max-depth = [3], max-iter = [15] }
        }
        split.folds = 2
        baseline.group-by = contract
        %s
        """.formatted(csv, extra));
    return ModelSpec.parse(conf, ConfigFactory.defaultReference());
  }

  @Test
  void aCsvModelTrainedFromConfigurationAloneBeatsItsBaselineByHalfTheOraclesMargin() throws IOException {
    ModelTrainer.Trained t = trainer.train(spec("telco", ""));

    assertThat(t.plan().numeric()).containsExactly("tenure", "monthly_charges", "support_calls");
    assertThat(t.plan().numericFromText()).containsExactlyInAnyOrder("tenure", "monthly_charges", "support_calls");
    assertThat(t.plan().categorical().keySet()).containsExactly("contract", "city");
    assertThat(t.plan().categorical().get("city")).hasSize(30).doesNotContain("N/A", "unknown", "");
    assertThat(t.plan().excluded()).containsOnlyKeys("signup_ref");
    assertThat(t.warnings()).anyMatch(w -> w.startsWith("column 'signup_ref' is not a feature: ID-like"));

    // stratified: a class of n rows has its first ceil(0.25 n) hash ranks held out
    assertThat(t.model().positives()).isEqualTo((long) Math.ceil(0.25 * positives));
    assertThat(t.model().rows()).isEqualTo((long) Math.ceil(0.25 * positives) + (long) Math.ceil(0.25 * (ROWS - positives)));

    // the held-out AUC agrees with MLlib's own evaluator on the same rows
    double mllibAuc = new BinaryClassificationEvaluator().setRawPredictionCol("probability").setLabelCol("label")
        .evaluate(t.heldOut());
    assertThat(t.model().aucRoc()).isCloseTo(mllibAuc, org.assertj.core.api.Assertions.within(1e-6));

    // the oracle scores the same held-out rows with the probabilities that generated them
    List<Row> oracleRows = new ArrayList<>();
    for (Row row : t.heldOut().collectAsList()) {
      oracleRows.add(RowFactory.create(truth.get(row.getString(0)), row.getDouble(3)));
    }
    double oracle = new BinaryClassificationEvaluator().setRawPredictionCol("p").setLabelCol("y")
        .evaluate(spark.createDataFrame(oracleRows, new StructType().add("p", DataTypes.DoubleType).add("y", DataTypes.DoubleType)));
    double baseline = t.baseline().aucRoc();
    assertThat(oracle).isGreaterThan(baseline);
    assertThat(t.model().aucRoc()).isGreaterThanOrEqualTo(baseline + 0.5 * (oracle - baseline));
    assertThat(t.model().brier()).isLessThan(t.baseline().brier());
    assertThat(t.candidates()).extracting(ModelTrainer.Candidate::algorithm)
        .containsExactly(ModelSpec.Algorithm.LOGISTIC_REGRESSION, ModelSpec.Algorithm.GRADIENT_BOOSTED_TREES);

    // determinism: the same configuration trains the same model, to the last digit of every held-out probability
    ModelTrainer.Trained again = trainer.train(spec("telco", ""));
    // (the cross-validated AUC is a sum over partitions, whose order may move its last bit)
    assertThat(again.chosen().algorithm()).isEqualTo(t.chosen().algorithm());
    assertThat(again.chosen().params()).isEqualTo(t.chosen().params());
    assertThat(again.chosen().cvAucRoc()).isCloseTo(t.chosen().cvAucRoc(), org.assertj.core.api.Assertions.within(1e-12));
    assertThat(again.platt()).isEqualTo(t.platt());
    assertThat(again.heldOut().collectAsList()).isEqualTo(t.heldOut().collectAsList());
  }

  @Test
  void labelsShuffledAcrossRowsLeaveNoSignal() throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> labels = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      labels.add(line.split(",", -1)[1]);
    }
    java.util.Collections.shuffle(labels, new java.util.Random(5));
    StringBuilder b = new StringBuilder(lines.get(0)).append('\n');
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", 3);
      b.append(f[0]).append(',').append(labels.get(i - 1)).append(',').append(f[2]).append('\n');
    }
    Path shuffled = dir.resolve("shuffled.csv");
    Files.writeString(shuffled, b);
    ModelTrainer.Trained t = trainer.train(spec("shuffled", "source.path = \"" + shuffled + "\""));
    // held out: about 1,000 rows of which about 75 positive; the AUC of noise has a standard deviation near 0.035
    assertThat(t.model().aucRoc()).isBetween(0.40, 0.60);
  }

  @Test
  void aConfigurationTheDataCannotServeFailsBeforeAnyTrainingWithTheKeyToFix() throws IOException {
    assertThatThrownBy(() -> trainer.train(spec("unknown_column", "features.numeric = [tenure_months]")))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("features.numeric names column 'tenure_months', which csv at")
        .hasMessageContaining("Its columns: customer_id, Churn, tenure");
    assertThatThrownBy(() -> trainer.train(spec("one_class", "label.positive = [maybe]")))
        .hasMessageContaining("has a single class (0 positive, 4000 negative")
        .hasMessageContaining("check label.positive [maybe] against the values of 'Churn'");
    Path nested = dir.resolve("nested");
    spark.createDataFrame(List.of(RowFactory.create("a", 1, List.of("x")), RowFactory.create("b", 0, List.of("y"))),
            new StructType().add("id", DataTypes.StringType).add("y", DataTypes.IntegerType)
                .add("tags", DataTypes.createArrayType(DataTypes.StringType)))
        .write().parquet(nested.toString());
    Path conf = dir.resolve("nested.conf");
    Files.writeString(conf, "source { path = \"" + nested + "\", format = parquet }\nentity-key = [id]\nlabel.column = y\n"
        + "features.categorical = [tags]\n");
    assertThatThrownBy(() -> trainer.train(ModelSpec.parse(conf, ConfigFactory.defaultReference())))
        .hasMessageContaining("features.categorical names 'tags' of type array<string>, which cannot be encoded");
  }
}
