package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import io.profitos.lakehouse.core.LakehouseException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Table creation shared by every layer. */
public final class DeltaTables {
  private static final Object CREATE_LOCK = new Object();

  private DeltaTables() {}

  /**
   * The schema with every field nullable, nested ones included: Delta rejects NOT NULL inside
   * arrays and maps, and tables fed by evolving sources must accept missing values.
   */
  public static StructType nullable(StructType schema) {
    return (StructType) nullable((org.apache.spark.sql.types.DataType) schema);
  }

  private static org.apache.spark.sql.types.DataType nullable(org.apache.spark.sql.types.DataType type) {
    if (type instanceof StructType st) {
      StructType out = new StructType();
      for (var f : st.fields()) {
        out = out.add(new org.apache.spark.sql.types.StructField(f.name(), nullable(f.dataType()), true, f.metadata()));
      }
      return out;
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType at) {
      return org.apache.spark.sql.types.DataTypes.createArrayType(nullable(at.elementType()), true);
    }
    if (type instanceof org.apache.spark.sql.types.MapType mt) {
      return org.apache.spark.sql.types.DataTypes.createMapType(nullable(mt.keyType()), nullable(mt.valueType()), true);
    }
    return type;
  }

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
      clearDeadCreation(spark, location);
      DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(location).addColumns(nullable(schema));
      if (!partitionBy.isEmpty()) {
        builder = builder.partitionedBy(partitionBy.toArray(String[]::new));
      }
      for (Map.Entry<String, String> e : properties.entrySet()) {
        builder = builder.property(e.getKey(), e.getValue());
      }
      builder.execute();
    }
  }

  /**
   * A creation that died before its first commit (a killed process) leaves the table's folder with a log folder and no
   * commit in it. Delta takes any folder that is not empty for an existing table, so "create if not exists" would do
   * nothing and every later read would fail: the dead creation's log folder is removed first. Nothing is removed when
   * the folder holds anything else (files no commit ever made are not this lakehouse's to delete): that is an error
   * naming them.
   */
  private static void clearDeadCreation(SparkSession spark, String location) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(location);
    try {
      FileSystem fs = dir.getFileSystem(spark.sessionState().newHadoopConf());
      FileStatus[] children;
      try {
        children = fs.listStatus(dir);
      } catch (FileNotFoundException absent) {
        return;
      }
      // A commit in the log (a table Delta could not read) is never touched.
      if (children.length == 0 || version(spark, location) >= 0) {
        return;
      }
      List<String> others = Arrays.stream(children).map(c -> c.getPath().getName()).filter(n -> !n.equals("_delta_log")).sorted().toList();
      if (!others.isEmpty()) {
        throw LakehouseException.usage("Cannot create the table at " + location + ": the folder holds " + others.size()
            + " file(s) but no Delta commit (" + String.join(", ", others.subList(0, Math.min(5, others.size())))
            + (others.size() > 5 ? ", ..." : "") + "), so it is no table and its files are not the lakehouse's to delete. "
            + "Move them out of the folder (or point lakehouse.warehouse elsewhere) and run again.");
      }
      org.slf4j.LoggerFactory.getLogger(DeltaTables.class).warn("{} has a Delta log folder with no commit (a creation that died, "
          + "e.g. a killed run): removing it and creating the table", location);
      fs.delete(new org.apache.hadoop.fs.Path(dir, "_delta_log"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect " + location + " before creating its table: " + e.getMessage(), e);
    }
  }

  /**
   * Compacts a small bookkeeping table (one tiny file per append: {@code ops.watermarks},
   * {@code ops.job_runs}) once it holds more than {@code maxFiles} files, so reading it stays cheap
   * after years of daily runs. A compaction that loses a race with another writer is skipped: the
   * next run catches up.
   */
  public static void compactIfFragmented(SparkSession spark, String location, int maxFiles) {
    if (!io.delta.tables.DeltaTable.isDeltaTable(spark, location)) {
      return;
    }
    if (fileCount(spark, location) > maxFiles) {
      try {
        io.delta.tables.DeltaTable.forPath(spark, location).optimize().executeCompaction();
      } catch (RuntimeException raced) {
        org.slf4j.LoggerFactory.getLogger(DeltaTables.class).info("Compaction of {} skipped: {}", location, raced.getMessage());
      }
    }
  }

  /**
   * The current version of the Delta table at {@code location}, or -1 when there is none: the
   * newest commit file in its log, found by one listing (no snapshot load, no Spark job; the log
   * keeps the newest commit file whatever its retention).
   */
  public static long version(SparkSession spark, String location) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(location, "_delta_log");
    try {
      org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sessionState().newHadoopConf());
      long newest = -1;
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(log)) {
        String name = f.getPath().getName();
        if (COMMIT_FILE.matcher(name).matches()) {
          newest = Math.max(newest, Long.parseLong(name.substring(0, name.indexOf('.'))));
        }
      }
      return newest;
    } catch (java.io.FileNotFoundException absent) {
      return -1;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list the Delta log at " + log + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every Delta table under a warehouse: {@code <warehouse>/<layer>/<table>} (layers, {@code ops},
   * {@code quality}) and the staging of blocked outputs, {@code <warehouse>/quality/staging/<layer>/<table>}.
   */
  public static List<String> tablesUnder(SparkSession spark, String warehouse) {
    List<String> out = new java.util.ArrayList<>();
    for (String dir : children(spark, warehouse, false)) {
      // A layer's own tables whose names start with '_' (the quarantines) are tables too.
      for (String table : children(spark, dir, true)) {
        if (version(spark, table) >= 0) {
          out.add(table);
        } else if (table.endsWith("/staging")) {
          for (String layer : children(spark, table, false)) {
            children(spark, layer, true).stream().filter(t -> version(spark, t) >= 0).forEach(out::add);
          }
        }
      }
    }
    return out;
  }

  private static List<String> children(SparkSession spark, String location, boolean underscored) {
    List<String> out = new java.util.ArrayList<>();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try {
      org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(path)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && (underscored || !name.startsWith("_")) && !name.startsWith(".") && !name.equals("_delta_log")) {
          out.add(location.replaceAll("/+$", "") + "/" + name);
        }
      }
    } catch (java.io.FileNotFoundException absent) {
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static final java.util.regex.Pattern COMMIT_FILE = java.util.regex.Pattern.compile("\\d{20}\\.json");

  /** A commit: its version and operation metrics. */
  public record Commit(long version, Map<String, String> metrics) {}

  /** How far back {@link #lastCommit} looks for the caller's own commit among other writers' commits. */
  private static final int OWN_COMMIT_LOOKBACK = 20;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * The newest commit of the table made with {@code userMetadata} (a job's tag; null: the newest
   * commit). Other writers may have committed since (tables shared by several jobs), so the tag
   * finds the caller's own commit among the newest {@value #OWN_COMMIT_LOOKBACK}; without one
   * there, the newest commit. Reads the commit files of the log directly: no history query, no
   * Spark job.
   */
  public static Commit lastCommit(SparkSession spark, String location, String userMetadata) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(location, "_delta_log");
    try {
      org.apache.hadoop.fs.FileSystem fs = log.getFileSystem(spark.sessionState().newHadoopConf());
      long newest = version(spark, location);
      if (newest < 0) {
        throw new IllegalStateException("no Delta table at " + location);
      }
      Commit first = null;
      for (long v = newest; v >= 0 && v > newest - OWN_COMMIT_LOOKBACK; v--) {
        com.fasterxml.jackson.databind.JsonNode info = commitInfo(fs, new org.apache.hadoop.fs.Path(log, String.format("%020d.json", v)));
        if (info == null) {
          continue; // a commit file cleaned up by log retention
        }
        Map<String, String> metrics = new java.util.LinkedHashMap<>();
        info.path("operationMetrics").fields().forEachRemaining(m -> metrics.put(m.getKey(), m.getValue().asText()));
        Commit c = new Commit(v, metrics);
        if (userMetadata == null || userMetadata.equals(info.path("userMetadata").asText(null))) {
          return c;
        }
        first = first == null ? c : first;
      }
      if (first == null) {
        throw new IllegalStateException("no readable commit in " + log);
      }
      return first;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the Delta log at " + log + ": " + e.getMessage(), e);
    }
  }

  /** The {@code commitInfo} action of one commit file, or null when the file is gone. */
  private static com.fasterxml.jackson.databind.JsonNode commitInfo(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path file)
      throws java.io.IOException {
    try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(file),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("{\"commitInfo\"")) {
          return JSON.readTree(line).path("commitInfo");
        }
      }
      return JSON.createObjectNode();
    } catch (java.io.FileNotFoundException gone) {
      return null;
    }
  }

  /**
   * The number of data files of the table's current snapshot: from the log's checksum when it has
   * one (Delta writes one with every commit), so no Spark job.
   */
  public static long fileCount(SparkSession spark, String location) {
    org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
        .update(false, scala.Option.empty(), scala.Option.empty());
    scala.Option<Object> known = snapshot.numOfFilesIfKnown();
    return known.isDefined() ? ((Number) known.get()).longValue() : snapshot.numOfFiles();
  }

  /**
   * The earliest and latest value of {@code column}, as dates, in the current version of the Delta
   * table at {@code location}, read from the data files' statistics in its log (no scan of the
   * data): {lo, hi}, both null when the column holds no value. Null when a file holding values of
   * the column has no statistics for it (Delta collects them for the first columns only, by
   * default 32): the caller scans instead. Timestamps are cast to dates in the session time zone,
   * as a scan would.
   */
  public static java.sql.Date[] dateBounds(SparkSession spark, String location, String column) {
    org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
        .update(false, scala.Option.empty(), scala.Option.empty());
    org.apache.spark.sql.types.DataType type = snapshot.schema().apply(column).dataType();
    org.apache.spark.sql.Column stats = org.apache.spark.sql.functions.col("stats");
    org.apache.spark.sql.Column lo = org.apache.spark.sql.functions.get_json_object(stats, "$.minValues." + column).cast(type)
        .cast(org.apache.spark.sql.types.DataTypes.DateType);
    org.apache.spark.sql.Column hi = org.apache.spark.sql.functions.get_json_object(stats, "$.maxValues." + column).cast(type)
        .cast(org.apache.spark.sql.types.DataTypes.DateType);
    org.apache.spark.sql.Column records = org.apache.spark.sql.functions.get_json_object(stats, "$.numRecords").cast("long");
    org.apache.spark.sql.Column nulls = org.apache.spark.sql.functions.get_json_object(stats, "$.nullCount." + column).cast("long");
    // Unknown: no statistics, or no minimum although not every row is null (a column without statistics).
    org.apache.spark.sql.Column unknown = stats.isNull().or(records.isNull())
        .or(lo.isNull().or(hi.isNull()).and(org.apache.spark.sql.functions.coalesce(nulls, org.apache.spark.sql.functions.lit(-1L))
            .notEqual(records)));
    org.apache.spark.sql.Row r = snapshot.allFiles().toDF().agg(org.apache.spark.sql.functions.min(lo),
        org.apache.spark.sql.functions.max(hi), org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.when(unknown, 1)))
        .first();
    return r.getLong(2) > 0 ? null : new java.sql.Date[] {r.getDate(0), r.getDate(1)};
  }

  /** The data files of the table's current version that carry a deletion vector (rows marked as replaced or deleted). */
  public static long deletionVectorFiles(SparkSession spark, String location) {
    return org.apache.spark.sql.delta.DeltaLog.forTable(spark, location).update(false, scala.Option.empty(), scala.Option.empty())
        .allFiles().toDF().where(org.apache.spark.sql.functions.col("deletionVector").isNotNull()).count();
  }

  /** Of {@code wanted}, the properties the Delta table at {@code location} lacks or holds with another value. */
  public static Map<String, String> missingProperties(SparkSession spark, String location, Map<String, String> wanted) {
    scala.collection.immutable.Map<String, String> have = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
        .update(false, scala.Option.empty(), scala.Option.empty()).metadata().configuration();
    Map<String, String> out = new java.util.LinkedHashMap<>();
    wanted.forEach((k, v) -> {
      scala.Option<String> current = have.get(k);
      if (current.isEmpty() || !current.get().equalsIgnoreCase(v)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * Whether the Delta table at {@code location} records its change data feed at {@code version}
   * ({@code delta.enableChangeDataFeed}). Throws when that version's log is gone.
   */
  public static boolean changeFeedEnabled(SparkSession spark, String location, long version) {
    org.apache.spark.sql.delta.Snapshot snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
        .getSnapshotAt(version, scala.Option.empty(), scala.Option.empty());
    scala.Option<String> on = snapshot.metadata().configuration().get("delta.enableChangeDataFeed");
    return on.isDefined() && on.get().equalsIgnoreCase("true");
  }
}
