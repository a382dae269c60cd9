package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lakehouse} command: {@code jobs}, {@code run}, {@code demo-data}, {@code demo},
 * {@code bench}. The same class runs under {@code bin/lakehouse} (Spark on the classpath) and
 * under {@code spark-submit --class io.profitos.lakehouse.app.Main <jar> run ...}.
 *
 * <p>Exit codes: 0 success, 1 anything else, 2 usage or configuration error, 3 data-quality gate
 * failed, 4 input rejected, 5 the warehouse lease is another run's. Errors print one line; the stack trace goes to
 * the log.
 */
public final class Main {
  /** Failures the CLI already reported on one line: logged with their stack to the log file only. */
  private static final Logger LOG = LoggerFactory.getLogger("io.profitos.lakehouse.errors");

  private Main() {}

  public static void main(String[] args) {
    SubmitLogging.apply();
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    // Non-daemon threads of Spark or HTTP clients must not keep a finished job alive.
    System.exit(code);
  }

  /** Runs one command and returns its exit code; never throws. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      return Commands.dispatch(args, out);
    } catch (LakehouseException e) {
      LOG.error("{}", e.getMessage(), e);
      err.println("lakehouse: " + e.getMessage());
      return e.exitCode();
    } catch (Exception | Error e) {
      // Scala code can throw checked exceptions (IOException from netty, ...) without declaring them.
      LOG.error("unexpected failure", e);
      err.println("lakehouse: unexpected failure: " + oneLine(e) + " (details in the log: " + Commands.logHint() + ")");
      return LakehouseException.EXIT_FAILURE;
    }
  }

  static String oneLine(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }
}
