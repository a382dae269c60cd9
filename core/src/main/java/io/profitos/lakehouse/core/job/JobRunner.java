package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs and records each in {@code ops.job_runs}. Jobs run concurrently, up to
 * {@code lakehouse.runner.parallelism} at a time (one SparkSession; Spark interleaves their
 * tasks), but a job starts only after every job before it in the list that writes one of its
 * inputs has succeeded. A job that rejects part of its input (status {@code rejected}) does not
 * stop the others; a job that fails stops new jobs from starting, since later jobs may depend on
 * it. The outcome's exit code is the most severe one.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** Job failures, with stack traces; the run summary reports them to the user. */
  private static final Logger ERRORS = LoggerFactory.getLogger("io.profitos.lakehouse.errors");
  private final JobContext ctx;
  private final JobRunRecorder recorder;
  private final int parallelism;

  public JobRunner(JobContext ctx) {
    this(ctx, ctx.settings().config().getInt("lakehouse.runner.parallelism"));
  }

  public JobRunner(JobContext ctx, int parallelism) {
    if (parallelism < 1) {
      throw LakehouseException.usage("lakehouse.runner.parallelism must be at least 1 (got " + parallelism + ").");
    }
    this.ctx = ctx;
    this.recorder = new JobRunRecorder(ctx.spark(), ctx.catalog());
    this.parallelism = parallelism;
  }

  /** The results of a run, in the order of the jobs given, and the process exit code they imply. */
  public record Outcome(List<Finished> finished, int exitCode, String firstError, double wallSeconds) {}

  /** One job's result with its name and duration. */
  public record Finished(LakehouseJob job, JobResult result, double seconds) {}

  private record Attempt(int index, Finished finished, int exitCode, String error) {}

  public Outcome run(List<LakehouseJob> jobs) {
    long t0 = System.nanoTime();
    recorder.ensureTable();
    Map<Integer, Attempt> done = new LinkedHashMap<>();
    Set<Integer> started = new HashSet<>();
    boolean stop = false;
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, jobs.size())), r -> {
      Thread t = new Thread(r, "lakehouse-job");
      t.setDaemon(true);
      return t;
    });
    CompletionService<Attempt> completion = new ExecutorCompletionService<>(pool);
    try {
      int running = 0;
      while (true) {
        if (!stop) {
          for (int i = 0; i < jobs.size() && running < parallelism; i++) {
            if (!started.contains(i) && ready(i, jobs, done)) {
              started.add(i);
              running++;
              int index = i;
              completion.submit(() -> attempt(index, jobs.get(index)));
            }
          }
        }
        if (running == 0) {
          break;
        }
        Attempt a = take(completion);
        running--;
        done.put(a.index(), a);
        if (a.exitCode() != LakehouseException.EXIT_OK && a.exitCode() != LakehouseException.EXIT_INPUT_REJECTED) {
          stop = true;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    compactBookkeeping();
    List<Finished> finished = new ArrayList<>();
    int exitCode = LakehouseException.EXIT_OK;
    String firstError = null;
    for (int i = 0; i < jobs.size(); i++) {
      Attempt a = done.get(i);
      if (a == null) {
        continue;
      }
      finished.add(a.finished());
      exitCode = moreSevere(exitCode, a.exitCode());
      if (a.error() != null && firstError == null) {
        firstError = a.error();
      }
    }
    return new Outcome(finished, exitCode, firstError, (System.nanoTime() - t0) / 1e9);
  }

  /** Once per run: every job appends to ops.job_runs and ops.watermarks; keep them few files. */
  private void compactBookkeeping() {
    try {
      for (TableName t : List.of(JobRunRecorder.JOB_RUNS, io.profitos.lakehouse.core.table.Watermarks.TABLE)) {
        io.profitos.lakehouse.core.table.DeltaTables.compactIfFragmented(ctx.spark(), ctx.catalog().location(t), 100);
      }
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(JobRunner.class).warn("Compacting the ops tables failed (the next run retries): {}", e.toString());
    }
  }

  /** Every earlier job writing one of this job's inputs has finished without failing. */
  private static boolean ready(int index, List<LakehouseJob> jobs, Map<Integer, Attempt> done) {
    Set<TableName> inputs = new HashSet<>(jobs.get(index).inputs());
    for (int j = 0; j < index; j++) {
      if (jobs.get(j).outputs().stream().anyMatch(inputs::contains)) {
        Attempt upstream = done.get(j);
        if (upstream == null || (upstream.exitCode() != LakehouseException.EXIT_OK
            && upstream.exitCode() != LakehouseException.EXIT_INPUT_REJECTED)) {
          return false;
        }
      }
    }
    return true;
  }

  private static Attempt take(CompletionService<Attempt> completion) {
    try {
      return completion.take().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for jobs", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("job runner failed", e.getCause());
    }
  }

  private Attempt attempt(int index, LakehouseJob job) {
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
      result = new JobResult(status, 0, 0, e.getMessage(), Map.of());
    } catch (RuntimeException e) {
      ERRORS.error("job {} failed", job.name(), e);
      code = LakehouseException.EXIT_FAILURE;
      error = job.name() + " failed: " + rootMessage(e);
      result = new JobResult(JobResult.FAILED, 0, 0, error, Map.of());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    recorder.record(new JobRunRecorder.JobRun(ctx.runId(), job.name(), job.layer(), ctx.runDate(),
        ctx.settings().env(), started, ctx.clock().instant(), result.status(), result.rowsRead(),
        result.rowsWritten(), error));
    LOG.info("job={} status={} rows_read={} rows_written={} seconds={}", job.name(), result.status(),
        result.rowsRead(), result.rowsWritten(), String.format(Locale.ROOT, "%.2f", seconds));
    return new Attempt(index, new Finished(job, result, seconds), code, error);
  }

  /** Failure (1) outranks a usage error (2), a quality gate (3) and rejected input (4). */
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
