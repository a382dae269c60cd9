package io.profitos.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.bronze.BronzeIngestJob;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.testing.Kills;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Landing -> bronze -> silver for customers, workspaces and fx rates: incremental, full refresh, idempotent. */
class SilverJobsIT {
  private static final String CONF = """
      lakehouse.sources {
        stripe { format = airbyte-jsonl, streams.customers { sync = incremental, primary-key = [id], cursor = updated } }
        stripe { streams.subscriptions { sync = incremental, primary-key = [id], cursor = updated } }
        stripe { streams.invoices { sync = incremental, primary-key = [id], cursor = updated } }
        product_db { format = airbyte-jsonl, streams.workspaces { sync = incremental, primary-key = [workspace_id], cursor = _ab_cdc_updated_at } }
        finance { format = csv, streams.fx_rates { sync = full_refresh } }
        product_db { streams.users { sync = incremental, primary-key = [user_id], cursor = _ab_cdc_updated_at } }
        segment { format = jsonl, streams.tracks { sync = incremental, primary-key = [messageId], cursor = receivedAt } }
      }
      lakehouse.silver.tables {
        customers { privacy { email = hash, default_payment_method = redact }, not-future = [created_at] }
        workspaces {
          local-time-zone { created_at = "America/Los_Angeles" }
          enums { plan = [free, team, business, enterprise] }
          ranges { seats = [0, 100000] }
        }
        fx_rates { required = [usd_per_unit], ranges { usd_per_unit = [0.000001, 1000000] } }
        subscriptions { enums { status = [trialing, active, past_due, unpaid, canceled, incomplete] } }
        users { local-time-zone { created_at = "America/Los_Angeles" }, privacy { email = hash, ip_address = truncate-ip } }
        events { privacy { ip_address = truncate-ip }, not-future = [occurred_at] }
        invoices { usd { currency = currency, date = created_at, amounts = [amount_due, amount_paid, total] } }
      }
      """;

  @TempDir Path landing;
  @TempDir Path warehouse;
  @TempDir Path rebuilt;
  private final SparkSession spark = SparkTestSession.get();
  private LakehouseSettings settings;

  @BeforeEach
  void setUp() {
    settings = TestSettings.settings(landing, warehouse, CONF);
  }

  private void write(String relative, String content) throws IOException {
    Path p = landing.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
  }

  private static String airbyte(String data) {
    return "{\"_airbyte_raw_id\":\"" + UUID.randomUUID() + "\",\"_airbyte_extracted_at\":1767225600000,\"_airbyte_data\":" + data + "}\n";
  }

  private static String customer(String id, String email, long updated, boolean deleted, long created) {
    return airbyte("{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"name\":\"N " + id + "\",\"created\":" + created
        + ",\"currency\":\"eur\",\"deleted\":" + deleted + ",\"metadata\":{\"workspace_id\":\"w_" + id + "\"},"
        + "\"invoice_settings\":{\"default_payment_method\":\"pm_" + id + "\"},\"updated\":" + updated + "}");
  }

  private static final long JAN_1 = 1767225600L; // 2026-01-01T00:00:00Z

  private static String subscription(String id, String currency, long seats, long updated) {
    return airbyte("{\"id\":\"" + id + "\",\"customer\":\"c1\",\"status\":\"active\",\"created\":" + JAN_1 + ",\"currency\":\"" + currency
        + "\",\"items\":{\"data\":[{\"price\":{\"id\":\"p\",\"product\":\"prod\",\"unit_amount\":1000,\"currency\":\"" + currency
        + "\",\"recurring\":{\"interval\":\"month\",\"interval_count\":1}},\"quantity\":" + seats + "}]},\"discount\":null,"
        + "\"metadata\":{\"workspace_id\":\"w1\"},\"updated\":" + updated + "}");
  }

