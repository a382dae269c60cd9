package io.profitos.lakehouse.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The evaluation table a training prints: what was trained on what, and its held-out figures beside the others'. */
public final class ModelReport {
  private ModelReport() {}

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
