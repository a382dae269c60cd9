package io.profitos.lakehouse.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.fs.CommitFence;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.exception.ExceptionUtils;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaTablesTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  private long files(String location) {
    return DeltaTable.forPath(spark, location).detail().select("numFiles").first().getLong(0);
  }

  @Test
  void aFragmentedBookkeepingTableIsCompactedWithItsRowsIntact() {
    String location = dir.resolve("ops_table").toString();
    StructType schema = new StructType().add("n", "int");
    for (int i = 0; i < 5; i++) {
      spark.createDataFrame(List.of(RowFactory.create(i)), schema).coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
    }
    DeltaTables.compactIfFragmented(spark, location, 10);
    assertThat(files(location)).as("under the limit: left alone").isEqualTo(5);

    DeltaTables.compactIfFragmented(spark, location, 3);

    assertThat(files(location)).isEqualTo(1);
    assertThat(spark.read().format("delta").load(location).count()).isEqualTo(5);
    DeltaTables.compactIfFragmented(spark, dir.resolve("absent").toString(), 3);
  }

  @Test
  void theFileCountComesFromTheLogAndMatchesTheTableDetail() {
    String location = dir.resolve("counted").toString();
    StructType schema = new StructType().add("n", "int");
    for (int i = 0; i < 3; i++) {
      spark.createDataFrame(List.of(RowFactory.create(i)), schema).coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
    }
    assertThat(DeltaTables.fileCount(spark, location)).isEqualTo(3).isEqualTo(files(location));
  }

  @Test
  void theLastCommitIsTheCallersOwnAmongOtherWritersWithItsMetrics() {
    String location = dir.resolve("shared").toString();
    StructType schema = new StructType().add("n", "int");
    // Version 0: two rows by job a; versions 1 and 2: one row each by job b.
    spark.createDataFrame(List.of(RowFactory.create(1), RowFactory.create(2)), schema).coalesce(1).write().format("delta")
        .mode(SaveMode.Append).option("userMetadata", "job-a").save(location);
    for (int i = 0; i < 2; i++) {
      spark.createDataFrame(List.of(RowFactory.create(10 + i)), schema).coalesce(1).write().format("delta").mode(SaveMode.Append)
          .option("userMetadata", "job-b").save(location);
    }

    DeltaTables.Commit own = DeltaTables.lastCommit(spark, location, "job-a");
    assertThat(own.version()).isEqualTo(0);
    assertThat(own.metrics()).containsEntry("numOutputRows", "2").containsEntry("numFiles", "1");
    assertThat(DeltaTables.lastCommit(spark, location, "job-b").version()).isEqualTo(2);
    assertThat(DeltaTables.lastCommit(spark, location, null).version()).isEqualTo(2);
    assertThat(DeltaTables.lastCommit(spark, location, "job-never").version()).as("no own commit: the newest").isEqualTo(2);
  }

  /**
   * A process killed while creating a table (found by {@code lakehouse bench faults}: a run killed 11 s in, while it
   * created {@code ops.job_runs}) leaves the table's folder with a log folder but no commit. Delta then takes the folder
   * for an existing table ("create if not exists" does nothing) and every later run failed to read it. Creating it
   * again must work.
   */
  @Test
  void aTableWhoseCreationDiedBeforeItsFirstCommitIsCreatedByTheNextRun() throws Exception {
    StructType schema = StructType.fromDDL("run_id string, rows long");
    String location = dir.resolve("ops/job_runs").toString();
    // The creation dies right before its first commit is written (a process killed at that instant leaves the same).
    CommitFence.Guard dies = new CommitFence.Guard() {
      @Override public void check(String what) {
        throw new IllegalStateException("killed before " + what);
      }

      @Override public String refusal() {
        return null;
      }
    };
    CommitFence.install(dies);
    try {
      assertThatThrownBy(() -> DeltaTables.ensure(spark, location, schema, List.of(), Map.of()))
          .satisfies(e -> assertThat(ExceptionUtils.getRootCause(e).getMessage())
              .startsWith("killed before ").endsWith("/ops/job_runs/_delta_log/00000000000000000000.json"));
    } finally {
      CommitFence.uninstall(dies);
    }
    assertThat(dir.resolve("ops/job_runs/_delta_log")).as("what the dead creation left").isDirectory();
    assertThat(DeltaTables.version(spark, location)).as("no commit").isEqualTo(-1);
    // A temporary file a killed log write can leave beside it.
    Files.writeString(dir.resolve("ops/job_runs/_delta_log/.00000000000000000000.json.3f2a.tmp"), "{\"commitInfo\"");

    DeltaTables.ensure(spark, location, schema, List.of(), Map.of());

    assertThat(DeltaTables.version(spark, location)).isZero();
    assertThat(spark.read().format("delta").load(location).schema().simpleString()).isEqualTo("struct<run_id:string,rows:bigint>");
    spark.createDataFrame(List.of(RowFactory.create("r1", 3L)), schema).write().format("delta").mode(SaveMode.Append).save(location);
    assertThat(spark.read().format("delta").load(location).count()).isEqualTo(1);
  }

  /** A folder holding files that no commit ever made is not taken for a table, nor emptied: the error says what to do. */
  @Test
  void aFolderWithUncommittedFilesOtherThanTheLogIsNamedNotDeleted() throws Exception {
    Path folder = dir.resolve("bronze/stripe_invoices");
    Files.createDirectories(folder.resolve("_delta_log"));
    Files.writeString(folder.resolve("notes.csv"), "someone's file\n");
    StructType schema = StructType.fromDDL("id string");

    assertThatThrownBy(() -> DeltaTables.ensure(spark, folder.toString(), schema, List.of(), Map.of()))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining(folder.toString()).hasMessageContaining("no Delta commit").hasMessageContaining("notes.csv");
    assertThat(folder.resolve("notes.csv")).hasContent("someone's file");
  }

  @Test
  void dateBoundsComeFromTheFileStatisticsOrAreUnknownWithoutThem() {
    StructType schema = StructType.fromDDL("id int, at timestamp, day date");
    String location = dir.resolve("bounds").toString();
    java.util.function.BiConsumer<String, String> append = (at, day) -> spark.createDataFrame(List.of(RowFactory.create(1,
            at == null ? null : java.sql.Timestamp.from(java.time.Instant.parse(at)), day == null ? null : java.sql.Date.valueOf(day))),
        schema).coalesce(1).write().format("delta").mode(SaveMode.Append).save(location);
    append.accept("2025-03-04T23:59:59.999Z", "2025-06-01");
    append.accept("2024-12-31T00:00:01Z", null); // a file whose day is all null
    append.accept("2026-01-15T12:00:00Z", "2024-02-29");
    assertThat(DeltaTables.dateBounds(spark, location, "at")).containsExactly(java.sql.Date.valueOf("2024-12-31"),
        java.sql.Date.valueOf("2026-01-15"));
    assertThat(DeltaTables.dateBounds(spark, location, "day")).containsExactly(java.sql.Date.valueOf("2024-02-29"),
        java.sql.Date.valueOf("2025-06-01"));

    // Statistics on the first column only: the other columns' bounds are unknown, not wrong.
    String firstOnly = dir.resolve("first-only").toString();
    DeltaTable.create(spark).location(firstOnly).addColumns(schema).property("delta.dataSkippingNumIndexedCols", "1").execute();
    spark.createDataFrame(List.of(RowFactory.create(1, java.sql.Timestamp.from(java.time.Instant.parse("2025-01-01T00:00:00Z")),
        java.sql.Date.valueOf("2025-01-02"))), schema).write().format("delta").mode(SaveMode.Append).save(firstOnly);
    assertThat(DeltaTables.dateBounds(spark, firstOnly, "day")).isNull();
    String empty = dir.resolve("empty").toString();
    spark.createDataFrame(List.of(), schema).write().format("delta").save(empty);
    assertThat(DeltaTables.dateBounds(spark, empty, "day")).containsExactly(null, null);
  }
}
