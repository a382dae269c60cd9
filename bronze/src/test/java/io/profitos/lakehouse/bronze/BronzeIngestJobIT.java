package io.profitos.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.apache.spark.sql.functions.col;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bronze job against hand-made landing zones with every defect of the landing contract. */
class BronzeIngestJobIT {
  private static final String CONF = """
      lakehouse.sources {
        stripe { format = airbyte-jsonl, streams.customers { sync = incremental, primary-key = [id], cursor = updated } }
        finance { format = csv, streams.fx_rates { sync = full_refresh } }
      }
      """;

  @TempDir Path landing;
  @TempDir Path warehouse;
  private final SparkSession spark = SparkTestSession.get();
  private LakehouseSettings settings;

  @BeforeEach
  void setUp() {
    settings = TestSettings.settings(landing, warehouse, CONF);
  }

  private static String airbyte(String id, String data) {
    return "{\"_airbyte_raw_id\":\"raw-" + id + "\",\"_airbyte_extracted_at\":1767225600000,\"_airbyte_data\":" + data + "}";
  }

  private Path write(String relative, byte[] content) throws IOException {
    Path p = landing.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return p;
  }

  private Path write(String relative, String content) throws IOException {
    return write(relative, content.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  /** 5 good customer records, 2 bad lines, a zero-byte file, a hidden file and a stray file. */
  private void customersLanding() throws IOException {
    ByteArrayOutputStream day1 = new ByteArrayOutputStream();
    day1.writeBytes((airbyte("1", "{\"id\":\"cus_1\",\"email\":\"a@x.io\",\"metadata\":{\"workspace_id\":\"w1\"},\"updated\":100}") + "\n").getBytes(StandardCharsets.UTF_8));
    day1.writeBytes((airbyte("2", "{\"id\":\"cus_2\",\"email\":null,\"metadata\":{\"workspace_id\":\"w2\"},\"updated\":101}") + "\r\n").getBytes(StandardCharsets.UTF_8));
    day1.writeBytes("\n".getBytes(StandardCharsets.UTF_8));
    day1.writeBytes((airbyte("3", "{\"id\":\"cus_3\",\"metadata\":{\"workspace_id\":\"w3\"},\"updated\":102") + "\n").getBytes(StandardCharsets.UTF_8));
    day1.writeBytes("{\"_airbyte_data\":{\"id\":\"cus_4\",\"name\":\"Caf".getBytes(StandardCharsets.UTF_8));
    day1.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
    day1.writeBytes("\"}}\n".getBytes(StandardCharsets.UTF_8));
    day1.writeBytes((airbyte("5", "{\"id\":\"cus_5\",\"metadata\":{\"workspace_id\":\"w5\"},\"updated\":103}") + "\n").getBytes(StandardCharsets.UTF_8));
    write("stripe/customers/extract_date=2026-01-01/part-0.jsonl", day1.toByteArray());
    write("stripe/customers/extract_date=2026-01-02/part-0.jsonl.gz", gzip(
        airbyte("6", "{\"id\":\"cus_1\",\"email\":\"b@x.io\",\"metadata\":{\"workspace_id\":\"w1\"},\"updated\":200}") + "\n"
            + airbyte("7", "{\"id\":\"cus_6\",\"metadata\":{\"workspace_id\":\"w6\"},\"updated\":201}") + "\n"));
    write("stripe/customers/extract_date=2026-01-02/empty.jsonl", new byte[0]);
    write("stripe/customers/extract_date=2026-01-02/_SUCCESS", new byte[0]);
    write("stripe/customers/stray.jsonl", airbyte("9", "{\"id\":\"cus_9\"}") + "\n");
    write("stripe/customers/extract_date=2026-01-02/part-9.parquet", new byte[] {'P', 'A', 'R', '1'});
  }

  private BronzeIngestJob job(String id) {
    return new BronzeIngestJob(settings.stream(id));
  }

  private JobResult run(BronzeIngestJob job) {
    return job.run(TestSettings.context(settings, LocalDate.of(2026, 1, 2)));
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(warehouse.resolve(name).toString());
  }

  @Test
  void landsGoodRecordsQuarantinesBadOnesAndRecordsEveryFile() throws IOException {
    customersLanding();
    JobResult result = run(job("stripe/customers"));

    assertThat(result.status()).isEqualTo(JobResult.REJECTED); // 2 of 7 lines quarantined is above 5%
    assertThat(result.rowsWritten()).isEqualTo(5);
    assertThat(result.details()).containsEntry("files", 3L).containsEntry("quarantined", 2L)
        .containsEntry("empty_files", 1L).containsEntry("refused_files", 2L);

    Dataset<Row> bronze = table("bronze/stripe_customers");
    assertThat(bronze.count()).isEqualTo(5);
    assertThat(bronze.columns()).contains("id", "email", "metadata", "updated", "_source_file", "_line_number",
        "_extract_date", "_ingested_at", "_batch_id", "_record_hash", "_airbyte_raw_id", "_airbyte_extracted_at", "_rescued_data");
    Row cus2 = bronze.where(col("id").equalTo("cus_2")).select("metadata.workspace_id", "_line_number", "_extract_date",
        "_airbyte_raw_id", "_airbyte_extracted_at").first();
    assertThat(cus2.getString(0)).isEqualTo("w2");
    assertThat(cus2.getLong(1)).isEqualTo(2L);
    assertThat(cus2.getDate(2).toString()).isEqualTo("2026-01-01");
    assertThat(cus2.getString(3)).isEqualTo("raw-2");
    assertThat(cus2.getTimestamp(4).toInstant().toString()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(bronze.where(col("id").equalTo("cus_1")).count()).as("both versions of cus_1 are kept").isEqualTo(2);

    List<Row> quarantine = table("bronze/_quarantine").orderBy("line_number").collectAsList();
    assertThat(quarantine).hasSize(2);
    assertThat(quarantine.get(0).<String>getAs("reason")).startsWith("malformed JSON");
    assertThat(quarantine.get(0).<Long>getAs("line_number")).isEqualTo(4L);
    assertThat(quarantine.get(1).<String>getAs("reason")).isEqualTo("invalid UTF-8 at byte 42 of the line");
    assertThat(quarantine.get(1).<byte[]>getAs("raw_bytes")).contains((byte) 0xC3, (byte) 0x28);
    assertThat(quarantine.get(1).<String>getAs("stream")).isEqualTo("customers");

    Map<String, String> statuses = table("ops/ingested_files").where(col("status").notEqual("pending"))
        .collectAsList().stream().collect(java.util.stream.Collectors.toMap(
            r -> r.<String>getAs("path").replaceAll(".*/", ""), r -> r.<String>getAs("status")));
    assertThat(statuses).containsEntry("part-0.jsonl", "landed").containsEntry("part-0.jsonl.gz", "landed")
        .containsEntry("empty.jsonl", "empty").containsEntry("stray.jsonl", "rejected")
        .containsEntry("part-9.parquet", "rejected").doesNotContainKey("_SUCCESS");
    assertThat(table("ops/ingested_files").where(col("path").endsWith(".parquet")).first().<String>getAs("reason"))
        .startsWith("unexpected file type for this airbyte-jsonl stream");
    Row landed = table("ops/ingested_files").where(col("status").equalTo("landed").and(col("path").endsWith(".gz"))).first();
    assertThat(landed.<String>getAs("sha256")).hasSize(64);
    assertThat(landed.<Long>getAs("rows")).isEqualTo(2L);
  }

  @Test
  void aSecondRunLandsNothingNewAndChangesNothing() throws IOException {
    customersLanding();
    run(job("stripe/customers"));
    long version = io.delta.tables.DeltaTable.forPath(spark, warehouse.resolve("bronze/stripe_customers").toString())
        .history(1).first().getLong(0);

    JobResult again = run(job("stripe/customers"));

    assertThat(again.status()).isEqualTo(JobResult.SUCCEEDED);
    assertThat(again.rowsWritten()).isZero();
    assertThat(table("bronze/stripe_customers").count()).isEqualTo(5);
    assertThat(table("bronze/_quarantine").count()).isEqualTo(2);
    assertThat(io.delta.tables.DeltaTable.forPath(spark, warehouse.resolve("bronze/stripe_customers").toString())
        .history(1).first().getLong(0)).isEqualTo(version);

    write("stripe/customers/extract_date=2026-01-03/late.jsonl",
        airbyte("8", "{\"id\":\"cus_7\",\"metadata\":{\"workspace_id\":\"w7\"},\"updated\":300}") + "\n");
    write("stripe/customers/extract_date=2025-12-30/very-late.jsonl",
        airbyte("10", "{\"id\":\"cus_0\",\"metadata\":{\"workspace_id\":\"w0\"},\"updated\":50}") + "\n");
    JobResult third = run(job("stripe/customers"));
    assertThat(third.rowsWritten()).isEqualTo(2);
    assertThat(table("bronze/stripe_customers").count()).isEqualTo(7);
  }

  @ParameterizedTest
  @EnumSource(BronzeIngestJob.Step.class)
  void aRunKilledAtAnyStepIsCompletedByTheNextRunWithNothingLostOrTwice(BronzeIngestJob.Step killAt) throws IOException {
    customersLanding();
    BronzeIngestJob dying = new BronzeIngestJob(settings.stream("stripe/customers"), step -> {
      if (step == killAt) {
        throw new IllegalStateException("killed at " + step);
      }
    });
    assertThatThrownBy(() -> run(dying)).hasMessage("killed at " + killAt);

    JobResult rerun = run(job("stripe/customers"));

    assertThat(rerun.status()).isIn(JobResult.REJECTED, JobResult.SUCCEEDED);
    Dataset<Row> bronze = table("bronze/stripe_customers");
    assertThat(bronze.count()).isEqualTo(5);
    assertThat(bronze.select("_source_file", "_line_number").distinct().count()).isEqualTo(5);
    assertThat(table("bronze/_quarantine").count()).isEqualTo(2);
    assertThat(table("ops/ingested_files").where(col("status").equalTo("landed")).count()).isEqualTo(2);
    assertThat(run(job("stripe/customers")).rowsWritten()).isZero();
  }

  @Test
  void schemaDriftAddsColumnsAndKeepsValuesWhoseTypeChanged() throws IOException {
    write("stripe/customers/extract_date=2026-01-01/a.jsonl",
        airbyte("1", "{\"id\":\"cus_1\",\"balance\":1200,\"metadata\":{\"workspace_id\":\"w1\"}}") + "\n");
    run(job("stripe/customers"));
    write("stripe/customers/extract_date=2026-01-02/b.jsonl",
        airbyte("2", "{\"id\":\"cus_2\",\"balance\":\"12.50\",\"tax_exempt\":\"none\",\"metadata\":{\"workspace_id\":\"w2\",\"plan\":\"team\"}}") + "\n"
            + airbyte("3", "{\"id\":\"cus_3\",\"balance\":40,\"metadata\":{\"workspace_id\":\"w3\"}}") + "\n");

    JobResult result = run(job("stripe/customers"));

    assertThat(result.details()).containsEntry("schema_changes", 3L).containsEntry("rescued_rows", 1L);
    Dataset<Row> bronze = table("bronze/stripe_customers");
    Row cus2 = bronze.where(col("id").equalTo("cus_2")).select("balance", "tax_exempt", "metadata.plan", "_rescued_data").first();
    assertThat(cus2.isNullAt(0)).isTrue();
    assertThat(cus2.getString(1)).isEqualTo("none");
    assertThat(cus2.getString(2)).isEqualTo("team");
    assertThat(cus2.<String, String>getJavaMap(3)).containsExactly(Map.entry("balance", "12.50"));
    Row cus3 = bronze.where(col("id").equalTo("cus_3")).select("balance", "_rescued_data").first();
    assertThat(cus3.getLong(0)).isEqualTo(40L);
    assertThat(cus3.isNullAt(1)).isTrue();
    List<Row> changes = table("ops/schema_changes").orderBy("path").collectAsList();
    assertThat(changes).extracting(r -> r.<String>getAs("kind") + " " + r.<String>getAs("path"))
        .containsExactly("type_conflict balance", "added metadata.plan", "added tax_exempt");
    assertThat(changes.get(0).<Long>getAs("rows_rescued")).isEqualTo(1L);
  }

  @Test
  void csvRecordsLandAsTextWithRfc4180Quoting() throws IOException {
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv",
        "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-01,\"GBP\",1.27\n2026-01-01,EUR\n\"2026-01-02\",\"E\nUR\",1.09\n");
    write("finance/fx_rates/extract_date=2026-01-02/header-only.csv", "date,currency,usd_per_unit\n");

    JobResult result = run(job("finance/fx_rates"));

    assertThat(result.rowsWritten()).isEqualTo(3);
    Dataset<Row> bronze = table("bronze/finance_fx_rates");
    assertThat(bronze.schema().apply("usd_per_unit").dataType().simpleString()).isEqualTo("string");
    assertThat(bronze.where(col("currency").equalTo("E\nUR")).select("_line_number").first().getLong(0)).isEqualTo(5L);
    assertThat(bronze.columns()).doesNotContain("_airbyte_raw_id");
    Row q = table("bronze/_quarantine").first();
    assertThat(q.<String>getAs("reason")).isEqualTo("wrong column count: 2 fields, header has 3");
    assertThat(q.<Long>getAs("line_number")).isEqualTo(4L);
    assertThat(table("ops/ingested_files").where(col("status").equalTo("empty")).count()).isEqualTo(1);
  }

  @Test
  void aTruncatedGzipKeepsWhatWasReadableAndSaysWhy() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      text.append(airbyte("r" + i, "{\"id\":\"cus_" + i + "\",\"pad\":\"" + Integer.toHexString(i * 104729) + "\"}")).append('\n');
    }
    byte[] gz = gzip(text.toString());
    write("stripe/customers/extract_date=2026-01-01/cut.jsonl.gz", Arrays.copyOf(gz, gz.length * 6 / 10));
    write("stripe/customers/extract_date=2026-01-01/ok.jsonl", airbyte("x", "{\"id\":\"cus_ok\"}") + "\n");

    JobResult result = run(job("stripe/customers"));

    long landed = table("bronze/stripe_customers").count();
    assertThat(landed).isBetween(2L, 3000L);
    assertThat(result.details()).containsEntry("partial_files", 1L).containsEntry("quarantined", 1L);
    Row ledger = table("ops/ingested_files").where(col("status").equalTo("partial")).first();
    assertThat(ledger.<String>getAs("reason")).startsWith("truncated gzip").contains((landed - 1) + " complete records recovered");
    assertThat(table("bronze/_quarantine").first().<String>getAs("reason")).startsWith("truncated gzip after line " + (landed - 1));
  }

