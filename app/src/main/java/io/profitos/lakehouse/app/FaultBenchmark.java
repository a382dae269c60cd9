package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableMaintenance;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse bench faults}: random kill trials. On a generated landing zone of scale S, one clean {@code lakehouse
 * run <targets>} (the reference, one job at a time) gives each job's window in time; then, for each layer, N trials: a
 * new run of the same targets into an empty warehouse, killed with {@code SIGKILL} at an instant drawn at random inside
 * that layer's windows (counted from the end of the job before the window in the killed run's own log, so a slower run
 * is still killed in the window drawn, a faster one possibly in the next; the layer counted is the one the run was
 * really in; the run's bookkeeping after its last job lasts about a second), then one run that must start and finish (it waits out the dead run's lease), then {@code
 * lakehouse maintain} with a retention of 0. Each trial compares every bronze, silver, gold and ml table with the
 * reference cell by cell (the columns that name a run's batch or landing time aside) and counts the data files under any
 * table that its current version does not reference (orphans a crash left and the cleanup missed). Every run is its own
 * process, as an Airflow task's is; the killed run's in-flight job is read from its log.
 */
final class FaultBenchmark {
  /** Differ by run by design: the batch that landed a row, and when. */
  private static final Set<String> PER_RUN = Set.of("_batch_id", "_ingested_at");
  private static final List<String> COMPARED = List.of("bronze", "silver", "gold", "ml");
  /** The lease of every run here: short, so the run after a kill takes the dead run's lease over within seconds. */
  private static final String LEASE_EXPIRY = "15s";
  /** How long the run after a kill waits for the dead run's lease to expire. */
  private static final String LEASE_WAIT = "60s";
  private static final Pattern JOB_END = Pattern.compile(
      "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d,\\d{3})Z .*io\\.profitos\\.lakehouse\\.core\\.job\\.JobRunner: job=(\\S+) status=");
  private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss,SSS", Locale.ROOT);
  /** The run's own work after its last job (run records of unchanged jobs, lineage, releasing the lease). */
  static final String BOOKKEEPING = "ops";

  private final SparkSession spark;
  private final Path work;
  private final double scale;
  private final long seed;
  private final int trials;
  private final String targets;
  private final List<String> layers;
  private final List<String> passThrough;
  private final Random random;
  private final PrintStream out;
  /** The runs' logging configuration, written under the benchmark's folder. */
  private Path childLogging;
  /** The run started last: killed if this process is stopped, so that no run goes on writing unwatched. */
  private volatile Process current;

  /** {@code layers}: the layers to kill runs in, or empty for every layer the run has a job in (and its bookkeeping). */
  FaultBenchmark(SparkSession spark, Path work, double scale, long seed, int trials, String targets, List<String> layers,
      List<String> passThrough, long randomSeed, PrintStream out) {
    this.spark = spark;
    this.work = work;
    this.scale = scale;
    this.seed = seed;
    this.trials = trials;
    this.targets = targets;
    this.layers = List.copyOf(layers);
    this.passThrough = List.copyOf(passThrough);
    this.random = new Random(randomSeed);
    this.out = out;
  }

  /** One job of the reference run: its name and layer, and when it ended, in seconds after the run's process started. */
  record Window(String job, String layer, double start, double end) {}

  /**
   * One trial: where it was killed (or, if it ended before the instant, how: {@code firstExit}), and what the run after it,
   * maintain and the comparison found.
   */
  record Trial(int number, String layer, double killAt, String during, boolean killed, int firstExit, int recoveryExit,
      double recoverySeconds, int maintainExit, List<String> differences, List<String> orphans) {
    boolean ok() {
      return (killed || firstExit == 0) && recoveryExit == 0 && maintainExit == 0 && differences.isEmpty() && orphans.isEmpty();
    }
  }

  /** The target: kills per layer. */
  static final int TARGET_KILLS = 20;

  /** One layer's line of the summary. */
  record LayerOutcome(String layer, int trials, long killed, long recovered, long differences, long orphans, long ok) {}

  /** The summary: a line per layer (those asked for, then any other a run was killed in), and the verdict. */
  record Outcome(List<LayerOutcome> layers, boolean faultFound, boolean targetMet) {}

  /**
   * Counts each trial in the layer its run was killed in (a run slower or faster than the reference's may be in another
   * than the one drawn). A fault is any trial not ok; the target is met when none is and every layer asked for had at
   * least {@link #TARGET_KILLS} runs really killed in it.
   */
  static Outcome summarize(List<Trial> done, List<String> killIn) {
    Set<String> shown = new java.util.LinkedHashSet<>(killIn);
    done.forEach(t -> shown.add(t.layer()));
    List<LayerOutcome> rows = new ArrayList<>();
    boolean enough = true;
    for (String layer : shown) {
      List<Trial> in = done.stream().filter(t -> t.layer().equals(layer)).toList();
      long killed = in.stream().filter(Trial::killed).count();
      rows.add(new LayerOutcome(layer, in.size(), killed, in.stream().filter(t -> t.recoveryExit() == 0).count(),
          in.stream().mapToLong(t -> t.differences().size()).sum(), in.stream().mapToLong(t -> t.orphans().size()).sum(),
          in.stream().filter(Trial::ok).count()));
      enough &= !killIn.contains(layer) || killed >= TARGET_KILLS;
    }
    boolean fault = done.stream().anyMatch(t -> !t.ok());
    return new Outcome(rows, fault, !fault && enough);
  }

  int run() {
    Thread stopRuns = new Thread(() -> {
      Process p = current;
      if (p != null && p.isAlive()) {
        kill(p);
      }
    }, "bench-faults-stop");
    Runtime.getRuntime().addShutdownHook(stopRuns);
    try {
      return runTrials();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopRuns);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to
      }
    }
  }

  private int runTrials() {
    Path root = work.resolve(String.format(Locale.ROOT, "faults-scale%s-seed%d", scale, seed));
    Path landing = root.resolve("landing");
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    BronzeBenchmark.generateOnce(spec, out);
    LocalDate runDate = spec.asOf();
    Path reference = root.resolve("reference");
    BronzeBenchmark.delete(reference);
    BronzeBenchmark.delete(root.resolve("logs"));
    try (java.util.stream.Stream<Path> old = Files.list(Files.createDirectories(root))) {
      old.filter(p -> p.getFileName().toString().startsWith("trial-")).forEach(BronzeBenchmark::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeChildLogging(root);
    out.printf(Locale.ROOT, "Reference: 'lakehouse run %s --run-date %s', one job at a time, into %s ...%n", targets, runDate, reference);
    long t0 = System.nanoTime();
    Process ref = start(landing, reference, root.resolve("logs/reference"), runArgs(runDate), List.of());
    int refExit = waitFor(ref, Duration.ofHours(2));
    double refSeconds = (System.nanoTime() - t0) / 1e9;
    BronzeBenchmark.delete(root.resolve("logs/reference/tmp"));
    if (refExit != 0) {
      throw new LakehouseException(LakehouseException.EXIT_FAILURE, "The reference run failed (exit " + refExit + "); see "
          + root.resolve("logs/reference") + ". A fault benchmark needs a run that succeeds.");
    }
    List<Window> windows = windows(jobEnds(root.resolve("logs/reference/lakehouse.log"), t0), refSeconds);
    Map<String, Double> layerSeconds = new LinkedHashMap<>();
    windows.forEach(w -> layerSeconds.merge(w.layer(), w.end() - w.start(), Double::sum));
    out.printf(Locale.ROOT, "Reference: %d job%s in %.1f s; seconds by layer (process start in the first job's): %s%n", windows.size() - 1,
        windows.size() == 2 ? "" : "s", refSeconds, format(layerSeconds));
    out.println();
    out.printf(Locale.ROOT, "%5s %-7s %8s  %-44s %9s %9s %9s %6s %7s%n", "trial", "layer", "kill at", "killed during", "next run",
        "seconds", "maintain", "diffs", "orphans");
    List<String> killIn = layers.isEmpty() ? List.copyOf(layerSeconds.keySet()) : layers;
    for (String layer : killIn) {
      if (!layerSeconds.containsKey(layer)) {
        throw LakehouseException.usage("--layers names '" + layer + "', in which 'lakehouse run " + targets + "' has no job; its layers are "
            + layerSeconds.keySet() + ".");
      }
    }
    List<Trial> done = new ArrayList<>();
    Path previous = null;
    for (String layer : killIn) {
      for (int i = 0; i < trials; i++) {
        // Each trial in a warehouse of its own (this session caches each table's log by its path); the last one kept.
        Path trialWarehouse = root.resolve("trial-" + (done.size() + 1));
        if (previous != null) {
          BronzeBenchmark.delete(previous);
        }
        previous = trialWarehouse;
        Trial t = trial(done.size() + 1, layer, pick(windows, layer), landing, trialWarehouse, reference, runDate, root.resolve("logs"),
            windows);
        done.add(t);
        out.printf(Locale.ROOT, "%5d %-7s %7.1fs  %-44s %9s %9.1f %9s %6d %7d%n", t.number(), t.layer(), t.killAt(),
            t.killed() ? t.during() : "(the run had ended)", "exit " + t.recoveryExit(), t.recoverySeconds(), "exit " + t.maintainExit(),
            t.differences().size(), t.orphans().size());
        t.differences().forEach(d -> out.println("      difference: " + d));
        t.orphans().stream().limit(5).forEach(o -> out.println("      orphaned file: " + o));
      }
    }
    return summary(done, killIn);
  }

  private int summary(List<Trial> done, List<String> killIn) {
    Outcome outcome = summarize(done, killIn);
    out.println();
    out.printf(Locale.ROOT, "%-8s %7s %7s %11s %14s %15s %8s%n", "layer", "trials", "killed", "next run ok", "tables differ",
        "orphaned files", "ok");
    for (LayerOutcome l : outcome.layers()) {
      out.printf(Locale.ROOT, "%-8s %7d %7d %11d %14d %15d %8d%n", l.layer(), l.trials(), l.killed(), l.recovered(), l.differences(),
          l.orphans(), l.ok());
    }
    out.println();
    out.printf(Locale.ROOT, "Target: at least %d runs killed per layer, each with 0 differences, a next run that starts and succeeds, "
        + "and 0 orphaned files after 'lakehouse maintain': %s.%n", TARGET_KILLS, outcome.faultFound() ? "MISSED (a fault above)"
        : outcome.targetMet() ? "met" : "no fault found, but fewer kills per layer than the target");
    return outcome.faultFound() ? 1 : 0;
  }

  private Trial trial(int number, String layer, double killAt, Path landing, Path warehouse, Path reference, LocalDate runDate,
      Path logs, List<Window> windows) {
    Path killedLogs = logs.resolve("trial-" + number + "-killed");
    Anchor anchor = anchor(windows, layer, killAt);
    long t0 = System.nanoTime();
    Process run = start(landing, warehouse, killedLogs, runArgs(runDate), List.of());
    boolean killed;
    int firstExit;
    double killedAt;
    try {
      // The instant is the reference's, counted from the end of the job before its window in this run's own log: a run
      // slower or faster than the reference (a loaded machine, a cold start) is still killed inside the window drawn.
      double from = 0;
      if (anchor.jobsEnded() > 0) {
        // A run that never logs the job's end (stalled) is killed after three times the reference's length and two minutes.
        long deadline = t0 + (long) ((3 * windows.get(windows.size() - 1).end() + 120) * 1e9);
        List<Map.Entry<String, Double>> ends = jobEnds(killedLogs.resolve("lakehouse.log"), t0);
        while (ends.size() < anchor.jobsEnded() && run.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(25);
          ends = jobEnds(killedLogs.resolve("lakehouse.log"), t0);
        }
        from = ends.size() < anchor.jobsEnded() ? 0 : ends.get(anchor.jobsEnded() - 1).getValue();
      }
      long wait = (long) ((from + anchor.offset()) * 1000) - (System.nanoTime() - t0) / 1_000_000;
      killed = !run.waitFor(Math.max(0, wait), TimeUnit.MILLISECONDS);
      killedAt = (System.nanoTime() - t0) / 1e9;
      if (killed) {
        kill(run);
      }
      firstExit = run.exitValue();
    } catch (InterruptedException e) {
      kill(run);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    // The job it was in: the one after the last that ended, in the reference's order (one job at a time).
    int ended = jobEnds(killedLogs.resolve("lakehouse.log"), t0).size();
    Window during = ended < windows.size() ? windows.get(ended) : windows.get(windows.size() - 1);

    // The dead run's lease blocks for one expiry: the next run waits for it (what an operator's retry, or Airflow's, gets).
    long r0 = System.nanoTime();
    int recovery = waitFor(start(landing, warehouse, logs.resolve("trial-" + number + "-next"), runArgs(runDate),
        List.of("--conf", "lakehouse.lease.wait=" + LEASE_WAIT)), Duration.ofHours(2));
    double recoverySeconds = (System.nanoTime() - r0) / 1e9;
    int maintain = waitFor(start(landing, warehouse, logs.resolve("trial-" + number + "-maintain"), List.of("maintain"),
        List.of("--conf", "lakehouse.maintenance.retention=0s")), Duration.ofHours(1));

    for (String child : List.of("killed", "next", "maintain")) {
      BronzeBenchmark.delete(logs.resolve("trial-" + number + "-" + child).resolve("tmp"));
    }
    List<String> differences = new ArrayList<>();
    List<String> orphans = new ArrayList<>();
    try {
      for (String l : COMPARED) {
        differences.addAll(WarehouseComparison.differences(spark, reference.toUri().toString(), warehouse.toUri().toString(), l, PER_RUN));
      }
      TableMaintenance maintenance = new TableMaintenance(spark, Duration.ZERO, Integer.MAX_VALUE);
      for (String table : DeltaTables.tablesUnder(spark, warehouse.toUri().toString())) {
        maintenance.unreferencedFiles(table).forEach(f -> orphans.add(table + "/" + f));
      }
    } catch (RuntimeException e) {
      // A warehouse that cannot even be read is a difference, not the end of the benchmark.
      differences.add("the trial's warehouse could not be compared: " + io.profitos.lakehouse.core.job.JobRunner.rootMessage(e));
    }
    return new Trial(number, during.layer(), killedAt, during.job(), killed, firstExit, recovery, recoverySeconds, maintain, differences,
        orphans);
  }

  private List<String> runArgs(LocalDate runDate) {
    return List.of("run", targets, "--run-date", runDate.toString());
  }

  /**
   * The reference's jobs in the order they ended, each with its window: from the end of the job before (the process's
   * start for the first, so starting up counts as the first job's) to its own end; then the run's bookkeeping until the
   * process ended.
   */
  static List<Window> windows(List<Map.Entry<String, Double>> ends, double processSeconds) {
    List<Window> out = new ArrayList<>();
    double from = 0;
    for (Map.Entry<String, Double> e : ends) {
      String job = e.getKey();
      out.add(new Window(job, job.substring(0, job.indexOf('.')), from, e.getValue()));
      from = e.getValue();
    }
    out.add(new Window("the run's bookkeeping", BOOKKEEPING, from, Math.max(from, processSeconds)));
    return out;
  }

  /** Where a kill instant of the reference falls: after how many jobs ended, and how long after the last of them. */
  record Anchor(int jobsEnded, double offset) {}

  /** The window of {@code layer} holding {@code at} (an instant {@link #pick} drew), as an {@link Anchor}. */
  static Anchor anchor(List<Window> windows, String layer, double at) {
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      if (w.layer().equals(layer) && at >= w.start() && at <= w.end()) {
        return new Anchor(i, at - w.start());
      }
    }
    throw new IllegalArgumentException(at + " s is in no window of " + layer);
  }

  /** An instant drawn uniformly from the windows of the layer's jobs (their lengths summed). */
  double pick(List<Window> windows, String layer) {
    List<Window> in = windows.stream().filter(w -> w.layer().equals(layer)).toList();
    double total = in.stream().mapToDouble(w -> w.end() - w.start()).sum();
    double u = random.nextDouble() * total;
    for (Window w : in) {
      if (u <= w.end() - w.start()) {
        return w.start() + u;
      }
      u -= w.end() - w.start();
    }
    return in.get(in.size() - 1).end();
  }

  /** Each job's end (its status line in the run's log), in seconds after {@code startNanos}, in the order they ended. */
  private static List<Map.Entry<String, Double>> jobEnds(Path log, long startNanos) {
    // The log's times are wall-clock UTC; the process started this long before now.
    double startEpoch = System.currentTimeMillis() / 1000.0 - (System.nanoTime() - startNanos) / 1e9;
    List<Map.Entry<String, Double>> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    try {
      // Decoded leniently: the run may be writing its last line while it is read.
      for (String line : new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\\R")) {
        Matcher m = JOB_END.matcher(line);
        if (m.find()) {
          double at = LocalDateTime.parse(m.group(1), LOG_TIME).toInstant(ZoneOffset.UTC).toEpochMilli() / 1000.0;
          out.add(Map.entry(m.group(2), Math.max(0, at - startEpoch)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The runs' logging, the same whatever this process was started with: each job's end with its time in milliseconds in
   * the run's {@code lakehouse.log} (what the windows are read from), warnings and the summary on the console.
   */
  private void writeChildLogging(Path root) {
    childLogging = root.resolve("log4j2-runs.properties");
    String config = String.join("\n", "status = warn",
        "appender.console.type = Console", "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %d{HH:mm:ss} %m%n",
        "appender.console.layout.alwaysWriteExceptions = false",
        "appender.console.filter.threshold.type = ThresholdFilter", "appender.console.filter.threshold.level = warn",
        "appender.file.type = File", "appender.file.name = file", "appender.file.fileName = ${sys:lakehouse.log.dir}/lakehouse.log",
        "appender.file.layout.type = PatternLayout", "appender.file.layout.pattern = %d{ISO8601}{UTC}Z %-5p [%t] %c: %m%n",
        "rootLogger.level = warn", "rootLogger.appenderRef.file.ref = file",
        "logger.lakehouse.name = io.profitos.lakehouse", "logger.lakehouse.level = info",
        "logger.lakehouse.appenderRef.console.ref = console", "");
    try {
      Files.createDirectories(root);
      Files.writeString(childLogging, config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code lakehouse <args>} in a process of its own: this JVM's java, options and classpath; its log and its temporary
   * files (Spark's scratch space, which a killed run cannot clean up) under {@code logs}. After {@code args} come this
   * command's environment, configuration folder and {@code --conf} settings, then the benchmark's own settings, which
   * win: one job at a time (the windows), the short lease, and {@code extra}.
   */
  private Process start(Path landing, Path warehouse, Path logs, List<String> args, List<String> extra) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-Dlakehouse.log.dir=") && !a.startsWith("-Dlog4j") && !a.startsWith("-Djava.io.tmpdir=")
            && !a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp"))
        .forEach(command::add);
    Path tmp = logs.resolve("tmp");
    command.addAll(List.of("-Dlakehouse.log.dir=" + logs.toAbsolutePath(), "-Dlog4j2.configurationFile=" + childLogging,
        "-Djava.io.tmpdir=" + tmp.toAbsolutePath(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    command.addAll(passThrough);
    command.addAll(List.of("--conf", "lakehouse.runner.parallelism=1", "--conf", "lakehouse.lease.expiry=" + LEASE_EXPIRY));
    command.addAll(extra);
    try {
      Files.createDirectories(tmp);
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logs.resolve("console.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      b.environment().put("LAKEHOUSE_LANDING", landing.toAbsolutePath().toString());
      b.environment().put("LAKEHOUSE_WAREHOUSE", warehouse.toAbsolutePath().toString());
      Process p = b.start();
      current = p;
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** SIGKILL to the process, then to whatever it started, and waits for it. */
  private static void kill(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int waitFor(Process p, Duration limit) {
    try {
      if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
        kill(p);
        return -1;
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String format(Map<String, Double> seconds) {
    StringBuilder s = new StringBuilder();
    seconds.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(String.format(Locale.ROOT, " %.1f", v)));
    return s.toString();
  }
}
