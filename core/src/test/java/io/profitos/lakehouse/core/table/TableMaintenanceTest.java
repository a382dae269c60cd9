package io.profitos.lakehouse.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableMaintenanceTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();
  private final StructType schema = new StructType().add("n", "int");

  private void append(String location, int n) {
    spark.createDataFrame(List.of(RowFactory.create(n)), schema).coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
  }

  @Test
  void findsTheWarehouseTablesAndTheStagingOfBlockedOutputs() throws Exception {
    Path wh = dir.resolve("wh");
    append(wh.resolve("silver/things").toString(), 1);
    append(wh.resolve("quality/check_results").toString(), 1);
    append(wh.resolve("quality/staging/gold/blocked").toString(), 1);
    append(wh.resolve("bronze/_quarantine").toString(), 1);
    Files.createDirectories(wh.resolve("_lease"));
    Files.writeString(wh.resolve("_lease/lease-1"), "{}");
    Files.createDirectories(wh.resolve("quality/metrics"));
    Files.writeString(wh.resolve("quality/metrics/gold.x.json"), "[]");
    Files.createDirectories(wh.resolve("gold/not_a_table"));

    List<String> tables = DeltaTables.tablesUnder(spark, wh.toString());

    assertThat(tables).extracting(t -> t.substring(wh.toString().length() + 1))
        .containsExactlyInAnyOrder("silver/things", "quality/check_results", "quality/staging/gold/blocked", "bronze/_quarantine");
  }

  @Test
  void compactsAFragmentedTableAndVacuumsOnlyPastTheRetention() {
    String location = dir.resolve("wh/silver/things").toString();
    for (int i = 1; i <= 4; i++) {
      append(location, i); // versions 0..3, one file each
    }

    // Inside a week's retention: compacted to one file, the four replaced files kept for time travel.
    TableMaintenance.Result week = new TableMaintenance(spark, Duration.ofDays(7), 2).maintain(location);
    assertThat(week.compacted()).isTrue();
    assertThat(week.filesBefore()).isEqualTo(4);
    assertThat(week.filesAfter()).isEqualTo(1);
    assertThat(week.storedBefore()).isEqualTo(4);
    assertThat(week.storedAfter()).isEqualTo(5);
    assertThat(spark.read().format("delta").option("versionAsOf", 0).load(location).collectAsList()).hasSize(1);
    assertThat(spark.read().format("delta").load(location).count()).isEqualTo(4);

    // A zero retention: not compacted again (one file), the replaced files are deleted, so version 0 is gone.
    TableMaintenance.Result none = new TableMaintenance(spark, Duration.ZERO, 2).maintain(location);
    assertThat(none.compacted()).isFalse();
    assertThat(none.storedBefore()).isEqualTo(5);
    assertThat(none.storedAfter()).isEqualTo(1);
    assertThat(spark.read().format("delta").load(location).count()).isEqualTo(4);
    // (Rows, not a count: Delta answers a count from the log's statistics without reading the files.)
    assertThat(spark.read().format("delta").load(location).collectAsList()).hasSize(4);
    assertThatThrownBy(() -> spark.read().format("delta").option("versionAsOf", 0).load(location).collectAsList())
        .hasStackTraceContaining("FileNotFoundException");
    // Delta's own safety check is back on for everything else in the session.
    assertThat(spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true")).isEqualTo("true");
  }

  /** A merge into a table with deletion vectors marks the rows it removes; maintenance rewrites that file without them. */
  @Test
  void compactsATableWhoseMergesLeftDeletionVectors() {
    String location = dir.resolve("wh/silver/marked").toString();
    spark.sql("SELECT id AS n FROM range(10)").coalesce(1).write().format("delta").option("delta.enableDeletionVectors", "true")
        .save(location);
    io.delta.tables.DeltaTable.forPath(spark, location).as("t")
        .merge(spark.sql("SELECT 3 AS n").as("s"), org.apache.spark.sql.functions.expr("t.n = s.n"))
        .whenMatched().delete().execute();
    assertThat(DeltaTables.deletionVectorFiles(spark, location)).isEqualTo(1);
    // A delete marks its row in a deletion vector, a file of its own beside the data file: both are the current version's,
    // so nothing is unreferenced.
    String deleted = dir.resolve("wh/silver/deleted").toString();
    spark.sql("SELECT id AS n FROM range(10)").coalesce(1).write().format("delta").option("delta.enableDeletionVectors", "true")
        .save(deleted);
    io.delta.tables.DeltaTable.forPath(spark, deleted).delete("n = 3");
    List<String> stored;
    try (var files = Files.list(Path.of(deleted))) {
      stored = files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith(".") && !f.equals("_delta_log")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(stored).hasSize(2).anyMatch(f -> f.startsWith("deletion_vector_")).anyMatch(f -> f.endsWith(".parquet"));
    assertThat(new TableMaintenance(spark, Duration.ZERO, 16).unreferencedFiles(deleted)).isEmpty();

    // One file, below the compaction threshold of 16 files: not compacted, but rewritten without its marked row.
    TableMaintenance.Result result = new TableMaintenance(spark, Duration.ofDays(7), 16).maintain(location);
    assertThat(result.compacted()).isFalse();
    assertThat(result.purged()).isEqualTo(1);
    assertThat(DeltaTables.deletionVectorFiles(spark, location)).isZero();
    assertThat(new TableMaintenance(spark, Duration.ofDays(7), 16).maintain(location).purged()).isZero();
    assertThat(spark.read().format("delta").load(location).orderBy("n").collectAsList()).extracting(r -> r.getLong(0))
        .containsExactly(0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  /**
   * A table whose stored files are its current version's is left alone (Delta's vacuum would add two commits to its
   * log); a stray file, a replaced file or a change data file makes the vacuum run, and it deletes them.
   */
  @Test
  void vacuumsOnlyATableWithFilesOutsideItsCurrentVersion() throws Exception {
    String clean = dir.resolve("wh/silver/clean").toString();
    append(clean, 1);
    TableMaintenance none = new TableMaintenance(spark, Duration.ZERO, 16);
    TableMaintenance.Result untouched = none.maintain(clean);
    assertThat(untouched.storedBefore()).isEqualTo(1);
    assertThat(untouched.storedAfter()).isEqualTo(1);
    assertThat(DeltaTables.version(spark, clean)).as("no vacuum commits").isZero();

    // A data file no version names (an interrupted write's): the vacuum runs (its start and end commits) and deletes it.
    String stray = dir.resolve("wh/silver/stray").toString();
    append(stray, 1);
    Path orphan = Path.of(stray, "part-00000-0a0a0a0a-orphan-c000.snappy.parquet");
    Files.copy(Files.list(Path.of(stray)).filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), orphan);
    assertThat(none.unreferencedFiles(stray)).containsExactly(orphan.getFileName().toString());
    assertThat(none.unreferencedFiles(clean)).isEmpty();
    TableMaintenance.Result swept = none.maintain(stray);
    assertThat(none.unreferencedFiles(stray)).isEmpty();
    assertThat(swept.storedBefore()).isEqualTo(2);
    assertThat(swept.storedAfter()).isEqualTo(1);
    assertThat(orphan).doesNotExist();
    assertThat(DeltaTables.version(spark, stray)).as("the vacuum's commits").isEqualTo(2);

    // A delete with the change data feed on leaves the deleted rows in a change data file (and the replaced file).
    String fed = dir.resolve("wh/silver/fed").toString();
    spark.sql("SELECT id AS n FROM range(4)").coalesce(1).write().format("delta").option("delta.enableChangeDataFeed", "true").save(fed);
    io.delta.tables.DeltaTable.forPath(spark, fed).delete("n = 2");
    List<String> changeFiles;
    try (var files = Files.walk(Path.of(fed, "_change_data"))) {
      changeFiles = files.filter(Files::isRegularFile).map(Path::toString).toList();
    }
    assertThat(changeFiles).isNotEmpty();
    // The replaced file and the change data file are referenced by no current file (older versions need them).
    assertThat(none.unreferencedFiles(fed)).hasSize(2).anyMatch(f -> f.startsWith("_change_data/cdc-")).anyMatch(f -> f.startsWith("part-"));
    none.maintain(fed);
    assertThat(changeFiles).allSatisfy(f -> assertThat(Path.of(f)).doesNotExist());
    assertThat(none.unreferencedFiles(fed)).isEmpty();
    assertThat(spark.read().format("delta").load(fed).orderBy("n").collectAsList()).extracting(r -> r.getLong(0))
        .containsExactly(0L, 1L, 3L);
  }
}
