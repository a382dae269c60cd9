package io.profitos.lakehouse.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A classifier's figures on held-out rows, from each row's probability and its 0/1 label: AUC-ROC (rank statistic,
 * ties counted half), AUC-PR (average precision: precision at each distinct score, weighted by the recall it adds),
 * Brier score, log loss (probabilities clipped to [1e-15, 1 - 1e-15]), calibration by decile (decile 1 holds the
 * highest scores) and the lift of the top decile (its positive rate over the overall rate).
 */
public record Evaluation(long rows, long positives, double aucRoc, double aucPr, double brier, double logLoss,
    List<Decile> deciles, double topDecileLift) {

  /** One tenth of the rows by score: how many, the mean probability and the share that were positive. */
  public record Decile(int decile, long rows, double meanProbability, double positiveRate) {}

  public double positiveRate() {
    return rows == 0 ? Double.NaN : (double) positives / rows;
  }

  /** The figures of {@code probability} against {@code label} (same length, labels 0 or 1, both classes present). */
  public static Evaluation of(double[] probability, double[] label) {
    int n = probability.length;
    if (n != label.length) {
      throw new IllegalArgumentException("probability and label differ in length: " + n + " and " + label.length);
    }
    long pos = 0;
    double brier = 0;
    double logLoss = 0;
    for (int i = 0; i < n; i++) {
      if (label[i] != 0 && label[i] != 1) {
        throw new IllegalArgumentException("label " + label[i] + " at row " + i + " is neither 0 nor 1");
      }
      pos += (long) label[i];
      double p = probability[i];
      brier += (p - label[i]) * (p - label[i]);
      double c = Math.min(1 - 1e-15, Math.max(1e-15, p));
      logLoss -= label[i] == 1 ? Math.log(c) : Math.log(1 - c);
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("held-out rows need both classes: " + pos + " positive, " + neg + " negative");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -probability[i]).thenComparingInt(i -> i));
    // AUC-ROC and AUC-PR walk the rows from the highest score down, a group of tied scores at a time.
    double aucRoc = 0;
    double aucPr = 0;
    long tp = 0;
    long fp = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      long groupPos = 0;
      while (j < n && probability[order[j]] == probability[order[i]]) {
        groupPos += (long) label[order[j]];
        j++;
      }
      long groupNeg = (j - i) - groupPos;
      // each negative of the group ranks below the positives seen so far, and ties with the group's positives
      aucRoc += groupNeg * (tp + groupPos / 2.0);
      tp += groupPos;
      fp += groupNeg;
      if (groupPos > 0) {
        aucPr += ((double) groupPos / pos) * ((double) tp / (tp + fp));
      }
      i = j;
    }
    aucRoc /= (double) pos * neg;
    List<Decile> deciles = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      int from = (int) ((long) d * n / 10);
      int to = (int) ((long) (d + 1) * n / 10);
      if (to <= from) {
        continue;
      }
      double sumP = 0;
      long dp = 0;
      for (int k = from; k < to; k++) {
        sumP += probability[order[k]];
        dp += (long) label[order[k]];
      }
      deciles.add(new Decile(d + 1, to - from, sumP / (to - from), (double) dp / (to - from)));
    }
    double lift = deciles.get(0).positiveRate() / ((double) pos / n);
    return new Evaluation(n, pos, aucRoc, aucPr, brier / n, logLoss / n, List.copyOf(deciles), lift);
  }
}
