package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * The one resolver from table names to storage: {@code <warehouse>/<layer>/<table>}. Jobs read
 * and write by path, so a missing metastore never matters.
 */
public final class TableCatalog {
  private final String warehouse;

  public TableCatalog(String warehouse) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse").replaceAll("/+$", "");
  }

  public String warehouse() {
    return warehouse;
  }

  /** Storage location of a table. */
  public String location(TableName name) {
    return warehouse + "/" + name.layer() + "/" + name.table();
  }

  public String location(String qualified) {
    return location(TableName.parse(qualified));
  }

  /** Whether the table exists (has a Delta log). */
  public boolean exists(SparkSession spark, TableName name) {
    return DeltaTable.isDeltaTable(spark, location(name));
  }
}
