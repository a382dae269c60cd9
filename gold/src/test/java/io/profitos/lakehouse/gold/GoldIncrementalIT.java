package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.Kills;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A partial rebuild of gold.fact_mrr_monthly always equals a full refresh, whatever changed: the
 * segments configuration, an FX rate months back, or the workspace versions the keys come from.
 * And the job, killed after any of its commits, is redone by the next run.
 *
 * <p>Hand-built silver tables, December 2025 to the run date 15 June 2026: w1 USD 1,200 a month
 * (Mid-Market), w2 EUR 300 (SMB at about 1.1), w3 USD 150 from February, 2,000 from April.
 */
class GoldIncrementalIT {
  private static final SparkSession spark = SparkTestSession.get();
  private static final LocalDate RUN = LocalDate.of(2026, 6, 15);
  private static final StructType ITEM = new StructType().add("price_id", "string").add("product_id", "string")
      .add("unit_amount", DataTypes.createDecimalType(18, 6)).add("currency", "string").add("interval", "string")
      .add("interval_count", "int").add("quantity", "long");
  private static final StructType HISTORY = new StructType()
      .add("subscription_id", "string").add("workspace_id", "string").add("customer_id", "string").add("status", "string")
      .add("trial_end_at", "timestamp").add("ended_at", "timestamp").add("currency", "string")
      .add("items", DataTypes.createArrayType(ITEM)).add("discount_percent_off", "double")
      .add("discount_amount_off", DataTypes.createDecimalType(18, 6)).add("discount_duration", "string")
      .add("discount_start_at", "timestamp").add("discount_end_at", "timestamp").add("is_deleted", "boolean")
      .add("valid_from", "timestamp").add("valid_to", "timestamp");
  private static final StructType WORKSPACE_HISTORY = StructType.fromDDL(
      "workspace_id string, plan string, seats int, status string, valid_from timestamp, valid_to timestamp, is_current boolean, "
          + "is_deleted boolean");

  private static Timestamp ts(String iso) {
    return iso == null ? null : Timestamp.from(java.time.Instant.parse(iso));
  }

  private static Row subscription(String id, String ws, String currency, double amount, String from, String to) {
    Row item = RowFactory.create("p", "prod", BigDecimal.valueOf(amount).setScale(6), currency, "month", 1, 1L);
    return RowFactory.create(id, ws, "c_" + ws, "active", null, null, currency, scala.collection.JavaConverters
        .asScalaBuffer(List.of(item)).toSeq(), null, null, null, null, null, false, ts(from), ts(to));
  }

  private static Row version(String ws, String plan, int seats, String from, String to) {
    return RowFactory.create(ws, plan, seats, "active", ts(from), ts(to), to == null, false);
  }

  private LakehouseSettings settings(Path warehouse, Map<String, String> conf) {
    Map<String, String> all = new HashMap<>(conf);
    all.put("lakehouse.landing", warehouse.resolveSibling("landing").toString());
    all.put("lakehouse.warehouse", warehouse.toString());
    return LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", all), Path.of(".."));
  }

  /** Writes a silver table; like silver's own, it records its change data feed. */
  private void write(TableCatalog catalog, String table, List<Row> rows, StructType schema) {
    spark.createDataFrame(rows, schema).write().format("delta").mode(SaveMode.Overwrite).option("overwriteSchema", "true")
        .option("delta.enableChangeDataFeed", "true").save(catalog.location(table));
  }

  private List<Row> fx(double januaryRate) {
    StructType schema = StructType.fromDDL("date date, currency string, usd_per_unit decimal(18,8), is_deleted boolean");
    List<Row> rows = new ArrayList<>();
    Object[][] eur = {{"2025-11-28", 1.05}, {"2025-12-31", 1.08}, {"2026-01-30", januaryRate}, {"2026-02-27", 1.12},
        {"2026-03-31", 1.11}, {"2026-04-30", 1.10}, {"2026-05-29", 1.10}, {"2026-06-12", 1.10}};
    for (Object[] r : eur) {
      rows.add(RowFactory.create(Date.valueOf((String) r[0]), "EUR", BigDecimal.valueOf((Double) r[1]).setScale(8), false));
    }
    return rows;
  }

