package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.Map;

/**
 * What an ml job's output depends on (the run date, a configuration hash, the Delta version of every input), recorded
 * with its run: when the next run finds the same, its tables stand and it commits nothing.
 */
final class Fingerprint {
  private Fingerprint() {}

  /** Adds each table's current version ("none" for a table that does not exist yet). */
  static void putVersions(JobContext ctx, Map<String, String> fp, List<TableName> tables) {
    for (TableName t : tables) {
      fp.put("version:" + t, ctx.exists(t) ? Long.toString(ctx.version(t)) : "none");
    }
  }

  /** Whether every output exists and the last run recorded this same fingerprint (never on a full refresh). */
  static boolean unchanged(JobContext ctx, Map<String, String> fp, List<TableName> outputs) {
    return !ctx.fullRefresh() && outputs.stream().allMatch(ctx::exists)
        && fp.entrySet().stream().allMatch(e -> e.getValue().equals(ctx.state(e.getKey())));
  }
}
