package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** Safe access to bronze fields that a source may not have sent yet (schema drift). */
final class Columns {
  private Columns() {}

  /** {@code path} (dotted, through structs) cast to {@code type}, or a typed null if bronze has no such field. */
  static Column optional(Dataset<Row> df, String path, DataType type) {
    DataType current = df.schema();
    for (String part : path.split("\\.")) {
      if (!(current instanceof StructType st) || st.getFieldIndex(part).isEmpty()) {
        return lit(null).cast(type);
      }
      current = st.apply(part).dataType();
    }
    return col(path).cast(type);
  }

  /** {@code columns} followed by the bronze lineage carried into silver (the last-delivered version wins ties). */
  static Column[] withLineage(Column... columns) {
    Column[] lineage = {col("_batch_id"), col("_source_file"), col("_line_number"), col("_record_hash")};
    Column[] all = java.util.Arrays.copyOf(columns, columns.length + lineage.length);
    System.arraycopy(lineage, 0, all, columns.length, lineage.length);
    return all;
  }

  /** A version cursor that is never null (a missing cursor sorts first). */
  static Column cursor(Column ts) {
    return org.apache.spark.sql.functions.coalesce(ts, lit(0).cast(org.apache.spark.sql.types.DataTypes.TimestampType)).as("_cursor");
  }

  /**
   * A number bronze may hold as a number or, after a type change in the source, as text: the
   * typed column, else the raw value kept in {@code _rescued_data} (quotes removed).
   */
  static Column rescuedNumber(Dataset<Row> df, String field, DataType type) {
    Column typed = optional(df, field, type);
    if (!java.util.List.of(df.columns()).contains("_rescued_data")) {
      return typed;
    }
    Column raw = org.apache.spark.sql.functions.regexp_replace(
        org.apache.spark.sql.functions.element_at(col("_rescued_data"), field), "^\"|\"$", "");
    return org.apache.spark.sql.functions.coalesce(typed, raw.cast(type));
  }

  /**
   * The element type of the bronze array at {@code path} (dotted, through structs) as it is, so
   * fields are picked by name whatever else the source sends; {@code fallbackDdl} when bronze has
   * no such array yet.
   */
  static DataType elementType(Dataset<Row> df, String path, String fallbackDdl) {
    DataType current = df.schema();
    for (String part : path.split("\\.")) {
      if (!(current instanceof StructType st) || st.getFieldIndex(part).isEmpty()) {
        return DataType.fromDDL(fallbackDdl);
      }
      current = st.apply(part).dataType();
    }
    return current instanceof org.apache.spark.sql.types.ArrayType a ? a.elementType() : DataType.fromDDL(fallbackDdl);
  }
}
