package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ml.model_performance}: every past score date of the scored facts whose labels have matured, its realised
 * AUC-ROC and Brier score beside the registered held-out figures of the version that scored it, flagged when the AUC
 * fell by more than {@code lakehouse.ml.performance.max-auc-drop}. Rebuilt whole (it is small) when a scored fact,
 * its labels, the registry or the configuration changed.
 */
final class PerformanceJob implements LakehouseJob {
  static final TableName MODEL_PERFORMANCE = TableName.of("ml", "model_performance");
  private static final StructType REGISTERED = new StructType().add("model", DataTypes.StringType)
      .add("model_version", DataTypes.IntegerType).add("registered_auc_roc", DataTypes.DoubleType)
      .add("registered_brier", DataTypes.DoubleType);

  private final TableName churnScores;
  private final TableName leadScores;
  private final TableName mrr;
  private final TableName leadFeatures;

  PerformanceJob(TableName churnScores, TableName leadScores, TableName mrr, TableName leadFeatures) {
    this.churnScores = churnScores;
    this.leadScores = leadScores;
    this.mrr = mrr;
    this.leadFeatures = leadFeatures;
  }

  @Override public String name() { return MODEL_PERFORMANCE.toString(); }
  @Override public String layer() { return "ml"; }
  @Override public List<TableName> inputs() { return List.of(churnScores, leadScores, mrr, leadFeatures); }
  @Override public List<TableName> outputs() { return List.of(MODEL_PERFORMANCE); }

  @Override
  public String description() {
    return "Each past score date whose labels matured: realised AUC-ROC and Brier beside the registered held-out figures";
  }

  @Override
  public JobResult run(JobContext ctx) {
    int horizon = ctx.settings().config().getInt("lakehouse.ml.features.churn.horizon-months");
    double maxDrop = ctx.settings().config().getDouble("lakehouse.ml.performance.max-auc-drop");
    // Unchanged scores, labels, registry and configuration: the table stands (no commit).
    Map<String, String> fp = new java.util.LinkedHashMap<>();
    fp.put("config", io.profitos.lakehouse.core.config.ConfigHash.of(ctx.settings().config(), "lakehouse.ml"));
    List<TableName> watched = new ArrayList<>(inputs());
    watched.add(ModelRegistry.TABLE);
    Fingerprint.putVersions(ctx, fp, watched);
    if (Fingerprint.unchanged(ctx, fp, outputs())) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    List<Dataset<Row>> labelled = new ArrayList<>();
    if (ctx.exists(churnScores) && ctx.exists(mrr)) {
      labelled.add(RealisedPerformance.churnLabels(ctx.read(churnScores), ctx.read(mrr), horizon)
          .select("model", "model_version", "score_date", "probability", "label"));
    }
    if (ctx.exists(leadScores) && ctx.exists(leadFeatures)) {
      labelled.add(RealisedPerformance.leadLabels(ctx.read(leadScores), ctx.read(leadFeatures))
          .select("model", "model_version", "score_date", "probability", "label"));
    }
    if (labelled.isEmpty()) {
      return JobResult.succeeded(0, 0, "no scored fact yet: nothing to measure", Map.of());
    }
    Dataset<Row> all = labelled.get(0);
    for (Dataset<Row> d : labelled.subList(1, labelled.size())) {
      all = all.unionByName(d);
    }
    Dataset<Row> out = RealisedPerformance.compared(RealisedPerformance.byDay(all), registered(ctx), maxDrop)
        .select("model", "model_version", "score_date", "rows", "positives", "auc_roc", "brier", "registered_auc_roc",
            "registered_brier", "auc_floor", "is_degraded");
    long rows = ctx.publish(MODEL_PERFORMANCE, out, Publish.overwrite().withEmptyAllowed()).rowsWritten();
    fp.forEach(ctx::record);
    return JobResult.succeeded(rows, rows, rows + " score dates with matured labels in " + MODEL_PERFORMANCE, Map.of());
  }

  /** Every registered version's held-out AUC-ROC and Brier score (none when nothing is registered). */
  private Dataset<Row> registered(JobContext ctx) {
    List<Row> rows = new ArrayList<>();
    for (ModelRegistry.Version v : new ModelRegistry(ctx.spark(), ctx.catalog()).versions(null)) {
      rows.add(RowFactory.create(v.model(), v.version(), v.metrics().get("auc_roc"), v.metrics().get("brier")));
    }
    return ctx.spark().createDataFrame(rows, REGISTERED);
  }
}
