package io.profitos.lakehouse.core.table;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
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
 * A table whose stored files are exactly its current version's data files (nothing replaced,
 * no deletion vector, no stray file) has nothing a vacuum could delete: it is left alone, without
 * Delta's vacuum (a listing job, a join and two commits to its log).
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
    return maintainAll(List.of(location), 1).get(0);
  }

  /**
   * Maintains the tables, {@code parallelism} at a time (each table's work is a chain of small Spark jobs and file
   * listings that leaves cores idle); the results in the order of {@code locations}.
   */
  public List<Result> maintainAll(List<String> locations, int parallelism) {
    // Delta refuses a retention under its safety default (7 days) unless told the operator chose it: set for the whole
    // batch (one session setting shared by its threads), then put back.
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    String previous = spark.conf().get(check, "true");
    if (retention.compareTo(Duration.ofDays(7)) < 0) {
      spark.conf().set(check, "false");
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, parallelism));
    try {
      List<java.util.concurrent.Future<Result>> futures = locations.stream().map(l -> pool.submit(() -> maintainOne(l))).toList();
      List<Result> out = new java.util.ArrayList<>();
      for (java.util.concurrent.Future<Result> f : futures) {
        try {
          out.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while maintaining " + locations, e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
      spark.conf().set(check, previous);
    }
  }

  private Result maintainOne(String location) {
    Current current = current(location);
    List<String> stored = storedFiles(location);
    long before = current.files().size();
    boolean compact = before > compactAboveFiles;
    if (compact) {
      DeltaTable.forPath(spark, location).optimize().executeCompaction();
    }
    long purged = current.withDeletionVector();
    if (purged > 0) {
      spark.sql("REORG TABLE delta.`" + location.replace("`", "``") + "` APPLY (PURGE)");
    }
    long storedBefore = stored.stream().filter(TableMaintenance::isDataFile).count();
    if (!compact && purged == 0 && onlyCurrent(stored, current.files())) {
      return new Result(location, before, before, storedBefore, storedBefore, false, 0);
    }
    DeltaTable.forPath(spark, location).vacuum(retention.toMillis() / 3_600_000.0);
    long after = compact || purged > 0 ? current(location).files().size() : before;
    return new Result(location, before, after, storedBefore, dataFilesStored(location), compact, purged);
  }

  /**
   * The current version's data files (by file name), how many of them carry a deletion vector, and the deletion vectors'
   * own files (by file name; a deletion vector may also be stored inline in the log).
   */
  private record Current(List<String> files, long withDeletionVector, List<String> deletionVectorFiles) {}

  private Current current(String location) {
    Path table = new Path(location);
    List<String> files = new java.util.ArrayList<>();
    List<String> vectors = new java.util.ArrayList<>();
    long marked = 0;
    for (org.apache.spark.sql.delta.actions.AddFile add : org.apache.spark.sql.delta.DeltaLog.forTable(spark, location)
        .update(false, scala.Option.empty(), scala.Option.empty()).allFiles().collectAsList()) {
      files.add(fileName(add.path()));
      if (add.deletionVector() != null) {
        marked++;
        if (add.deletionVector().isOnDisk()) {
          vectors.add(add.deletionVector().absolutePath(table).getName());
        }
      }
    }
    return new Current(files, marked, vectors);
  }

  /**
   * Whether the stored files are exactly the current version's data files: then no version but the current one has a
   * file, and a vacuum has nothing to delete whatever the retention. Data files are named uniquely by the writer, so
   * their names identify them (the log holds them relative and URL-encoded). Any other file (change data, a deletion
   * vector, a file an interrupted write left, a checksum) leaves it to the vacuum.
   */
  static boolean onlyCurrent(List<String> stored, List<String> current) {
    if (stored.size() != current.size() || !stored.stream().allMatch(TableMaintenance::isDataFile)) {
      return false;
    }
    return new java.util.HashSet<>(stored.stream().map(TableMaintenance::fileName).toList()).equals(new java.util.HashSet<>(current))
        && new java.util.HashSet<>(current).size() == current.size();
  }

  private static boolean isDataFile(String path) {
    return path.endsWith(".parquet");
  }

  private static String fileName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * Every file stored under the table outside its log (its change data files and deletion vectors included), relative
   * to the table.
   */
  List<String> storedFiles(String location) {
    Path path = new Path(location);
    String root = path.toUri().getPath();
    List<String> out = new java.util.ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(spark.sessionState().newHadoopConf());
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(path, true);
      while (files.hasNext()) {
        String relative = files.next().getPath().toUri().getPath().substring(root.length()).replaceFirst("^/", "");
        if (!relative.startsWith("_delta_log/")) {
          out.add(relative);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * The files stored under the table outside its log that its current version does not reference (by file name): after a
   * vacuum of retention 0, what is left of an interrupted write that no version ever referenced (an orphan).
   */
  public List<String> unreferencedFiles(String location) {
    Current current = current(location);
    java.util.Set<String> referenced = new java.util.HashSet<>(current.files());
    referenced.addAll(current.deletionVectorFiles());
    return storedFiles(location).stream().filter(f -> !referenced.contains(fileName(f))).toList();
  }

  /** Parquet files stored under the table, whichever versions they belong to. */
  long dataFilesStored(String location) {
    return storedFiles(location).stream().filter(TableMaintenance::isDataFile).count();
  }
}
