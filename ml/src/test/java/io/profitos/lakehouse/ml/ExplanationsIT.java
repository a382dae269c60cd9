package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Occlusion reasons on data whose only signal is known: x1 drives the label, x2 and the category are noise. */
class ExplanationsIT {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  @Test
  void theFeatureThatDrivesTheLabelIsTheTopReasonWhereverItIsFarFromItsMedianInTheDirectionItPushes() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    Map<String, Double> x1 = new HashMap<>();
    StringBuilder b = new StringBuilder("id,x1,x2,c,y\n");
    for (int i = 0; i < 2000; i++) {
      double a = r.nextGaussian();
      double p = 1 / (1 + Math.exp(-(3 * a - 1)));
      String id = "r" + i;
      x1.put(id, a);
      b.append(id).append(',').append(String.format(Locale.ROOT, "%.4f", a)).append(',')
          .append(String.format(Locale.ROOT, "%.4f", r.nextGaussian())).append(',').append("ABC".charAt(r.nextInt(3)))
          .append(',').append(r.nextDouble() < p ? 1 : 0).append('\n');
    }
    Path csv = dir.resolve("x.csv");
    Files.writeString(csv, b);
    Path conf = dir.resolve("x.conf");
    Files.writeString(conf, "source { path = \"" + csv + "\", format = csv }\nentity-key = [id]\nlabel.column = y\n"
        + "features { numeric = [x1, x2], categorical = [c] }\nalgorithms = [logistic_regression]\n"
        + "grid.logistic_regression.reg-param = [0.001]\nsplit.folds = 2\n");
    ModelSpec spec = ModelSpec.parse(conf, ConfigFactory.defaultReference());
    ModelTrainer.Trained t = new ModelTrainer(spark, new TableCatalog("file:" + dir.resolve("wh"))).train(spec);

    List<Object> refs = Explanations.references(t.pipeline(), t.plan());
    double median = (Double) refs.get(0);
    assertThat(median).isBetween(-0.1, 0.1); // the median of 1,000-odd standard normal draws
    assertThat(refs.get(2)).isIn("A", "B", "C");
    Dataset<Row> encoded = t.source().transform(ModelData.withLabel(spec)::apply).transform(ModelData.encode(spec, t.plan())::apply)
        .join(t.heldOut().select(col("entity").as(ModelData.ENTITY)), ModelData.ENTITY);
    Dataset<Row> explanations = Explanations.explain(t.pipeline(), t.platt(), t.plan(), refs, encoded, 3);
    List<Row> explained = explanations.collectAsList();
    // globally, the driving feature matters most; the two noise features far less
    List<Row> importance = Explanations.importance(explanations).collectAsList();
    assertThat(importance.get(0).getString(0)).isEqualTo("x1");
    assertThat(importance.get(1).getDouble(1)).isLessThan(importance.get(0).getDouble(1) / 5);
    Map<String, Double> heldOut = new HashMap<>();
    t.heldOut().collectAsList().forEach(row -> heldOut.put(row.getString(0), row.getDouble(2)));
    assertThat(explained).hasSize(heldOut.size());
    int far = 0;
    for (Row row : explained) {
      String id = row.getString(0);
      // the unoccluded pass is the row's ordinary calibrated score
      assertThat(row.<Double>getAs(ModelTrainer.PROBABILITY)).isCloseTo(heldOut.get(id), within(1e-12));
      List<Row> reasons = row.getList(row.fieldIndex(Explanations.REASONS));
      assertThat(reasons).hasSize(3);
      assertThat(Math.abs(reasons.get(0).getDouble(2))).isGreaterThanOrEqualTo(Math.abs(reasons.get(1).getDouble(2)));
      if (Math.abs(x1.get(id) - median) > 1.0) {
        far++;
        assertThat(reasons.get(0).getString(0)).as(id).isEqualTo("x1");
        assertThat(reasons.get(0).getString(1)).as(id).isEqualTo(x1.get(id) > median ? "raises" : "lowers");
      }
    }
    assertThat(far).isGreaterThan(100);
  }
}
