package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.fs.CommitFence;
import io.profitos.lakehouse.core.fs.StoreUnreachable;
import io.profitos.lakehouse.core.table.DeltaTables;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs and records each in {@code ops.job_runs}, with the state it leaves for its next run.
 * Jobs run concurrently, up to {@code lakehouse.runner.parallelism} at a time (one SparkContext;
 * each job has its own session), but a job starts only after every job before it in the list
 * that writes one of its inputs has finished. Then:
 *
 * <ul>
 *   <li>an upstream job that was skipped (its input does not exist yet) skips the job too, with
 *       the upstream's reason: the run still succeeds;
 *   <li>an upstream job whose publish a quality gate blocked (exit 3) keeps the job from running,
 *       unless the job {@link LakehouseJob#runsOnPublished() runs on what is published} (the
 *       exceptions job, which reports the blocked publish);
 *   <li>a job that fails (exit 1 or 2) stops new jobs from starting.
 * </ul>
 *
 * A job that rejects part of its input (status {@code rejected}, exit 4) does not stop the others.
 * The outcome's exit code is the most severe one.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** Job failures, with stack traces; the run summary reports them to the user. */
  private static final Logger ERRORS = LoggerFactory.getLogger("io.profitos.lakehouse.errors");
  private final JobContext ctx;
  private final JobRunRecorder recorder;
  private final LineageRecorder lineage;
  private final int parallelism;
  /** Why a skipped job was skipped, at the root: the input that does not exist yet. */
  private final Map<String, String> skipRoots = new java.util.concurrent.ConcurrentHashMap<>();

  public JobRunner(JobContext ctx) {
    this(ctx, ctx.settings().config().getInt("lakehouse.runner.parallelism"));
  }

  public JobRunner(JobContext ctx, int parallelism) {
    if (parallelism < 1) {
      throw LakehouseException.usage("lakehouse.runner.parallelism must be at least 1 (got " + parallelism + ").");
    }
    this.ctx = ctx;
    this.recorder = new JobRunRecorder(ctx.spark(), ctx.catalog());
    this.lineage = new LineageRecorder(ctx.spark(), ctx.catalog());
    this.parallelism = parallelism;
  }

  /** The results of a run, in the order of the jobs given, and the process exit code they imply. */
  public record Outcome(List<Finished> finished, int exitCode, String firstError, double wallSeconds) {}

  /** One job's result with its name and duration (its run record included). */
  public record Finished(LakehouseJob job, JobResult result, double seconds) {}

  private record Attempt(int index, Finished finished, int exitCode, String error) {}

  public Outcome run(List<LakehouseJob> jobs) {
    return run(jobs, finished -> { });
  }

  /**
   * {@link #run(List)}, calling {@code afterEach} on the calling thread once each job has finished
   * (run, skipped or held back), before the next job starts when jobs run one at a time: a
   * benchmark does its own work on the job's data there, with nothing else running.
   */
  public Outcome run(List<LakehouseJob> jobs, java.util.function.Consumer<Finished> afterEach) {
    long t0 = System.nanoTime();
    recorder.ensureTable();
    for (LakehouseJob job : jobs) {
      job.preflight(ctx);
    }
    Map<String, Map<String, String>> states = recorder.states();
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
            if (started.contains(i) || !ready(i, jobs, done)) {
              continue;
            }
            started.add(i);
            Attempt held = heldBack(i, jobs, done, states.getOrDefault(jobs.get(i).name(), Map.of()));
            if (held != null) {
              done.put(i, held);
              afterEach.accept(held.finished());
              i = -1; // a held-back job may make others ready: look again from the start
              continue;
            }
            running++;
            int index = i;
            Map<String, String> previous = states.getOrDefault(jobs.get(i).name(), Map.of());
            completion.submit(() -> attempt(index, jobs.get(index), previous));
          }
        }
        if (running == 0) {
          break;
        }
        Attempt a = take(completion);
        running--;
        done.put(a.index(), a);
        afterEach.accept(a.finished());
        if (a.exitCode() == LakehouseException.EXIT_FAILURE || a.exitCode() == LakehouseException.EXIT_USAGE
            || a.exitCode() == LakehouseException.EXIT_WAREHOUSE_BUSY) {
          stop = true;
        }
      }
    } finally {
      pool.shutdownNow();
      // A run that lost its warehouse lease writes nothing more (each write would be refused).
      if (CommitFence.refusal() == null) {
        // The runs that changed nothing, in one commit (lost with the process, they would only lose the row saying so).
        try {
          recorder.flush();
        } catch (Exception e) {
          LOG.warn("Recording the jobs that changed nothing in ops.job_runs failed (their state was recorded before): {}",
              rootMessage(e));
        }
        try {
          lineage.flush();
        } catch (Exception e) {
          LOG.warn("Recording this run's lineage in ops.lineage failed (tables and run records are committed): {}", rootMessage(e));
        }
      }
    }
    if (CommitFence.refusal() == null) {
      compactBookkeeping();
    }
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

  /**
   * Once per run, a safety valve: every job appends a file to ops.job_runs, which {@code lakehouse
   * maintain} compacts routinely; a warehouse never maintained is compacted here once the run log
   * holds more than {@code lakehouse.runner.compact-run-log-above-files} files, so reading the
   * jobs' states stays cheap.
   */
  private void compactBookkeeping() {
    try {
      DeltaTables.compactIfFragmented(ctx.spark(), ctx.catalog().location(JobRunRecorder.JOB_RUNS),
          ctx.settings().config().getInt("lakehouse.runner.compact-run-log-above-files"));
    } catch (Exception e) {
      LOG.warn("Compacting ops.job_runs failed (the next run retries): {}", rootMessage(e));
    }
  }

  /** Every earlier job writing one of this job's inputs has finished. */
  private static boolean ready(int index, List<LakehouseJob> jobs, Map<Integer, Attempt> done) {
    for (int j : upstream(index, jobs)) {
      if (!done.containsKey(j)) {
        return false;
      }
    }
    return true;
  }

  /** Earlier jobs writing one of the job's inputs or tables it runs after. */
  private static List<Integer> upstream(int index, List<LakehouseJob> jobs) {
    Set<TableName> inputs = new HashSet<>(jobs.get(index).inputs());
    inputs.addAll(jobs.get(index).orderAfter());
    return writers(index, jobs, inputs);
  }

  /** Earlier jobs writing one of the job's inputs (the tables it cannot run without). */
  private static List<Integer> hardUpstream(int index, List<LakehouseJob> jobs) {
    return writers(index, jobs, new HashSet<>(jobs.get(index).inputs()));
  }

  private static List<Integer> writers(int index, List<LakehouseJob> jobs, Set<TableName> inputs) {
    List<Integer> out = new ArrayList<>();
    for (int j = 0; j < index; j++) {
      if (jobs.get(j).outputs().stream().anyMatch(inputs::contains)) {
        out.add(j);
      }
    }
    return out;
  }

  /**
   * Null when the job may run; else the attempt recorded instead of running it: skipped after a
   * skipped upstream job, not run after an upstream publish a gate blocked.
   */
  private Attempt heldBack(int index, List<LakehouseJob> jobs, Map<Integer, Attempt> done, Map<String, String> previous) {
    LakehouseJob job = jobs.get(index);
    if (job.runsOnPublished()) {
      return null;
    }
    for (int j : hardUpstream(index, jobs)) {
      Attempt up = done.get(j);
      String upStatus = up.finished().result().status();
      String reason = null;
      String status = null;
      if (JobResult.SKIPPED.equals(upStatus)) {
        status = JobResult.SKIPPED;
        String root = skipRoots.getOrDefault(up.finished().job().name(), up.finished().result().message());
        skipRoots.put(job.name(), root);
        reason = job.name() + " skipped: it needs " + up.finished().job().name() + ", which was skipped: " + root;
      } else if (up.exitCode() == LakehouseException.EXIT_QUALITY_GATE && !job.runsOnPublished()) {
        status = JobResult.NOT_RUN;
        reason = job.name() + " not run: its input " + up.finished().job().name() + " was not published (quality gate)";
      }
      if (status != null) {
        Instant now = ctx.clock().instant();
        JobResult result = new JobResult(status, 0, 0, reason, Map.of());
        // The job did not run: its table is as its last run left it, and so is its state. (A run that lost its lease
        // records nothing.)
        if (CommitFence.refusal() == null) {
          try {
            recorder.record(new JobRunRecorder.JobRun(ctx.runId(), job.name(), job.layer(), ctx.runDate(), ctx.settings().env(),
                now, now, status, 0, 0, reason, previous), previous);
          } catch (Exception e) {
            LOG.warn("{}: recording that it did not run in ops.job_runs failed (nothing of it changed): {}", job.name(),
                rootMessage(e));
          }
        }
        LOG.info("job={} status={} reason=\"{}\"", job.name(), status, reason);
        return new Attempt(index, new Finished(job, result, 0), LakehouseException.EXIT_OK, null);
      }
    }
    return null;
  }

  private static Attempt take(CompletionService<Attempt> completion) {
    try {
      return completion.take().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for jobs", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("job runner failed", e.getCause());
    }
  }

  /** The Spark local property naming the scheduler pool of a thread's jobs. */
  static final String POOL = "spark.scheduler.pool";

  private Attempt attempt(int index, LakehouseJob job, Map<String, String> previous) {
    // One pool per job: under spark.scheduler.mode=FAIR, jobs running at once share the executors instead of a
    // small job's tasks waiting behind every task of a big one (ignored under FIFO).
    ctx.spark().sparkContext().setLocalProperty(POOL, job.name());
    try {
      return attemptInPool(index, job, previous);
    } finally {
      ctx.spark().sparkContext().setLocalProperty(POOL, null);
    }
  }

  private Attempt attemptInPool(int index, LakehouseJob job, Map<String, String> previous) {
    String refused = CommitFence.refusal();
    if (refused != null) {
      // This process may not commit any more (its warehouse lease was taken over): the job is not started.
      return new Attempt(index, new Finished(job, new JobResult(JobResult.FAILED, 0, 0, refused, Map.of()), 0),
          LakehouseException.EXIT_WAREHOUSE_BUSY, job.name() + " not run: " + refused);
    }
    Instant started = ctx.clock().instant();
    long t0 = System.nanoTime();
    JobContext jobCtx = ctx.forJob(job, previous);
    JobResult result;
    String error = null;
    int code;
    Map<String, String> state = previous;
    try {
      result = job.run(jobCtx);
      code = JobResult.REJECTED.equals(result.status()) ? LakehouseException.EXIT_INPUT_REJECTED : LakehouseException.EXIT_OK;
      if (code != 0) {
        error = result.message();
      }
      state = jobCtx.nextState();
    } catch (LakehouseException e) {
      if (e.isInputMissing()) {
        LOG.info("{}", e.getMessage());
        code = LakehouseException.EXIT_OK;
        result = new JobResult(JobResult.SKIPPED, 0, 0, e.getMessage(), Map.of());
      } else {
        ERRORS.error("job {} failed: {}", job.name(), e.getMessage(), e);
        code = e.exitCode();
        error = e.getMessage();
        String status = code == LakehouseException.EXIT_QUALITY_GATE ? JobResult.QUALITY_FAILED
            : code == LakehouseException.EXIT_INPUT_REJECTED ? JobResult.REJECTED : JobResult.FAILED;
        result = new JobResult(status, 0, 0, e.getMessage(), Map.of());
      }
    } catch (Exception e) {
      ERRORS.error("job {} failed", job.name(), e);
      code = LakehouseException.EXIT_FAILURE;
      error = job.name() + " failed: " + rootMessage(e);
      result = new JobResult(JobResult.FAILED, 0, 0, error, Map.of());
    }
    refused = CommitFence.refusal();
    if (refused != null) {
      // The lease was taken over during the job: whatever it failed with, nothing more is written, not even its record.
      ERRORS.error("job {} stopped: {}", job.name(), refused);
      return new Attempt(index, new Finished(job, new JobResult(JobResult.FAILED, 0, 0, refused, Map.of()),
          (System.nanoTime() - t0) / 1e9), LakehouseException.EXIT_WAREHOUSE_BUSY, job.name() + " stopped: " + refused);
    }
    StepLog record = jobCtx.step("record_run");
    boolean committed;
    try {
      committed = recorder.record(new JobRunRecorder.JobRun(ctx.runId(), job.name(), job.layer(), ctx.runDate(),
          ctx.settings().env(), started, ctx.clock().instant(), result.status(), result.rowsRead(),
          result.rowsWritten(), error, state), previous);
    } catch (Exception e) {
      // Its table is published but its state is not: the next run starts from the previous state and redoes the job.
      refused = CommitFence.refusal();
      String why = refused != null ? job.name() + " stopped: " + refused
          : error != null ? error + " (recording the run in ops.job_runs failed too: " + sameOrNew(error, rootMessage(e)) + ")"
          : job.name() + " failed: its output was committed but recording the run in ops.job_runs failed (" + rootMessage(e)
              + "); the next run redoes it";
      ERRORS.error("job {}", why, e);
      return new Attempt(index, new Finished(job, new JobResult(JobResult.FAILED, result.rowsRead(), result.rowsWritten(), why,
          Map.of()), (System.nanoTime() - t0) / 1e9), refused != null ? LakehouseException.EXIT_WAREHOUSE_BUSY
          : moreSevere(code, LakehouseException.EXIT_FAILURE), why);
    }
    if (committed) {
      jobCtx.committed("ops.job_runs");
    }
    try {
      lineage.add(ctx.runId(), job, ctx.runDate(), jobCtx.lineage(), ctx.clock().instant());
    } catch (Exception e) {
      LOG.warn("{}: collecting its lineage failed (its tables and run record are committed): {}", job.name(), rootMessage(e));
    }
    record.done("status", result.status(), "record", committed ? "committed" : "deferred");
    // The run record is part of the job's cost: its seconds include it.
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info("job={} status={} rows_read={} rows_written={} seconds={}", job.name(), result.status(),
        result.rowsRead(), result.rowsWritten(), String.format(Locale.ROOT, "%.2f", seconds));
    return new Attempt(index, new Finished(job, result, seconds), code, error);
  }

  /** A lost warehouse lease (5) outranks failure (1), which outranks a usage error (2), a quality gate (3) and rejected input (4). */
  static int moreSevere(int a, int b) {
    return rank(a) >= rank(b) ? a : b;
  }

  private static int rank(int code) {
    return switch (code) {
      case LakehouseException.EXIT_OK -> 0;
      case LakehouseException.EXIT_INPUT_REJECTED -> 1;
      case LakehouseException.EXIT_QUALITY_GATE -> 2;
      case LakehouseException.EXIT_USAGE -> 3;
      case LakehouseException.EXIT_WAREHOUSE_BUSY -> 5;
      default -> 4;
    };
  }

  /**
   * The first line of the innermost cause's message: what a log line or a run record shows of a failure. An object store
   * that does not answer is named with where it was reached and what was being done ({@link StoreUnreachable}).
   */
  public static String rootMessage(Throwable e) {
    String store = StoreUnreachable.describe(e);
    if (store != null) {
      return store;
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int nl = msg.indexOf('\n');
    return nl > 0 ? msg.substring(0, nl) : msg;
  }

  /** A second failure's message, cut to its head (before its details in parentheses) when the first already says it. */
  static String sameOrNew(String first, String second) {
    int details = second.indexOf(" (");
    String head = details > 0 ? second.substring(0, details) : second;
    return first.contains(head) ? head : second;
  }
}
