package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Population stability index: how far a feature's (or the score's) distribution at scoring time has moved from the
 * training one. {@code PSI = sum over bins of (a - e) * ln(a / e)}, with {@code e} and {@code a} the bins' shares of
 * the training and scoring rows; an empty bin counts as a share of {@value #EMPTY_SHARE} (shares are not
 * renormalised), so a bin that appears or disappears weighs heavily instead of dividing by zero. Numbers are binned
 * at the training deciles (blanks in a bin of their own), categories by level (other values in a last bin).
 */
public final class Drift {
  public static final double EMPTY_SHARE = 1e-4;
  /** Above this a distribution has shifted enough to act on (the usual rule: below 0.1 stable, 0.1-0.2 watch). */
  public static final double SHIFTED = 0.2;
  /** The histogram of a model's score is kept under this name. */
  public static final String SCORE = "(score)";
  static final int BINS = 10;

  /**
   * A feature's training histogram, saved with the model: numbers by {@code edges} (bins below the first edge, between
   * edges, from the last edge to the training maximum {@code above}, above it, then blanks; the bin above catches a
   * feature that was constant in training and varies now), or categories by {@code levels} (then any other value).
   */
  public record Histogram(String feature, List<Double> edges, Double above, List<String> levels, List<Long> counts) {
    long[] countArray() {
      return counts.stream().mapToLong(Long::longValue).toArray();
    }
  }

  private Drift() {}

  /** The PSI of two histograms over the same bins. */
  public static double psi(long[] expected, long[] actual) {
    if (expected.length != actual.length || expected.length == 0) {
      throw new IllegalArgumentException("histograms differ in bins: " + expected.length + " and " + actual.length);
    }
    long e = Arrays.stream(expected).sum();
    long a = Arrays.stream(actual).sum();
    if (e == 0 || a == 0) {
      throw new IllegalArgumentException("a histogram is empty: " + e + " training rows, " + a + " scoring rows");
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double es = expected[i] == 0 ? EMPTY_SHARE : (double) expected[i] / e;
      double as = actual[i] == 0 ? EMPTY_SHARE : (double) actual[i] / a;
      psi += (as - es) * Math.log(as / es);
    }
    return psi;
  }

  /**
   * The distinct inner cut points that split a sample into {@code bins} equal shares (the training deciles for 10):
   * bin {@code i} holds values in {@code [edge[i-1], edge[i])}.
   */
  public static double[] edges(double[] sample, int bins) {
    double[] sorted = Arrays.stream(sample).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (sorted.length == 0) {
      return new double[0];
    }
    return java.util.stream.IntStream.range(1, bins).mapToDouble(i -> sorted[(int) ((long) i * sorted.length / bins)])
        .distinct().toArray();
  }

  /**
   * A number's bin: how many edges it reaches ({@code 0..edges}); with {@code above}, values above it {@code edges + 1};
   * blanks last.
   */
  static Column bin(Column value, double[] edges, Double above) {
    Column reached = lit(0);
    for (double e : edges) {
      reached = reached.plus(when(value.geq(e), 1).otherwise(0));
    }
    int extra = above == null ? 0 : 1;
    Column known = above == null ? reached : when(value.gt(above), lit(edges.length + 1)).otherwise(reached);
    return when(value.isNull().or(value.isNaN()), lit(edges.length + 1 + extra)).otherwise(known);
  }

  /** A category's bin: its level's index, any other value (or none) {@code levels}. */
  static Column bin(Column value, List<String> levels) {
    Column bin = lit(levels.size());
    for (int i = levels.size() - 1; i >= 0; i--) {
      bin = when(value.equalTo(levels.get(i)), lit(i)).otherwise(bin);
    }
    return bin;
  }

