package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.LakehouseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs in order and records each in {@code ops.job_runs}. A job that rejects part of its
 * input (status {@code rejected}) does not stop the others; a job that fails stops the run,
 * since later jobs may depend on its output. The outcome's exit code is the most severe one.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** Job failures, with stack traces; the run summary reports them to the user. */
  private static final Logger ERRORS = LoggerFactory.getLogger("io.profitos.lakehouse.errors");
  private final JobContext ctx;
  private final JobRunRecorder recorder;

  public JobRunner(JobContext ctx) {
    this.ctx = ctx;
    this.recorder = new JobRunRecorder(ctx.spark(), ctx.catalog());
  }

  /** The results of a run, in order, and the process exit code they imply. */
  public record Outcome(List<Finished> finished, int exitCode, String firstError) {}

  /** One job's result with its name and duration. */
  public record Finished(LakehouseJob job, JobResult result, double seconds) {}

  public Outcome run(List<LakehouseJob> jobs) {
    List<Finished> finished = new ArrayList<>();
    int exitCode = LakehouseException.EXIT_OK;
    String firstError = null;
    for (LakehouseJob job : jobs) {
      Instant started = ctx.clock().instant();
      long t0 = System.nanoTime();
      JobResult result;
      String error = null;
      int code;
      try {
        result = job.run(ctx);
        code = JobResult.REJECTED.equals(result.status()) ? LakehouseException.EXIT_INPUT_REJECTED : LakehouseException.EXIT_OK;
        if (code != 0) {
          error = result.message();
        }
      } catch (LakehouseException e) {
        ERRORS.error("job {} failed: {}", job.name(), e.getMessage(), e);
        code = e.exitCode();
        error = e.getMessage();
        String status = code == LakehouseException.EXIT_QUALITY_GATE ? JobResult.QUALITY_FAILED
            : code == LakehouseException.EXIT_INPUT_REJECTED ? JobResult.REJECTED : JobResult.FAILED;
        result = new JobResult(status, 0, 0, e.getMessage(), java.util.Map.of());
      } catch (RuntimeException e) {
        ERRORS.error("job {} failed", job.name(), e);
        code = LakehouseException.EXIT_FAILURE;
        error = job.name() + " failed: " + rootMessage(e);
        result = new JobResult(JobResult.FAILED, 0, 0, error, java.util.Map.of());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      recorder.record(new JobRunRecorder.JobRun(ctx.runId(), job.name(), job.layer(), ctx.runDate(),
          ctx.settings().env(), started, ctx.clock().instant(), result.status(), result.rowsRead(),
          result.rowsWritten(), error));
      LOG.info("job={} status={} rows_read={} rows_written={} seconds={}", job.name(), result.status(),
          result.rowsRead(), result.rowsWritten(), String.format(java.util.Locale.ROOT, "%.2f", seconds));
      finished.add(new Finished(job, result, seconds));
      if (code != 0 && firstError == null) {
        firstError = error;
      }
      exitCode = moreSevere(exitCode, code);
      if (code != LakehouseException.EXIT_OK && code != LakehouseException.EXIT_INPUT_REJECTED) {
        break;
      }
    }
    return new Outcome(finished, exitCode, firstError);
  }

  /** Failure (1) outranks a quality gate (3), which outranks rejected input (4). */
  static int moreSevere(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int code) {
    return switch (code) {
      case LakehouseException.EXIT_OK -> 0;
      case LakehouseException.EXIT_INPUT_REJECTED -> 1;
      case LakehouseException.EXIT_QUALITY_GATE -> 2;
      case LakehouseException.EXIT_USAGE -> 3;
      default -> 4;
    };
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }
}
