package io.profitos.lakehouse.silver;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.Publish;
import io.profitos.lakehouse.core.job.StepLog;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code silver._quarantine}: rows a silver rule rejected (table, key, rule, reason, the conformed
 * record as JSON, bronze lineage), partitioned by table. Writes are idempotent: a row is inserted
 * once per table, record and rule; a rebuild replaces the table's partition in one commit (none when
 * the partition is empty and stays so). Every write names its partition as a literal, so silver
 * jobs running at once never conflict.
 */
final class SilverQuarantine {
  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("table", "string", false).add("key", "string").add("rule", "string").add("reason", "string")
      .add("record", "string").add("_record_hash", "string").add("_batch_id", "string");

  private SilverQuarantine() {}

  /** Writes the failing rows and returns how many this run found. */
  static long write(JobContext ctx, TableName table, Dataset<Row> failed, boolean rebuild) {
    Dataset<Row> rows = failed.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      // Counted from the input, not from the commit metrics: jobs running concurrently share this table.
      StepLog rules = ctx.step("rules");
      long failing = rows.count();
      rules.done("failing", failing);
      DeltaTables.ensure(ctx.spark(), ctx.catalog().location(SilverJob.QUARANTINE), SCHEMA, List.of("table"), Map.of());
      String partition = "table = '" + table + "'";
      if (rebuild && (failing > 0 || !partitionEmpty(ctx, partition))) {
        ctx.publish(SilverJob.QUARANTINE, rows, Publish.replaceWhere(partition).withoutGate().withEmptyAllowed());
      } else if (failing > 0) {
        // A row already quarantined is left as it is (only a later delivery of the same record replaces it).
        ctx.publish(SilverJob.QUARANTINE, rows, Publish.merge(List.of("table", "_record_hash", "rule"))
            .withNewerBy(List.of("_batch_id")).withTargetCondition("t." + partition).withoutGate());
      }
      return failing;
    } finally {
      rows.unpersist();
    }
  }

  /** Whether the table has no quarantined rows (a pruned read of its partition: nothing to replace, no commit). */
  private static boolean partitionEmpty(JobContext ctx, String partition) {
    return ctx.read(SilverJob.QUARANTINE).where(partition).limit(1).isEmpty();
  }
}
