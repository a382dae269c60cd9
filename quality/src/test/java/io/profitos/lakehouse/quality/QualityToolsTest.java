package io.profitos.lakehouse.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** validate on a file, a suite drafted from Deequ's suggestions, and the weekly report on a hand-built ledger. */
class QualityToolsTest {
  private static final SparkSession spark = SparkTestSession.get();

  private static LakehouseSettings settings(Path root) {
    return LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", Map.of("lakehouse.landing", root.resolve("landing").toString(),
        "lakehouse.warehouse", root.resolve("warehouse").toString())), Path.of(".."));
  }

  @Test
  void validateAFileBeforeItIsWiredIn() throws Exception {
    Path root = Files.createTempDirectory("quality-tools");
    Path csv = root.resolve("new_source.csv");
    Files.writeString(csv, "id,plan,amount\n1,pro,10\n2,pro,20\n3,team,-5\n");
    ExpectationSuite suite = ExpectationSuite.parse("""
        {"expectation_suite_name": "new_source", "expectations": [
          {"expectation_type": "expect_column_values_to_be_in_set", "kwargs": {"column": "plan", "value_set": ["pro", "team"]}},
          {"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "amount", "min_value": 0},
           "meta": {"severity": "critical"}},
          {"expectation_type": "expect_column_values_to_be_of_type", "kwargs": {"column": "id", "type_": "IntegerType"}}
        ]}""", csv.toString());
    LakehouseSettings s = settings(root);
    Dataset<Row> data = QualityTools.read(spark, csv.toString(), "csv");
    ValidationResult result = QualityTools.validate(spark, s, suite, data, null, csv.toString(), LocalDate.parse("2026-03-01"));
    assertThat(result.results()).extracting(ValidationResult.ExpectationResult::success).containsExactly(true, false, true);
    assertThat(result.blocking()).hasSize(1);
    Map<String, Object> ge = result.toGe();
    assertThat(ge.get("success")).isEqualTo(false);
    assertThat(ge.get("statistics")).isEqualTo(Map.of("evaluated_expectations", 3, "successful_expectations", 2L,
        "unsuccessful_expectations", 1L, "success_percent", 200.0 / 3));
    assertThat(result.toJson()).contains("\"partial_unexpected_list\" : [ -5 ]").contains("\"observed_value\" : \"IntegerType\"");
    // The GE format test (src/test/python) loads this file with great_expectations itself.
    Files.writeString(Path.of("target/ge-validation-result.json"), result.toJson());
  }

  @Test
  void suggestDraftsASuiteThatLoads() {
    Dataset<Row> table = spark.sql("SELECT id, CASE WHEN id % 2 = 0 THEN 'pro' ELSE 'team' END AS plan, id * 10 AS amount, "
        + "array('x') AS tags, 'b1' AS _batch_id FROM range(1, 41)");
    String draft = QualityTools.suggest(table, "silver.new_source");
    ExpectationSuite suite = ExpectationSuite.parse(draft, "draft");
    List<String> types = suite.expectations().stream().map(e -> e.type() + "(" + e.kwargs().get("column") + ")").toList();
    assertThat(types).contains("expect_column_values_to_not_be_null(id)", "expect_column_values_to_be_between(id)",
        "expect_column_values_to_be_in_set(plan)", "expect_column_values_to_be_between(amount)");
    assertThat(types).noneMatch(t -> t.contains("tags") || t.contains("_batch_id"));
    assertThat(suite.expectations()).allSatisfy(e -> assertThat(e.severity()).isEqualTo("warning"));
    // The draft passes on the data it was drawn from.
    List<ValidationResult.ExpectationResult> results = SuiteValidator.validate(table, suite,
        new SuiteValidator.Context(spark, new TableCatalog("file:/tmp"), LocalDate.parse("2026-03-01"), null));
    assertThat(results).allSatisfy(r -> assertThat(r.success()).as(r.message()).isTrue());
    assertThat(QualityTools.translate(".isContainedIn(\"plan\", Array(\"pro\", \"team\"), _ >= 0.9, Some(\"hint\"))", "why"))
        .isEqualTo(Map.of("expectation_type", "expect_column_values_to_be_in_set",
            "kwargs", Map.of("column", "plan", "value_set", List.of("pro", "team"), "mostly", 0.9),
            "meta", Map.of("severity", "warning", "notes", "suggested: why")));
  }

  @Test
  void weeklyReportPerStream() throws Exception {
    Path root = Files.createTempDirectory("quality-report");
    LakehouseSettings s = settings(root);
    TableCatalog catalog = new TableCatalog(s.warehouse());
    // stripe/customers: 3 days in the window (100, 200, 0 rows) and one unreadable file; the bronze rows of the window's
    // batches have one null email of four values -> null rate (0.25 + 0) / 2 columns.
    spark.sql("""
        SELECT * FROM VALUES
          ('f1', 'stripe', 'customers', DATE'2026-02-24', 100L, 'b1', 'landed', TIMESTAMP'2026-02-24 03:00:00'),
          ('f2', 'stripe', 'customers', DATE'2026-02-26', 200L, 'b2', 'landed', TIMESTAMP'2026-02-26 03:00:00'),
          ('f3', 'stripe', 'customers', DATE'2026-02-27', 0L, 'b3', 'unreadable', TIMESTAMP'2026-02-27 03:00:00'),
          ('f0', 'stripe', 'customers', DATE'2026-01-01', 999L, 'b0', 'landed', TIMESTAMP'2026-01-01 03:00:00')
        AS t(path, source, stream, extract_date, rows, batch_id, status, recorded_at)""")
        .write().format("delta").save(catalog.location("ops.ingested_files"));
    spark.sql("SELECT * FROM VALUES ('c1', 'a@x', 'b1'), ('c2', null, 'b1'), ('c3', 'c@x', 'b2'), ('c4', 'd@x', 'b2'), "
        + "('c0', null, 'b0') AS t(id, email, _batch_id)").write().format("delta").save(catalog.location("bronze.stripe_customers"));
    List<Map<String, Object>> report = QualityTools.report(spark, s, LocalDate.parse("2026-03-01"), 7, Instant.parse("2026-03-01T03:00:00Z"));
    Map<String, Object> customers = report.stream().filter(r -> r.get("source").equals("stripe/customers")).findFirst().orElseThrow();
    assertThat(customers.get("last_sync")).isEqualTo("2026-02-27T03:00:00Z");
    assertThat(customers.get("minutes_since_sync")).isEqualTo(2L * 24 * 60);
    assertThat(customers.get("days_with_data")).isEqualTo(2L);
    assertThat(customers.get("avg_daily_rows")).isEqualTo(150L);
    assertThat(customers.get("failed_runs")).isEqualTo(1L);
    assertThat(customers.get("avg_null_rate")).isEqualTo(0.125);
    Map<String, Object> never = report.stream().filter(r -> r.get("source").equals("zendesk/tickets")).findFirst().orElseThrow();
    assertThat(never.get("last_sync")).isNull();
    assertThat(QualityTools.csv(report)).startsWith("source,last_sync,minutes_since_sync,days_with_data,avg_daily_rows,failed_runs,avg_null_rate\n");
  }
}
