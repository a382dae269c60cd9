package io.profitos.lakehouse.core.job;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One structured log line per job step, in key=value form so log tools can parse it:
 * {@code job=bronze.stripe_subscriptions step=land files=3 rows=1200 seconds=1.84}.
 */
public final class StepLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.profitos.lakehouse.steps");
  private final String job;
  private final String step;
  private final long startNanos = System.nanoTime();

  StepLog(String job, String step) {
    this.job = job;
    this.step = step;
  }

  /** Logs the step with its figures, given as alternating keys and values, and its duration. */
  public void done(Object... keyValues) {
    StringBuilder line = new StringBuilder("job=").append(job).append(" step=").append(step);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=').append(format(keyValues[i + 1]));
    }
    line.append(" seconds=").append(String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9));
    LOG.info(line.toString());
  }

  private static String format(Object value) {
    String s = String.valueOf(value);
    return s.contains(" ") ? '"' + s.replace("\"", "'") + '"' : s;
  }
}
