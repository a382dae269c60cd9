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
           "meta": {"severity": "critical", "name": "value_not_negative"}},
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
    values = rows;
    GoldJob job = new GoldJobs.Table(TABLE, List.of(), "gate test table",
        ctx -> ctx.spark().sql("SELECT CAST(col1 AS INT) AS value FROM VALUES " + valuesClause()));
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(), runDate, true,
        Clock.systemUTC());
    return new JobRunner(ctx).run(List.of(job)).exitCode();
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

    assertThat(run(s, LocalDate.parse("2026-03-02"), "1, -5, 3")).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
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
}
