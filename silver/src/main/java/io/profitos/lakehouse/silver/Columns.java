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
}
