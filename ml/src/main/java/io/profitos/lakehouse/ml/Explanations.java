package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Why a row scored what it did, by occlusion, a method that works the same for every algorithm: a feature's
 * contribution is the row's calibrated probability minus its probability with that one feature set to its reference
 * value (numbers: the training median the pipeline imputes with; categories: the most frequent training level). A
 * positive contribution raises the score, a negative one lowers it. Scoring costs one pass per feature plus one.
 */
public final class Explanations {
  public static final String REASONS = "top_reasons";
  public static final String CONTRIBUTIONS = "_contributions";
  static final String VARIANT = "_variant";

  private Explanations() {}

  /**
   * The reference value of every feature, in plan order: the pipeline's imputation medians for numbers, the most
   * frequent level for categories. Reads the imputer's medians (a small action), so it belongs at the edge.
   */
  public static List<Object> references(PipelineModel pipeline, FeaturePlan plan) {
    List<Object> refs = new ArrayList<>();
    if (!plan.numeric().isEmpty()) {
      org.apache.spark.ml.feature.ImputerModel imputer = (org.apache.spark.ml.feature.ImputerModel) pipeline.stages()[0];
      Row medians = imputer.surrogateDF().first();
      for (int i = 0; i < plan.numeric().size(); i++) {
        refs.add(medians.getAs(ModelData.numericColumn(i)));
      }
    }
    for (Map.Entry<String, List<String>> c : plan.categorical().entrySet()) {
      refs.add(c.getValue().isEmpty() ? ModelData.OTHER : c.getValue().get(0));
    }
    return refs;
  }

  /**
   * Adds {@link #REASONS} to encoded rows (one per {@code _entity} and {@code _as_of}): up to {@code top} features by
   * absolute contribution, each {@code struct(feature, direction "raises"|"lowers", contribution)}, every feature's
   * contribution as {@link #CONTRIBUTIONS}, and the row's calibrated probability as {@code _probability}. Pure: the scoring passes are one lazy plan.
   */
  public static Dataset<Row> explain(PipelineModel pipeline, Platt platt, FeaturePlan plan, List<Object> references,
      Dataset<Row> encoded, int top) {
    List<String> features = plan.features();
    Dataset<Row> variants = encoded.withColumn(VARIANT, lit(0));
    for (int k = 0; k < features.size(); k++) {
      String column = k < plan.numeric().size() ? ModelData.numericColumn(k)
          : ModelData.categoricalColumn(k - plan.numeric().size());
      variants = variants.unionByName(encoded.withColumn(column, lit(references.get(k)).cast(encoded.schema()
          .apply(column).dataType())).withColumn(VARIANT, lit(k + 1)));
    }
    Dataset<Row> scored = ModelTrainer.scored(pipeline, variants, platt)
        .select(col(ModelData.ENTITY), col(ModelData.AS_OF), col(VARIANT), col(ModelTrainer.PROBABILITY));
    Dataset<Row> grouped = scored.groupBy(ModelData.ENTITY, ModelData.AS_OF).agg(
        max(when(col(VARIANT).equalTo(0), col(ModelTrainer.PROBABILITY))).as(ModelTrainer.PROBABILITY),
        collect_list(when(col(VARIANT).gt(0), struct(col(VARIANT).as("v"), col(ModelTrainer.PROBABILITY).as("p"))))
            .as("_occluded"));
    Column names = org.apache.spark.sql.functions.array(features.stream().map(f -> lit(f)).toArray(Column[]::new));
    return grouped.withColumn("_names", names)
        .withColumn(CONTRIBUTIONS, expr("transform(_occluded, x -> named_struct('feature', element_at(_names, x.v), "
            + "'direction', CASE WHEN " + ModelTrainer.PROBABILITY + " - x.p >= 0 THEN 'raises' ELSE 'lowers' END, "
            + "'contribution', " + ModelTrainer.PROBABILITY + " - x.p))"))
        .withColumn(REASONS, expr("slice(array_sort(" + CONTRIBUTIONS + ", (l, r) -> CASE WHEN abs(l.contribution) > "
            + "abs(r.contribution) THEN -1 WHEN abs(l.contribution) < abs(r.contribution) THEN 1 "
            + "WHEN l.feature < r.feature THEN -1 WHEN l.feature > r.feature THEN 1 ELSE 0 END), 1, " + top + ")"))
        .drop("_occluded", "_names");
  }

  /**
   * Global importance: each feature's mean absolute contribution over explained rows ({@code feature},
   * {@code importance}), largest first.
   */
  public static Dataset<Row> importance(Dataset<Row> explained) {
    return explained.select(org.apache.spark.sql.functions.explode(col(CONTRIBUTIONS)).as("c"))
        .groupBy(col("c.feature").as("feature"))
        .agg(org.apache.spark.sql.functions.avg(org.apache.spark.sql.functions.abs(col("c.contribution"))).as("importance"))
        .orderBy(col("importance").desc(), col("feature"));
  }
}