  private void silver(TableCatalog c) {
    write(c, "silver.subscription_history", List.of(
        subscription("s1", "w1", "USD", 1200, "2025-12-01T00:00:00Z", null),
        subscription("s2", "w2", "EUR", 300, "2025-12-01T00:00:00Z", null),
        subscription("s3", "w3", "USD", 150, "2026-02-03T00:00:00Z", "2026-04-02T00:00:00Z"),
        subscription("s3", "w3", "USD", 2000, "2026-04-02T00:00:00Z", null)), HISTORY);
    write(c, "silver.fx_rates", fx(1.10), StructType.fromDDL("date date, currency string, usd_per_unit decimal(18,8), is_deleted boolean"));
    write(c, "silver.workspace_history", List.of(version("w1", "business", 10, "2025-11-20T00:00:00Z", null),
        version("w2", "team", 3, "2025-11-21T00:00:00Z", null), version("w3", "team", 2, "2026-02-01T00:00:00Z", null)),
        WORKSPACE_HISTORY);
    write(c, "silver.workspaces", List.of(
        RowFactory.create("w1", "One", "us", ts("2025-11-20T00:00:00Z")), RowFactory.create("w2", "Two", "eu", ts("2025-11-21T00:00:00Z")),
        RowFactory.create("w3", "Three", "us", ts("2026-02-01T00:00:00Z"))),
        StructType.fromDDL("workspace_id string, name string, region string, created_at timestamp"));
  }

  /** w3's upgrade restated from 2 April to 20 March. */
  private void upgradeMovedToMarch20(TableCatalog c) {
    write(c, "silver.subscription_history", List.of(
        subscription("s1", "w1", "USD", 1200, "2025-12-01T00:00:00Z", null),
        subscription("s2", "w2", "EUR", 300, "2025-12-01T00:00:00Z", null),
        subscription("s3", "w3", "USD", 150, "2026-02-03T00:00:00Z", "2026-03-20T00:00:00Z"),
        subscription("s3", "w3", "USD", 2000, "2026-03-20T00:00:00Z", null)), HISTORY);
  }

  /** A warehouse at {@code dir} with the default settings and the silver tables above written. */
  private record Seeded(Path dir, LakehouseSettings settings, TableCatalog catalog) {}

  private Seeded seeded(Path dir) {
    LakehouseSettings s = settings(dir, Map.of());
    TableCatalog c = new TableCatalog(s.warehouse());
    silver(c);
    return new Seeded(dir, s, c);
  }

