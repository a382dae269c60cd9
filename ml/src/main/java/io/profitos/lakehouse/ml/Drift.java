package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Population stability index: how far a feature's (or the score's) distribution at scoring time has moved from the
 * training one. {@code PSI = sum over bins of (a - e) * ln(a / e)}, with {@code e} and {@code a} the bins' shares of
 * the training and scoring rows; an empty bin counts as a share of {@value #EMPTY_SHARE} (shares are not
 * renormalised), so a bin that appears or disappears weighs heavily instead of dividing by zero. Numbers are binned
 * at the training deciles (blanks in a bin of their own), categories by level.
 */
public final class Drift {
  public static final double EMPTY_SHARE = 1e-4;
  /** Above this a distribution has shifted enough to act on (the usual rule: below 0.1 stable, 0.1-0.2 watch). */
  public static final double SHIFTED = 0.2;

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

  /** Row counts of a numeric column per bin of {@code edges}, then a last bin for blanks. Runs one aggregation. */
  public static long[] counts(Dataset<Row> rows, String column, double[] edges) {
    double[] splits = new double[edges.length + 2];
    splits[0] = Double.NEGATIVE_INFINITY;
    System.arraycopy(edges, 0, splits, 1, edges.length);
    splits[splits.length - 1] = Double.POSITIVE_INFINITY;
    Dataset<Row> bucketed = new Bucketizer().setSplits(splits).setHandleInvalid("keep").setInputCol("_v")
        .setOutputCol("_bin").transform(rows.select(col(column).cast("double").as("_v")).na().fill(Double.NaN));
    long[] counts = new long[edges.length + 2];
    for (Row r : bucketed.groupBy("_bin").count().collectAsList()) {
      counts[(int) r.getDouble(0)] = r.getLong(1);
    }
    return counts;
  }

  /** Row counts of a category column per level, in the order given; any other value counts in the last bin. */
  public static long[] counts(Dataset<Row> rows, String column, List<String> levels) {
    long[] counts = new long[levels.size() + 1];
    for (Row r : rows.groupBy(col(column)).count().collectAsList()) {
      int i = r.isNullAt(0) ? -1 : levels.indexOf(r.getString(0));
      counts[i < 0 ? levels.size() : i] += r.getLong(1);
    }
    return counts;
  }
}
