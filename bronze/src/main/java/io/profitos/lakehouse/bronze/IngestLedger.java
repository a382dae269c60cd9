package io.profitos.lakehouse.bronze;

import static org.apache.spark.sql.functions.col;

import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.ingested_files}: the file-level ledger that makes bronze exactly-once. A batch first
 * appends one {@code pending} row per file it is about to land, then lands data and quarantine
 * rows tagged with its {@code _batch_id}, then appends one final row per file (landed, empty,
 * partial, unreadable). A batch with pending rows and no final rows died part-way: its rows are
 * deleted and its files are landed again by the next run.
 */
final class IngestLedger {
  static final TableName TABLE = TableName.of("ops", "ingested_files");
  static final String PENDING = "pending";
  static final String ROLLED_BACK = "rolled_back";
  static final String CHANGED = "changed";
  static final String REJECTED = "rejected";

  static final StructType SCHEMA = new StructType()
      .add("path", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("stream", DataTypes.StringType, false)
      .add("extract_date", DataTypes.DateType, true)
      .add("size", DataTypes.LongType, false)
      .add("modification_time", DataTypes.TimestampType, false)
      .add("sha256", DataTypes.StringType, true)
      .add("rows", DataTypes.LongType, true)
      .add("quarantined_rows", DataTypes.LongType, true)
      .add("batch_id", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, true)
      .add("recorded_at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final String location;

  IngestLedger(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.location = catalog.location(TABLE);
  }

  /** What the ledger knows of one stream. */
  record State(Map<String, Row> finalByPath, Map<String, List<String>> orphanBatches) {
    boolean isDone(String path) {
      return finalByPath.containsKey(path);
    }
  }

  State state(StreamSpec spec) {
    Map<String, Row> finals = new HashMap<>();
    Map<String, List<String>> pendingByBatch = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    if (!io.delta.tables.DeltaTable.isDeltaTable(spark, location)) {
      return new State(finals, Map.of());
    }
    // Ordered here, not by Spark: a sort of a few thousand rows would cost a sampling job and a shuffle.
    List<Row> rows = new ArrayList<>(spark.read().format("delta").load(location)
        .where(col("source").equalTo(spec.source()).and(col("stream").equalTo(spec.stream())))
        .select("path", "batch_id", "status", "size", "modification_time", "recorded_at")
        .collectAsList());
    rows.sort(java.util.Comparator.comparing(r -> r.getTimestamp(5)));
    for (Row r : rows) {
      String path = r.getString(0);
      String batch = r.getString(1);
      String status = r.getString(2);
      if (PENDING.equals(status)) {
        pendingByBatch.computeIfAbsent(batch, b -> new ArrayList<>()).add(path);
      } else {
        closed.add(batch + "\n" + path);
        if (!ROLLED_BACK.equals(status)) {
          finals.put(path, r);
        }
      }
    }
    // A batch is unfinished while any file it announced has no closing row of the same batch.
    Map<String, List<String>> orphans = new LinkedHashMap<>();
    pendingByBatch.forEach((batch, paths) -> {
      List<String> open = paths.stream().filter(p -> !closed.contains(batch + "\n" + p)).toList();
      if (!open.isEmpty()) {
        orphans.put(batch, open);
      }
    });
    return new State(finals, orphans);
  }

  static Row row(LandingFile f, StreamSpec spec, String sha256, Long rows, Long quarantined, String batchId,
      String status, String reason, Instant recordedAt) {
    return RowFactory.create(f.path(), spec.source(), spec.stream(),
        f.extractDate() == null ? null : Date.valueOf(f.extractDate()), f.size(),
        new Timestamp(f.modificationTime()), sha256, rows, quarantined, batchId, status, reason,
        Timestamp.from(recordedAt));
  }

  void append(List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
  }
}
