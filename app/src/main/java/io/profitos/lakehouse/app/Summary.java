package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.JobRunner;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The short run summary printed after {@code run} and {@code demo}. */
final class Summary {
  private Summary() {}

  static void print(JobRunner.Outcome outcome, LakehouseSettings settings, PrintStream out) {
    out.println();
    out.printf(Locale.ROOT, "%-42s %-14s %12s %12s %8s%n", "job", "status", "rows written", "quarantined", "seconds");
    long rows = 0;
    long quarantined = 0;
    for (JobRunner.Finished f : outcome.finished()) {
      JobResult r = f.result();
      long q = r.details().getOrDefault("quarantined", 0L);
      out.printf(Locale.ROOT, "%-42s %-14s %,12d %,12d %8.1f%n", f.job().name(), r.status(), r.rowsWritten(), q, f.seconds());
      rows += r.rowsWritten();
      quarantined += q;
    }
    out.printf(Locale.ROOT, "%-42s %-14s %,12d %,12d %8.1f%n", "total (wall clock)", "", rows, quarantined, outcome.wallSeconds());
    out.println();
    long skipped = outcome.finished().stream().filter(f -> JobResult.SKIPPED.equals(f.result().status())).count();
    if (skipped > 0) {
      out.println(skipped + " job(s) skipped: their sources have not delivered yet (the run still succeeds).");
    }
    for (JobRunner.Finished f : outcome.finished()) {
      if (!JobResult.SUCCEEDED.equals(f.result().status())) {
        String m = f.result().message();
        out.println(m != null && m.startsWith(f.job().name() + " ") ? m : f.job().name() + ": " + m);
      }
      Map<String, Long> d = f.result().details();
      if (d.getOrDefault("schema_changes", 0L) > 0) {
        out.println(f.job().name() + ": " + d.get("schema_changes") + " schema changes (see ops.schema_changes), "
            + d.getOrDefault("rescued_rows", 0L) + " rows with values kept in _rescued_data");
      }
      if (d.getOrDefault("partial_files", 0L) + d.getOrDefault("unreadable_files", 0L) + d.getOrDefault("refused_files", 0L) > 0) {
        out.println(f.job().name() + ": " + d.getOrDefault("partial_files", 0L) + " partial, "
            + d.getOrDefault("unreadable_files", 0L) + " unreadable, " + d.getOrDefault("refused_files", 0L)
            + " refused files (see ops.ingested_files)");
      }
    }
    out.println("Tables are under " + settings.warehouse() + "/<layer>/<table>; runs are recorded in ops.job_runs.");
  }
}