  private void day1() throws IOException {
    write("stripe/customers/extract_date=2026-01-01/a.jsonl",
        customer("c1", "Ada@Example.com", JAN_1 + 10, false, JAN_1)
            + customer("c2", "bob@example.com", JAN_1 + 10, false, JAN_1)
            + customer("c2", "bob@example.com", JAN_1 + 10, false, JAN_1)      // delivered twice
            + customer("c3", "cy@example.com", JAN_1 + 5, false, JAN_1 + 400L * 86400)); // created in the future
    write("product_db/workspaces/extract_date=2026-01-01/a.jsonl",
        airbyte("{\"workspace_id\":\"w1\",\"plan\":\"team\",\"seats\":5,\"created_at\":\"2025-12-31T20:00:00\",\"_ab_cdc_updated_at\":\"2026-01-01T04:00:00Z\",\"_ab_cdc_deleted_at\":null}")
            + airbyte("{\"workspace_id\":\"w2\",\"plan\":\"starter\",\"seats\":3,\"created_at\":\"2025-07-01T10:00:00\",\"_ab_cdc_updated_at\":\"2026-01-01T04:00:00Z\",\"_ab_cdc_deleted_at\":null}")
            + airbyte("{\"workspace_id\":\"w3\",\"plan\":\"team\",\"seats\":-4,\"created_at\":\"2025-07-01T10:00:00\",\"_ab_cdc_updated_at\":\"2026-01-01T04:00:00Z\",\"_ab_cdc_deleted_at\":null}"));
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-01,GBP,1.26\n");
    write("product_db/users/extract_date=2026-01-01/a.jsonl",
        airbyte("{\"user_id\":\"u1\",\"workspace_id\":\"w1\",\"email\":\"Ada@Example.com\",\"ip_address\":\"198.51.100.23\",\"role\":\"admin\",\"created_at\":\"2026-03-08T03:30:00\",\"_ab_cdc_updated_at\":\"2026-01-01T04:00:00Z\",\"_ab_cdc_deleted_at\":null}"));
    String event = "{\"messageId\":\"m1\",\"type\":\"track\",\"event\":\"report_viewed\",\"userId\":\"u1\",\"timestamp\":\"2026-01-01T10:00:00Z\",\"receivedAt\":\"2026-01-01T10:00:01Z\",\"context\":{\"ip\":\"198.51.100.23\"},\"properties\":{\"workspace_id\":\"w1\",\"feature\":\"reports\"}}\n";
    write("segment/tracks/extract_date=2026-01-01/a.jsonl", event + event
        + "{\"messageId\":\"m2\",\"type\":\"track\",\"event\":\"heartbeat\",\"userId\":\"u1\",\"timestamp\":\"2026-01-01T10:05:00Z\",\"receivedAt\":\"2026-01-01T10:05:01Z\",\"context\":{\"ip\":\"198.51.100.23\"},\"properties\":{\"workspace_id\":\"w1\"}}\n"
        + "{\"messageId\":\"m3\",\"type\":\"track\",\"event\":\"report_viewed\",\"userId\":\"u1\",\"timestamp\":\"2027-06-01T10:00:00Z\",\"receivedAt\":\"2026-01-01T10:06:01Z\",\"context\":{\"ip\":\"198.51.100.23\"},\"properties\":{\"workspace_id\":\"w1\"}}\n");
    write("stripe/subscriptions/extract_date=2026-01-01/a.jsonl",
        subscription("s1", "eur", 5, JAN_1 + 100) + subscription("s2", "gbp", 2, JAN_1 + 100)
            + subscription("s3", "chf", 1, JAN_1 + 100));
  }

  private void day2() throws IOException {
    write("stripe/customers/extract_date=2026-01-02/a.jsonl",
        customer("c1", "ada.new@example.com", JAN_1 + 90000, false, JAN_1)   // newer version
            + customer("c2", "bob@example.com", JAN_1 + 90000, true, JAN_1)  // deleted
            + customer("c4", "dee@example.com", JAN_1 + 90000, false, JAN_1));
    // A late file: an older version of c1 arrives after the newer one.
    write("stripe/customers/extract_date=2026-01-01/late.jsonl", customer("c1", "ada.old@example.com", JAN_1 + 1, false, JAN_1));
    write("product_db/workspaces/extract_date=2026-01-02/a.jsonl",
        airbyte("{\"workspace_id\":\"w1\",\"plan\":\"business\",\"seats\":12,\"created_at\":\"2025-12-31T20:00:00\",\"_ab_cdc_updated_at\":\"2026-01-02T04:00:00Z\",\"_ab_cdc_deleted_at\":null}")
            + airbyte("{\"workspace_id\":\"w2\",\"plan\":\"starter\",\"seats\":3,\"created_at\":\"2025-07-01T10:00:00\",\"_ab_cdc_updated_at\":\"2026-01-02T05:00:00Z\",\"_ab_cdc_deleted_at\":\"2026-01-02T05:00:00Z\"}"));
    write("finance/fx_rates/extract_date=2026-01-02/fx.csv",
        "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-01,GBP,1.26\n2026-01-02,EUR,1.09\n2026-01-02,GBP,-1\n");
    write("stripe/subscriptions/extract_date=2026-01-02/a.jsonl",
        subscription("s1", "eur", 7, JAN_1 + 90000) + subscription("s2", "gbp", 3, JAN_1 + 90000));
    // A late file: s1's middle version arrives after its newest one.
    write("stripe/subscriptions/extract_date=2026-01-01/late.jsonl", subscription("s1", "eur", 6, JAN_1 + 50000));
  }

