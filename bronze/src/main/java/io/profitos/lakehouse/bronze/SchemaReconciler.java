package io.profitos.lakehouse.bronze;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema drift between a bronze table and a new batch, as a pure function of the two schemas.
 * New fields (top level or nested) are added; a field whose type changed keeps the table's type
 * (the batch's values that no longer fit are rescued as raw text by {@link BronzeTransforms});
 * a batch type the table type can read losslessly (a number into a double or string column)
 * is no change at all.
 */
public final class SchemaReconciler {
  private SchemaReconciler() {}

  /** One detected difference: {@code added} or {@code type_conflict}, at a dotted path. */
  public record Change(String kind, String path, String tableType, String batchType) {
    public static final String ADDED = "added";
    public static final String TYPE_CONFLICT = "type_conflict";

    /** Whether the path crosses an array (its raw value is rescued at the top-level field). */
    public boolean insideArray() {
      return path.contains("[]");
    }

    public String topLevelField() {
      int dot = path.indexOf('.');
      String top = dot < 0 ? path : path.substring(0, dot);
      return top.replace("[]", "");
    }
  }

  /** The schema to parse the batch with, and what differs from the table. */
  public record Result(StructType parseSchema, List<Change> changes) {
    public List<Change> conflicts() {
      return changes.stream().filter(c -> c.kind().equals(Change.TYPE_CONFLICT)).toList();
    }

    public List<Change> additions() {
      return changes.stream().filter(c -> c.kind().equals(Change.ADDED)).toList();
    }
  }

  /**
   * @param table the table's data columns (no {@code _} metadata columns), or null for a new table
   * @param batch the schema inferred from the batch
   */
  public static Result reconcile(StructType table, StructType batch) {
    if (table == null) {
      return new Result(batch, List.of());
    }
    List<Change> changes = new ArrayList<>();
    StructType merged = (StructType) merge(table, batch, "", changes);
    return new Result(merged, List.copyOf(changes));
  }

  private static DataType merge(DataType table, DataType batch, String path, List<Change> changes) {
    if (table instanceof StructType ts && batch instanceof StructType bs) {
      StructType out = ts;
      for (StructField bf : bs.fields()) {
        String childPath = path.isEmpty() ? bf.name() : path + "." + bf.name();
        int idx = indexOfIgnoreCase(ts, bf.name());
        if (idx < 0) {
          out = out.add(bf.name(), bf.dataType(), true);
          changes.add(new Change(Change.ADDED, childPath, null, bf.dataType().simpleString()));
        } else {
          StructField tf = ts.fields()[idx];
          DataType m = merge(tf.dataType(), bf.dataType(), childPath, changes);
          if (m != tf.dataType()) {
            StructField[] fields = out.fields().clone();
            fields[idx] = new StructField(tf.name(), m, true, tf.metadata());
            out = new StructType(fields);
          }
        }
      }
      return out;
    }
    if (table instanceof ArrayType ta && batch instanceof ArrayType ba) {
      DataType m = merge(ta.elementType(), ba.elementType(), path + "[]", changes);
      return m == ta.elementType() ? table : DataTypes.createArrayType(m, true);
    }
    if (table.equals(batch) || readsLosslessly(table, batch)) {
      return table;
    }
    changes.add(new Change(Change.TYPE_CONFLICT, path, table.simpleString(), batch.simpleString()));
    return table;
  }

  /** Spark's JSON reader reads any value into a string column (as its JSON text) and integers into doubles. */
  static boolean readsLosslessly(DataType table, DataType batch) {
    if (table.equals(DataTypes.StringType)) {
      return true;
    }
    if (batch.equals(DataTypes.NullType)) {
      return true;
    }
    return table.equals(DataTypes.DoubleType) && batch.equals(DataTypes.LongType);
  }

  private static int indexOfIgnoreCase(StructType s, String name) {
    StructField[] fields = s.fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}
