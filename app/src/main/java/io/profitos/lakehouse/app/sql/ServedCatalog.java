package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.gold.MetricContracts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * The tables the SQL server serves, registered in its session catalog (Spark's in-memory catalog: no metastore, so
 * jobs and the server never share a database file, and a restart rebuilds it from the warehouse in seconds). Every
 * Delta table under {@code <warehouse>/<database>/} becomes {@code database.table}, with its columns, each commented
 * with its metric contract's title and definition and its classification, so JDBC metadata and {@code DESCRIBE} show
 * them. {@link #refresh} registers tables published since, drops tables deleted since, and takes up schema changes.
 */
final class ServedCatalog {
  private final SparkSession spark;
  private final String warehouse;
  private final SqlServerSettings settings;
  private final MetricContracts contracts;
  /** Registered tables and the schema (with comments) they were registered with. */
  private final Map<String, StructType> registered = new LinkedHashMap<>();

  ServedCatalog(SparkSession spark, String warehouse, SqlServerSettings settings, MetricContracts contracts) {
    this.spark = spark;
    this.warehouse = warehouse.replaceAll("/+$", "");
    this.settings = settings;
    this.contracts = contracts;
  }

  /** What a refresh changed. */
  record Changes(int added, int updated, int dropped, int tables) {}

  /** Brings the catalog in line with the warehouse. */
  synchronized Changes refresh() {
    SessionCatalog catalog = spark.sessionState().catalog();
    int added = 0;
    int updated = 0;
    Set<String> present = new TreeSet<>();
    for (String db : settings.databases()) {
      if (!catalog.databaseExists(db)) {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + quote(db) + " COMMENT 'The " + db + " layer of the lakehouse'");
      }
      for (String table : deltaTables(spark, warehouse + "/" + db)) {
        String name = db + "." + table;
        String location = warehouse + "/" + db + "/" + table;
        StructType schema;
        try {
          schema = spark.read().format("delta").load(location).schema();
        } catch (RuntimeException unreadable) {
          continue; // a table being created right now: the next refresh takes it
        }
        StructType described = describe(db, table, schema);
        present.add(name);
        TableIdentifier id = new TableIdentifier(table, Option.apply(db));
        if (!registered.containsKey(name) || !catalog.tableExists(id)) {
          spark.sql("CREATE TABLE IF NOT EXISTS " + quote(db) + "." + quote(table) + " USING delta LOCATION '"
              + location.replace("'", "\\'") + "'");
          catalog.alterTableDataSchema(id, described);
          registered.put(name, described);
          added++;
        } else if (!registered.get(name).equals(described)) {
          catalog.alterTableDataSchema(id, described);
          registered.put(name, described);
          updated++;
        }
      }
    }
    int dropped = 0;
    for (String name : new ArrayList<>(registered.keySet())) {
      if (!present.contains(name)) {
        String[] parts = name.split("\\.");
        spark.sql("DROP TABLE IF EXISTS " + quote(parts[0]) + "." + quote(parts[1]));
        registered.remove(name);
        dropped++;
      }
    }
    return new Changes(added, updated, dropped, registered.size());
  }

  /** The schema with each column's comment: its contract's title and definition, and its classification. */
  StructType describe(String db, String table, StructType schema) {
    List<StructField> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(f.withComment(comment(db, table, f)));
    }
    return new StructType(out.toArray(StructField[]::new));
  }

  String comment(String db, String table, StructField f) {
    StringBuilder c = new StringBuilder();
    MetricContracts.Contract contract = db.equals("gold") ? contracts.of(TableName.of(db, table), f.name()) : null;
    if (contract != null) {
      c.append(contract.title()).append(": ").append(contract.definition()).append(" (metric ").append(contract.metric())
          .append(", ").append(contract.unit()).append(')');
    } else if (f.getComment().isDefined()) {
      c.append(f.getComment().get());
    }
    String klass = settings.classify(db, table, f.name());
    if (c.length() > 0) {
      c.append(' ');
    }
    c.append("[classification: ").append(klass == null ? "none" : klass).append(']');
    return c.toString();
  }

  /** The Delta tables (folders with a log) directly under {@code dir}, by name. */
  static List<String> deltaTables(SparkSession spark, String dir) {
    List<String> out = new ArrayList<>();
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(path)) {
        return out;
      }
      for (FileStatus s : fs.listStatus(path)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && name.matches("[a-z_][a-z0-9_]*") && fs.exists(new Path(s.getPath(), "_delta_log"))) {
          out.add(name.toLowerCase(Locale.ROOT));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    out.sort(String::compareTo);
    return out;
  }

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
