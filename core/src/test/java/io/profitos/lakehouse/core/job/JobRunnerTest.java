package io.profitos.lakehouse.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {
  @TempDir Path dir;

  private static LakehouseJob job(String name, Function<JobContext, JobResult> body) {
    return new LakehouseJob() {
      public String name() { return name; }
      public String layer() { return "bronze"; }
      public String description() { return name; }
      public List<TableName> inputs() { return List.of(); }
      public List<TableName> outputs() { return List.of(TableName.parse(name)); }
      public JobResult run(JobContext ctx) { return body.apply(ctx); }
    };
  }

  @Test
  void recordsEveryRunAndStopsAtTheFirstFailure() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobContext ctx = TestSettings.context(settings, LocalDate.of(2026, 3, 1));
    List<LakehouseJob> jobs = List.of(
        job("bronze.a", c -> JobResult.succeeded(10, 9, "ok", Map.of())),
        job("bronze.b", c -> JobResult.rejected(100, 80, "too many bad lines", Map.of("quarantined", 20L))),
        job("bronze.c", c -> { throw new IllegalStateException("disk on fire"); }),
        job("bronze.d", c -> JobResult.succeeded(1, 1, "never runs", Map.of())));

    JobRunner.Outcome outcome = new JobRunner(ctx, 1).run(jobs);

    assertThat(outcome.exitCode()).isEqualTo(LakehouseException.EXIT_FAILURE);
    assertThat(outcome.finished()).extracting(f -> f.job().name()).containsExactly("bronze.a", "bronze.b", "bronze.c");
    assertThat(outcome.firstError()).isEqualTo("too many bad lines");
    List<Row> runs = SparkTestSession.get().read().format("delta").load(dir.resolve("wh/ops/job_runs").toString())
        .orderBy("started_at", "job").collectAsList();
    assertThat(runs).extracting(r -> r.<String>getAs("job") + ":" + r.<String>getAs("status") + ":" + r.<Long>getAs("rows_written"))
        .containsExactly("bronze.a:succeeded:9", "bronze.b:rejected:80", "bronze.c:failed:0");
    assertThat(runs.get(2).<String>getAs("error")).isEqualTo("bronze.c failed: disk on fire");
    assertThat(runs).allSatisfy(r -> {
      assertThat(r.<String>getAs("run_id")).isEqualTo(ctx.runId());
      assertThat(r.getAs("run_date").toString()).isEqualTo("2026-03-01");
      assertThat(r.<String>getAs("env")).isEqualTo("test");
    });
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * Spark and Delta throw checked exceptions without declaring them (a task's IOException on a full disk arrives as a
   * SparkException): the job fails with the root cause in one line, as any other failure, instead of ending the run.
   */
  @Test
  void aJobFailingWithAnUndeclaredCheckedExceptionFailsLikeAnyOther() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobContext ctx = TestSettings.context(settings, LocalDate.of(2026, 3, 1));
    List<LakehouseJob> jobs = List.of(
        job("bronze.a", c -> JobResult.succeeded(10, 9, "ok", Map.of())),
        job("bronze.b", c -> { throw sneaky(new Exception("Job aborted due to stage failure",
            new java.io.IOException("No space left on device\nwith a second line"))); }));

    JobRunner.Outcome outcome = new JobRunner(ctx, 1).run(jobs);

    assertThat(outcome.exitCode()).isEqualTo(LakehouseException.EXIT_FAILURE);
    assertThat(outcome.firstError()).isEqualTo("bronze.b failed: No space left on device");
    assertThat(outcome.finished()).extracting(f -> f.job().name() + ":" + f.result().status())
        .containsExactly("bronze.a:succeeded", "bronze.b:failed");
  }

  /**
   * A run whose warehouse lease is taken over mid-job (the fence refuses its commits from then on) writes nothing more:
   * not that job's table, not its run record, not the records of the jobs that changed nothing; it starts no other job,
   * and exits 5 with the fence's reason.
   */
  @Test
  void aRunThatLostItsLeaseWritesNothingMoreAndStartsNoOtherJob() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobContext ctx = TestSettings.context(settings, LocalDate.of(2026, 3, 1));
    String table = dir.resolve("wh/bronze/b").toString();
    java.util.concurrent.atomic.AtomicReference<String> refusal = new java.util.concurrent.atomic.AtomicReference<>();
    io.profitos.lakehouse.core.fs.CommitFence.Guard lease = new io.profitos.lakehouse.core.fs.CommitFence.Guard() {
      @Override public void check(String what) {
        if (refusal.get() != null) {
          throw new LakehouseException(LakehouseException.EXIT_WAREHOUSE_BUSY, "Refused to write " + what + ": " + refusal.get());
        }
      }
      @Override public String refusal() { return refusal.get(); }
    };
    List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    String runLog = dir.resolve("wh/ops/job_runs").toString();
    java.util.concurrent.atomic.AtomicLong runLogVersion = new java.util.concurrent.atomic.AtomicLong(-2);
    List<LakehouseJob> jobs = List.of(
        job("bronze.a", c -> { ran.add("bronze.a"); return JobResult.succeeded(0, 0, "nothing new", Map.of()); }),
        job("bronze.b", c -> {
          ran.add("bronze.b");
          runLogVersion.set(io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), runLog));
          refusal.set("this run lost the warehouse lease to run other-run");
          SparkTestSession.get().range(3).write().format("delta").mode(SaveMode.Append).save(table);
          return JobResult.succeeded(3, 3, "written", Map.of());
        }),
        job("bronze.c", c -> { ran.add("bronze.c"); return JobResult.succeeded(1, 1, "never runs", Map.of()); }));
    io.profitos.lakehouse.core.fs.CommitFence.install(lease);
    JobRunner.Outcome outcome;
    try {
      outcome = new JobRunner(ctx, 1).run(jobs);
    } finally {
      io.profitos.lakehouse.core.fs.CommitFence.uninstall(lease);
    }
    assertThat(outcome.exitCode()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY);
    assertThat(ran).containsExactly("bronze.a", "bronze.b");
    assertThat(outcome.firstError()).isEqualTo("bronze.b stopped: this run lost the warehouse lease to run other-run");
    assertThat(outcome.finished()).extracting(f -> f.job().name() + ":" + f.result().status())
        .containsExactly("bronze.a:succeeded", "bronze.b:failed");
    assertThat(io.delta.tables.DeltaTable.isDeltaTable(SparkTestSession.get(), table)).as("bronze.b's refused commit").isFalse();
    // Nothing was written to the run log after the lease was lost (no record of bronze.b, no deferred rows at the end).
    assertThat(runLogVersion.get()).isGreaterThanOrEqualTo(0);
    assertThat(io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), runLog)).isEqualTo(runLogVersion.get());
    assertThat(SparkTestSession.get().read().format("delta").load(runLog).where("job = 'bronze.b'").count()).isZero();
  }

  /** Each job's Spark work runs in a scheduler pool of its own (fair sharing between jobs running at once). */
  @Test
  void everyJobsSparkWorkRunsInItsOwnSchedulerPool() throws Exception {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobContext ctx = TestSettings.context(settings, LocalDate.of(2026, 3, 1));
    java.util.Set<String> pools = java.util.concurrent.ConcurrentHashMap.newKeySet();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        String description = start.properties().getProperty("spark.job.description", "");
        if (description.startsWith("bronze.")) {
          pools.add(description + " in " + start.properties().getProperty(JobRunner.POOL));
        }
      }
    };
    SparkTestSession.get().sparkContext().addSparkListener(listener);
    Function<JobContext, JobResult> count = c -> {
      c.step("count");
      long n = c.spark().range(3).count();
      return JobResult.succeeded(n, 0, "counted", Map.of());
    };
    try {
      JobRunner.Outcome outcome = new JobRunner(ctx, 2).run(List.of(job("bronze.p", count), job("bronze.q", count)));
      assertThat(outcome.exitCode()).isZero();
      SparkTestSession.get().sparkContext().listenerBus().waitUntilEmpty(10_000);
    } finally {
      SparkTestSession.get().sparkContext().removeSparkListener(listener);
    }
    assertThat(pools).contains("bronze.p: count in bronze.p", "bronze.q: count in bronze.q");
    assertThat(SparkTestSession.get().sparkContext().getLocalProperty(JobRunner.POOL)).as("the caller's thread is untouched").isNull();
  }

  /** One job at a time: the hook sees each finished job, on the caller's thread, while no job runs. */
  @Test
  void afterEachSeesEveryFinishedJobWhileNothingRuns() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    Function<JobContext, JobResult> body = c -> {
      running.incrementAndGet();
      try {
        Thread.sleep(50);
        return JobResult.succeeded(0, 0, "", Map.of());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        running.decrementAndGet();
      }
    };
    List<String> seen = new java.util.ArrayList<>();
    Thread caller = Thread.currentThread();
    List<LakehouseJob> jobs = List.of(
        job("silver.a", List.of(), body),
        job("silver.b", List.of(), c -> { throw LakehouseException.inputMissing("silver.b skipped: bronze.x does not exist yet"); }),
        job("silver.c", List.of("silver.b"), body),
        job("silver.d", List.of(), body));

    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)), 1).run(jobs, f -> seen.add(
        f.job().name() + ":" + f.result().status() + ":running=" + running.get() + ":caller=" + (Thread.currentThread() == caller)
            + ":timed=" + (f.seconds() > 0)));

    assertThat(outcome.exitCode()).isZero();
    // silver.c is held back (skipped after its skipped input) without running: it takes no time.
    assertThat(seen).containsExactly(
        "silver.a:succeeded:running=0:caller=true:timed=true",
        "silver.b:skipped:running=0:caller=true:timed=true",
        "silver.c:skipped:running=0:caller=true:timed=false",
        "silver.d:succeeded:running=0:caller=true:timed=true");
  }

  private static LakehouseJob job(String name, List<String> in, Function<JobContext, JobResult> body) {
    return new LakehouseJob() {
      public String name() { return name; }
      public String layer() { return "silver"; }
      public String description() { return name; }
      public List<TableName> inputs() { return in.stream().map(TableName::parse).toList(); }
      public List<TableName> outputs() { return List.of(TableName.parse(name)); }
      public JobResult run(JobContext ctx) { return body.apply(ctx); }
    };
  }

  @Test
  void independentJobsRunTogetherAndDependentOnesWait() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    java.util.concurrent.CountDownLatch bothRunning = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.atomic.AtomicBoolean upstreamDone = new java.util.concurrent.atomic.AtomicBoolean();
    Function<JobContext, JobResult> meet = c -> {
      bothRunning.countDown();
      try {
        // Only returns true if the other independent job is running at the same time.
        boolean together = bothRunning.await(20, java.util.concurrent.TimeUnit.SECONDS);
        upstreamDone.set(true);
        return JobResult.succeeded(0, together ? 1 : 0, "", Map.of());
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
    List<LakehouseJob> jobs = List.of(
        job("silver.a", List.of(), meet),
        job("silver.b", List.of(), meet),
        job("silver.c", List.of("silver.a"), c -> JobResult.succeeded(0, upstreamDone.get() ? 1 : 0, "", Map.of())));

    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)), 2).run(jobs);

    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.finished()).extracting(f -> f.job().name() + "=" + f.result().rowsWritten())
        .containsExactly("silver.a=1", "silver.b=1", "silver.c=1");
  }

  @Test
  void qualityGateFailureExitsThree() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1))).run(List.of(
        job("bronze.a", c -> { throw LakehouseException.qualityGate("MRR moved 40% month over month"); })));
    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.finished().get(0).result().status()).isEqualTo(JobResult.QUALITY_FAILED);
  }

  private static LakehouseJob tolerant(String name, List<String> in, Function<JobContext, JobResult> body) {
    LakehouseJob inner = job(name, in, body);
    return new LakehouseJob() {
      public String name() { return name; }
      public String layer() { return "silver"; }
      public String description() { return name; }
      public List<TableName> inputs() { return inner.inputs(); }
      public List<TableName> outputs() { return inner.outputs(); }
      public boolean runsOnPublished() { return true; }
      public JobResult run(JobContext ctx) { return inner.run(ctx); }
    };
  }

  @Test
  void aJobsStateIsWhatItsLastRunRecordedAndAFailedRunKeepsIt() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
    Function<JobContext, JobResult> advance = c -> {
      seen.set(c.state("watermark:bronze.x"));
      c.advance(TableName.of("bronze", "x"), "batch-" + (seen.get() == null ? 1 : Integer.parseInt(seen.get().substring(6)) + 1));
      return JobResult.succeeded(0, 0, "", Map.of());
    };
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1))).run(List.of(job("silver.s", List.of(), advance)));
    assertThat(seen.get()).isNull();
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 2))).run(List.of(job("silver.s", List.of(), advance)));
    assertThat(seen.get()).isEqualTo("batch-1");
    // A run that fails after advancing its watermark in memory records nothing new: the data was not written.
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 3))).run(List.of(job("silver.s", List.of(), c -> {
      c.advance(TableName.of("bronze", "x"), "batch-99");
      throw new IllegalStateException("killed before its commit");
    })));
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 4))).run(List.of(job("silver.s", List.of(), advance)));
    assertThat(seen.get()).isEqualTo("batch-2");
  }

  @Test
  void aMissingSourceSkipsItsJobAndEveryJobThatNeedsItAndTheRunSucceeds() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    List<LakehouseJob> jobs = List.of(
        job("silver.a", List.of(), c -> c.read(TableName.of("bronze", "never_delivered")) == null ? null : JobResult.succeeded(0, 1, "", Map.of())),
        job("silver.b", List.of(), c -> JobResult.succeeded(0, 5, "", Map.of())),
        job("silver.c", List.of("silver.a"), c -> JobResult.succeeded(0, 1, "must not run", Map.of())));
    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)), 1).run(jobs);
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.finished()).extracting(f -> f.job().name() + ":" + f.result().status())
        .containsExactly("silver.a:skipped", "silver.b:succeeded", "silver.c:skipped");
    assertThat(outcome.finished().get(2).result().message())
        .isEqualTo("silver.c skipped: it needs silver.a, which was skipped: " + outcome.finished().get(0).result().message())
        .contains("bronze.never_delivered does not exist yet");
  }

  @Test
  void aBlockedPublishHoldsBackWhatNeedsItButNotTheJobThatReportsIt() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    List<LakehouseJob> jobs = List.of(
        job("silver.kpis", List.of(), c -> { throw LakehouseException.qualityGate("MRR moved 40%"); }),
        job("silver.derived", List.of("silver.kpis"), c -> JobResult.succeeded(0, 1, "must not run", Map.of())),
        job("silver.other", List.of(), c -> JobResult.succeeded(0, 3, "", Map.of())),
        tolerant("silver.exceptions", List.of("silver.kpis"), c -> JobResult.succeeded(0, 1, "reported", Map.of())));
    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)), 1).run(jobs);
    assertThat(outcome.exitCode()).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
    assertThat(outcome.finished()).extracting(f -> f.job().name() + ":" + f.result().status())
        .containsExactly("silver.kpis:quality_failed", "silver.derived:not_run", "silver.other:succeeded", "silver.exceptions:succeeded");
  }

  private List<Row> runs() {
    return SparkTestSession.get().read().format("delta").load(dir.resolve("wh/ops/job_runs").toString())
        .orderBy("run_date", "job").collectAsList();
  }

  /**
   * A run that changes nothing leaves one row per job all the same, in one commit of the run log at
   * the end of the run; a run that changes a job's state or writes rows commits its row at once,
   * with the rows waiting before it.
   */
  @Test
  void runsThatChangeNothingAreRecordedTogetherAtTheEndOfTheRun() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    String runLog = dir.resolve("wh/ops/job_runs").toString();
    Function<JobContext, JobResult> advance = c -> {
      c.record("watermark", "w1");
      return JobResult.succeeded(1, 1, "", Map.of());
    };
    List<String> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)).withCommitListener((j, what) -> commits.add(j + " " + what)), 1)
        .run(List.of(job("silver.a", List.of(), advance), job("silver.b", List.of(), advance)));
    assertThat(commits).containsExactly("silver.a ops.job_runs", "silver.b ops.job_runs");
    long before = io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), runLog);

    // Nothing new for a and b (same state, nothing written); c writes rows.
    Function<JobContext, JobResult> upToDate = c -> {
      c.record("watermark", "w1");
      return JobResult.succeeded(0, 0, "up to date", Map.of());
    };
    commits.clear();
    JobRunner.Outcome outcome = new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 2))
        .withCommitListener((j, what) -> commits.add(j + " " + what)), 1)
        .run(List.of(job("silver.a", List.of(), upToDate), job("silver.b", List.of(), upToDate)));
    assertThat(outcome.exitCode()).isZero();
    assertThat(commits).as("no job committed to the run log itself").isEmpty();
    assertThat(io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), runLog)).isEqualTo(before + 1);
    assertThat(runs()).extracting(r -> r.getAs("run_date").toString() + " " + r.<String>getAs("job") + " " + r.<String>getAs("status")
            + " " + new java.util.TreeMap<String, String>(r.<String, String>getJavaMap(r.fieldIndex("state"))))
        .containsExactly("2026-03-01 silver.a succeeded {watermark=w1}", "2026-03-01 silver.b succeeded {watermark=w1}",
            "2026-03-02 silver.a succeeded {watermark=w1}", "2026-03-02 silver.b succeeded {watermark=w1}");

    // a waits; b writes rows: one commit holds both rows, at b's end.
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 3)), 1)
        .run(List.of(job("silver.a", List.of(), upToDate), job("silver.b", List.of(), c -> {
          assertThat(runs()).as("a's row waits for the next commit").hasSize(4);
          c.record("watermark", "w1");
          return JobResult.succeeded(2, 2, "", Map.of());
        })));
    assertThat(io.profitos.lakehouse.core.table.DeltaTables.version(SparkTestSession.get(), runLog)).isEqualTo(before + 2);
    assertThat(runs()).hasSize(6);
  }

  /** A job held back by a blocked publish keeps the state of its last run: its next run continues from it. */
  @Test
  void aJobHeldBackKeepsItsState() {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
    Function<JobContext, JobResult> derived = c -> {
      seen.set(c.state("watermark"));
      c.record("watermark", "w" + c.runDate().getDayOfMonth());
      return JobResult.succeeded(0, 1, "", Map.of());
    };
    Function<JobContext, JobResult> ok = c -> JobResult.succeeded(0, 1, "", Map.of());
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 1)), 1)
        .run(List.of(job("silver.kpis", List.of(), ok), job("silver.derived", List.of("silver.kpis"), derived)));
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 2)), 1).run(List.of(
        job("silver.kpis", List.of(), c -> { throw LakehouseException.qualityGate("MRR moved 40%"); }),
        job("silver.derived", List.of("silver.kpis"), derived)));
    new JobRunner(TestSettings.context(settings, LocalDate.of(2026, 3, 3)), 1)
        .run(List.of(job("silver.kpis", List.of(), ok), job("silver.derived", List.of("silver.kpis"), derived)));
    assertThat(seen.get()).as("the state of the run on the 1st, not an empty one from the 2nd").isEqualTo("w1");
  }

  @Test
  void aStoreThatDoesNotAnswerIsNamedWithWhereAndWhatInsteadOfTheBareCause() {
    // The chain s3a gives when the store is down: the operation and path, the HTTP client's endpoint, the socket's cause.
    Exception down = new java.io.IOException("getFileStatus on s3a://lakehouse/warehouse/ops/job_runs/_delta_log: "
        + "com.amazonaws.SdkClientException: Unable to execute HTTP request: Connect to 127.0.0.1:39373 [/127.0.0.1] failed: "
        + "Connection refused: Unable to execute HTTP request",
        new RuntimeException("Unable to execute HTTP request: Connect to 127.0.0.1:39373 [/127.0.0.1] failed: Connection refused",
            new java.net.ConnectException("Connection refused")));
    assertThat(JobRunner.rootMessage(down)).isEqualTo("no object store answers at 127.0.0.1:39373 (ConnectException: Connection "
        + "refused; getFileStatus on s3a://lakehouse/warehouse/ops/job_runs/_delta_log). Check LAKEHOUSE_S3_ENDPOINT "
        + "(lakehouse.storage.endpoint) and that the store is running.");
    // On the way to an s3a:// path with no endpoint in the messages: the store, unnamed.
    assertThat(JobRunner.rootMessage(new java.io.IOException("getFileStatus on s3a://lakehouse/warehouse/silver/fx_rates: timed out",
        new java.net.SocketTimeoutException("Read timed out")))).isEqualTo("the object store does not answer (SocketTimeoutException: "
        + "Read timed out; getFileStatus on s3a://lakehouse/warehouse/silver/fx_rates). Check LAKEHOUSE_S3_ENDPOINT "
        + "(lakehouse.storage.endpoint) and that the store is running.");
    // A connection that is not to the store (an executor's shuffle service): its own message, no word of the store.
    assertThat(JobRunner.rootMessage(new IllegalStateException("Exception thrown in awaitResult", new java.io.IOException(
        "Failed to connect to /10.0.0.5:7337", new java.net.ConnectException("Connection refused: /10.0.0.5:7337")))))
        .isEqualTo("Connection refused: /10.0.0.5:7337");
    // Any other cause: its first line, as before.
    assertThat(JobRunner.rootMessage(new IllegalStateException("outer", new java.io.IOException("No space left on device\nmore"))))
        .isEqualTo("No space left on device");
  }

  @Test
  void aSecondFailureForTheSameCauseIsCutToItsHead() {
    String job = "silver.subscriptions failed: no object store answers at 127.0.0.1:9 (ConnectException: Connection refused; "
        + "getFileStatus on s3a://lakehouse/warehouse/bronze/stripe_subscriptions/_delta_log). Check that the store is running.";
    String record = "no object store answers at 127.0.0.1:9 (ConnectException: Connection refused; getFileStatus on "
        + "s3a://lakehouse/warehouse/ops/job_runs/_delta_log). Check that the store is running.";
    assertThat(JobRunner.sameOrNew(job, record)).isEqualTo("no object store answers at 127.0.0.1:9");
    assertThat(JobRunner.sameOrNew("silver.fx_rates failed: No space left on device", "Permission denied")).isEqualTo("Permission denied");
    assertThat(JobRunner.sameOrNew("silver.fx_rates failed: No space left on device", "No space left on device"))
        .isEqualTo("No space left on device");
  }
}
