package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** Scores rows with a registered version: its calibrated probability and the top contributing features. */
public final class ModelScoring {
  /** The scored row's calibrated probability of the positive class. */
  public static final String PROBABILITY = "probability";

  private ModelScoring() {}

  /** The rows encoded as the model sees them ({@code _entity}, {@code _num_i}, {@code _cat_i}; a missing label is null). */
  static Dataset<Row> encoded(ModelSpec spec, FeaturePlan plan, Dataset<Row> rows) {
    boolean labelled = spec.label().expression().isEmpty() && java.util.Arrays.asList(rows.columns()).contains(spec.label().column());
    Dataset<Row> withLabel = labelled ? ModelData.withLabel(spec).apply(rows)
        : rows.withColumn(ModelData.LABEL, lit(null).cast(DataTypes.DoubleType));
    return ModelData.encode(spec, plan).apply(withLabel);
  }

  /**
   * The drift of every feature and of the score between the model's training rows and scored rows (the output of
   * {@link #score}); one pass. Empty when there are no rows or the version has no training histograms.
   */
  public static List<Drift.Shift> drift(ModelRegistry.Loaded model, ModelSpec spec, Dataset<Row> scored) {
    if (model.saved().reference() == null) {
      return List.of();
    }
    Dataset<Row> encoded = encoded(spec, model.saved().plan(), scored)
        .join(scored.select(ModelData.entity(spec, scored).as("_scored_entity"), col(PROBABILITY)),
            col(ModelData.ENTITY).equalTo(col("_scored_entity")));
    return Drift.shifts(model.saved().reference(), model.saved().plan(), encoded, PROBABILITY);
  }

  /**
   * {@code rows} (with the model's source columns) with {@link #PROBABILITY} and {@link Explanations#REASONS} (the
   * {@code top} features by contribution, each feature, direction and contribution). Pure: one lazy plan; {@code
   * references} come from {@link Explanations#references}.
   */
  public static Dataset<Row> score(ModelRegistry.Loaded model, ModelSpec spec, List<Object> references, Dataset<Row> rows,
      int top) {
    Dataset<Row> encoded = encoded(spec, model.saved().plan(), rows);
    Dataset<Row> explained = Explanations.explain(model.pipeline(), model.saved().platt(), model.saved().plan(), references,
        encoded, top).select(col(ModelData.ENTITY).as("_scored_entity"), col(ModelTrainer.PROBABILITY).as(PROBABILITY),
        col(Explanations.REASONS));
    Dataset<Row> keyed = rows.withColumn(ModelData.ENTITY, ModelData.entity(spec, rows));
    return keyed.join(explained, keyed.col(ModelData.ENTITY).equalTo(explained.col("_scored_entity")))
        .drop(ModelData.ENTITY, "_scored_entity");
  }
}
