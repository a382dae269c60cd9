package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.quality.CheckResults;
import io.profitos.lakehouse.quality.QualityGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Write, audit, publish on a real gold job: a critical breach keeps the published table exactly
 * as it was and exits 3, a warning publishes, and an approved override is honoured until it
 * expires.
 */
class GoldQualityGateTest {
  private static final SparkSession spark = SparkTestSession.get();
  private static final TableName TABLE = TableName.of("gold", "gate_demo");
  private static Path root;
  private static Path suites;
  private static String values = "1, 2, 3";

  @BeforeAll
  static void suite() throws Exception {
    root = Files.createTempDirectory("gold-gate");
    suites = Files.createDirectories(root.resolve("quality"));
    Files.writeString(suites.resolve("gold.gate_demo.json"), """
        {"expectation_suite_name": "gold.gate_demo", "expectations": [
          {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "value", "min_value": 0},
           "meta": {"severity": "critical", "name": "value_not_negative", "fix": "book refunds as credit notes, not negative values"}},
          {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "value", "max_value": 100},
           "meta": {"severity": "warning", "name": "value_small"}}
        ]}""");
  }

  private static LakehouseSettings settings(String warehouse, String overrides) {
    Map<String, String> conf = new HashMap<>(Map.of("lakehouse.landing", root.resolve("landing").toString(),
        "lakehouse.warehouse", warehouse, "lakehouse.quality.suites", suites.toString()));
    if (overrides != null) {
      conf.put("lakehouse.quality.overrides", overrides);
    }
    return LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", conf), Path.of(".."));
  }

  private static int run(LakehouseSettings s, LocalDate runDate, String rows) {
    return runJob(s, runDate, rows).exitCode();
  }

  private static JobRunner.Outcome runJob(LakehouseSettings s, LocalDate runDate, String rows) {
    values = rows;
    GoldJob job = new GoldJobs.Table(TABLE, List.of(), "gate test table",
        ctx -> ctx.spark().sql("SELECT CAST(col1 AS INT) AS value FROM VALUES " + valuesClause()));
    return runJobs(s, runDate, true, job);
  }

