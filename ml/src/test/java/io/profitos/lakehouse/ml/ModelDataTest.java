package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ModelDataTest {
  private final SparkSession spark = SparkTestSession.get();

  private static ModelSpec spec(String hocon) {
    return ModelSpec.parse(ConfigFactory.parseString(hocon), ConfigFactory.defaultReference(), "test.conf", "m");
  }

  @Test
  void textNumbersAreCleanedAndBlanksAndPlaceholdersAreNull() {
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create(" $1,234.50 "), RowFactory.create("12%"),
        RowFactory.create(""), RowFactory.create("N/A"), RowFactory.create("abc"), RowFactory.create((Object) null)),
        new StructType().add("v", DataTypes.StringType));
    List<Object> parsed = rows.select(ModelData.number(col("v"), true, false)).collectAsList().stream().map(r -> r.get(0))
        .toList();
    assertThat(parsed).containsExactly(1234.5, 12.0, null, null, null, null);
  }

  @Test
  void aTextLabelIsOneForItsPositiveValuesZeroForOthersAndNullWhenBlank() {
    ModelSpec spec = spec("source.table = gold.x\nentity-key = [id]\nlabel.column = Churn\nfeatures.numeric = [id]");
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("Yes"), RowFactory.create(" yes "),
        RowFactory.create("No"), RowFactory.create("1"), RowFactory.create(" "), RowFactory.create("unknown")),
        new StructType().add("Churn", DataTypes.StringType));
    List<Object> labels = rows.transform(ModelData.withLabel(spec)::apply).select(ModelData.LABEL).collectAsList().stream()
        .map(r -> r.get(0)).toList();
    assertThat(labels).containsExactly(1.0, 1.0, 0.0, 1.0, null, null);
  }

  @Test
  void categoriesKeepThePlansLevelsAndNameTheRestOtherOrMissing() {
    ModelSpec spec = spec("source.table = gold.x\nentity-key = [id]\nlabel.column = y\nfeatures.categorical = [city]");
    FeaturePlan plan = new FeaturePlan(List.of(), java.util.Set.of(), Map.of("city", List.of("Paris", "Lyon")), Map.of());
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("a", "Paris ", 1.0), RowFactory.create("b", "Nice", 0.0),
        RowFactory.create("c", "n/a", 0.0), RowFactory.create("d", null, 1.0)),
        new StructType().add("id", DataTypes.StringType).add("city", DataTypes.StringType).add(ModelData.LABEL, DataTypes.DoubleType));
    List<String> encoded = rows.transform(ModelData.encode(spec, plan)::apply).orderBy(ModelData.ENTITY)
        .select(ModelData.categoricalColumn(0)).collectAsList().stream().map(r -> r.getString(0)).toList();
    assertThat(encoded).containsExactly("Paris", "(other)", "(missing)", "(missing)");
  }

  @Test
  void theStratifiedSplitHoldsOutEachClassesShareAndDealsFoldsEvenly() {
    // 10 positives, 30 negatives; test-fraction 0.25, calibration-fraction 0.2 of the rest, 3 folds.
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      data.add(RowFactory.create("e" + i, i < 10 ? 1.0 : 0.0));
    }
    Dataset<Row> rows = spark.createDataFrame(data, new StructType().add(ModelData.ENTITY, DataTypes.StringType)
        .add(ModelData.LABEL, DataTypes.DoubleType));
    ModelSpec.Split split = new ModelSpec.Split(0.25, 0.2, 3, 42);
    Dataset<Row> parts = rows.transform(ModelData.withStratifiedSplit(split)::apply);
    Map<String, Long> counts = parts.groupBy(ModelData.PART, ModelData.LABEL).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0) + "/" + (int) r.getDouble(1), r -> r.getLong(2)));
    // a class of n rows ranked 1..n: held out while (rank - 1) / n < 0.25, calibration while < 0.25 + 0.2 * 0.75 = 0.4
    assertThat(counts).isEqualTo(Map.of("test/1", 3L, "calibration/1", 1L, "fit/1", 6L,
        "test/0", 8L, "calibration/0", 4L, "fit/0", 18L));
    // the same seed gives the same sides; another seed other ones
    List<String> heldOut = parts.filter(col(ModelData.PART).equalTo("test")).orderBy(ModelData.ENTITY).select(ModelData.ENTITY)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(rows.repartition(3).transform(ModelData.withStratifiedSplit(split)::apply)
        .filter(col(ModelData.PART).equalTo("test")).orderBy(ModelData.ENTITY).select(ModelData.ENTITY)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).isEqualTo(heldOut);
    assertThat(rows.transform(ModelData.withStratifiedSplit(new ModelSpec.Split(0.25, 0.2, 3, 43))::apply)
        .filter(col(ModelData.PART).equalTo("test")).orderBy(ModelData.ENTITY).select(ModelData.ENTITY)
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).isNotEqualTo(heldOut);
    long[] folds = new long[3];
    for (Row r : parts.groupBy(ModelData.FOLD).count().collectAsList()) {
      folds[r.getInt(0)] = r.getLong(1);
    }
    // each class's ranks 1..n are dealt round-robin: 10 positives give 3/4/3, 30 negatives 10/10/10
    assertThat(Arrays.stream(folds).sum()).isEqualTo(40);
    assertThat(folds).containsExactly(13, 14, 13);
  }
}
