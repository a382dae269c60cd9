package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.app.demo.DemoDataGenerator;
import io.profitos.lakehouse.app.demo.DemoManifest;
import io.profitos.lakehouse.app.demo.DemoSpec;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated landing zone (scale 0.01) -> every bronze job -> counts equal the generator's
 * manifest for every stream; a second run lands nothing and changes no table.
 */
class BronzeEndToEndIT {
  @TempDir Path landing;
  @TempDir Path warehouse;

  @Test
  void bronzeMatchesTheManifestAndIsExactlyOnce() throws Exception {
    DemoManifest manifest = DemoDataGenerator.generate(DemoSpec.of(0.01, 7, landing));
    LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local",
        Map.of("lakehouse.landing", landing.toString(), "lakehouse.warehouse", warehouse.toString())), Path.of(".."));
    SparkSession spark = SparkTestSession.get();
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    JobContext ctx = new JobContext(spark, settings, catalog, UUID.randomUUID().toString(), LocalDate.of(2026, 11, 20),
        false, Clock.systemUTC());
    JobRegistry registry = JobRegistry.discover(settings);

    JobRunner.Outcome first = new JobRunner(ctx).run(registry.layer("bronze"));

    assertThat(first.finished()).hasSize(18);
    Dataset<Row> quarantine = spark.read().format("delta").load(catalog.location("bronze._quarantine"));
    Map<String, Long> quarantinedByStream = new HashMap<>();
    quarantine.groupBy("source", "stream").count().collectAsList()
        .forEach(r -> quarantinedByStream.put(r.getString(0) + "/" + r.getString(1), r.getLong(2)));
    Dataset<Row> ledger = spark.read().format("delta").load(catalog.location("ops.ingested_files"));
    boolean anyRejected = false;
    for (StreamSpec stream : settings.streams()) {
      DemoManifest.StreamStats expected = manifest.stream(stream.id());
      assertThat(expected).as("manifest has " + stream.id()).isNotNull();
      long rows = catalog.exists(spark, io.profitos.lakehouse.core.table.TableName.of("bronze", stream.bronzeTable()))
          ? spark.read().format("delta").load(catalog.location("bronze." + stream.bronzeTable())).count() : 0;
      assertThat(rows).as("bronze rows of " + stream.id()).isEqualTo(expected.bronzeRows());
      assertThat(quarantinedByStream.getOrDefault(stream.id(), 0L)).as("quarantine rows of " + stream.id())
          .isEqualTo(expected.quarantineRows());
      Dataset<Row> files = ledger.where(col("source").equalTo(stream.source()).and(col("stream").equalTo(stream.stream()))
          .and(col("status").notEqual("pending")));
      assertThat(files.count()).as("ledger rows of " + stream.id()).isEqualTo(expected.files());
      assertThat(files.where(col("status").equalTo("partial")).count()).as("partial files of " + stream.id())
          .isEqualTo(expected.defects().truncatedGzFiles());
      assertThat(files.where(col("status").equalTo("empty")).count()).as("empty files of " + stream.id())
          .isEqualTo(expected.zeroByteFiles() + expected.emptyFiles());
      double rate = (double) expected.quarantineRows() / Math.max(1, expected.quarantineRows() + expected.bronzeRows());
      anyRejected |= rate > 0.05;
    }
    assertThat(first.exitCode()).isEqualTo(anyRejected ? 4 : 0);
    Map<String, Long> versions = new HashMap<>();
    for (StreamSpec stream : settings.streams()) {
      String location = catalog.location("bronze." + stream.bronzeTable());
      if (DeltaTable.isDeltaTable(spark, location)) {
        versions.put(location, DeltaTable.forPath(spark, location).history(1).first().getLong(0));
      }
    }
    long quarantineVersion = DeltaTable.forPath(spark, catalog.location("bronze._quarantine")).history(1).first().getLong(0);

    JobRunner.Outcome second = new JobRunner(ctx).run(registry.layer("bronze"));

    assertThat(second.exitCode()).isZero();
    assertThat(second.finished()).allSatisfy(f -> {
      assertThat(f.result().status()).isEqualTo(JobResult.SUCCEEDED);
      assertThat(f.result().rowsWritten()).isZero();
    });
    versions.forEach((location, version) ->
        assertThat(DeltaTable.forPath(spark, location).history(1).first().getLong(0)).as(location).isEqualTo(version));
    assertThat(DeltaTable.forPath(spark, catalog.location("bronze._quarantine")).history(1).first().getLong(0)).isEqualTo(quarantineVersion);
    assertThat(spark.read().format("delta").load(catalog.location("ops.job_runs")).count()).isEqualTo(36);
  }
}