  private static final List<String> COVERED = List.of("silver.customers", "silver.workspaces", "silver.fx_rates",
      "silver.subscriptions", "silver.subscription_history", "silver.users", "silver.events");

  private JobContext ctx(LakehouseSettings s, boolean fullRefresh) {
    return new JobContext(spark, s, new io.profitos.lakehouse.core.table.TableCatalog(s.warehouse()),
        UUID.randomUUID().toString(), LocalDate.of(2026, 1, 2), fullRefresh, Clock.systemUTC());
  }

  /** Bronze for the six streams, then the covered silver jobs, each layer through the concurrent runner. */
  private void runAll(LakehouseSettings s, boolean fullRefresh) {
    List<LakehouseJob> bronze = List.of("stripe/customers", "product_db/workspaces", "finance/fx_rates", "stripe/subscriptions",
        "product_db/users", "segment/tracks").stream().map(stream -> (LakehouseJob) new BronzeIngestJob(s.stream(stream))).toList();
    new JobRunner(ctx(s, false)).run(bronze);
    // The other silver tables are covered end to end on generated data (app's LakehouseEndToEndIT).
    List<LakehouseJob> silver = new SilverJobProvider().jobs(s).stream().filter(j -> COVERED.contains(j.name())).toList();
    JobRunner.Outcome outcome = new JobRunner(ctx(s, fullRefresh)).run(silver);
    assertThat(outcome.finished()).hasSize(COVERED.size())
        .allSatisfy(f -> assertThat(f.result().status()).as(f.job().name()).isEqualTo(JobResult.SUCCEEDED));
  }

  private Dataset<Row> table(Path wh, String name) {
    return spark.read().format("delta").load(wh.resolve(name.replace('.', '/')).toString());
  }