  @Test
  void aChangedFileIsRefusedAndReportedOnce() throws IOException {
    Path f = write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n");
    run(job("finance/fx_rates"));
    Files.writeString(f, "date,currency,usd_per_unit\n2026-01-01,EUR,1.09\n2026-01-01,GBP,1.27\n");

    JobResult second = run(job("finance/fx_rates"));
    JobResult third = run(job("finance/fx_rates"));

    assertThat(second.details()).containsEntry("refused_files", 1L);
    assertThat(third.details()).containsEntry("refused_files", 0L);
    assertThat(table("bronze/finance_fx_rates").count()).isEqualTo(1);
    assertThat(table("ops/ingested_files").where(col("status").equalTo("changed")).first().<String>getAs("reason"))
        .contains("immutable");
  }

  @Test
  void fullRefreshTablesArePartitionedByExtractDate() throws IOException {
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n");
    run(job("finance/fx_rates"));
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + warehouse.resolve("bronze/finance_fx_rates") + "`").first();
    assertThat(detail.<scala.collection.Seq<String>>getAs("partitionColumns").mkString(",")).isEqualTo("_extract_date");
    assertThat(detail.<scala.collection.Map<String, String>>getAs("properties").get("delta.enableChangeDataFeed").get()).isEqualTo("true");
  }

  @Test
  void unconfiguredStreamIsAClearError() {
    assertThatThrownBy(() -> settings.stream("stripe/refunds")).hasMessageContaining("Unknown stream 'stripe/refunds'");
    StreamSpec spec = settings.stream("stripe/customers");
    assertThat(new BronzeIngestJob(spec).description()).isEqualTo("Land airbyte-jsonl incremental extracts of stripe/customers in bronze.stripe_customers");
  }

  @Test
  void aStreamThatStoppedDeliveringFailsButOneThatNeverDeliveredIsNotLate() throws IOException {
    customersLanding();
    assertThat(run(job("stripe/customers")).status()).isIn(JobResult.SUCCEEDED, JobResult.REJECTED); // its planted bad lines
    // Four days later with no new extract: 2 January + 3 days (the default max-age) has passed.
    assertThatThrownBy(() -> job("stripe/customers").run(TestSettings.context(settings, LocalDate.of(2026, 1, 6))))
        .isInstanceOfSatisfying(io.profitos.lakehouse.core.LakehouseException.class,
            e -> assertThat(e.exitCode()).isEqualTo(io.profitos.lakehouse.core.LakehouseException.EXIT_QUALITY_GATE))
        .hasMessageContaining("stripe/customers has stopped delivering: its newest extract is of 2026-01-02, 4 days before the run "
            + "date 2026-01-06 (limit 3 days: lakehouse.sources.stripe.streams.customers.max-age");
    // Within the limit it is on time.
    assertThat(job("stripe/customers").run(TestSettings.context(settings, LocalDate.of(2026, 1, 5))).message()).isEqualTo("no new files");
    // finance/fx_rates has never delivered: nothing is late, nothing lands.
    assertThat(job("finance/fx_rates").run(TestSettings.context(settings, LocalDate.of(2026, 1, 6))).message()).isEqualTo("no new files");
  }
}
