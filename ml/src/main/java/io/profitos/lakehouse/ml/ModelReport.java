package io.profitos.lakehouse.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The evaluation table a training prints: what was trained on what, and its held-out figures beside the others'. */
public final class ModelReport {
  private ModelReport() {}

  /** A registered version's report: printed text, JSON and CSV (section, name, model, baseline). */
  public record Registered(ModelRegistry.Version version, String text, String json, String csv) {}

  /**
   * The report of a model's champion (else its newest version): its held-out figures against the baseline as
   * registered, and the PSI of the newest scored day in {@code ml.drift_metrics}.
   */
  public static Registered registered(org.apache.spark.sql.SparkSession spark, io.profitos.lakehouse.core.table.TableCatalog catalog,
      String model) {
    ModelRegistry registry = new ModelRegistry(spark, catalog);
    List<ModelRegistry.Version> versions = registry.versions(model);
    if (versions.isEmpty()) {
      throw io.profitos.lakehouse.core.LakehouseException.usage("Model '" + model + "' has no registered version: train it "
          + "with 'lakehouse ml train " + model + "'.");
    }
    ModelRegistry.Version v = versions.stream().filter(x -> x.status().equals(ModelRegistry.CHAMPION)).findFirst()
        .orElse(versions.get(0));
    Map<String, Double> m = v.metrics();
    String[][] figures = {
        {"AUC-ROC", "auc_roc", "baseline_auc_roc"}, {"AUC-PR", "auc_pr", null}, {"Brier score", "brier", "baseline_brier"},
        {"log loss", "log_loss", null}, {"top-decile lift", "top_decile_lift", null}, {"cross-validated AUC-ROC", "cv_auc_roc", null},
        {"held-out rows", "held_out_rows", null}, {"held-out positives", "held_out_positives", null}};
    StringBuilder text = new StringBuilder();
    StringBuilder csv = new StringBuilder("section,name,model,baseline\n");
    com.fasterxml.jackson.databind.node.ObjectNode json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    json.put("model", v.model()).put("version", v.version()).put("status", v.status()).put("status_reason", v.statusReason())
        .put("trained_at", v.trainedAt().toString()).put("algorithm", v.algorithm());
    text.append(String.format(Locale.ROOT, "Model %s v%d (%s: %s), %s, trained %s%n%n", v.model(), v.version(), v.status(),
        v.statusReason(), v.algorithm(), v.trainedAt()));
    text.append(String.format(Locale.ROOT, "%-26s %10s %10s%n", "held out", "model", "baseline"));
    com.fasterxml.jackson.databind.node.ArrayNode heldOut = json.putArray("held_out");
    for (String[] f : figures) {
      Double figure = m.get(f[1]);
      Double base = f[2] == null ? null : m.get(f[2]);
      if (figure == null) {
        continue;
      }
      text.append(String.format(Locale.ROOT, "%-26s %10.4f %10s%n", f[0], figure, base == null ? "" : String.format(Locale.ROOT,
          "%.4f", base)));
      csv.append(String.format(Locale.ROOT, "held_out,%s,%s,%s%n", f[0], figure, base == null ? "" : base));
      com.fasterxml.jackson.databind.node.ObjectNode n = heldOut.addObject().put("name", f[0]).put("model", figure);
      if (base != null) {
        n.put("baseline", base);
      }
    }
    if (catalog.exists(spark, ScoreJob.DRIFT_METRICS)) {
      List<org.apache.spark.sql.Row> drift = spark.read().format("delta").load(catalog.location(ScoreJob.DRIFT_METRICS))
          .where(org.apache.spark.sql.functions.col("model").equalTo(model)).orderBy(org.apache.spark.sql.functions.col("score_date")
              .desc(), org.apache.spark.sql.functions.col("psi").desc()).collectAsList();
      if (!drift.isEmpty()) {
        java.sql.Date day = drift.get(0).getAs("score_date");
        text.append(String.format(Locale.ROOT, "%nDrift on %s (PSI, training rows against the day's scored rows; above %.1f "
            + "has shifted)%n", day, Drift.SHIFTED));
        com.fasterxml.jackson.databind.node.ArrayNode d = json.put("drift_date", day.toString()).putArray("drift");
        for (org.apache.spark.sql.Row r : drift) {
          if (!day.equals(r.getAs("score_date"))) {
            break;
          }
          double psi = r.getAs("psi");
          boolean shifted = r.getAs("is_shifted");
          text.append(String.format(Locale.ROOT, "  %-26s %8.4f%s%n", (String) r.getAs("feature"), psi, shifted ? "  shifted" : ""));
          csv.append(String.format(Locale.ROOT, "drift,%s,%s,%n", (String) r.getAs("feature"), psi));
          d.addObject().put("feature", (String) r.getAs("feature")).put("psi", psi).put("is_shifted", shifted);
        }
      }
    }
    return new Registered(v, text.toString(), json.toPrettyString() + System.lineSeparator(), csv.toString());
  }