  @Test
  void conformsIncrementallyAndMatchesAFullRebuild() throws IOException {
    day1();
    runAll(settings, false);
    day2();
    runAll(settings, false);

    Dataset<Row> customers = table(warehouse, "silver.customers");
    assertThat(customers.columns()).contains("customer_id", "email_hash", "default_payment_method", "is_deleted", "currency")
        .doesNotContain("email");
    List<Row> rows = customers.orderBy("customer_id").collectAsList();
    assertThat(rows).extracting(r -> r.<String>getAs("customer_id") + ":" + r.<Boolean>getAs("is_deleted"))
        .containsExactly("c1:false", "c2:true", "c4:false");
    Row c1 = rows.get(0);
    assertThat(c1.<String>getAs("email_hash")).isEqualTo(ConformTransforms.hmac(
        settings.config().getString("lakehouse.silver.pii-hash-key").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "ada.new@example.com"));
    assertThat(c1.<String>getAs("default_payment_method")).isEqualTo("[REDACTED]");
    assertThat(c1.<String>getAs("currency")).isEqualTo("EUR");
    assertThat(c1.getAs("updated_at").toString()).startsWith("2026-01-02 01:00:00");
    // Nothing lost: 8 bronze rows = 3 silver keys + 4 older or duplicate versions + 1 quarantined.
    assertThat(table(warehouse, "bronze.stripe_customers").count()).isEqualTo(8);
    List<Row> quarantined = table(warehouse, "silver._quarantine").where(col("table").equalTo("silver.customers")).collectAsList();
    assertThat(quarantined).singleElement().satisfies(q -> {
      assertThat(q.<String>getAs("key")).isEqualTo("c3");
      assertThat(q.<String>getAs("rule")).isEqualTo("future:created_at");
    });

    List<Row> ws = table(warehouse, "silver.workspaces").orderBy("workspace_id").collectAsList();
    assertThat(ws).extracting(r -> r.<String>getAs("workspace_id") + ":" + r.<String>getAs("plan") + ":" + r.getAs("seats")
        + ":" + r.<Boolean>getAs("is_deleted") + ":" + r.getList(r.fieldIndex("_flags")))
        .containsExactly("w1:business:12:false:[]", "w2:starter:3:true:[unknown_value:plan]");
    // 2025-12-31 20:00 in Los Angeles (PST) is 2026-01-01 04:00 UTC: a different month and year.
    assertThat(ws.get(0).getTimestamp(ws.get(0).fieldIndex("created_at")).toInstant().toString()).isEqualTo("2026-01-01T04:00:00Z");
    assertThat(table(warehouse, "silver._quarantine").where(col("rule").equalTo("range:seats")).count()).isEqualTo(1);

    List<Row> fx = table(warehouse, "silver.fx_rates").orderBy("date", "currency").collectAsList();
    assertThat(fx).extracting(r -> r.getAs("date") + " " + r.getString(1) + " " + r.getDecimal(2).toPlainString())
        .containsExactly("2026-01-01 EUR 1.08000000", "2026-01-01 GBP 1.26000000", "2026-01-02 EUR 1.09000000");
    assertThat(table(warehouse, "silver._quarantine").where(col("rule").equalTo("range:usd_per_unit")).count()).isEqualTo(1);

    List<Row> history = table(warehouse, "silver.subscription_history").orderBy("subscription_id", "valid_from").collectAsList();
    // s1: 5, 6 then 7 seats at 10.00 EUR, each at the EUR rate of its date (1.08, 1.08, 1.09); the late middle
    // version sits between the others. s2's second version has no GBP rate on 2026-01-02 (finance sent -1, which
    // is quarantined), so it takes the newest earlier one (1.26).
    assertThat(history).extracting(r -> r.<String>getAs("subscription_id") + ":" + r.getDecimal(r.fieldIndex("monthly_amount")).toPlainString()
            + ":" + r.getDecimal(r.fieldIndex("monthly_amount_usd")).toPlainString() + ":" + r.<Boolean>getAs("is_current"))
        .containsExactly("s1:50.000000:54.000000:false", "s1:60.000000:64.800000:false", "s1:70.000000:76.300000:true",
            "s2:20.000000:25.200000:false", "s2:30.000000:37.800000:true");
    // Finance sends no CHF rates at all: s3's version is quarantined, not priced at null.
    assertThat(table(warehouse, "silver._quarantine").where(col("rule").equalTo("fx_rate_missing:CHF")).first()
        .<String>getAs("key")).startsWith("s3|");
    assertThat(table(warehouse, "silver.subscriptions").where(col("subscription_id").equalTo("s1")).first()
        .getDecimal(table(warehouse, "silver.subscriptions").schema().fieldIndex("monthly_amount")).toPlainString()).isEqualTo("70.000000");

    Row user = table(warehouse, "silver.users").first();
    assertThat(user.<String>getAs("ip_address")).isEqualTo("198.51.100.0");
    assertThat(user.<String>getAs("email_hash")).hasSize(64);
    assertThat(List.of(table(warehouse, "silver.users").columns())).doesNotContain("email");
    // 03:30 on the spring-forward day in Los Angeles is PDT (UTC-7).
    assertThat(user.getTimestamp(user.fieldIndex("created_at")).toInstant().toString()).isEqualTo("2026-03-08T10:30:00Z");
    List<Row> events = table(warehouse, "silver.events").orderBy("event_id").collectAsList();
    // m1 was delivered twice and is one event; m3 claims to happen in 2027 and is quarantined.
    assertThat(events).extracting(r -> r.<String>getAs("event_id") + ":" + r.<Boolean>getAs("is_activity") + ":" + r.<String>getAs("ip_address"))
        .containsExactly("m1:true:198.51.100.0", "m2:false:198.51.100.0");
    assertThat(table(warehouse, "silver._quarantine").where(col("rule").equalTo("future:occurred_at")).first()
        .<String>getAs("key")).isEqualTo("m3");

    // The same landing zone rebuilt in one go with --full-refresh gives the same tables.
    LakehouseSettings full = TestSettings.settings(landing, rebuilt, CONF);
    runAll(full, true);
    for (String t : List.of("silver.customers", "silver.workspaces", "silver.fx_rates", "silver.subscriptions",
        "silver.subscription_history", "silver.users", "silver.events")) {
      Dataset<Row> incremental = table(warehouse, t).drop("_batch_id", "_source_file");
      Dataset<Row> rebuild = table(rebuilt, t).drop("_batch_id", "_source_file");
      assertThat(incremental.schema()).as(t).isEqualTo(rebuild.schema());
      assertThat(incremental.except(rebuild).count()).as(t + " incremental minus rebuild").isZero();
      assertThat(rebuild.except(incremental).count()).as(t + " rebuild minus incremental").isZero();
    }
    assertThat(table(rebuilt, "silver._quarantine").count()).isEqualTo(table(warehouse, "silver._quarantine").count());
  }

