package io.profitos.lakehouse.core.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.watermarks}: per job and source table, the newest bronze {@code _batch_id} already
 * processed. Batch ids sort by time, so "rows with {@code _batch_id} above the watermark" are the
 * new rows, and Delta's statistics on {@code _batch_id} skip every older file.
 */
public final class Watermarks {
  public static final TableName TABLE = TableName.of("ops", "watermarks");
  static final StructType SCHEMA = new StructType()
      .add("job", DataTypes.StringType, false)
      .add("source_table", DataTypes.StringType, false)
      .add("batch_id", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("updated_at", DataTypes.TimestampType, false);

  private final SparkSession spark;
  private final String location;

  public Watermarks(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.location = catalog.location(TABLE);
  }

  /** The newest batch processed by {@code job} from {@code source}, or null if none. */
  public String get(String job, TableName source) {
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return null;
    }
    Row r = spark.read().format("delta").load(location)
        .where(col("job").equalTo(job).and(col("source_table").equalTo(source.toString())))
        .agg(max("batch_id")).first();
    return r.isNullAt(0) ? null : r.getString(0);
  }

  /** The value recorded last by {@code job} for {@code source} (for values that are not ordered, like a fingerprint), or null. */
  public String latest(String job, TableName source) {
    if (!DeltaTable.isDeltaTable(spark, location)) {
      return null;
    }
    List<Row> rows = spark.read().format("delta").load(location)
        .where(col("job").equalTo(job).and(col("source_table").equalTo(source.toString())))
        .orderBy(col("updated_at").desc(), col("run_id").desc()).limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getString(2);
  }

  /** Records that {@code job} has processed {@code source} up to {@code batchId}. */
  public void advance(String job, TableName source, String batchId, String runId, Instant at) {
    DeltaTables.ensure(spark, location, SCHEMA, List.of(), Map.of());
    spark.createDataFrame(List.of(RowFactory.create(job, source.toString(), batchId, runId, Timestamp.from(at))), SCHEMA)
        .coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
  }
}
