package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one resolver from table names to storage: {@code <warehouse>/<layer>/<table>}. Jobs read
 * and write by path (so a missing metastore never matters); {@link #register} also exposes a
 * table by name in the session catalog for SQL users.
 */
public final class TableCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(TableCatalog.class);
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

  /** Registers the table by name in the session catalog (database = layer) if it exists. */
  public void register(SparkSession spark, TableName name) {
    if (!exists(spark, name)) {
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + name.layer());
    spark.sql("CREATE TABLE IF NOT EXISTS " + name.layer() + ".`" + name.table() + "` USING delta LOCATION '"
        + location(name).replace("'", "\\'") + "'");
    LOG.debug("registered {} at {}", name, location(name));
  }
}
