package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ml.model_registry}: one row per trained model version (its inputs' Delta versions, configuration hash,
 * parameters, held-out metrics, features and status), and the saved version under
 * {@code <warehouse>/ml/models/<name>/v<N>} ({@code pipeline/}: the MLlib PipelineModel; {@code model.json}: the
 * feature plan and calibration that scoring needs). A model has at most one champion and one challenger; every
 * status change, including the new version's row, is one Delta MERGE, so readers see the aliases move at once.
 */
public final class ModelRegistry {
  public static final TableName TABLE = TableName.of("ml", "model_registry");
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String ARCHIVED = "archived";
  static final StructType SCHEMA = new StructType()
      .add("model", DataTypes.StringType)
      .add("version", DataTypes.IntegerType)
      .add("status", DataTypes.StringType)
      .add("status_reason", DataTypes.StringType)
      .add("status_changed_at", DataTypes.TimestampType)
      .add("trained_at", DataTypes.TimestampType)
      .add("algorithm", DataTypes.StringType)
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
      .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
      .add("input_versions", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
      .add("config_hash", DataTypes.StringType)
      .add("features", DataTypes.createArrayType(DataTypes.StringType))
      .add("held_out_from", DataTypes.DateType)
      .add("path", DataTypes.StringType);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final TableCatalog catalog;

  public ModelRegistry(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.catalog = catalog;
  }

  /** What scoring needs besides the pipeline: the features and how to encode them, and the calibration. */
  public record Saved(String model, int version, String configHash, FeaturePlan plan, Platt platt, String conf,
      List<Drift.Histogram> reference) {}

  /** A registered version, as its registry row says. */
  public record Version(String model, int version, String status, String statusReason, Instant trainedAt, String algorithm,
      Map<String, Double> params, Map<String, Double> metrics, String path) {}

  /** The decision for a new version: champion or challenger, and why. */
  public record Decision(String status, String reason) {}

  /**
   * Whether a new version becomes champion: its held-out AUC-ROC must beat the baseline's and the champion's (scored on
   * the same held-out rows; null when there is none) by the margin.
   */
  public static Decision decide(double auc, double baselineAuc, Integer championVersion, Double championAuc, double margin) {
    if (auc < baselineAuc + margin) {
      return new Decision(CHALLENGER, String.format(Locale.ROOT, "held-out AUC-ROC %.4f does not beat the baseline's %.4f "
          + "by the promotion margin %.4f", auc, baselineAuc, margin));
    }
    if (championAuc != null && auc < championAuc + margin) {
      return new Decision(CHALLENGER, String.format(Locale.ROOT, "held-out AUC-ROC %.4f does not beat champion v%d's %.4f on "
          + "the same held-out rows by the promotion margin %.4f", auc, championVersion, championAuc, margin));
    }
    return new Decision(CHAMPION, championAuc == null
        ? String.format(Locale.ROOT, "held-out AUC-ROC %.4f beats the baseline's %.4f by at least %.4f (no champion before)",
            auc, baselineAuc, margin)
        : String.format(Locale.ROOT, "held-out AUC-ROC %.4f beats the baseline's %.4f and champion v%d's %.4f by at least %.4f",
            auc, baselineAuc, championVersion, championAuc, margin));
  }

  public String location() {
    return catalog.location(TABLE);
  }

  /** Every registered version of a model (all models when null), newest first. */
  public List<Version> versions(String model) {
    List<Version> out = new ArrayList<>();
    if (!DeltaTable.isDeltaTable(spark, location())) {
      return out;
    }
    Dataset<Row> rows = spark.read().format("delta").load(location());
    if (model != null) {
      rows = rows.filter(col("model").equalTo(model));
    }
    for (Row r : rows.orderBy(col("model"), col("version").desc()).collectAsList()) {
      out.add(new Version(r.getAs("model"), r.<Integer>getAs("version"), r.getAs("status"), r.getAs("status_reason"),
          r.<Timestamp>getAs("trained_at").toInstant(), r.getAs("algorithm"),
          new LinkedHashMap<>(scala.collection.JavaConverters.mapAsJavaMap(r.<scala.collection.Map<String, Double>>getAs("params"))),
          new LinkedHashMap<>(scala.collection.JavaConverters.mapAsJavaMap(r.<scala.collection.Map<String, Double>>getAs("metrics"))),
          r.getAs("path")));
    }
    return out;
  }

  /** The model's version with this status, or null. */
  public Version withStatus(String model, String status) {
    return versions(model).stream().filter(v -> v.status().equals(status)).findFirst().orElse(null);
  }

  /** Loads a saved version's pipeline, plan and calibration. */
  public Loaded load(Version v) {
    try {
      Path meta = new Path(v.path(), "model.json");
      FileSystem fs = meta.getFileSystem(spark.sessionState().newHadoopConf());
      Saved saved;
      try (java.io.InputStream in = fs.open(meta)) {
        saved = JSON.readValue(in, Saved.class);
      }
      return new Loaded(v, saved, PipelineModel.load(new Path(v.path(), "pipeline").toString()));
    } catch (IOException e) {
      throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Model " + v.model() + " v" + v.version()
          + " cannot be loaded from " + v.path() + ": " + e.getMessage(), e);
    }
  }

  /** A saved version, ready to score. */
  public record Loaded(Version version, Saved saved, PipelineModel pipeline) {}

