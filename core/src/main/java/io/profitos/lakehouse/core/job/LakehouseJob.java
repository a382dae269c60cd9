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

  /** Tables read; used to order the jobs of a layer. */
  List<TableName> inputs();

  /** Tables written. */
  List<TableName> outputs();

  /** Runs the job once for {@code ctx.runDate()}; must be idempotent for that run date. */
  JobResult run(JobContext ctx);
}