  private List<String> rows(Path wh, String table, String where) {
    return table(wh, table).where(where).drop("_batch_id", "_source_file", "_line_number", "reason").collectAsList()
        .stream().map(Row::toString).sorted().toList();
  }

  private void runSilver(Path wh, String job, JobContext.CommitListener listener) {
    LakehouseSettings s = TestSettings.settings(landing, wh, CONF);
    List<LakehouseJob> jobs = new SilverJobProvider().jobs(s).stream().filter(j -> j.name().equals(job)).toList();
    new JobRunner(ctx(s, false).withCommitListener(listener)).run(jobs);
  }

  private void bronze(Path wh) {
    LakehouseSettings s = TestSettings.settings(landing, wh, CONF);
    new JobRunner(ctx(s, false)).run(List.of(new BronzeIngestJob(s.stream("stripe/customers"))));
  }

  /**
   * silver.customers killed after each of its commits in turn (quarantine, data, run record), on
   * the first build and on an incremental run: the next run always ends with the tables of a run
   * that was never killed, and the watermark never runs ahead of the data.
   */
  @Test
  void aJobKilledAfterAnyCommitIsRedoneByTheNextRun() throws IOException {
    String job = "silver.customers";
    String own = "table = 'silver.customers'";
    day1();
    Path clean = Files.createTempDirectory(rebuilt, "clean");
    bronze(clean);
    Path afterBronze = Files.createTempDirectory(rebuilt, "bronze");
    org.apache.commons.io.FileUtils.copyDirectory(clean.toFile(), afterBronze.toFile());
    List<String> commits = Kills.commitsOf(listener -> runSilver(clean, job, listener));
    assertThat(commits).containsExactly("silver._quarantine replace_where", "silver.customers overwrite", "ops.job_runs");
    List<String> expected = rows(clean, job, "true");
    List<String> expectedQuarantine = rows(clean, "silver._quarantine", own);
    assertThat(expectedQuarantine).hasSize(1); // c3, created in the future
    Kills.afterEachCommit(commits.size(), (k, kill) -> {
      Path wh = copy(afterBronze, "killed" + k);
      runSilver(wh, job, kill);
    }, k -> {
      Path wh = rebuilt.resolve("killed" + k);
      runSilver(wh, job, JobContext.CommitListener.NONE);
      assertThat(rows(wh, job, "true")).as("after a kill at commit " + k).isEqualTo(expected);
      assertThat(rows(wh, "silver._quarantine", own)).as("quarantine after a kill at commit " + k).isEqualTo(expectedQuarantine);
    });

    // The incremental path: day two's delivery merged in, killed after each commit.
    day2();
    bronze(clean);
    org.apache.commons.io.FileUtils.deleteDirectory(afterBronze.toFile());
    org.apache.commons.io.FileUtils.copyDirectory(clean.toFile(), afterBronze.toFile());
    List<String> merges = Kills.commitsOf(listener -> runSilver(clean, job, listener));
    assertThat(merges).containsExactly("silver.customers merge", "ops.job_runs");
    List<String> expectedDayTwo = rows(clean, job, "true");
    assertThat(expectedDayTwo).isNotEqualTo(expected);
    Kills.afterEachCommit(merges.size(), (k, kill) -> runSilver(copy(afterBronze, "killed-merge" + k), job, kill), k -> {
      Path wh = rebuilt.resolve("killed-merge" + k);
      runSilver(wh, job, JobContext.CommitListener.NONE);
      assertThat(rows(wh, job, "true")).as("after a kill at merge commit " + k).isEqualTo(expectedDayTwo);
    });
  }

