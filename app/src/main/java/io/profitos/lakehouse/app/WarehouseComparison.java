package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.to_json;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Compares the Delta tables of one layer in two warehouses cell by cell: the same tables, the same schemas, and the same
 * rows as multisets (maps compared by their sorted entries). Differences are described, not just counted.
 */
public final class WarehouseComparison {
  private WarehouseComparison() {}

  /** The tables (folder names) of a layer: every folder holding a Delta log. */
  public static Set<String> tables(Path warehouse, String layer) {
    return tables(warehouse.toUri().toString(), layer);
  }

  /** The same for a warehouse at any Hadoop URI (a local folder, s3a://...). */
  public static Set<String> tables(String warehouse, String layer) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(warehouse.replaceAll("/+$", "") + "/" + layer);
    try {
      org.apache.hadoop.fs.FileSystem fs = dir.getFileSystem(SparkSession.active().sessionState().newHadoopConf());
      Set<String> out = new TreeSet<>();
      if (!fs.exists(dir)) {
        return out;
      }
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(dir)) {
        if (st.isDirectory() && fs.exists(new org.apache.hadoop.fs.Path(st.getPath(), "_delta_log"))) {
          out.add(st.getPath().getName());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every difference between the layer's tables in {@code a} and in {@code b}, ignoring the columns named in {@code ignored}. */
  public static List<String> differences(SparkSession spark, Path a, Path b, String layer, Set<String> ignored) {
    return differences(spark, a.toUri().toString(), b.toUri().toString(), layer, ignored);
  }

  /** The same for warehouses at any Hadoop URI. */
  public static List<String> differences(SparkSession spark, String a, String b, String layer, Set<String> ignored) {
    List<String> out = new ArrayList<>();
    Set<String> inA = tables(a, layer);
    Set<String> inB = tables(b, layer);
    if (!inA.equals(inB)) {
      out.add(layer + ": tables differ: " + inA + " against " + inB);
    }
    out.addAll(differences(spark, a, b, layer, inA.stream().filter(inB::contains).toList(), ignored));
    return out;
  }

  /** Every difference between the named tables of a layer (folder names) in {@code a} and in {@code b}. */
  public static List<String> differences(SparkSession spark, String a, String b, String layer, List<String> tables,
      Set<String> ignored) {
    List<String> out = new ArrayList<>();
    for (String t : tables) {
      Dataset<Row> x = read(spark, a.replaceAll("/+$", "") + "/" + layer + "/" + t, ignored);
      Dataset<Row> y = read(spark, b.replaceAll("/+$", "") + "/" + layer + "/" + t, ignored);
      String name = layer + "." + t;
      if (!x.schema().equals(y.schema())) {
        out.add(name + ": schemas differ: " + x.schema().simpleString() + " against " + y.schema().simpleString());
        continue;
      }
      // One pass over both sides: each distinct row with how many more times it is in the first than in the second.
      Dataset<Row> tally = x.withColumn("__side", org.apache.spark.sql.functions.lit(1L))
          .unionByName(y.withColumn("__side", org.apache.spark.sql.functions.lit(-1L)))
          .groupBy(Arrays.stream(x.columns()).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
          .agg(org.apache.spark.sql.functions.sum("__side").as("__surplus"))
          .where(col("__surplus").notEqual(0));
      List<Row> unequal = tally.limit(50).collectAsList();
      if (!unequal.isEmpty()) {
        long onlyA = x.exceptAll(y).count();
        long onlyB = y.exceptAll(x).count();
        List<String> columns = Arrays.stream(x.columns()).filter(c -> x.select(c).exceptAll(y.select(c)).count() > 0).toList();
        out.add(name + ": " + onlyA + " rows only in the first and " + onlyB + " only in the second (" + x.count() + " and "
            + y.count() + " rows); columns that differ: " + columns + "; e.g. " + unequal.get(0));
      }
    }
    return out;
  }

  /** The number of rows of a table. */
  public static long rows(SparkSession spark, Path table) {
    return DeltaTable.forPath(spark, table.toString()).toDF().count();
  }

  private static Dataset<Row> read(SparkSession spark, String table, Set<String> ignored) {
    Dataset<Row> d = spark.read().format("delta").load(table);
    for (StructField f : d.schema().fields()) {
      if (ignored.contains(f.name())) {
        d = d.drop(f.name());
      } else if (f.dataType() instanceof MapType) {
        d = d.withColumn(f.name(), to_json(array_sort(map_entries(col(f.name())))));
      } else if (!ignored.isEmpty() && f.dataType() instanceof org.apache.spark.sql.types.StringType) {
        // A quarantined record keeps its whole source row as JSON, the ignored columns included.
        for (String i : ignored) {
          d = d.withColumn(f.name(), org.apache.spark.sql.functions.regexp_replace(col(f.name()), "\"" + i + "\":\"[^\"]*\",?", ""));
        }
      }
    }
    return d;
  }
}
