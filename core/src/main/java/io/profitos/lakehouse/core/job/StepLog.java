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
  private final Listener listener;
  private final long startNanos = System.nanoTime();

  /** Told each step's duration when it is logged (called on the job's thread). */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (job, step, seconds) -> { };

    void stepped(String job, String step, double seconds);
  }

  StepLog(String job, String step, Listener listener) {
    this.job = job;
    this.step = step;
    this.listener = listener;
  }

  /** Logs the step with its figures, given as alternating keys and values, and its duration. */
  public void done(Object... keyValues) {
    StringBuilder line = new StringBuilder("job=").append(job).append(" step=").append(step);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.append(' ').append(keyValues[i]).append('=').append(format(keyValues[i + 1]));
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    line.append(" seconds=").append(String.format(Locale.ROOT, "%.2f", seconds));
    LOG.info(line.toString());
    listener.stepped(job, step, seconds);
  }

  private static String format(Object value) {
    String s = String.valueOf(value);
    return s.contains(" ") ? '"' + s.replace("\"", "'") + '"' : s;
  }
}