  private static String invoice(String id, String currency, long amountMinor, long created) {
    return invoice(id, currency, amountMinor, created, created);
  }

  private static String invoice(String id, String currency, long amountMinor, long created, long updated) {
    return airbyte("{\"id\":\"" + id + "\",\"customer\":\"c1\",\"subscription\":\"s1\",\"status\":\"paid\","
        + "\"billing_reason\":\"subscription_cycle\",\"currency\":\"" + currency + "\",\"amount_due\":" + amountMinor
        + ",\"amount_paid\":" + amountMinor + ",\"total\":" + amountMinor + ",\"created\":" + created + ",\"updated\":" + updated + "}");
  }

  private void runFxAndInvoices(LakehouseSettings s, boolean fullRefresh) {
    runSilver(s, fullRefresh, List.of("silver.fx_rates", "silver.invoices"));
  }

  private void runSilver(LakehouseSettings s, boolean fullRefresh, List<String> tables) {
    new JobRunner(ctx(s, false)).run(List.of(new BronzeIngestJob(s.stream("finance/fx_rates")),
        new BronzeIngestJob(s.stream("stripe/invoices"))));
    List<LakehouseJob> silver = new SilverJobProvider().jobs(s).stream().filter(j -> tables.contains(j.name())).toList();
    JobRunner.Outcome outcome = new JobRunner(ctx(s, fullRefresh)).run(silver);
    assertThat(outcome.finished()).hasSize(tables.size())
        .allSatisfy(f -> assertThat(f.result().status()).isEqualTo(JobResult.SUCCEEDED));
  }

  private List<String> invoicesUsd(Path wh) {
    return table(wh, "silver.invoices").orderBy("invoice_id").collectAsList().stream()
        .map(r -> r.<String>getAs("invoice_id") + ":" + r.getAs("fx_rate_date") + ":" + r.getDecimal(r.fieldIndex("total_usd")).toPlainString())
        .toList();
  }

  /**
   * An invoice converted at an older rate (its day's rate had not arrived) is restated when that
   * rate arrives, even with no new invoice; a run where no rate changed leaves every row as it is;
   * the incremental table equals a full rebuild.
   */
  @Test
  void usdAmountsAreRestatedWhenTheirDaysRateArrives() throws IOException {
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-01,GBP,1.26\n");
    write("stripe/invoices/extract_date=2026-01-01/a.jsonl",
        invoice("i0", "eur", 10000, JAN_1 + 3600)              // 1 January: its own day's rate
            + invoice("i1", "eur", 10000, JAN_1 + 86400 + 3600) // 2 January: no rate yet, 1 January's
            + invoice("i2", "gbp", 10000, JAN_1 + 86400 + 7200)); // 2 January in GBP: no newer GBP rate comes
    runFxAndInvoices(settings, false);
    assertThat(invoicesUsd(warehouse)).containsExactly("i0:2026-01-01:108.000000", "i1:2026-01-01:108.000000",
        "i2:2026-01-01:126.000000");

    write("finance/fx_rates/extract_date=2026-01-02/fx.csv",
        "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-01,GBP,1.26\n2026-01-02,EUR,1.10\n");
    runFxAndInvoices(settings, false);
    List<String> restated = List.of("i0:2026-01-01:108.000000", "i1:2026-01-02:110.000000", "i2:2026-01-01:126.000000");
    assertThat(invoicesUsd(warehouse)).containsExactlyElementsOf(restated);

    runFxAndInvoices(settings, false); // nothing new anywhere
    assertThat(invoicesUsd(warehouse)).containsExactlyElementsOf(restated);
    LakehouseSettings full = TestSettings.settings(landing, rebuilt, CONF);
    runFxAndInvoices(full, true);
    assertThat(invoicesUsd(rebuilt)).containsExactlyElementsOf(restated);
  }