  /** The row counts per bin of several binned columns ({@code bins.get(k)} has {@code sizes.get(k)} bins), in one pass. */
  static List<long[]> counts(Dataset<Row> rows, List<Column> bins, List<Integer> sizes) {
    List<Column> aggs = new ArrayList<>();
    for (int k = 0; k < bins.size(); k++) {
      for (int j = 0; j < sizes.get(k); j++) {
        aggs.add(sum(when(bins.get(k).equalTo(j), 1L).otherwise(0L)));
      }
    }
    if (aggs.isEmpty()) {
      return List.of();
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    List<long[]> out = new ArrayList<>();
    int at = 0;
    for (int size : sizes) {
      long[] c = new long[size];
      for (int j = 0; j < size; j++, at++) {
        c[j] = r.isNullAt(at) ? 0 : r.getLong(at);
      }
      out.add(c);
    }
    return out;
  }

  /** Row counts of a numeric column per bin of {@code edges}, then a last bin for blanks. */
  public static long[] counts(Dataset<Row> rows, String column, double[] edges) {
    return counts(rows, List.of(bin(col(column).cast("double"), edges, null)), List.of(edges.length + 2)).get(0);
  }

  /** Row counts of a category column per level, in the order given; any other value counts in the last bin. */
  public static long[] counts(Dataset<Row> rows, String column, List<String> levels) {
    return counts(rows, List.of(bin(col(column), levels)), List.of(levels.size() + 1)).get(0);
  }

  /**
   * The training histograms of a model's encoded features ({@code _num_i} at their deciles over {@code rows}, {@code
   * _cat_i} by the plan's levels plus "(missing)") and of its score ({@code scores}: the held-out probabilities, at
   * their deciles). Two passes over {@code rows}: the deciles, then the counts.
   */
  static List<Histogram> reference(Dataset<Row> rows, FeaturePlan plan, double[] scores) {
    List<String> numeric = new ArrayList<>();
    for (int i = 0; i < plan.numeric().size(); i++) {
      numeric.add(ModelData.numericColumn(i));
    }
    double[] probs = java.util.stream.IntStream.range(1, BINS + 1).mapToDouble(i -> i / (double) BINS).toArray();
    double[][] quantiles = numeric.isEmpty() ? new double[0][] : rows.stat().approxQuantile(numeric.toArray(String[]::new),
        probs, 0.001);
    List<double[]> edges = new ArrayList<>();
    List<Double> maxima = new ArrayList<>();
    for (double[] q : quantiles) {
      // the last "quantile" is the maximum; a feature that is always blank has none
      edges.add(q.length < BINS ? new double[0] : Arrays.stream(q, 0, BINS - 1).filter(v -> !Double.isNaN(v)).distinct().toArray());
      maxima.add(q.length == BINS && !Double.isNaN(q[BINS - 1]) ? q[BINS - 1] : null);
    }
    List<List<String>> levels = levels(plan);
    List<long[]> counts = counts(rows, bins(plan, edges, maxima, levels), sizes(edges, maxima, levels));
    List<Histogram> out = new ArrayList<>();
    List<String> features = plan.features();
    for (int k = 0; k < features.size(); k++) {
      boolean isNumber = k < edges.size();
      out.add(new Histogram(features.get(k), isNumber ? boxed(edges.get(k)) : null, isNumber ? maxima.get(k) : null,
          isNumber ? null : levels.get(k - edges.size()), Arrays.stream(counts.get(k)).boxed().toList()));
    }
    double[] scoreEdges = edges(scores, BINS);
    double scoreMax = Arrays.stream(scores).max().orElse(1.0);
    long[] scoreCounts = new long[scoreEdges.length + 3];
    for (double s : scores) {
      int b = 0;
      while (b < scoreEdges.length && s >= scoreEdges[b]) {
        b++;
      }
      scoreCounts[s > scoreMax ? scoreEdges.length + 1 : b]++;
    }
    out.add(new Histogram(SCORE, boxed(scoreEdges), scoreMax, null, Arrays.stream(scoreCounts).boxed().toList()));
    return out;
  }

  private static List<List<String>> levels(FeaturePlan plan) {
    List<List<String>> levels = new ArrayList<>();
    for (Map.Entry<String, List<String>> c : plan.categorical().entrySet()) {
      List<String> l = new ArrayList<>(c.getValue());
      l.add(ModelData.MISSING);
      levels.add(l);
    }
    return levels;
  }

  private static List<Column> bins(FeaturePlan plan, List<double[]> edges, List<Double> maxima, List<List<String>> levels) {
    List<Column> bins = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      bins.add(bin(col(ModelData.numericColumn(i)), edges.get(i), maxima.get(i)));
    }
    for (int i = 0; i < levels.size(); i++) {
      bins.add(bin(col(ModelData.categoricalColumn(i)), levels.get(i)));
    }
    return bins;
  }

  private static List<Integer> sizes(List<double[]> edges, List<Double> maxima, List<List<String>> levels) {
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      sizes.add(edges.get(i).length + (maxima.get(i) == null ? 2 : 3));
    }
    levels.forEach(l -> sizes.add(l.size() + 1));
    return sizes;
  }

  private static List<Double> boxed(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  /** One feature's drift: its PSI between the training histogram and the scoring rows'. */
  public record Shift(String feature, double psi, long trainingRows, long scoringRows) {
    public boolean shifted() {
      return psi > SHIFTED;
    }
  }

  /**
   * The PSI of every feature of {@code reference} over encoded scoring rows ({@code _num_i}, {@code _cat_i}) and of
   * the score ({@code scoreColumn} of the same rows), in one pass. Empty when there are no scoring rows.
   */
  static List<Shift> shifts(List<Histogram> reference, FeaturePlan plan, Dataset<Row> encodedScored, String scoreColumn) {
    List<Column> bins = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    int n = plan.numeric().size();
    int c = 0;
    for (int k = 0; k < reference.size(); k++) {
      Histogram h = reference.get(k);
      Column value = h.feature().equals(SCORE) ? col(scoreColumn)
          : k < n ? col(ModelData.numericColumn(k)) : col(ModelData.categoricalColumn(c++));
      bins.add(h.levels() == null ? bin(value, h.edges().stream().mapToDouble(Double::doubleValue).toArray(), h.above())
          : bin(value, h.levels()));
      sizes.add(h.counts().size());
    }
    List<long[]> now = counts(encodedScored, bins, sizes);
    List<Shift> out = new ArrayList<>();
    for (int k = 0; k < reference.size(); k++) {
      long[] expected = reference.get(k).countArray();
      long[] actual = now.get(k);
      long a = Arrays.stream(actual).sum();
      if (a == 0) {
        return List.of();
      }
      out.add(new Shift(reference.get(k).feature(), psi(expected, actual), Arrays.stream(expected).sum(), a));
    }
    return out;
  }
}