  private JobRunner.Outcome run(LakehouseSettings s, boolean fullRefresh, JobContext.CommitListener listener, String... jobs) {
    List<String> names = List.of(jobs);
    List<LakehouseJob> selected = new GoldJobProvider().jobs(s).stream().filter(j -> names.contains(j.name())).toList();
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(), RUN, fullRefresh,
        Clock.systemUTC()).withCommitListener(listener);
    JobRunner.Outcome outcome = new JobRunner(ctx).run(selected);
    assertThat(outcome.exitCode()).as(outcome.firstError()).isZero();
    return outcome;
  }

  private JobRunner.Outcome run(LakehouseSettings s, boolean fullRefresh, String... jobs) {
    return run(s, fullRefresh, JobContext.CommitListener.NONE, jobs);
  }

  private static final String[] MRR = {"gold.dim_date", "gold.dim_workspace", "gold.fact_mrr_monthly"};

  private long version(TableCatalog c, String table) {
    return DeltaTable.forPath(spark, c.location(table)).history(1).first().getLong(0);
  }

  private Dataset<Row> at(TableCatalog c, String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(c.location(table));
  }

  /** What an incremental run wrote (the table's version after it) and the run's message. */
  private record Incremental(Dataset<Row> rows, String message) {}

  /**
   * Runs {@code jobs} incrementally, then {@code table}'s job with --full-refresh: the two versions
   * of {@code table} hold the same rows.
   */
  private Incremental incrementalEqualsFull(LakehouseSettings s, TableCatalog c, String table, String... jobs) {
    return incrementalEqualsFull(s, c, List.of(table), jobs).get(0);
  }

  /** Map columns as sorted arrays of their entries: set operations cannot compare maps. */
  private static Dataset<Row> comparable(Dataset<Row> rows) {
    Dataset<Row> out = rows;
    for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        out = out.withColumn(f.name(), org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.map_entries(col(f.name()))));
      }
    }
    return out;
  }

  /** {@link #incrementalEqualsFull(LakehouseSettings, TableCatalog, String, String...)} for several tables, refreshed together. */
  private List<Incremental> incrementalEqualsFull(LakehouseSettings s, TableCatalog c, List<String> tables, String... jobs) {
    JobRunner.Outcome run = run(s, false, jobs);
    Map<String, Long> incremental = new HashMap<>();
    tables.forEach(t -> incremental.put(t, version(c, t)));
    run(s, true, tables.toArray(String[]::new));
    List<Incremental> out = new ArrayList<>();
    for (String table : tables) {
      String message = run.finished().stream().filter(f -> f.job().name().equals(table)).findFirst().orElseThrow().result().message();
      Dataset<Row> a = comparable(at(c, table, incremental.get(table)));
      Dataset<Row> b = comparable(at(c, table, version(c, table)));
      assertThat(a.exceptAll(b).count()).as(table + ": incremental rows missing from the full refresh").isZero();
      assertThat(b.exceptAll(a).count()).as(table + ": full-refresh rows missing from the incremental run").isZero();
      out.add(new Incremental(a, message));
    }
    return out;
  }

  private Dataset<Row> incrementalEqualsFull(LakehouseSettings s, TableCatalog c) {
    return incrementalEqualsFull(s, c, "gold.fact_mrr_monthly", MRR).rows();
  }

  private static Map<String, Row> byWorkspaceMonth(Dataset<Row> fact) {
    Map<String, Row> m = new HashMap<>();
    fact.collectAsList().forEach(r -> m.put(r.getString(r.fieldIndex("workspace_id")) + "@" + r.getDate(r.fieldIndex("month")), r));
    return m;
  }

  @Test
  void aPartialRebuildEqualsAFullRefreshWhateverChanged() throws Exception {
    Seeded w = seeded(Files.createTempDirectory("gold-incremental").resolve("warehouse"));
    LakehouseSettings s = w.settings();
    TableCatalog c = w.catalog();
    run(s, false, MRR);
    Map<String, Row> before = byWorkspaceMonth(spark.read().format("delta").load(c.location("gold.fact_mrr_monthly")));
    assertThat(before.get("w1@2026-01-01").<String>getAs("segment")).isEqualTo("Mid-Market");
    // gold.dim_date follows the data: the history starts in 2025, before any configured first day.
    assertThat(spark.read().format("delta").load(c.location("gold.dim_date")).agg(org.apache.spark.sql.functions.min("date"))
        .first().getDate(0)).isEqualTo(Date.valueOf("2025-01-01"));

    // The shipped suite checks the movement identity across rows: a planted broken previous_mrr_usd fails it.
    io.profitos.lakehouse.quality.ExpectationSuite suite = io.profitos.lakehouse.quality.SuiteCatalog.from(s.config())
        .forTable(GoldTables.FACT_MRR_MONTHLY);
    Dataset<Row> published = spark.read().format("delta").load(c.location("gold.fact_mrr_monthly"));
    Dataset<Row> broken = published.withColumn("previous_mrr_usd", org.apache.spark.sql.functions.when(col("workspace_id").equalTo("w1")
        .and(col("month").equalTo(Date.valueOf("2026-03-01"))), org.apache.spark.sql.functions.lit(new BigDecimal("999.000000")))
        .otherwise(col("previous_mrr_usd")));
    io.profitos.lakehouse.quality.SuiteValidator.Context vctx = new io.profitos.lakehouse.quality.SuiteValidator.Context(spark, c, RUN, null);
    assertThat(io.profitos.lakehouse.quality.SuiteValidator.validate(published, suite, vctx)).allSatisfy(r ->
        assertThat(r.blocks()).as(r.expectation().name() + ": " + r.message()).isFalse());
    var blocking = io.profitos.lakehouse.quality.SuiteValidator.validate(broken, suite, vctx).stream()
        .filter(io.profitos.lakehouse.quality.ValidationResult.ExpectationResult::blocks).toList();
    assertThat(blocking).singleElement().satisfies(r -> {
      assertThat(r.expectation().name()).isEqualTo("previous_mrr_is_last_months_mrr");
      assertThat(r.result().get("unexpected_count")).isEqualTo(1L);
    });

    // 1. New segment boundaries: every month's segment changes, not only the last two.
    LakehouseSettings resegmented = settings(w.dir(), Map.of("lakehouse.gold.segments.Mid-Market", "1500"));
    Map<String, Row> segmented = byWorkspaceMonth(incrementalEqualsFull(resegmented, c));
    assertThat(segmented.get("w1@2026-01-01").<String>getAs("segment")).isEqualTo("SMB");

    // 2. Finance restates January's EUR rate in June: January's MRR changes, five months back.
    write(c, "silver.fx_rates", fx(1.30), StructType.fromDDL("date date, currency string, usd_per_unit decimal(18,8), is_deleted boolean"));
    Map<String, Row> restated = byWorkspaceMonth(incrementalEqualsFull(resegmented, c));
    assertThat(restated.get("w2@2026-01-01").getDecimal(restated.get("w2@2026-01-01").fieldIndex("mrr_usd")))
        .isEqualByComparingTo("390"); // 300 x 1.30
    assertThat(before.get("w2@2026-01-01").getDecimal(before.get("w2@2026-01-01").fieldIndex("mrr_usd"))).isEqualByComparingTo("330");

    // 3. A late workspace version (w1's seats from 10 February): dim_workspace re-keys February onwards.
    write(c, "silver.workspace_history", List.of(version("w1", "business", 10, "2025-11-20T00:00:00Z", "2026-02-10T00:00:00Z"),
        version("w1", "business", 25, "2026-02-10T00:00:00Z", null), version("w2", "team", 3, "2025-11-21T00:00:00Z", null),
        version("w3", "team", 2, "2026-02-01T00:00:00Z", null)), WORKSPACE_HISTORY);
    Map<String, Row> rekeyed = byWorkspaceMonth(incrementalEqualsFull(resegmented, c));
    assertThat(rekeyed.get("w1@2026-02-01").<Long>getAs("workspace_key"))
        .isNotEqualTo(before.get("w1@2026-02-01").<Long>getAs("workspace_key"));
    assertThat(rekeyed.get("w1@2026-01-01").<Long>getAs("workspace_key")).isEqualTo(before.get("w1@2026-01-01").<Long>getAs("workspace_key"));
  }

  private static final String WEEKLY = "gold.kpi_saas_weekly";

  private String weeklyIncrementalEqualsFull(LakehouseSettings s, TableCatalog c) {
    return incrementalEqualsFull(s, c, WEEKLY, WEEKLY).message();
  }

  @Test
  void theWeeklyKpisRebuildOnlyTheWeeksAChangeReachesAndEqualAFullRefresh() throws Exception {
    Seeded w = seeded(Files.createTempDirectory("gold-weekly").resolve("warehouse"));
    LakehouseSettings s = w.settings();
    TableCatalog c = w.catalog();
    run(s, false, WEEKLY);
    // 1 December 2025 (a Monday) to the week of 15 June 2026: 29 weeks, each with All and at least one segment.
    assertThat(spark.read().format("delta").load(c.location(WEEKLY)).where(col("segment").equalTo("All")).count()).isEqualTo(29);

    // w3's upgrade moves from 2 April to 20 March: the first change is on 20 March, so the weeks from the
    // Monday of 1 March's week (23 February) are rebuilt, the twelve before it are kept.
    upgradeMovedToMarch20(c);
    assertThat(weeklyIncrementalEqualsFull(s, c)).endsWith(" from 2026-02-23");

    // A June rate only: the weeks from the Monday of May's first day's week (27 April) are rebuilt.
    List<Row> june = new ArrayList<>(fx(1.10));
    june.add(RowFactory.create(Date.valueOf("2026-06-13"), "EUR", new BigDecimal("1.20000000"), false));
    StructType fxSchema = StructType.fromDDL("date date, currency string, usd_per_unit decimal(18,8), is_deleted boolean");
    write(c, "silver.fx_rates", june, fxSchema);
    assertThat(weeklyIncrementalEqualsFull(s, c)).endsWith(" from 2026-04-27");

    // Maintenance vacuums every file of the rates version the table last saw: the change cannot be
    // bounded, so the table is rebuilt whole (the run does not fail).
    long seen = version(c, "silver.fx_rates");
    write(c, "silver.fx_rates", fx(1.30), fxSchema);
    new io.profitos.lakehouse.core.table.TableMaintenance(spark, java.time.Duration.ZERO, Integer.MAX_VALUE)
        .maintain(c.location("silver.fx_rates"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> at(c, "silver.fx_rates", seen).collectAsList())
        .as("the seen version's files are gone").isInstanceOf(Exception.class);
    assertThat(weeklyIncrementalEqualsFull(s, c)).doesNotContain(" from ");
  }

  @Test
  void anInputThatRecordsItsChangeFeedIsComparedThroughItAndOneThatDoesNotWhole() throws Exception {
    Seeded w = seeded(Files.createTempDirectory("gold-changes").resolve("warehouse"));
    TableCatalog c = w.catalog();
    run(w.settings(), false, MRR);
    long seen = version(c, "silver.subscription_history");
    // s2 falls unpaid on 1 March: its open version ends there, a new one begins.
    DeltaTable history = DeltaTable.forPath(spark, c.location("silver.subscription_history"));
    history.update(col("subscription_id").equalTo("s2"), Map.of("valid_to", org.apache.spark.sql.functions.lit(ts("2026-03-01T00:00:00Z"))));
    Row unpaid = RowFactory.create("s2", "w2", "c_w2", "unpaid", null, null, "EUR", scala.collection.JavaConverters.asScalaBuffer(
        List.of(RowFactory.create("p", "prod", BigDecimal.valueOf(300).setScale(6), "EUR", "month", 1, 1L))).toSeq(),
        null, null, null, null, null, false, ts("2026-03-01T00:00:00Z"), null);
    spark.createDataFrame(List.of(unpaid), HISTORY).write().format("delta").mode(SaveMode.Append).save(c.location("silver.subscription_history"));
    JobContext ctx = new JobContext(spark, w.settings(), c, UUID.randomUUID().toString(), RUN, false, Clock.systemUTC());

    // Two commits since: the feed holds s2's old open version (before) and its two successors (after), nothing else.
    Changes.Sides changed = Changes.sides(ctx, GoldTables.SUBSCRIPTION_HISTORY, seen);
    assertThat(changed.before().collectAsList()).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("subscription_id")).isEqualTo("s2");
      assertThat(r.<Timestamp>getAs("valid_to")).isNull();
    });
    assertThat(changed.after().select("status").as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("active", "unpaid");
    // The old version's content is unchanged, only its end moved: the change reaches from 1 March.
    assertThat(Changes.firstChangedDay(changed.before(), changed.after(), List.of("subscription_id"), "valid_from", "valid_to",
        GoldJobs.FactMrrMonthly.MRR_COLUMNS)).isEqualTo(LocalDate.of(2026, 3, 1));

    // gold.dim_workspace records no feed: both versions whole (three workspaces and the unknown member).
    long dim = version(c, "gold.dim_workspace");
    Changes.Sides whole = Changes.sides(ctx, GoldTables.DIM_WORKSPACE, dim);
    assertThat(whole.before().count()).isEqualTo(4);
    assertThat(whole.after().count()).isEqualTo(4);

    // And the fact, rebuilt from March on, equals a full refresh (w2 pays nothing from March).
    Incremental rebuilt = incrementalEqualsFull(w.settings(), c, "gold.fact_mrr_monthly", MRR);
    assertThat(rebuilt.message()).endsWith(" from 2026-03-01");
    assertThat(byWorkspaceMonth(rebuilt.rows()).get("w2@2026-03-01").<String>getAs("movement_type")).isEqualTo("churn");
  }

  private static final StructType EVENTS = StructType.fromDDL(
      "event_id string, event_date date, workspace_id string, user_id string, feature string, is_activity boolean, is_deleted boolean, "
      + "event string, occurred_at timestamp");
  private static final String ACTIVITY = "gold.fact_workspace_activity_daily";
  private static final String PRODUCT = "gold.kpi_product_daily";
  private static final String USER_EVENTS = "gold.fact_user_event_daily";
  private static final String[] PRODUCT_JOBS = {"gold.dim_date", "gold.dim_workspace", ACTIVITY, PRODUCT, USER_EVENTS};

  private static Row event(String id, LocalDate day, String ws, String user, String feature, boolean activity) {
    return RowFactory.create(id, Date.valueOf(day), ws, user, feature, activity, false, feature + " used",
        java.sql.Timestamp.valueOf(day.atTime(10, id.length())));
  }

  /** Activity from 5 January to 14 June: w1's two users on alternate features every third day, w2's user every fifth, heartbeats. */
  private static List<Row> events() {
    List<Row> rows = new ArrayList<>();
    int n = 0;
    for (LocalDate d = LocalDate.of(2026, 1, 5); !d.isAfter(LocalDate.of(2026, 6, 14)); d = d.plusDays(1), n++) {
      if (n % 3 == 0) {
        rows.add(event("e" + n + "a", d, "w1", "u1", n % 2 == 0 ? "reports" : "dashboards", true));
      }
      if (n % 5 == 0) {
        rows.add(event("e" + n + "b", d, "w2", "u3", "exports", true));
        rows.add(event("e" + n + "c", d, "w2", "u3", "heartbeat", false));
      }
      if (n % 7 == 0) {
        rows.add(event("e" + n + "d", d, "w1", "u2", "alerts", true));
      }
    }
    return rows;
  }

  @Test
  void theDailyProductTablesRebuildOnlyTheDaysAChangedEventOrWorkspaceVersionReachesAndEqualAFullRefresh() throws Exception {
    Seeded w = seeded(Files.createTempDirectory("gold-product").resolve("warehouse"));
    LakehouseSettings s = w.settings();
    TableCatalog c = w.catalog();
    write(c, "silver.events", events(), EVENTS);
    run(s, false, PRODUCT_JOBS);
    assertThat(spark.read().format("delta").load(c.location(PRODUCT)).count()).isPositive();

    // Late events of 10 March arrive (appended, as silver's merge inserts them): the activity days from
    // 10 March are rebuilt, the product KPIs from March (its MAU); the days before are kept.
    spark.createDataFrame(List.of(event("late1", LocalDate.of(2026, 3, 10), "w2", "u9", "alerts", true),
        event("late2", LocalDate.of(2026, 3, 10), "w1", "u1", "exports", true)), EVENTS)
        .write().format("delta").mode(SaveMode.Append).save(c.location("silver.events"));
    List<Incremental> late = incrementalEqualsFull(s, c, List.of(ACTIVITY, PRODUCT, USER_EVENTS), PRODUCT_JOBS);
    assertThat(late.get(0).message()).endsWith(" from 2026-03-10");
    assertThat(late.get(1).message()).endsWith(" from 2026-03-01");
    // The users' events of each day: those of 10 March on are rebuilt, w2's new user among them.
    assertThat(late.get(2).message()).endsWith(" from 2026-03-10");
    assertThat(late.get(2).rows().where(col("user_id").equalTo("u9")).count()).isEqualTo(1);

    // New events of the run date only: that day (the previous run's), and its month for the product KPIs.
    spark.createDataFrame(List.of(event("new1", LocalDate.of(2026, 6, 15), "w1", "u2", "reports", true)), EVENTS)
        .write().format("delta").mode(SaveMode.Append).save(c.location("silver.events"));
    List<Incremental> fresh = incrementalEqualsFull(s, c, List.of(ACTIVITY, PRODUCT, USER_EVENTS), PRODUCT_JOBS);
    assertThat(fresh.get(0).message()).endsWith(" from 2026-06-15");
    assertThat(fresh.get(1).message()).endsWith(" from 2026-06-01");
    assertThat(fresh.get(2).message()).endsWith(" from 2026-06-15");
    assertThat(fresh.get(0).rows().where(col("activity_date").equalTo(Date.valueOf("2026-06-15"))).count()).isEqualTo(1);

    // A late workspace version (w1's seats from 10 February) re-keys w1's days from then on; the product
    // KPIs do not use the key, so only the previous run's month is rebuilt there.
    write(c, "silver.workspace_history", List.of(version("w1", "business", 10, "2025-11-20T00:00:00Z", "2026-02-10T00:00:00Z"),
        version("w1", "business", 25, "2026-02-10T00:00:00Z", null), version("w2", "team", 3, "2025-11-21T00:00:00Z", null),
        version("w3", "team", 2, "2026-02-01T00:00:00Z", null)), WORKSPACE_HISTORY);
    List<Incremental> rekeyed = incrementalEqualsFull(s, c, List.of(ACTIVITY, PRODUCT), PRODUCT_JOBS);
    assertThat(rekeyed.get(0).message()).endsWith(" from 2026-02-10");
    assertThat(rekeyed.get(0).rows().where(col("workspace_id").equalTo("w1").and(col("activity_date").geq(Date.valueOf("2026-02-10"))))
        .select("seats").distinct().as(org.apache.spark.sql.Encoders.INT()).collectAsList()).containsExactly(25);
    assertThat(rekeyed.get(1).message()).endsWith(" from 2026-06-01");
  }

  @Test
  void aGoldJobKilledAfterAnyCommitIsRedoneByTheNextRun() throws Exception {
    Path root = Files.createTempDirectory("gold-crash");
    Path base = root.resolve("base");
    Seeded w = seeded(base);
    LakehouseSettings s = w.settings();
    TableCatalog c = w.catalog();
    run(s, false, MRR);
    // A restated March for w3 (its upgrade moved to 20 March) waits for the next run.
    upgradeMovedToMarch20(c);
    Path cleanDir = root.resolve("clean");
    copy(base, cleanDir);
    LakehouseSettings clean = settings(cleanDir, Map.of());
    List<String> commits = Kills.commitsOf(listener -> run(clean, false, listener, "gold.fact_mrr_monthly"));
    assertThat(commits).containsExactly("gold.fact_mrr_monthly replace_where", "quality.check_results", "ops.job_runs");
    Dataset<Row> expected = spark.read().format("delta").load(new TableCatalog(clean.warehouse()).location("gold.fact_mrr_monthly"));
    assertThat(expected.where(col("workspace_id").equalTo("w3").and(col("month").equalTo(Date.valueOf("2026-03-01"))))
        .first().<BigDecimal>getAs("mrr_usd")).isEqualByComparingTo("2000");
    Kills.afterEachCommit(commits.size(), (k, kill) -> {
      Path dir = root.resolve("killed" + k);
      copy(base, dir);
      run(settings(dir, Map.of()), false, kill, "gold.fact_mrr_monthly");
    }, k -> {
      LakehouseSettings killed = settings(root.resolve("killed" + k), Map.of());
      run(killed, false, "gold.fact_mrr_monthly");
      Dataset<Row> after = spark.read().format("delta").load(new TableCatalog(killed.warehouse()).location("gold.fact_mrr_monthly"));
      assertThat(after.exceptAll(expected).count()).as("after a kill at commit " + k).isZero();
      assertThat(expected.exceptAll(after).count()).as("after a kill at commit " + k).isZero();
    });
  }

  private static void copy(Path from, Path to) {
    try {
      org.apache.commons.io.FileUtils.copyDirectory(from.toFile(), to.toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
