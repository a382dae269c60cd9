package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.config.StreamSpec;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A generated landing zone (scale 0.01) arriving in two deliveries: every extract up to
 * 2026-11-19, then the extracts of 2026-11-20. Each delivery runs bronze and silver with the
 * delivery's run date, so silver's second run is the incremental path. Bronze is checked against
 * the generator's manifest per stream, silver against the manifest's planted defects (no good
 * record lost), re-runs change nothing, and a full refresh gives the same silver tables.
 * The warehouse is the test run's shared {@link GeneratedWarehouse}; the test that writes works
 * on a copy of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakehouseEndToEndIT {
  private static final LocalDate DAY_ONE = GeneratedWarehouse.DAY_ONE;
  private static final LocalDate DAY_TWO = GeneratedWarehouse.DAY_TWO;
  private static final String GOLD_RUN = GeneratedWarehouse.GOLD_RUN;

  private final SparkSession spark = SparkTestSession.get();
  private LakehouseSettings settings;
  private TableCatalog catalog;
  private JobRegistry registry;
  private DemoManifest manifest;
  private JobRunner.Outcome bronzeDayOne;
  private DemoManifest dayOneManifest;

  @BeforeAll
  void deliverTwoDays() {
    GeneratedWarehouse w = GeneratedWarehouse.shared();
    settings = w.settings;
    catalog = w.catalog;
    registry = w.registry;
    manifest = w.manifest;
    dayOneManifest = w.dayOneManifest;
    bronzeDayOne = w.bronzeDayOne;
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(catalog.location(name));
  }

  @Test
  @Order(1)
  void bronzeMatchesTheManifest() {
    assertThat(bronzeDayOne.finished()).hasSize(20);
    boolean anyRejected = false;
    for (StreamSpec stream : settings.streams()) {
      DemoManifest.StreamStats first = dayOneManifest.stream(stream.id());
      double rate = (double) first.quarantineRows() / Math.max(1, first.quarantineRows() + first.bronzeRows());
      anyRejected |= rate > 0.05;
    }
    assertThat(bronzeDayOne.exitCode()).isEqualTo(anyRejected ? 4 : 0);

    Map<String, Long> quarantinedByStream = new HashMap<>();
    table("bronze._quarantine").groupBy("source", "stream").count().collectAsList()
        .forEach(r -> quarantinedByStream.put(r.getString(0) + "/" + r.getString(1), r.getLong(2)));
    Dataset<Row> ledger = table("ops.ingested_files");
    for (StreamSpec stream : settings.streams()) {
      DemoManifest.StreamStats expected = manifest.stream(stream.id());
      assertThat(expected).as("manifest has " + stream.id()).isNotNull();
      long rows = catalog.exists(spark, TableName.of("bronze", stream.bronzeTable()))
          ? table("bronze." + stream.bronzeTable()).count() : 0;
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
    }
  }

  /** Silver rows of each entity table = distinct keys among the bronze rows no rule rejected: no good record lost. */
  @Test
  @Order(2)
  void silverKeepsEveryGoodRecordOnce() {
    Map<String, String[]> entities = new TreeMap<>(Map.ofEntries(
        Map.entry("customers", new String[] {"bronze.stripe_customers", "id"}),
        Map.entry("subscriptions", new String[] {"bronze.stripe_subscriptions", "id"}),
        Map.entry("invoices", new String[] {"bronze.stripe_invoices", "id"}),
        Map.entry("prices", new String[] {"bronze.stripe_prices", "id"}),
        Map.entry("workspaces", new String[] {"bronze.product_db_workspaces", "workspace_id"}),
        Map.entry("users", new String[] {"bronze.product_db_users", "user_id"}),
        Map.entry("events", new String[] {"bronze.segment_tracks", "messageId"}),
        Map.entry("accounts", new String[] {"bronze.salesforce_account", "Id"}),
        Map.entry("leads", new String[] {"bronze.salesforce_lead", "Id"}),
        Map.entry("opportunities", new String[] {"bronze.salesforce_opportunity", "Id"}),
        Map.entry("opportunity_stage_history", new String[] {"bronze.salesforce_opportunity_history", "Id"}),
        Map.entry("sales_reps", new String[] {"bronze.salesforce_user", "Id"}),
        Map.entry("tickets", new String[] {"bronze.zendesk_tickets", "id"})));
    Dataset<Row> quarantine = table("silver._quarantine");
    for (Map.Entry<String, String[]> e : entities.entrySet()) {
      Dataset<Row> bronze = table(e.getValue()[0]);
      Dataset<Row> rejected = quarantine.where(col("table").equalTo("silver." + e.getKey())).select("_record_hash").distinct();
      long goodKeys = bronze.join(rejected, bronze.col("_record_hash").equalTo(rejected.col("_record_hash")), "left_anti")
          .select(col(e.getValue()[1]).cast("string")).distinct().count();
      // A key whose every version was rejected is in quarantine only; a key with a good version is in silver.
      assertThat(table("silver." + e.getKey()).count()).as("silver." + e.getKey() + " rows").isEqualTo(goodKeys);
    }
  }

  @Test
  @Order(3)
  void plantedDefectsAreHandledAsSpecified() {
    Dataset<Row> quarantine = table("silver._quarantine");
    DemoManifest.StreamStats tracks = manifest.stream("segment/tracks");
    assertThat(table("silver.events").count()).as("one event per messageId, future device clocks quarantined")
        .isEqualTo(tracks.bronzeRows() - tracks.defects().duplicateDeliveries() - tracks.defects().futureDates());
    assertThat(quarantine.where(col("table").equalTo("silver.events").and(col("rule").equalTo("future:occurred_at"))).count())
        .isEqualTo(tracks.defects().futureDates());
    assertThat(quarantine.where(col("table").equalTo("silver.tickets").and(col("rule").equalTo("future:solved_at"))).count())
        .isEqualTo(manifest.stream("zendesk/tickets").defects().futureDates());
    assertThat(quarantine.where(col("table").equalTo("silver.invoices").and(col("rule").startsWith("range:"))).count())
        .isEqualTo(manifest.stream("stripe/invoices").defects().negativeOrAbsurdAmounts());
    // Cost is a full-refresh stream: only the newest extract's planted amounts are current.
    DemoManifest.StreamStats cost = manifest.stream("aws_cost_explorer/cost_and_usage");
    long newestCostDefects = cost.byExtractDate().get(cost.byExtractDate().lastKey())
        .count(DemoManifest.Counter.NEGATIVE_OR_ABSURD_AMOUNTS);
    assertThat(quarantine.where(col("table").equalTo("silver.infra_costs")).count()).isEqualTo(newestCostDefects).isPositive();

    // Unknown enum values are kept and flagged, never dropped.
    long unknownPlans = table("silver.workspaces").where(col("plan").isNotNull()
        .and(col("plan").isin("free", "team", "business", "enterprise").unary_$bang())).count();
    assertThat(table("silver.workspaces").where(size(col("_flags")).gt(0)).count()).isEqualTo(unknownPlans);
    // Opportunity amounts sent as text are numbers in silver.
    assertThat(manifest.stream("salesforce/Opportunity").defects().typeChangedValues()).isPositive();
    assertThat(table("silver.opportunities").where(col("amount").isNull()).count()).isZero();
    // No clear-text e-mail in any silver table.
    for (String t : List.of("customers", "users", "leads", "sales_reps")) {
      Dataset<Row> rows = table("silver." + t);
      assertThat(rows.columns()).as(t).doesNotContain("email").contains("email_hash");
      assertThat(rows.where(col("email_hash").contains("@")).count()).as(t).isZero();
    }
    assertThat(table("silver.customers").where(col("default_payment_method").startsWith("pm_")).count()).isZero();
    // Every FX-converted amount has a rate; USD converts at 1.
    assertThat(table("silver.invoices").where(col("total_usd").isNull().and(col("total").isNotNull())).count()).isZero();
    // The current row of each workspace's history is the workspace as silver has it now.
    Dataset<Row> current = table("silver.workspace_history").where(col("is_current"))
        .select("workspace_id", "plan", "seats", "status", "is_deleted");
    Dataset<Row> now = table("silver.workspaces").select("workspace_id", "plan", "seats", "status", "is_deleted");
    assertThat(current.exceptAll(now).count()).isZero();
    assertThat(now.exceptAll(current).count()).isZero();
  }

  /** Gold's monthly MRR equals the generator's truth to the cent; the movement identity holds every month. */
  @Test
  @Order(4)
  void goldMatchesTheTruthToTheCent() {
    DemoManifest.Truth truth = manifest.truth();
    Dataset<Row> all = table("gold.kpi_saas_monthly").where(col("segment").equalTo("All"));
    Map<String, Row> byMonth = new TreeMap<>();
    all.collectAsList().forEach(r -> byMonth.put(r.getDate(r.fieldIndex("month")).toString().substring(0, 7), r));
    assertThat(truth.mrrUsdByMonth()).hasSizeGreaterThanOrEqualTo(24);
    truth.mrrUsdByMonth().forEach((month, expected) -> {
      Row r = byMonth.get(month);
      assertThat(r).as("kpi row for " + month).isNotNull();
      assertThat(r.getDecimal(r.fieldIndex("mrr_usd")).setScale(2, java.math.RoundingMode.HALF_UP)).as("MRR " + month)
          .isEqualByComparingTo(expected);
      assertThat(r.getLong(r.fieldIndex("paying_workspaces"))).as("paying " + month)
          .isEqualTo(truth.payingWorkspacesByMonth().get(month));
    });
    Row current = byMonth.get(DAY_TWO.toString().substring(0, 7));
    assertThat(current.getBoolean(current.fieldIndex("is_complete"))).isFalse();
    assertThat(current.getDecimal(current.fieldIndex("mrr_usd")).setScale(2, java.math.RoundingMode.HALF_UP))
        .as("month-to-date MRR at the as-of instant").isEqualByComparingTo(truth.mrrUsdAtAsOf());
    truth.segmentAtAsOf().forEach((segment, expected) -> {
      List<Row> rows = table("gold.kpi_saas_monthly").where(col("segment").equalTo(segment)
          .and(col("month").equalTo(java.sql.Date.valueOf(DAY_TWO.withDayOfMonth(1))))).collectAsList();
      long paying = rows.isEmpty() ? 0 : rows.get(0).getLong(rows.get(0).fieldIndex("paying_workspaces"));
      java.math.BigDecimal mrr = rows.isEmpty() ? java.math.BigDecimal.ZERO : rows.get(0).getDecimal(rows.get(0).fieldIndex("mrr_usd"));
      assertThat(paying).as(segment + " workspaces at as-of").isEqualTo(expected.workspaces());
      assertThat(mrr.setScale(2, java.math.RoundingMode.HALF_UP)).as(segment + " MRR at as-of").isEqualByComparingTo(expected.mrrUsd());
    });
    for (Row r : byMonth.values()) {
      java.math.BigDecimal identity = r.getDecimal(r.fieldIndex("previous_mrr_usd")).add(r.getDecimal(r.fieldIndex("new_mrr_usd")))
          .add(r.getDecimal(r.fieldIndex("reactivation_mrr_usd"))).add(r.getDecimal(r.fieldIndex("expansion_mrr_usd")))
          .subtract(r.getDecimal(r.fieldIndex("contraction_mrr_usd"))).subtract(r.getDecimal(r.fieldIndex("churned_mrr_usd")));
      assertThat(identity).as("movement identity " + r.get(0)).isEqualByComparingTo(r.getDecimal(r.fieldIndex("mrr_usd")));
    }
    // Across rows: each month starts from the MRR the month before published.
    java.math.BigDecimal before = null;
    for (Row r : byMonth.values()) {
      if (before != null) {
        assertThat(r.getDecimal(r.fieldIndex("previous_mrr_usd"))).as("previous MRR of " + r.get(0)).isEqualByComparingTo(before);
      }
      before = r.getDecimal(r.fieldIndex("mrr_usd"));
    }
    // Every fact row joins each of its dimensions (the unknown member -1 instead of an orphan key).
    Map<String, String> dimensionOf = Map.of("workspace_key", "gold.dim_workspace", "plan_key", "gold.dim_plan",
        "account_key", "gold.dim_account", "rep_key", "gold.dim_sales_rep", "channel_key", "gold.dim_channel",
        "service_key", "gold.dim_cloud_service", "date_key", "gold.dim_date");
    int checked = 0;
    for (LakehouseJob job : registry.layer("gold")) {
      for (TableName t : job.outputs()) {
        if (!t.table().startsWith("fact_")) {
          continue;
        }
        Dataset<Row> fact = table(t.toString());
        for (String column : fact.columns()) {
          if (column.endsWith("_key")) {
            // A role-playing date (created_date_key, close_date_key) is a date_key of gold.dim_date.
            String key = column.endsWith("date_key") ? "date_key" : column;
            assertThat(dimensionOf).as(t + "." + column + " names a dimension").containsKey(key);
            Dataset<Row> dim = table(dimensionOf.get(key));
            assertThat(fact.join(dim, fact.col(column).equalTo(dim.col(key)), "left_anti").count())
                .as(t + "." + column + " orphans").isZero();
            checked++;
          }
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(21);
    // ARR vs finance: finance reports ARR x (1 + planted), so the gap |ARR - reported| / reported is |planted| / (1 + planted).
    Map<String, java.math.BigDecimal> gaps = new HashMap<>();
    table("gold.mrr_reconciliation").where(col("arr_vs_finance_gap").isNotNull()).collectAsList()
        .forEach(r -> gaps.put(r.getDate(0).toString().substring(0, 7), r.getDecimal(r.fieldIndex("arr_vs_finance_gap"))));
    truth.reportedArrGaps().forEach((month, planted) -> assertThat(gaps.get(month).doubleValue()).as("ARR gap " + month)
        .isCloseTo(Math.abs(planted.doubleValue()) / (1 + planted.doubleValue()), org.assertj.core.data.Offset.offset(0.00001)));
    gaps.forEach((month, gap) -> {
      if (!truth.reportedArrGaps().containsKey(month)) {
        assertThat(gap.doubleValue()).as("no planted gap in " + month).isLessThan(0.0001);
      }
    });
  }

  /**
   * The CRM hygiene rules against the generator's truth: losses without a reason and late renewals over every week;
   * commit opportunities without a next step or outside the quarter in the run date's week (the state at as-of).
   */
  @Test
  @Order(4)
  void crmHygieneMatchesTheTruth() {
    Map<String, Long> truth = manifest.truth().crmHygiene();
    Dataset<Row> hygiene = table("gold.kpi_crm_hygiene_weekly");
    Row all = hygiene.agg(sum("closed_lost_without_reason"), sum("renewals_created_late"), sum("renewals_without_renewal_date"),
        sum("renewals_created")).first();
    assertThat(all.getLong(0)).as("closed lost without a reason").isEqualTo(truth.get("closed_lost_without_reason")).isPositive();
    assertThat(all.getLong(1)).as("renewals created late").isEqualTo(truth.get("renewals_created_late"));
    assertThat(all.getLong(2)).as("the generator gives every renewal its date").isZero();
    assertThat(all.getLong(3)).as("renewals").isGreaterThanOrEqualTo(all.getLong(1));
    java.time.LocalDate monday = manifest.asOf().with(java.time.DayOfWeek.MONDAY);
    Row now = hygiene.where(col("week_start").equalTo(java.sql.Date.valueOf(monday)))
        .agg(sum("commit_without_next_step"), sum("commit_close_outside_quarter"), sum("commit_opportunities")).first();
    assertThat(now.isNullAt(0) ? 0L : now.getLong(0)).as("commit without a next step at as-of")
        .isEqualTo(truth.get("commit_without_next_step"));
    assertThat(now.isNullAt(1) ? 0L : now.getLong(1)).as("commit outside the quarter at as-of")
        .isEqualTo(truth.get("commit_close_outside_quarter"));
    assertThat(now.isNullAt(2) ? 0L : now.getLong(2)).as("commit opportunities at as-of")
        .isGreaterThanOrEqualTo(truth.get("commit_without_next_step"));
  }

  /** Finance's plan reaches the marts as landed: each target where its metric lives, its gap against the truth. */
  @Test
  @Order(4)
  void targetsAndGapsMatchThePlanAndTheTruth() {
    Map<String, java.math.BigDecimal> plan = manifest.truth().targets();
    assertThat(plan).isNotEmpty();
    int mrrTargets = 0;
    for (Row r : table("gold.kpi_saas_monthly").where(col("segment").equalTo("All")).collectAsList()) {
      String month = r.getDate(r.fieldIndex("month")).toString().substring(0, 7);
      java.math.BigDecimal expected = plan.get("mrr|All|" + month);
      Map<String, java.math.BigDecimal> targets = r.isNullAt(r.fieldIndex("targets")) ? Map.of() : r.getJavaMap(r.fieldIndex("targets"));
      Map<String, java.math.BigDecimal> gaps = r.isNullAt(r.fieldIndex("target_gaps")) ? Map.of() : r.getJavaMap(r.fieldIndex("target_gaps"));
      if (expected == null) {
        assertThat(targets.get("mrr")).as("no MRR target in " + month).isNull();
        assertThat(gaps.get("mrr")).as("no MRR gap in " + month).isNull();
        continue;
      }
      mrrTargets++;
      assertThat(targets.get("mrr")).as("MRR target " + month).isEqualByComparingTo(expected);
      java.math.BigDecimal truth = manifest.truth().mrrUsdByMonth().get(month);
      if (truth != null && r.getBoolean(r.fieldIndex("is_complete"))) {
        assertThat(gaps.get("mrr").setScale(2, java.math.RoundingMode.HALF_UP)).as("MRR gap " + month)
            .isEqualByComparingTo(truth.subtract(expected));
      }
      assertThat(targets.get("logo_churn_rate")).as("churn target " + month).isEqualByComparingTo(plan.get("logo_churn_rate|All|" + month));
    }
    assertThat(mrrTargets).as("months with an MRR target").isEqualTo(plan.keySet().stream().filter(k -> k.startsWith("mrr|")).count());
    // Blended CAC lives in the unit economics mart, and only there.
    long cac = table("gold.kpi_unit_economics_monthly").where("targets['blended_cac'] = 1500").count();
    assertThat(cac).isEqualTo(plan.keySet().stream().filter(k -> k.startsWith("blended_cac|")).count());
    assertThat(table("gold.kpi_saas_monthly").where("targets['blended_cac'] IS NOT NULL").count()).isZero();
  }

  /**
   * The experiment mart against the generator's truth (assigned workspaces per experiment and variant) and against a
   * plain SQL recount of its retention over silver; the change fact and the expansion signals against SQL recounts.
   */
  @Test
  @Order(4)
  void experimentAndExpansionMartsMatchTheTruthAndIndependentRecounts() {
    Dataset<Row> results = table("gold.kpi_experiment_results");
    Map<String, Map<String, Long>> assigned = new TreeMap<>();
    results.collectAsList().forEach(r -> assigned.computeIfAbsent(r.getString(r.fieldIndex("experiment_id")), k -> new TreeMap<>())
        .put(r.getString(r.fieldIndex("variant")), r.getLong(r.fieldIndex("assigned_workspaces"))));
    assertThat(assigned).as("assigned workspaces per experiment and variant").isEqualTo(manifest.truth().experimentAssignments());

    table("silver.experiment_assignments").createOrReplaceTempView("it_assignments");
    table("silver.events").createOrReplaceTempView("it_events");
    // Days 61-90 after the assignment date; measured when they have ended by the run date and the events cover them.
    List<Row> recount = spark.sql("""
        WITH a AS (
          SELECT experiment_id, workspace_id, variant, to_date(assigned_at) AS d FROM it_assignments WHERE NOT is_deleted),
        since AS (SELECT min(event_date) AS first_day FROM it_events
                  WHERE is_activity AND NOT is_deleted AND workspace_id IS NOT NULL AND user_id IS NOT NULL),
        m AS (SELECT a.* FROM a CROSS JOIN since
              WHERE date_add(a.d, 90) <= DATE'%s' AND date_add(a.d, 61) >= since.first_day),
        r AS (SELECT DISTINCT m.experiment_id, m.workspace_id FROM m JOIN it_events e
              ON e.workspace_id = m.workspace_id AND e.event_date BETWEEN date_add(m.d, 61) AND date_add(m.d, 90)
              WHERE e.is_activity AND NOT e.is_deleted AND e.user_id IS NOT NULL)
        SELECT m.experiment_id, m.variant, count(*) AS measured, count(r.workspace_id) AS retained
        FROM m LEFT JOIN r ON r.experiment_id = m.experiment_id AND r.workspace_id = m.workspace_id
        GROUP BY m.experiment_id, m.variant""".formatted(DAY_TWO)).collectAsList();
    assertThat(recount).as("measured arms").isNotEmpty();
    for (Row x : recount) {
      Row r = results.where(col("experiment_id").equalTo(x.getString(0)).and(col("variant").equalTo(x.getString(1)))).first();
      assertThat(r.getLong(r.fieldIndex("measured_workspaces"))).as("measured " + x).isEqualTo(x.getLong(2));
      assertThat(r.getLong(r.fieldIndex("retained_workspaces"))).as("retained " + x).isEqualTo(x.getLong(3));
    }

    // Every expansion event of the change fact is a seat_addition or plan_upgrade that raised MRR; per month, the
    // signal mart counts them and sums their deltas.
    table("gold.fact_subscription_change").createOrReplaceTempView("it_changes");
    assertThat(spark.sql("SELECT count(*) FROM it_changes WHERE change_type IN ('seat_addition', 'plan_upgrade') "
        + "AND mrr_delta_usd <= 0").first().getLong(0)).as("expansions that did not raise MRR").isZero();
    assertThat(spark.sql("SELECT count(*) FROM it_changes WHERE change_type IN ('downgrade', 'cancel') "
        + "AND mrr_delta_usd >= 0").first().getLong(0)).as("downgrades and cancels that did not lower MRR").isZero();
    List<Row> perMonth = spark.sql("SELECT trunc(change_date, 'MM') AS month, count(*), sum(mrr_delta_usd) FROM it_changes "
        + "WHERE change_type IN ('seat_addition', 'plan_upgrade') GROUP BY 1").collectAsList();
    Dataset<Row> signals = table("gold.kpi_expansion_signals");
    assertThat(signals.count()).isEqualTo(perMonth.size());
    for (Row x : perMonth) {
      Row r = signals.where(col("month").equalTo(x.getDate(0))).first();
      assertThat(r.getLong(r.fieldIndex("expansions"))).as("expansions " + x).isEqualTo(x.getLong(1));
      assertThat(r.getDecimal(r.fieldIndex("expansion_mrr_usd"))).as("expansion MRR " + x).isEqualByComparingTo(x.getDecimal(2));
    }
  }

  /**
   * Code and configuration cannot disagree: every column of every KPI table has a contract for that
   * table and column, and every contract names a column of the table it names.
   */
  @Test
  @Order(4)
  void everyKpiColumnHasAContractAndEveryContractAColumn() {
    java.util.Set<String> contracted = new java.util.TreeSet<>();
    table("gold.metric_contracts").select("table_name", "column_name").collectAsList()
        .forEach(r -> contracted.add(r.getString(0) + "." + r.getString(1)));
    List<String> dimensions = List.of("month", "segment", "rep_segment", "is_complete", "activity_date", "date_key", "cohort_month",
        "experiment_id", "variant", "is_control", "first_assigned_date", "last_assigned_date", "channel", "channel_key",
        "months_since", "week_start", "quarter", "rep_key", "rep_id");
    java.util.Set<String> columns = new java.util.TreeSet<>();
    for (String kpiTable : List.of("gold.kpi_saas_monthly", "gold.kpi_saas_weekly", "gold.mrr_reconciliation", "gold.kpi_support_monthly",
        "gold.kpi_sales", "gold.kpi_sales_weekly", "gold.kpi_rep_quarterly", "gold.kpi_product_daily", "gold.kpi_cohort_retention", "gold.kpi_funnel_monthly",
        "gold.kpi_expansion_signals", "gold.kpi_experiment_results", "gold.kpi_channel_monthly", "gold.kpi_forecast_weekly", "gold.kpi_crm_hygiene_weekly",
        "gold.kpi_unit_economics_monthly", "gold.kpi_segment_monthly")) {
      for (String column : table(kpiTable).columns()) {
        if (!dimensions.contains(column)) {
          columns.add(kpiTable + "." + column);
        }
      }
    }
    // A fact's measures that are metrics of their own carry a contract too; the fact's other columns need none.
    java.util.Set<String> factColumns = new java.util.TreeSet<>();
    for (String fact : List.of("gold.fact_subscription_change", "gold.fact_workspace_activity_daily")) {
      for (String column : table(fact).columns()) {
        factColumns.add(fact + "." + column);
      }
    }
    assertThat(contracted).contains("gold.fact_subscription_change.mrr_delta_usd", "gold.fact_workspace_activity_daily.hit_seat_limit");
    java.util.Set<String> known = new java.util.TreeSet<>(columns);
    known.addAll(factColumns);
    assertThat(contracted).as("contracts (table.column) without that column").isSubsetOf(known);
    assertThat(columns).as("KPI columns without a contract for their table").isSubsetOf(contracted);
    // Money carries its unit in the name (STYLE.md): every contract in USD is a column ending in _usd, and only those.
    table("gold.metric_contracts").select("table_name", "column_name", "unit").collectAsList().forEach(r ->
        assertThat(r.getString(1).endsWith("_usd")).as(r.getString(0) + "." + r.getString(1) + " (unit " + r.getString(2) + ")")
            .isEqualTo("usd".equals(r.getString(2))));
  }

  @Test
  @Order(6)
  void privacyForgetLeavesTheEmailAndTheWorkspaceInNoFile() throws java.io.IOException {
    PrivacyForgetChecks.forgetLeavesTheValueInNoFile(GeneratedWarehouse.shared());
  }

  @Test
  @Order(5)
  void rerunChangesNothingAndFullRefreshGivesTheSameTables() {
    // Bronze's own re-run is tested in the bronze module (every crash point, then a run that lands nothing).
    // This test writes: it works on a copy of the shared warehouse.
    GeneratedWarehouse w = GeneratedWarehouse.shared().copy();
    JobRegistry registry = w.registry;
    TableCatalog catalog = w.catalog;
    List<LakehouseJob> jobs = new java.util.ArrayList<>(registry.layer("silver"));
    jobs.addAll(registry.layer("gold"));
    Map<String, Long> versions = new HashMap<>();
    List<String> compared = new java.util.ArrayList<>();
    for (LakehouseJob job : jobs) {
      for (TableName t : job.outputs()) {
        String location = catalog.location(t);
        if (DeltaTable.isDeltaTable(spark, location)) {
          versions.put(location, DeltaTable.forPath(spark, location).history(1).first().getLong(0));
          if (t.layer().equals("silver") && !compared.contains(t.toString())) {
            compared.add(t.toString());
          }
        }
      }
    }
    JobRunner.Outcome rerun = w.run(jobs, UUID.randomUUID().toString(), DAY_TWO, false);
    assertThat(rerun.exitCode()).isZero();
    assertThat(rerun.finished()).allSatisfy(f -> {
      assertThat(f.result().status()).isEqualTo(JobResult.SUCCEEDED);
      assertThat(f.result().rowsWritten()).as(f.job().name()).isZero();
    });
    versions.forEach((location, version) ->
        assertThat(DeltaTable.forPath(spark, location).history(1).first().getLong(0)).as(location).isEqualTo(version));

    JobRunner.Outcome full = w.run("silver", DAY_TWO, true);
    assertThat(full.exitCode()).as(full.firstError()).isZero();
    // Gold's incremental path is the MRR fact's partial rewrite: rebuild it (and what it reads and feeds) in full.
    List<LakehouseJob> mrr = registry.layer("gold").stream()
        .filter(j -> List.of("gold.dim_workspace", "gold.fact_mrr_monthly", "gold.kpi_saas_monthly").contains(j.name())).toList();
    JobRunner.Outcome fullGold = w.run(mrr, UUID.randomUUID().toString(), DAY_TWO, true);
    assertThat(fullGold.exitCode()).as(fullGold.firstError()).isZero();
    assertThat(compared).hasSizeGreaterThanOrEqualTo(22);
    // Gold's MRR fact was rebuilt incrementally (from the affected months) on day two: same as a full rebuild.
    compared.add("gold.fact_mrr_monthly");
    compared.add("gold.kpi_saas_monthly");
    for (String t : compared) {
      String location = catalog.location(t);
      Dataset<Row> incremental = spark.read().format("delta").option("versionAsOf", versions.get(location)).load(location);
      Dataset<Row> rebuilt = spark.read().format("delta").load(location);
      // A quarantine reason names the run's own date limit ("is after <run date + tolerance>").
      Dataset<Row> a = t.equals("silver._quarantine") ? incremental.drop("reason") : incremental;
      Dataset<Row> b = t.equals("silver._quarantine") ? rebuilt.drop("reason") : rebuilt;
      assertThat(b.schema()).as(t + " schema").isEqualTo(a.schema());
      assertThat(comparable(a).exceptAll(comparable(b)).count()).as(t + ": incremental rows missing from the rebuild").isZero();
      assertThat(comparable(b).exceptAll(comparable(a)).count()).as(t + ": rebuilt rows missing from the incremental table").isZero();
    }
  }

  /** Set operations cannot compare maps: each map column as the JSON of its entries in key order. */
  private static Dataset<Row> comparable(Dataset<Row> rows) {
    Dataset<Row> out = rows;
    for (org.apache.spark.sql.types.StructField f : rows.schema().fields()) {
      if (f.dataType() instanceof org.apache.spark.sql.types.MapType) {
        out = out.withColumn(f.name(), org.apache.spark.sql.functions.to_json(
            org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.map_entries(col(f.name())))));
      }
    }
    return out;
  }

  /** What the demo prints after its run: the newest complete month's headline, the exceptions, the gates, where the tables are. */
  @Test
  @Order(4)
  void theHeadlineShowsTheNewestCompleteMonthExceptionsAndGates() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    Headline.print(spark, settings, GOLD_RUN, new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    java.math.BigDecimal october = manifest.truth().mrrUsdByMonth().get("2026-10");
    assertThat(text).contains("Headline KPIs of 2026-10 (the newest complete month")
        .contains(String.format(java.util.Locale.ROOT, "MRR $%,.2f", october))
        .contains("NDR (t12m)").contains("Exceptions raised (gold.kpi_exceptions):")
        .containsPattern("Quality gates of this run \\(quality.check_results\\): \\d+ tables checked, \\d+ passed, \\d+ passed with warnings, 0 blocked")
        .contains("Tables: " + settings.warehouse());
    // ARR is 12 x the unrounded MRR; the manifest's MRR is rounded to the cent, so 12 x it may be off by 12 x half a cent.
    java.util.regex.Matcher arr = java.util.regex.Pattern.compile("ARR \\$([0-9,]+\\.[0-9]{2})").matcher(text);
    assertThat(arr.find()).as("ARR in the headline").isTrue();
    java.math.BigDecimal shown = new java.math.BigDecimal(arr.group(1).replace(",", ""));
    assertThat(shown.subtract(october.multiply(java.math.BigDecimal.valueOf(12))).abs())
        .isLessThanOrEqualTo(new java.math.BigDecimal("0.06"));
  }

  /** The on-call commands on the same warehouse (nested here so that it is built once per run). */
  @org.junit.jupiter.api.Nested
  class OperatorCommands extends OperatorCommandsChecks {}
}
