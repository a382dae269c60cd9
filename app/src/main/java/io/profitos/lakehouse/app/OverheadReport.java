package io.profitos.lakehouse.app;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code lakehouse bench overhead} prints: per job, its time against the bare Spark read of
 * its inputs and write of its rows, the ratio, the fixed part (job minus bare), its Delta commits,
 * and the job's time split by kind of step; then the median fixed cost against its target.
 */
final class OverheadReport {
  /** The kinds of step a job's time is split into, in print order. */
  static final List<String> KINDS = List.of("read/compute", "write", "gate", "run record", "job, no step");

  private static final Set<String> WRITES = Set.of("overwrite", "merge", "merge_versions", "replace_where", "update", "land",
      "quarantine", "schema", "ledger");
  private static final Set<String> GATE = Set.of("audit", "record_results");

  /** The kind of a step: its Delta write, the quality gate, the job-run record, or reading and computing (the job's transformations, materialised once before its gate). */
  static String kind(String step) {
    if (WRITES.contains(step)) {
      return "write";
    }
    if (GATE.contains(step)) {
      return "gate";
    }
    return step.equals("record_run") ? "run record" : "read/compute";
  }

  /**
   * One job measured: {@code seconds} its run (its run record included, the run's setup not),
   * {@code bare} the bare read and write of the same data, {@code commits} its Delta commits,
   * {@code sparkJobs} the Spark jobs it started, {@code steps} the seconds of each step it logged
   * (a step logged twice adds up).
   */
  record Job(String name, double seconds, double bare, int commits, int sparkJobs, Map<String, Double> steps) {
    Job {
      steps = Map.copyOf(steps);
    }

    double fixed() {
      return Math.max(0, seconds - bare);
    }

    /** Seconds per kind of step, then the job's time no step covers (its session, snapshot loads, bookkeeping reads). */
    Map<String, Double> byKind() {
      Map<String, Double> out = new LinkedHashMap<>();
      KINDS.forEach(k -> out.put(k, 0.0));
      double inSteps = 0;
      for (Map.Entry<String, Double> s : steps.entrySet()) {
        out.merge(kind(s.getKey()), s.getValue(), Double::sum);
        inSteps += s.getValue();
      }
      out.put("job, no step", Math.max(0, seconds - inSteps));
      return out;
    }
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * The second run of the same date with nothing new, one run of every job like the first: its
   * time (its setup included) against the first run's jobs and setup (target: at most {@code
   * targetRatio}), the commits per job (target: at most one, the job-run record) and the run's
   * commits in all (those of the jobs and the run log's commit of the runs that changed nothing).
   */
  static void printSecondRun(double firstSeconds, double secondSeconds, List<Job> second, long commits, double targetRatio,
      PrintStream out) {
    double ratio = secondSeconds / firstSeconds;
    int most = second.stream().mapToInt(Job::commits).max().orElse(0);
    List<String> over = second.stream().filter(j -> j.commits() > 1).map(j -> j.name() + " (" + j.commits() + ")").toList();
    out.printf(Locale.ROOT, "bench overhead: the second run took %.1f s against %.1f s for the first, a ratio of %.2f (target <= %.2f: %s); "
        + "median %.2f s per job; at most %d commit(s) per job (target 1: %s)%s; %d commit(s) in all.%n", secondSeconds, firstSeconds,
        ratio, targetRatio, ratio <= targetRatio ? "met" : "not met", median(second.stream().map(Job::seconds).toList()), most,
        most <= 1 ? "met" : "not met", over.isEmpty() ? "" : "; more than one: " + String.join(", ", over), commits);
  }

  /**
   * The Spark jobs of every run by the step that started them (the job description each step sets:
   * "job: step"), most first, with the share of all: where a job's Spark work goes.
   */
  static void printSparkJobsByStep(Map<String, Integer> byStep, PrintStream out) {
    int total = byStep.values().stream().mapToInt(Integer::intValue).sum();
    out.printf(Locale.ROOT, "Spark jobs by step (all %d jobs of the first run): ", total);
    out.println(byStep.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> String.format(Locale.ROOT, "%s %d (%.0f%%)", e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, total)))
        .collect(java.util.stream.Collectors.joining(", ")));
  }

  /** The step of a Spark job description ("silver.users: audit" -> "audit"; none: "no step"). */
  static String stepOf(String description) {
    if (description == null) {
      return "no step";
    }
    int colon = description.lastIndexOf(": ");
    return colon < 0 ? "no step" : description.substring(colon + 2);
  }

  /**
   * The table of every job, its total, the run's setup (paid once per run: the run log's table,
   * the state of every job's last run, the run log's compaction check), and the median fixed cost
   * per job against {@code targetMedianFixed}.
   */
  static void print(List<Job> jobs, double setupSeconds, double targetMedianFixed, PrintStream out) {
    out.printf(Locale.ROOT, "%-36s %8s %8s %7s %8s %7s %6s", "job", "seconds", "bare s", "ratio", "fixed s", "commits", "spark");
    KINDS.forEach(k -> out.printf(Locale.ROOT, " %13s", k));
    out.println();
    Map<String, Double> totals = new LinkedHashMap<>();
    KINDS.forEach(k -> totals.put(k, 0.0));
    double seconds = 0;
    double bare = 0;
    int commits = 0;
    int sparkJobs = 0;
    for (Job j : jobs) {
      out.printf(Locale.ROOT, "%-36s %8.2f %8.2f %7s %8.2f %7d %6d", j.name(), j.seconds(), j.bare(),
          j.bare() > 0 ? String.format(Locale.ROOT, "%.1f", j.seconds() / j.bare()) : "-", j.fixed(), j.commits(), j.sparkJobs());
      j.byKind().forEach((k, v) -> {
        out.printf(Locale.ROOT, " %13.2f", v);
        totals.merge(k, v, Double::sum);
      });
      out.println();
      seconds += j.seconds();
      bare += j.bare();
      commits += j.commits();
      sparkJobs += j.sparkJobs();
    }
    out.printf(Locale.ROOT, "%-36s %8.1f %8.1f %7s %8.1f %7d %6d", "total (" + jobs.size() + " jobs)", seconds, bare,
        bare > 0 ? String.format(Locale.ROOT, "%.1f", seconds / bare) : "-", jobs.stream().mapToDouble(Job::fixed).sum(), commits,
        sparkJobs);
    totals.forEach((k, v) -> out.printf(Locale.ROOT, " %13.1f", v));
    out.println();
    out.printf(Locale.ROOT, "the run's setup, once for all %d jobs (run log, last states, compaction check): %.2f s%n", jobs.size(),
        setupSeconds);
    double median = median(jobs.stream().map(Job::fixed).toList());
    out.printf(Locale.ROOT, "bench overhead: median fixed cost per job %.2f s (target <= %.2f s: %s), median commits per job %.0f.%n",
        median, targetMedianFixed, median <= targetMedianFixed ? "met" : "not met",
        median(jobs.stream().map(j -> (double) j.commits()).toList()));
  }
}