  public static String text(ModelTraining.Outcome o) {
    ModelTrainer.Trained t = o.trained();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Model %s v%d: %s (%s), %d features: %d numeric, %d categorical%n", t.spec().name(),
        o.registered().version(), t.chosen().algorithm().key, params(t.chosen().params()), t.plan().features().size(),
        t.plan().numeric().size(), t.plan().categorical().size()));
    b.append(String.format(Locale.ROOT, "Source: %s%s%n", t.spec().source().describe(), t.inputVersions().isEmpty() ? ""
        : " at " + t.inputVersions().entrySet().stream().map(e -> e.getKey() + " v" + e.getValue())
            .collect(Collectors.joining(", "))));
    b.append(String.format(Locale.ROOT, "Rows: %,d fit, %,d calibration, %,d held out%s%s%n",
        t.rowsByPart().getOrDefault(ModelData.FIT, 0L), t.rowsByPart().getOrDefault(ModelData.CALIBRATION, 0L),
        t.rowsByPart().getOrDefault(ModelData.TEST, 0L), t.testFrom() == null ? " (stratified)" : " (as of " + t.testFrom()
            + " on)", t.rowsByPart().containsKey(ModelData.GAP) ? String.format(Locale.ROOT, ", %,d left out (their label "
            + "reaches the held-out period)", t.rowsByPart().get(ModelData.GAP)) : ""));
    for (String w : t.warnings()) {
      b.append("Warning: ").append(w).append(System.lineSeparator());
    }
    List<String> cv = new ArrayList<>();
    for (ModelTrainer.Candidate c : t.candidates()) {
      cv.add(String.format(Locale.ROOT, "%s %.4f (%s)", c.algorithm().key, c.cvAucRoc(), params(c.params())));
    }
    b.append("Cross-validated AUC-ROC: ").append(String.join(", ", cv)).append(System.lineSeparator());
    b.append(String.format(Locale.ROOT, "Calibration: a=%.4f b=%.4f%n%n", t.platt().a(), t.platt().b()));
    Evaluation champion = o.championOnHeldOut();
    b.append(String.format(Locale.ROOT, "%-22s %10s %10s%s%n", String.format(Locale.ROOT, "held out: %,d rows", t.model().rows()),
        "model", "baseline", champion == null ? "" : String.format(Locale.ROOT, " %10s", "champ. v" + o.champion().version())));
    row(b, "AUC-ROC", t.model().aucRoc(), t.baseline().aucRoc(), champion == null ? null : champion.aucRoc());
    row(b, "AUC-PR", t.model().aucPr(), t.baseline().aucPr(), champion == null ? null : champion.aucPr());
    row(b, "Brier score", t.model().brier(), t.baseline().brier(), champion == null ? null : champion.brier());
    row(b, "log loss", t.model().logLoss(), t.baseline().logLoss(), champion == null ? null : champion.logLoss());
    row(b, "top-decile lift", t.model().topDecileLift(), t.baseline().topDecileLift(),
        champion == null ? null : champion.topDecileLift());
    b.append(String.format(Locale.ROOT, "%-22s %10.4f%n", "positive rate", t.model().positiveRate()));
    b.append(System.lineSeparator()).append("Calibration by decile (model): decile, rows, mean probability, positive rate")
        .append(System.lineSeparator());
    for (Evaluation.Decile d : t.model().deciles()) {
      b.append(String.format(Locale.ROOT, "  %2d %8d %10.4f %10.4f%n", d.decile(), d.rows(), d.meanProbability(),
          d.positiveRate()));
    }
    b.append(System.lineSeparator()).append(String.format(Locale.ROOT, "Status: %s: %s%n", o.registered().status(),
        o.registered().statusReason()));
    return b.toString();
  }

  private static void row(StringBuilder b, String name, double model, double baseline, Double champion) {
    b.append(String.format(Locale.ROOT, "%-22s %10.4f %10.4f%s%n", name, model, baseline,
        champion == null ? "" : String.format(Locale.ROOT, " %10.4f", champion)));
  }

  static String params(Map<String, Double> params) {
    return params.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() == Math.rint(e.getValue())
        ? String.valueOf(e.getValue().longValue()) : String.valueOf(e.getValue()))).collect(Collectors.joining(", "));
  }
}
