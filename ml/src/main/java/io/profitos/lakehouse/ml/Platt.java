package io.profitos.lakehouse.ml;

/**
 * Platt scaling: a calibrated probability {@code 1 / (1 + exp(-(a * s + b)))} of a model's log-odds {@code s}, with
 * {@code a} and {@code b} fitted by maximum likelihood (Newton's method) on rows the model did not train on. The
 * targets are Platt's smoothed ones ({@code (N+ + 1) / (N+ + 2)} for positives, {@code 1 / (N- + 2)} for negatives),
 * which keep a small calibration set from pushing probabilities to 0 or 1. MLlib has no calibrator.
 */
public record Platt(double a, double b) {
  /** The identity on probabilities (a model left uncalibrated). */
  public static final Platt NONE = new Platt(1, 0);
  static final double EPS = 1e-7;

  /** The log-odds of a probability, clipped so 0 and 1 stay finite. */
  public static double logit(double p) {
    double c = Math.min(1 - EPS, Math.max(EPS, p));
    return Math.log(c / (1 - c));
  }

  public double apply(double probability) {
    return 1 / (1 + Math.exp(-(a * logit(probability) + b)));
  }

  /** Fits a and b to the model's probabilities and the 0/1 labels of the same rows. */
  public static Platt fit(double[] probability, double[] label) {
    int n = probability.length;
    long pos = 0;
    for (double y : label) {
      pos += (long) y;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("calibration rows need both classes: " + pos + " positive, " + neg + " negative");
    }
    double hi = (pos + 1.0) / (pos + 2.0);
    double lo = 1.0 / (neg + 2.0);
    double[] s = new double[n];
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = logit(probability[i]);
      t[i] = label[i] == 1 ? hi : lo;
    }
    double a = 1;
    double b = Math.log((pos + 1.0) / (neg + 1.0));
    for (int iter = 0; iter < 100; iter++) {
      double ga = 0;
      double gb = 0;
      double haa = 1e-12;
      double hab = 0;
      double hbb = 1e-12;
      for (int i = 0; i < n; i++) {
        double p = 1 / (1 + Math.exp(-(a * s[i] + b)));
        double d = p - t[i];
        double w = p * (1 - p);
        ga += d * s[i];
        gb += d;
        haa += w * s[i] * s[i];
        hab += w * s[i];
        hbb += w;
      }
      double det = haa * hbb - hab * hab;
      double da = (hbb * ga - hab * gb) / det;
      double db = (haa * gb - hab * ga) / det;
      a -= da;
      b -= db;
      if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) {
        break;
      }
    }
    return new Platt(a, b);
  }
}
