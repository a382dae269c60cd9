package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores the run date's rows of a model's feature table with the model's champion and publishes them as the day's
 * rows of a scored fact (replacing that day's rows: scoring a day twice gives the same rows), then the PSI of every
 * feature and of the score against the champion's training rows as the day's rows of {@code ml.drift_metrics}.
 * Without a champion the job writes nothing and says how to train one.
 */
final class ScoreJob implements LakehouseJob {
  static final TableName DRIFT_METRICS = TableName.of("ml", "drift_metrics");

  /** What the day's rows are and how the scored rows become the fact's. */
  interface Fact {
    /** The rows of {@code features} to score on the run date. */
    Dataset<Row> rowsOf(JobContext ctx, Dataset<Row> features);

    /** The fact's rows from the scored ones ({@link ModelScoring#PROBABILITY}, the reasons) and the model version. */
    Dataset<Row> fact(JobContext ctx, Dataset<Row> scored, String model, int version);
  }

  private final TableName table;
  private final TableName features;
  private final List<TableName> otherInputs;
  private final String model;
  private final String description;
  private final Fact fact;

  ScoreJob(TableName table, TableName features, List<TableName> otherInputs, String model, String description, Fact fact) {
    this.table = table;
    this.features = features;
    this.otherInputs = List.copyOf(otherInputs);
    this.model = model;
    this.description = description;
    this.fact = fact;
  }

  @Override public String name() { return table.toString(); }
  @Override public String layer() { return "ml"; }
  @Override public String description() { return description; }
  @Override public List<TableName> outputs() { return List.of(table, DRIFT_METRICS); }

  @Override
  public List<TableName> inputs() {
    List<TableName> in = new ArrayList<>(List.of(features));
    in.addAll(otherInputs);
    return in;
  }

  /** The registry is read when it exists; the training command writes it, so it orders nothing. */
  @Override
  public JobResult run(JobContext ctx) {
    ctx.requireInputs(inputs());
    StepLog find = ctx.step("champion");
    ModelRegistry registry = new ModelRegistry(ctx.spark(), ctx.catalog());
    ModelRegistry.Version champion = registry.withStatus(model, ModelRegistry.CHAMPION);
    find.done("model", model, "version", champion == null ? "none" : "v" + champion.version());
    if (champion == null) {
      return JobResult.succeeded(0, 0, "model " + model + " has no champion yet: train one with 'lakehouse ml train " + model
          + "'; nothing scored", Map.of());
    }
    // The same day, champion, configuration and inputs as the last run: its rows stand.
    Map<String, String> fp = new java.util.LinkedHashMap<>();
    fp.put("run_date", ctx.runDate().toString());
    fp.put("champion", Integer.toString(champion.version()));
    fp.put("config", io.profitos.lakehouse.core.config.ConfigHash.of(ctx.settings().config(), "lakehouse.ml.scoring"));
    Fingerprint.putVersions(ctx, fp, inputs());
    if (Fingerprint.unchanged(ctx, fp, outputs())) {
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    }
    ModelRegistry.Loaded loaded = registry.load(champion);
    if (loaded.saved().conf() == null) {
      throw LakehouseException.usage("Model " + model + " v" + champion.version() + " was saved without its model file; "
          + "train it again ('lakehouse ml train " + model + "') to score with it.");
    }
    ModelSpec spec = ModelSpec.parseText(loaded.saved().conf(), champion.path() + "/model.json", model, ctx.settings().config());
    StepLog refs = ctx.step("references");
    List<Object> references = Explanations.references(loaded.pipeline(), loaded.saved().plan());
    refs.done("features", references.size());
    int top = ctx.settings().config().getInt("lakehouse.ml.scoring.top-reasons");
    Dataset<Row> scored = ModelScoring.score(loaded, spec, references, fact.rowsOf(ctx, ctx.read(features)), top)
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      Dataset<Row> out = fact.fact(ctx, scored, model, champion.version());
      long rows = ctx.publish(table, out, Publish.replaceWhere("score_date = DATE'" + ctx.runDate() + "'").withEmptyAllowed())
          .rowsWritten();
      StepLog drift = ctx.step("drift");
      List<Drift.Shift> shifts = ModelScoring.drift(loaded, spec, scored);
      List<String> shifted = shifts.stream().filter(Drift.Shift::shifted).map(Drift.Shift::feature).toList();
      drift.done("features", shifts.size(), "shifted", shifted.size());
      if (!shifts.isEmpty()) {
        ctx.publish(DRIFT_METRICS, DriftMetrics.rows(ctx.spark(), model, champion.version(), ctx.runDate(), shifts),
            Publish.replaceWhere("model = '" + model + "' AND score_date = DATE'" + ctx.runDate() + "'"));
      }
      fp.forEach(ctx::record);
      return JobResult.succeeded(rows, rows, rows + " rows of " + ctx.runDate() + " scored by " + model + " v"
          + champion.version() + " into " + table + (shifted.isEmpty() ? "" : "; drift (PSI above " + Drift.SHIFTED
          + ") in " + String.join(", ", shifted) + ": retrain the model ('lakehouse ml train " + model + "')"), Map.of());
    } finally {
      scored.unpersist();
    }
  }
}
