package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Table creation shared by every layer. */
public final class DeltaTables {
  private static final Object CREATE_LOCK = new Object();

  private DeltaTables() {}

  /**
   * Creates the Delta table at {@code location} if it does not exist. Serialised within the
   * process, so concurrent jobs sharing a table (ledgers, quarantine, run logs) never race to
   * create it; appends to an existing table never conflict with each other.
   */
  public static void ensure(SparkSession spark, String location, StructType schema, List<String> partitionBy,
      Map<String, String> properties) {
    synchronized (CREATE_LOCK) {
      if (DeltaTable.isDeltaTable(spark, location)) {
        return;
      }
      DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(location).addColumns(schema);
      if (!partitionBy.isEmpty()) {
        builder = builder.partitionedBy(partitionBy.toArray(String[]::new));
      }
      for (Map.Entry<String, String> e : properties.entrySet()) {
        builder = builder.property(e.getKey(), e.getValue());
      }
      builder.execute();
    }
  }
}
