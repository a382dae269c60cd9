package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.table.TableName;
import java.util.List;

/**
 * One batch job: reads its inputs, writes its outputs. Jobs never call {@code System.exit} and
 * keep all storage access inside {@link #run}; their transformations are pure functions in
 * separate {@code *Transforms} classes.
 */
public interface LakehouseJob {
  /** Unique name, by convention the main output table, e.g. {@code bronze.stripe_subscriptions}. */
  String name();

  /** Layer the job belongs to (bronze, silver, gold, quality, ml). */
  String layer();

  /** One line for {@code lakehouse jobs}. */
  String description();

  /** Tables read; used to order the jobs of a layer. A skipped or blocked writer of one holds the job back. */
  List<TableName> inputs();

  /**
   * Tables whose writers must finish before this job starts although the job can run without
   * them (tables its quality gate checks against, jobs it reports on): they order the run but
   * never skip or block the job.
   */
  default List<TableName> orderAfter() {
    return List.of();
  }

  /** Tables written. */
  List<TableName> outputs();

  /**
   * Whether the job runs even when a quality gate blocked the publish of one of its inputs, on
   * the version last published (the exceptions job: a blocked number must not go quiet).
   */
  default boolean runsOnPublished() {
    return false;
  }

  /**
   * Checks made before any job of the run starts (configuration against the warehouse, for
   * example); throws a usage error to stop the run. {@code ctx} is the run's context.
   */
  default void preflight(JobContext ctx) {}

  /**
   * For {@code lakehouse run --dry-run}: what the job would find to do now, in one line (e.g. how many new landing
   * files), read without writing anything; null when the runner's generic account (its recorded state against its
   * inputs) says it all. {@code ctx} is the run's context.
   */
  default Explanation explain(JobContext ctx) {
    return null;
  }

  /** Runs the job once for {@code ctx.runDate()}; must be idempotent for that run date. */
  JobResult run(JobContext ctx);
}
