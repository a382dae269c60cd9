package io.profitos.lakehouse.bronze;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.config.StreamSpec;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;

/**
 * Pure transformations from the landing-file reader's rows to bronze and quarantine rows. No
 * storage access here; {@link BronzeIngestJob} does the I/O.
 */
public final class BronzeTransforms {
  /** Metadata columns bronze adds to every source object (all start with {@code _}). */
  public static final String RESCUED_DATA = "_rescued_data";
  public static final String SOURCE_FILE = "_source_file";
  public static final String LINE_NUMBER = "_line_number";
  public static final String EXTRACT_DATE = "_extract_date";
  public static final String INGESTED_AT = "_ingested_at";
  public static final String BATCH_ID = "_batch_id";
  public static final String RECORD_HASH = "_record_hash";
  public static final String AIRBYTE_RAW_ID = "_airbyte_raw_id";
  public static final String AIRBYTE_EXTRACTED_AT = "_airbyte_extracted_at";
  public static final Set<String> METADATA_COLUMNS = Set.of(RESCUED_DATA, SOURCE_FILE, LINE_NUMBER, EXTRACT_DATE,
      INGESTED_AT, BATCH_ID, RECORD_HASH, AIRBYTE_RAW_ID, AIRBYTE_EXTRACTED_AT);

  /** {@code map<path, raw JSON text>} of values whose type no longer fits their column. */
  public static final MapType RESCUED_TYPE = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);

  /** Schema of {@code bronze._quarantine} (partitioned by source and stream). */
  public static final StructType QUARANTINE_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("stream", DataTypes.StringType, false)
      .add("file", DataTypes.StringType, false)
      .add("line_number", DataTypes.LongType, true)
      .add("raw_text", DataTypes.StringType, true)
      .add("raw_bytes", DataTypes.BinaryType, true)
      .add("reason", DataTypes.StringType, true)
      .add(EXTRACT_DATE, DataTypes.DateType, true)
      .add(BATCH_ID, DataTypes.StringType, false)
      .add(INGESTED_AT, DataTypes.TimestampType, false);

  private static final String EXTRACT_DATE_PATTERN = "extract_date=(\\d{4}-\\d{2}-\\d{2})/";

  private BronzeTransforms() {}

  /**
   * Reader record rows ({@code path, line_number, text, airbyte_raw_id, airbyte_extracted_at}) to
   * bronze rows: the source object's top-level fields as columns (nested fields stay nested),
   * then {@code _rescued_data}, {@code _source_file}, {@code _line_number}, {@code _extract_date},
   * {@code _ingested_at}, {@code _batch_id}, {@code _record_hash} and, for Airbyte streams,
   * {@code _airbyte_raw_id} and {@code _airbyte_extracted_at}.
   *
   * @param parseSchema the data schema to parse with (from {@link SchemaReconciler})
   * @param conflicts fields whose batch type no longer fits the table: their raw values are kept
   */
  public static Dataset<Row> toBronzeRows(Dataset<Row> records, StructType parseSchema,
      List<SchemaReconciler.Change> conflicts, StreamSpec.Format format, String batchId, Timestamp ingestedAt) {
    Dataset<Row> parsed = records.withColumn("_parsed", from_json(col("text"), parseSchema));
    List<Column> out = new ArrayList<>();
    for (String field : parseSchema.fieldNames()) {
      out.add(col("_parsed").getField(field).as(field));
    }
    out.add(rescued(conflicts).as(RESCUED_DATA));
    out.add(col("path").as(SOURCE_FILE));
    out.add(col("line_number").as(LINE_NUMBER));
    out.add(extractDate(col("path")).as(EXTRACT_DATE));
    out.add(lit(ingestedAt).as(INGESTED_AT));
    out.add(lit(batchId).as(BATCH_ID));
    out.add(sha2(col("text"), 256).as(RECORD_HASH));
    if (format == StreamSpec.Format.AIRBYTE_JSONL) {
      out.add(col("airbyte_raw_id").as(AIRBYTE_RAW_ID));
      out.add(timestamp_millis(col("airbyte_extracted_at")).as(AIRBYTE_EXTRACTED_AT));
    }
    return parsed.select(out.toArray(Column[]::new));
  }

  /**
   * Reader quarantine rows to {@code bronze._quarantine} rows: source, stream, file, line_number,
   * raw_text, raw_bytes, reason, _extract_date, _batch_id, _ingested_at.
   */
  public static Dataset<Row> toQuarantineRows(Dataset<Row> rejected, StreamSpec spec, String batchId, Timestamp ingestedAt) {
    return rejected.select(
        lit(spec.source()).as("source"),
        lit(spec.stream()).as("stream"),
        col("path").as("file"),
        col("line_number"),
        col("text").as("raw_text"),
        col("raw_bytes"),
        col("reason"),
        extractDate(col("path")).as(EXTRACT_DATE),
        lit(batchId).as(BATCH_ID),
        lit(ingestedAt).as(INGESTED_AT));
  }

  /** The {@code extract_date=YYYY-MM-DD} folder of a landing path, as a date (null outside the layout). */
  public static Column extractDate(Column path) {
    Column s = regexp_extract(path, EXTRACT_DATE_PATTERN, 1);
    return when(s.equalTo(""), lit(null).cast(DataTypes.DateType)).otherwise(to_date(s));
  }

  /** Raw values of conflicting fields that did not parse with the table's type, or null. */
  static Column rescued(List<SchemaReconciler.Change> conflicts) {
    Map<String, Column> entries = new LinkedHashMap<>();
    for (SchemaReconciler.Change c : conflicts) {
      if (c.insideArray()) {
        String top = c.topLevelField();
        entries.putIfAbsent(top, get_json_object(col("text"), jsonPath(List.of(top))));
      } else {
        List<String> parts = List.of(c.path().split("\\."));
        Column rawValue = get_json_object(col("text"), jsonPath(parts));
        Column typed = col("_parsed");
        for (String p : parts) {
          typed = typed.getField(p);
        }
        entries.putIfAbsent(c.path(), when(typed.isNull(), rawValue));
      }
    }
    if (entries.isEmpty()) {
      return lit(null).cast(RESCUED_TYPE);
    }
    Column[] structs = entries.entrySet().stream()
        .map(e -> struct(lit(e.getKey()).as("key"), e.getValue().as("value")))
        .toArray(Column[]::new);
    Column kept = org.apache.spark.sql.functions.filter(array(structs), x -> x.getField("value").isNotNull());
    return when(size(kept).gt(0), map_from_entries(kept)).otherwise(lit(null).cast(RESCUED_TYPE));
  }

  static String jsonPath(List<String> parts) {
    StringBuilder b = new StringBuilder("$");
    for (String p : parts) {
      b.append("['").append(p.replace("'", "\\'")).append("']");
    }
    return b.toString();
  }

  /** The data columns of a bronze schema: everything but the metadata columns. */
  public static StructType dataSchema(StructType bronzeSchema) {
    StructType out = new StructType();
    for (var f : bronzeSchema.fields()) {
      if (!METADATA_COLUMNS.contains(f.name())) {
        out = out.add(f);
      }
    }
    return out;
  }
}
