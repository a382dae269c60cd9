package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse maintain}: every Delta table under the warehouse ({@code <layer>/<table>}, the
 * quality results and the staging of blocked outputs) is compacted when it holds more than
 * {@code compactAboveFiles} data files; its files carrying a deletion vector (rows a merge or a
 * delete marked as gone) are rewritten without those rows ({@code REORG TABLE ... APPLY (PURGE)});
 * then it is vacuumed: data files that no version inside the
 * retention needs are deleted. Time travel to any version inside the retention keeps working.
 * The tables are those {@link DeltaTables#tablesUnder} finds.
 */
public final class TableMaintenance {
  private final SparkSession spark;
  private final Duration retention;
  private final int compactAboveFiles;

  public TableMaintenance(SparkSession spark, Duration retention, int compactAboveFiles) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("the retention must not be negative, was " + retention);
    }
    this.spark = spark;
    this.retention = retention;
    this.compactAboveFiles = compactAboveFiles;
  }

  /**
   * What maintenance did to one table: data files in its current version before and after, files on
   * storage before and after, whether it was compacted, and how many files it rewrote to purge the rows
   * their deletion vectors marked.
   */
  public record Result(String location, long filesBefore, long filesAfter, long storedBefore, long storedAfter, boolean compacted,
      long purged) {}

  public Result maintain(String location) {
    DeltaTable table = DeltaTable.forPath(spark, location);
    long before = table.detail().select("numFiles").first().getLong(0);
    long storedBefore = dataFilesStored(location);
    boolean compact = before > compactAboveFiles;
    if (compact) {
      table.optimize().executeCompaction();
    }
    long purged = DeltaTables.deletionVectorFiles(spark, location);
    if (purged > 0) {
      spark.sql("REORG TABLE delta.`" + location.replace("`", "``") + "` APPLY (PURGE)");
    }
    double hours = retention.toMillis() / 3_600_000.0;
    // Delta refuses a retention under its safety default (7 days) unless told the operator chose it.
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String previous = spark.conf().get(check, "true");
    if (retention.compareTo(Duration.ofDays(7)) < 0) {
      spark.conf().set(check, "false");
    }
    try {
      table.vacuum(hours);
    } finally {
      spark.conf().set(check, previous);
    }
    long after = DeltaTable.forPath(spark, location).detail().select("numFiles").first().getLong(0);
    return new Result(location, before, after, storedBefore, dataFilesStored(location), compact, purged);
  }

  /** Parquet files stored under the table, whichever versions they belong to. */
  long dataFilesStored(String location) {
    Path path = new Path(location);
    long n = 0;
    try {
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(path, true);
      while (files.hasNext()) {
        Path p = files.next().getPath();
        if (p.getName().endsWith(".parquet") && !p.toString().contains("/_delta_log/")) {
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
    }
    return n;
  }
}