  /**
   * Saves a trained model as the model's next version and registers it with the decided status, demoting the version
   * that held that status, in one MERGE. Returns the new version's registry entry.
   */
  public Version register(ModelTrainer.Trained t, Decision decision, Instant now) {
    String model = t.spec().name();
    int version = versions(model).stream().mapToInt(Version::version).max().orElse(0) + 1;
    String path = catalog.warehouse().replaceAll("/+$", "") + "/ml/models/" + model + "/v" + version;
    // Not a Delta log: asked here, so a run that lost the warehouse lease does not overwrite the taker's version N.
    io.profitos.lakehouse.core.fs.CommitFence.check(path);
    try {
      t.pipeline().write().overwrite().save(new Path(path, "pipeline").toString());
      Path meta = new Path(path, "model.json");
      FileSystem fs = meta.getFileSystem(spark.sessionState().newHadoopConf());
      try (FSDataOutputStream out = fs.create(meta, true)) {
        JSON.writeValue((java.io.OutputStream) out, new Saved(model, version, t.spec().hash(), t.plan(), t.platt(),
            java.nio.file.Files.readString(java.nio.file.Path.of(t.spec().file())), t.reference()));
      }
    } catch (IOException e) {
      throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Model " + model + " v" + version + " cannot be saved to "
          + path + ": " + e.getMessage(), e);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("auc_roc", t.model().aucRoc());
    metrics.put("auc_pr", t.model().aucPr());
    metrics.put("brier", t.model().brier());
    metrics.put("log_loss", t.model().logLoss());
    metrics.put("top_decile_lift", t.model().topDecileLift());
    metrics.put("baseline_auc_roc", t.baseline().aucRoc());
    metrics.put("baseline_brier", t.baseline().brier());
    metrics.put("cv_auc_roc", t.chosen().cvAucRoc());
    metrics.put("held_out_rows", (double) t.model().rows());
    metrics.put("held_out_positives", (double) t.model().positives());
    Timestamp at = Timestamp.from(now);
    Row row = RowFactory.create(model, version, decision.status(), decision.reason(), at, at, t.chosen().algorithm().key,
        scala.collection.JavaConverters.mapAsScalaMap(t.chosen().params()),
        scala.collection.JavaConverters.mapAsScalaMap(metrics),
        scala.collection.JavaConverters.mapAsScalaMap(t.inputVersions()), t.spec().hash(),
        scala.collection.JavaConverters.asScalaBuffer(t.plan().features()).toSeq(),
        t.testFrom() == null ? null : java.sql.Date.valueOf(t.testFrom()), path);
    List<Row> changes = new ArrayList<>();
    changes.add(row);
    Version holder = withStatus(model, decision.status());
    if (holder != null) {
      changes.add(statusChange(model, holder.version(), ARCHIVED, "replaced as " + decision.status() + " by v" + version, at));
    }
    merge(changes);
    return versions(model).stream().filter(v -> v.version() == version).findFirst().orElseThrow();
  }

  /**
   * Makes a registered version champion by hand ({@code lakehouse ml promote} or {@code rollback}); the champion it
   * replaces is archived, in one MERGE.
   */
  public Version makeChampion(String model, int version, String reason, Instant now) {
    List<Version> all = versions(model);
    if (all.isEmpty()) {
      throw LakehouseException.usage("Model '" + model + "' has no registered version; train it first (lakehouse ml train "
          + model + ").");
    }
    Version target = all.stream().filter(v -> v.version() == version).findFirst().orElseThrow(() -> LakehouseException.usage(
        "Model '" + model + "' has no version " + version + "; its versions: " + String.join(", ",
            all.stream().map(v -> "v" + v.version() + " (" + v.status() + ")").toList()) + "."));
    if (target.status().equals(CHAMPION)) {
      throw LakehouseException.usage("Model '" + model + "' v" + version + " is already the champion.");
    }
    Timestamp at = Timestamp.from(now);
    List<Row> changes = new ArrayList<>();
    changes.add(statusChange(model, version, CHAMPION, reason, at));
    Version champion = withStatus(model, CHAMPION);
    if (champion != null) {
      changes.add(statusChange(model, champion.version(), ARCHIVED, "replaced as champion by v" + version + " (" + reason + ")",
          at));
    }
    merge(changes);
    return versions(model).stream().filter(v -> v.version() == version).findFirst().orElseThrow();
  }

  private static Row statusChange(String model, int version, String status, String reason, Timestamp at) {
    return RowFactory.create(model, version, status, reason, at, null, null, null, null, null, null, null, null, null);
  }

  /** New versions are inserted; known ones change status only. One commit. */
  private void merge(List<Row> changes) {
    DeltaTables.ensure(spark, location(), SCHEMA, List.of(), Map.of());
    Dataset<Row> source = spark.createDataFrame(changes, SCHEMA);
    Map<String, org.apache.spark.sql.Column> set = new LinkedHashMap<>();
    set.put("status", col("s.status"));
    set.put("status_reason", col("s.status_reason"));
    set.put("status_changed_at", col("s.status_changed_at"));
    DeltaTable.forPath(spark, location()).as("t")
        .merge(source.as("s"), col("t.model").equalTo(col("s.model")).and(col("t.version").equalTo(col("s.version"))))
        .whenMatched().update(set)
        .whenNotMatched().insertAll()
        .execute();
  }
}
