package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code silver._quarantine}: rows a silver rule rejected (table, key, rule, reason, the conformed
 * record as JSON, bronze lineage). Writes are idempotent: a row is inserted once per table,
 * record and rule; a rebuild replaces the table's rows.
 */
final class SilverQuarantine {
  static final org.apache.spark.sql.types.StructType SCHEMA = new org.apache.spark.sql.types.StructType()
      .add("table", "string", false).add("key", "string").add("rule", "string").add("reason", "string")
      .add("record", "string").add("_record_hash", "string").add("_batch_id", "string");

  private SilverQuarantine() {}

  /** Writes the failing rows and returns how many this run found (the input is cached by the caller). */
  static long write(JobContext ctx, TableName table, Dataset<Row> failed, boolean rebuild) {
    SparkSession spark = ctx.spark();
    // Counted from the input, not from the commit metrics: jobs running concurrently share this table.
    long failing = failed.count();
    String path = ctx.catalog().location(SilverJob.QUARANTINE);
    DeltaTables.ensure(spark, path, SCHEMA, List.of("table"), Map.of());
    DeltaTable q = DeltaTable.forPath(spark, path);
    if (rebuild) {
      q.delete(col("table").equalTo(table.toString()));
    }
    if (failing > 0) {
      // The literal partition predicate keeps concurrent jobs, each writing its own table's partition, from conflicting.
      q.as("t").merge(failed.as("s"), "t.table = '" + table + "' AND t.table = s.table AND t._record_hash = s._record_hash AND t.rule = s.rule")
          .whenNotMatched().insertAll().execute();
    }
    return failing;
  }
}
