package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.table.TableCatalog;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakehouse ml train}: trains a model, scores the champion on the new held-out rows, decides whether the new
 * version becomes champion (it must beat the baseline and the champion by the configured margin) and registers it.
 */
public final class ModelTraining {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTraining.class);

  /** The trained model, its registry entry, and the champion it was compared with (null figures: none). */
  public record Outcome(ModelTrainer.Trained trained, ModelRegistry.Version registered, ModelRegistry.Version champion,
      Evaluation championOnHeldOut) {}

  private ModelTraining() {}

  public static Outcome trainAndRegister(SparkSession spark, TableCatalog catalog, ModelSpec spec, Instant now) {
    ModelTrainer trainer = new ModelTrainer(spark, catalog);
    ModelRegistry registry = new ModelRegistry(spark, catalog);
    ModelTrainer.Trained t = trainer.train(spec);
    ModelRegistry.Version champion = registry.withStatus(spec.name(), ModelRegistry.CHAMPION);
    Evaluation championEval = champion == null ? null : trainer.evaluate(registry.load(champion), t);
    ModelRegistry.Decision decision = ModelRegistry.decide(t.model().aucRoc(), t.baseline().aucRoc(),
        champion == null ? null : champion.version(), championEval == null ? null : championEval.aucRoc(),
        spec.promotionMargin());
    if (champion != null && championEval == null) {
      decision = new ModelRegistry.Decision(ModelRegistry.CHALLENGER, "champion v" + champion.version() + " cannot be scored on "
          + "the new held-out rows (its features are not in the source); promote by hand after review: lakehouse ml promote "
          + spec.name() + " <version>");
    }
    ModelRegistry.Version registered = registry.register(t, decision, now);
    LOG.info("model={} version={} status={} reason={}", spec.name(), registered.version(), registered.status(),
        registered.statusReason());
    return new Outcome(t, registered, champion, championEval);
  }
}