  private static JobRunner.Outcome runJobs(LakehouseSettings s, LocalDate runDate, boolean fullRefresh, io.profitos.lakehouse.core.job.LakehouseJob... jobs) {
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(), runDate, fullRefresh,
        Clock.systemUTC());
    return new JobRunner(ctx).run(List.of(jobs));
  }

  private static String valuesClause() {
    return String.join(", ", java.util.Arrays.stream(values.split(",")).map(v -> "(" + v.trim() + ")").toList());
  }

  private static Dataset<Row> published(TableCatalog catalog) {
    return spark.read().format("delta").load(catalog.location(TABLE));
  }

  private static List<Integer> sorted(Dataset<Row> rows) {
    return rows.orderBy("value").collectAsList().stream().map(r -> r.getInt(0)).toList();
  }

  @Test
  void aCriticalBreachLeavesThePublishedTableAsItWasAndExits3() throws Exception {
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), null);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    assertThat(run(s, LocalDate.parse("2026-03-01"), "1, 2, 3")).isZero();
    long version = DeltaTable.forPath(spark, catalog.location(TABLE)).history(1).first().getLong(0);

    assertThat(runJob(s, LocalDate.parse("2026-03-02"), "1, -5, 3").firstError())
        .contains("gold.gate_demo was not published: 1 critical expectation(s) of suite gold.gate_demo failed, first value_not_negative")
        .contains("Fix: book refunds as credit notes, not negative values.")
        .contains("lakehouse.quality.overrides += { table = gold.gate_demo, expectation = value_not_negative");
    assertThat(DeltaTable.forPath(spark, catalog.location(TABLE)).history(1).first().getLong(0)).isEqualTo(version);
    assertThat(sorted(published(catalog))).containsExactly(1, 2, 3);
    // The failed output is kept for inspection, and why it failed is recorded.
    assertThat(sorted(spark.read().format("delta").load(QualityGate.stagingLocation(catalog, TABLE)))).containsExactly(-5, 1, 3);
    Row failed = spark.read().format("delta").load(catalog.location(CheckResults.TABLE))
        .where("run_date = DATE'2026-03-02' AND expectation = 'value_not_negative'").first();
    assertThat(failed.<Boolean>getAs("success")).isFalse();
    assertThat(failed.<Boolean>getAs("published")).isFalse();
    assertThat(failed.<Long>getAs("unexpected_count")).isEqualTo(1L);
    assertThat(Files.readString(Path.of(java.net.URI.create(failed.<String>getAs("result_file")))))
        .contains("\"success\" : false").contains("\"partial_unexpected_list\" : [ -5 ]");
  }

  @Test
  void aWarningPublishesAndIsRecorded() throws Exception {
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), null);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    assertThat(run(s, LocalDate.parse("2026-03-01"), "1, 500")).isZero();
    assertThat(sorted(published(catalog))).containsExactly(1, 500);
    Row warned = spark.read().format("delta").load(catalog.location(CheckResults.TABLE)).where("expectation = 'value_small'").first();
    assertThat(warned.<Boolean>getAs("success")).isFalse();
    assertThat(warned.<String>getAs("severity")).isEqualTo("warning");
    assertThat(warned.<Boolean>getAs("published")).isTrue();
  }

  @Test
  void anOverrideIsHonouredOnlyUntilItExpires() throws Exception {
    String override = "[{ table = gold.gate_demo, expectation = value_not_negative, approved-by = \"Head of BI\", "
        + "reason = \"refund booked as negative value, explained in the close\", until = \"2026-03-10\" }]";
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), override);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    assertThat(run(s, LocalDate.parse("2026-03-10"), "1, -5")).isZero();
    assertThat(sorted(published(catalog))).containsExactly(-5, 1);
    Row overridden = spark.read().format("delta").load(catalog.location(CheckResults.TABLE))
        .where("expectation = 'value_not_negative'").first();
    assertThat(overridden.<Boolean>getAs("overridden")).isTrue();
    assertThat(overridden.<String>getAs("override_approved_by")).isEqualTo("Head of BI");
    // The day after it expires the same breach blocks again.
    assertThat(run(s, LocalDate.parse("2026-03-11"), "1, -7")).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
    assertThat(sorted(published(catalog))).containsExactly(-5, 1);
  }

  @Test
  void aBlockedPublishBecomesAnExceptionNamingTheOverrideThatWouldReleaseIt() throws Exception {
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), null);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    assertThat(run(s, LocalDate.parse("2026-03-02"), "1, -5, 3")).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
    assertThat(runJobs(s, LocalDate.parse("2026-03-02"), false, new GoldJobs.KpiExceptions()).exitCode()).isZero();
    List<Row> exceptions = spark.read().format("delta").load(catalog.location(GoldTables.KPI_EXCEPTIONS)).collectAsList();
    assertThat(exceptions).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("metric")).isEqualTo("quality_gate");
      assertThat(r.<String>getAs("table_name")).isEqualTo("gold.gate_demo");
      assertThat(r.<String>getAs("threshold_name")).isEqualTo("value_not_negative");
      assertThat(r.<String>getAs("status")).isEqualTo("red");
      assertThat(r.<String>getAs("detail")).contains("expectation = value_not_negative");
    });
    // Once the data is fixed the exception goes away with the next run.
    assertThat(run(s, LocalDate.parse("2026-03-03"), "1, 3")).isZero();
    assertThat(runJobs(s, LocalDate.parse("2026-03-03"), false, new GoldJobs.KpiExceptions()).exitCode()).isZero();
    assertThat(spark.read().format("delta").load(catalog.location(GoldTables.KPI_EXCEPTIONS)).count()).isZero();
  }

  @Test
  void anEmptyResultFromANonEmptyInputIsRefused() throws Exception {
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), null);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    spark.sql("SELECT 1 AS value").write().format("delta").save(catalog.location("gold.gate_input"));
    GoldJob lossy = new GoldJobs.Table(TABLE, List.of(TableName.parse("gold.gate_input")), "drops everything",
        ctx -> ctx.read(TableName.parse("gold.gate_input")).where("value > 100"));
    JobRunner.Outcome outcome = runJobs(s, LocalDate.parse("2026-03-02"), false, lossy);
    assertThat(outcome.exitCode()).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
    assertThat(outcome.firstError()).contains("gold.gate_demo was not published: the job produced no rows although its input "
        + "gold.gate_input has rows");
    assertThat(catalog.exists(spark, TABLE)).isFalse();
  }

  @Test
  void aTablePublishedWithAnOlderSchemaIsRebuiltNotMixed() throws Exception {
    LakehouseSettings s = settings(Files.createTempDirectory(root, "wh").toString(), null);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    GoldJob v1 = new GoldJobs.Table(TABLE, List.of(), "v1", ctx -> ctx.spark().sql("SELECT 1 AS value, 10 AS amount")).schema(1);
    assertThat(runJobs(s, LocalDate.parse("2026-03-02"), false, v1).exitCode()).isZero();
    // The next release renames amount to amount_usd (schema 2): same run date and inputs, but the table is rebuilt.
    GoldJob v2 = new GoldJobs.Table(TABLE, List.of(), "v2", ctx -> ctx.spark().sql("SELECT 1 AS value, 10 AS amount_usd")).schema(2);
    JobRunner.Outcome upgraded = runJobs(s, LocalDate.parse("2026-03-02"), false, v2);
    assertThat(upgraded.exitCode()).isZero();
    assertThat(upgraded.finished().get(0).result().rowsWritten()).isEqualTo(1);
    assertThat(spark.read().format("delta").load(catalog.location(TABLE)).columns()).containsExactly("value", "amount_usd");
    // Recorded: the next run of v2 has nothing to do.
    assertThat(runJobs(s, LocalDate.parse("2026-03-02"), false, v2).finished().get(0).result().message()).isEqualTo("up to date");
  }

  @Test
  void aSuiteThatMatchesNoPublishedTableFailsAtStartUp() throws Exception {
    Path dir = Files.createDirectories(root.resolve("typo-suites"));
    Files.writeString(dir.resolve("gold.kpi_saas_montly.json"), """
        {"name": "gold.kpi_saas_montly", "expectations": [{"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}]}""");
    LakehouseSettings s = LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", Map.of("lakehouse.landing",
        root.resolve("landing").toString(), "lakehouse.warehouse", root.resolve("w").toString(), "lakehouse.quality.suites",
        dir.toString())), Path.of(".."));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.profitos.lakehouse.core.job.JobRegistry.discover(s))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("gold.kpi_saas_montly.json (no job publishes gold.kpi_saas_montly)");
  }
}