  /**
   * New versions and the stored rows a newly published rate restates are one merge: a new version is
   * converted at the new rate, a late older version changes nothing but its stored row is restated,
   * and a new row lands; the result equals a full rebuild.
   */
  @Test
  void theDaysRowsAndTheRowsARateRestatesAreOneMerge() throws IOException {
    long jan2 = JAN_1 + 86400 + 3600;
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n");
    write("stripe/invoices/extract_date=2026-01-01/a.jsonl",
        invoice("i1", "eur", 10000, jan2, jan2 + 10) + invoice("i2", "eur", 10000, jan2, jan2 + 10));
    runFxAndInvoices(settings, false);
    assertThat(invoicesUsd(warehouse)).containsExactly("i1:2026-01-01:108.000000", "i2:2026-01-01:108.000000");

    write("finance/fx_rates/extract_date=2026-01-02/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n2026-01-02,EUR,1.10\n");
    write("stripe/invoices/extract_date=2026-01-02/a.jsonl",
        invoice("i1", "eur", 5000, jan2, jan2 + 5)          // a late, older version of i1: its stored row stays, restated
            + invoice("i2", "eur", 20000, jan2, jan2 + 20)   // a newer version of i2, at the new rate
            + invoice("i3", "eur", 10000, jan2, jan2 + 30)); // new
    runSilver(settings, false, List.of("silver.fx_rates"));
    List<String> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
    runSilver(warehouse, "silver.invoices", (job, what) -> commits.add(what));
    assertThat(commits).as("one data commit: no second pass for the restatement")
        .containsExactly("silver.invoices merge", "ops.job_runs");
    List<String> expected = List.of("i1:2026-01-02:110.000000", "i2:2026-01-02:220.000000", "i3:2026-01-02:110.000000");
    assertThat(invoicesUsd(warehouse)).containsExactlyElementsOf(expected);
    assertThat(table(warehouse, "silver.invoices").where("invoice_id = 'i1'").first().getDecimal(
        table(warehouse, "silver.invoices").schema().fieldIndex("total")).toPlainString()).as("i1 keeps its stored version").isEqualTo("100.000000");

    runFxAndInvoices(TestSettings.settings(landing, rebuilt, CONF), true);
    assertThat(invoicesUsd(rebuilt)).containsExactlyElementsOf(expected);
  }

  @Test
  void usdAmountsAreRestatedWhenTheFxVersionLastSeenWasVacuumed() throws IOException {
    write("finance/fx_rates/extract_date=2026-01-01/fx.csv", "date,currency,usd_per_unit\n2026-01-01,EUR,1.08\n");
    write("stripe/invoices/extract_date=2026-01-01/a.jsonl", invoice("i1", "eur", 10000, JAN_1 + 86400 + 3600));
    runFxAndInvoices(settings, false);
    assertThat(invoicesUsd(warehouse)).containsExactly("i1:2026-01-01:108.000000");
    String fxPath = warehouse.resolve("silver/fx_rates").toString();
    long seen = DeltaTable.forPath(spark, fxPath).history(1).first().<Long>getAs("version");

    // finance corrects 1 January and publishes 2 January; maintenance then vacuums every file
    // the version the invoices last saw needs, before the invoices job runs again
    write("finance/fx_rates/extract_date=2026-01-02/fx.csv",
        "date,currency,usd_per_unit\n2026-01-01,EUR,1.09\n2026-01-02,EUR,1.10\n");
    runSilver(settings, false, List.of("silver.fx_rates"));
    new io.profitos.lakehouse.core.table.TableMaintenance(spark, java.time.Duration.ZERO, Integer.MAX_VALUE).maintain(fxPath);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> spark.read().format("delta").option("versionAsOf", seen).load(fxPath).collectAsList())
        .as("the seen version's files are gone").isInstanceOf(Exception.class);

    runSilver(settings, false, List.of("silver.invoices"));
    assertThat(invoicesUsd(warehouse)).containsExactly("i1:2026-01-02:110.000000");
  }

  private Path copy(Path from, String name) {
    Path to = rebuilt.resolve(name);
    try {
      org.apache.commons.io.FileUtils.copyDirectory(from.toFile(), to.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return to;
  }
}
