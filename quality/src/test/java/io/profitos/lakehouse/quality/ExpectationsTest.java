package io.profitos.lakehouse.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every expectation type on one hand-built table, once passing and once failing, with the
 * observed value GE would report (worked out by hand in the comments).
 */
class ExpectationsTest {
  private static final SparkSession spark = SparkTestSession.get();
  private static final LocalDate RUN = LocalDate.parse("2026-03-01");
  private static Path warehouse;
  private static TableCatalog catalog;

  /**
   * 10 rows. id: 1..8, 9, 9. amount: 10, 20, 30, 40, 50, four nulls, 500 (6 values, sum 650, mean
   * 108.33). status: a a b b c null a a x null. email: 2 good, 'bad', 7 nulls. hi/lo pairs: (2,1)
   * (2,3) (1,null) (null,null) (2,2) and 5 x (5,1). k1/k2: (1,a) (1,a) (1,b) (null,null) (2,null)
   * (2,null) (3,c) (4,d) (5,e) (6,f). total = 2 x amount, but 999 for 500.
   */
  private static final String TABLE = """
      SELECT * FROM VALUES
        (1, 10D, 'a', 'a@x.io', 2, 1, 1, 'a', 20D),
        (2, 20D, 'a', 'b@x.io', 2, 3, 1, 'a', 40D),
        (3, 30D, 'b', 'bad', 1, null, 1, 'b', 60D),
        (4, 40D, 'b', null, null, null, null, null, 80D),
        (5, 50D, 'c', null, 2, 2, 2, null, 100D),
        (6, null, null, null, 5, 1, 2, null, null),
        (7, null, 'a', null, 5, 1, 3, 'c', null),
        (8, null, 'a', null, 5, 1, 4, 'd', null),
        (9, null, 'x', null, 5, 1, 5, 'e', null),
        (9, 500D, null, null, 5, 1, 6, 'f', 999D)
      AS t(id, amount, status, email, hi, lo, k1, k2, total)""";

  @BeforeAll
  static void referenceTable() throws Exception {
    warehouse = Files.createTempDirectory("quality-expectations");
    catalog = new TableCatalog(warehouse.toUri().toString());
    spark.sql("SELECT explode(sequence(1, 8)) AS id").write().format("delta").save(catalog.location("gold.dim_ids"));
  }

  private static ExpectationResult run(String type, String kwargs) {
    return run(spark.sql(TABLE), type, kwargs, null);
  }

  private static ExpectationResult run(Dataset<Row> data, String type, String kwargs, String repository) {
    ExpectationSuite suite = ExpectationSuite.parse("{\"name\": \"t\", \"expectations\": [{\"type\": \"" + type + "\", \"kwargs\": "
        + kwargs + "}]}", "test");
    List<ExpectationResult> results = SuiteValidator.validate(data, suite, new SuiteValidator.Context(spark, catalog, RUN, repository));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static double pct(ExpectationResult r) {
    return ((Number) r.result().get("unexpected_percent")).doubleValue();
  }

  private static long unexpected(ExpectationResult r) {
    return ((Number) r.result().get("unexpected_count")).longValue();
  }

  @Test
  void notNullCountsEveryRow() {
    // amount: 4 nulls of 10 -> 40% unexpected over all rows (not_be_null is the one map expectation that counts nulls).
    ExpectationResult strict = run("expect_column_values_to_not_be_null", "{\"column\": \"amount\"}");
    assertThat(strict.success()).isFalse();
    assertThat(unexpected(strict)).isEqualTo(4);
    assertThat(pct(strict)).isEqualTo(40.0);
    assertThat(run("expect_column_values_to_not_be_null", "{\"column\": \"amount\", \"mostly\": 0.6}").success()).isTrue();
    assertThat(run("expect_column_values_to_not_be_null", "{\"column\": \"amount\", \"mostly\": 0.61}").success()).isFalse();
    assertThat(run("expect_column_values_to_not_be_null", "{\"column\": \"id\"}").success()).isTrue();
  }

  /** The gate takes the row count from the checks' pass over every row; checks only on a row condition count no row of the whole. */
  @Test
  void theValidationCountsTheRowsItChecked() {
    ExpectationSuite whole = ExpectationSuite.parse("{\"name\": \"t\", \"expectations\": ["
        + "{\"type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"k1\"}},"
        + "{\"type\": \"expect_column_values_to_be_in_set\", \"kwargs\": {\"column\": \"status\", \"value_set\": [\"a\"],"
        + " \"row_condition\": \"id > 5\", \"condition_parser\": \"spark\"}}]}", "test");
    SuiteValidator.Validation v = SuiteValidator.validation(spark.sql(TABLE), whole, new SuiteValidator.Context(spark, catalog, RUN, null));
    assertThat(v.rowCount()).isEqualTo(10L); // the ten rows of TABLE, not the five with id > 5
    assertThat(v.results()).hasSize(2);
    ExpectationSuite conditional = ExpectationSuite.parse("{\"name\": \"t\", \"expectations\": ["
        + "{\"type\": \"expect_column_values_to_be_in_set\", \"kwargs\": {\"column\": \"status\", \"value_set\": [\"a\"],"
        + " \"row_condition\": \"id > 5\", \"condition_parser\": \"spark\"}}]}", "test");
    assertThat(SuiteValidator.validation(spark.sql(TABLE), conditional, new SuiteValidator.Context(spark, catalog, RUN, null)).rowCount())
        .isNull();
  }

  @Test
  void uniqueCountsEveryOccurrenceOfADuplicate() {
    // id 9 twice: both rows are unexpected, 2 of 10 = 20%; the sample shows the value.
    ExpectationResult r = run("expect_column_values_to_be_unique", "{\"column\": \"id\"}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(2);
    assertThat(r.result().get("partial_unexpected_list")).isEqualTo(List.of(9));
    assertThat(run("expect_column_values_to_be_unique", "{\"column\": \"id\", \"mostly\": 0.8}").success()).isTrue();
    assertThat(run("expect_column_values_to_be_unique", "{\"column\": \"amount\"}").success()).isTrue(); // nulls are not values
  }

  @Test
  void betweenIgnoresNullsAndHonoursStrictBounds() {
    // amount in [0, 100]: 500 is the one unexpected of the 6 non-null values: 16.67%; 5/6 = 0.833 meets mostly 0.8, not 0.9.
    ExpectationResult r = run("expect_column_values_to_be_between", "{\"column\": \"amount\", \"min_value\": 0, \"max_value\": 100}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(1);
    assertThat(pct(r)).isCloseTo(100.0 / 6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.result().get("missing_count")).isEqualTo(4L);
    assertThat(r.result().get("partial_unexpected_list")).isEqualTo(List.of(500.0));
    assertThat(run("expect_column_values_to_be_between", "{\"column\": \"amount\", \"max_value\": 100, \"mostly\": 0.8}").success()).isTrue();
    assertThat(run("expect_column_values_to_be_between", "{\"column\": \"amount\", \"max_value\": 100, \"mostly\": 0.9}").success()).isFalse();
    // Strict: 10 is the minimum, so min 10 passes inclusive and fails strict.
    assertThat(run("expect_column_values_to_be_between", "{\"column\": \"amount\", \"min_value\": 10}").success()).isTrue();
    ExpectationResult strict = run("expect_column_values_to_be_between", "{\"column\": \"amount\", \"min_value\": 10, \"strict_min\": true}");
    assertThat(unexpected(strict)).isEqualTo(1);
  }

  @Test
  void inSetAndRegex() {
    // status: 8 non-null, 'x' is outside {a, b, c}: 12.5%.
    ExpectationResult set = run("expect_column_values_to_be_in_set", "{\"column\": \"status\", \"value_set\": [\"a\", \"b\", \"c\"]}");
    assertThat(set.success()).isFalse();
    assertThat(pct(set)).isEqualTo(12.5);
    assertThat(set.result().get("partial_unexpected_list")).isEqualTo(List.of("x"));
    assertThat(run("expect_column_values_to_be_in_set", "{\"column\": \"status\", \"value_set\": [\"a\", \"b\", \"c\", \"x\"]}")
        .success()).isTrue();
    // email: 3 non-null; 'bad' has no '@' (a search, like GE's re.search): 1 of 3.
    ExpectationResult regex = run("expect_column_values_to_match_regex", "{\"column\": \"email\", \"regex\": \"@\"}");
    assertThat(regex.success()).isFalse();
    assertThat(unexpected(regex)).isEqualTo(1);
    assertThat(run("expect_column_values_to_match_regex", "{\"column\": \"email\", \"regex\": \"@|bad\"}").success()).isTrue();
  }

  @Test
  void typeIsTheSparkTypeName() {
    ExpectationResult ok = run("expect_column_values_to_be_of_type", "{\"column\": \"id\", \"type_\": \"IntegerType\"}");
    assertThat(ok.success()).isTrue();
    ExpectationResult bad = run("expect_column_values_to_be_of_type", "{\"column\": \"amount\", \"type_\": \"StringType\"}");
    assertThat(bad.success()).isFalse();
    assertThat(bad.result().get("observed_value")).isEqualTo("DoubleType");
  }

  @Test
  void compoundUniqueLeavesOutRowsWithEveryValueMissing() {
    // (null, null) is left out: 9 rows; (1, a) twice and (2, null) twice are unexpected: 4 of 9.
    ExpectationResult r = run("expect_compound_columns_to_be_unique", "{\"column_list\": [\"k1\", \"k2\"]}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(4);
    assertThat(r.result().get("missing_count")).isEqualTo(1L);
    // Leaving out rows with any value missing: 6 rows, (1, a) twice -> 2 unexpected.
    ExpectationResult any = run("expect_compound_columns_to_be_unique", "{\"column_list\": [\"k1\", \"k2\"], \"ignore_row_if\": \"any_value_is_missing\"}");
    assertThat(unexpected(any)).isEqualTo(2);
    assertThat(run("expect_compound_columns_to_be_unique", "{\"column_list\": [\"id\", \"k1\"]}").success()).isTrue();
  }

  @Test
  void pairGreaterThan() {
    // hi > lo: (2,3) and (2,2) fail; (1,null) has one side missing (not unexpected on Spark); (null,null) is left out.
    ExpectationResult r = run("expect_column_pair_values_a_to_be_greater_than_b", "{\"column_A\": \"hi\", \"column_B\": \"lo\"}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(2);
    assertThat(r.result().get("element_count")).isEqualTo(10L);
    assertThat(r.result().get("missing_count")).isEqualTo(1L);
    ExpectationResult orEqual = run("expect_column_pair_values_a_to_be_greater_than_b",
        "{\"column_A\": \"hi\", \"column_B\": \"lo\", \"or_equal\": true, \"mostly\": 0.85}");
    assertThat(unexpected(orEqual)).isEqualTo(1); // only (2,3): 8/9 = 0.89 >= 0.85
    assertThat(orEqual.success()).isTrue();
  }

  @Test
  void aggregates() {
    ExpectationResult rows = run("expect_table_row_count_to_be_between", "{\"min_value\": 10, \"max_value\": 10}");
    assertThat(rows.success()).isTrue();
    assertThat(rows.result().get("observed_value")).isEqualTo(10L);
    assertThat(run("expect_table_row_count_to_be_between", "{\"min_value\": 11}").success()).isFalse();
    // Mean of the 6 values: 650 / 6 = 108.33; min 10, max 500, sum 650.
    ExpectationResult mean = run("expect_column_mean_to_be_between", "{\"column\": \"amount\", \"max_value\": 100}");
    assertThat(mean.success()).isFalse();
    assertThat((Double) mean.result().get("observed_value")).isCloseTo(650.0 / 6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(run("expect_column_mean_to_be_between", "{\"column\": \"amount\", \"min_value\": 100, \"max_value\": 110}").success()).isTrue();
    assertThat(run("expect_column_min_to_be_between", "{\"column\": \"amount\", \"min_value\": 10}").success()).isTrue();
    assertThat(run("expect_column_min_to_be_between", "{\"column\": \"amount\", \"min_value\": 10, \"strict_min\": true}").success()).isFalse();
    ExpectationResult max = run("expect_column_max_to_be_between", "{\"column\": \"amount\", \"max_value\": 100}");
    assertThat(max.success()).isFalse();
    assertThat(max.result().get("observed_value")).isEqualTo(500.0);
    ExpectationResult sum = run("expect_column_sum_to_be_between", "{\"column\": \"amount\", \"min_value\": 650, \"max_value\": 650}");
    assertThat(sum.success()).isTrue();
    assertThat(sum.result().get("observed_value")).isEqualTo(650.0);
    // status: 4 distinct values (a, b, c, x) among 8 non-null: 0.5.
    ExpectationResult unique = run("expect_column_proportion_of_unique_values_to_be_between", "{\"column\": \"status\", \"min_value\": 0.6}");
    assertThat(unique.success()).isFalse();
    assertThat(unique.result().get("observed_value")).isEqualTo(0.5);
    assertThat(run("expect_column_proportion_of_unique_values_to_be_between", "{\"column\": \"status\", \"max_value\": 0.5}").success()).isTrue();
  }

  @Test
  void rowConditionNarrowsTheDomain() {
    // Rows with status 'a' (ids 1, 2, 7, 8): amount 10, 20 and two nulls -> max 20.
    ExpectationResult r = run("expect_column_max_to_be_between",
        "{\"column\": \"amount\", \"max_value\": 20, \"row_condition\": \"status = 'a'\", \"condition_parser\": \"spark\"}");
    assertThat(r.success()).isTrue();
    assertThat(r.result().get("observed_value")).isEqualTo(20.0);
  }

  @Test
  void referentialIntegrity() {
    // dim_ids holds 1..8: both rows with id 9 are orphans, 2 of 10.
    ExpectationResult r = run("expect_column_values_to_exist_in_table", "{\"column\": \"id\", \"table\": \"gold.dim_ids\"}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(2);
    // GE lists one entry per unexpected row, repeated values included.
    assertThat(r.result().get("partial_unexpected_list")).isEqualTo(List.of(9, 9));
    assertThat(run("expect_column_values_to_exist_in_table", "{\"column\": \"k1\", \"table\": \"gold.dim_ids\", \"table_column\": \"id\"}")
        .success()).isTrue();
  }

  @Test
  void referentialIntegrityAgainstATableNotBuiltYetFailsWithoutTouchingSpark() {
    ExpectationResult r = run("expect_column_values_to_exist_in_table", "{\"column\": \"id\", \"table\": \"gold.dim_not_yet\"}");
    assertThat(r.success()).isFalse();
    assertThat(r.message()).isEqualTo("gold.dim_not_yet does not exist yet: the values of id cannot be checked against it");
  }

  /**
   * Workspace w1: months Jan..Apr with mrr 10, 20, 20, 0 and previous 0, 10, 20, 20: every row holds.
   * w2: Jan mrr 5 (previous 0), Feb previous 7 (its Jan mrr is 5: broken), Apr previous 5 with no March
   * row (a gap: broken). w3 starts in March with previous 4 (not 0: broken). 3 of 8 rows unexpected.
   */
  @Test
  void previousPeriodValueChecksAcrossRows() {
    Dataset<Row> fact = spark.sql("""
        SELECT workspace_id, CAST(month AS DATE) AS month, CAST(mrr AS DECIMAL(18,6)) AS mrr,
               CAST(previous_mrr AS DECIMAL(18,6)) AS previous_mrr FROM VALUES
          ('w1', '2026-01-01', 10, 0), ('w1', '2026-02-01', 20, 10), ('w1', '2026-03-01', 20, 20), ('w1', '2026-04-01', 0, 20),
          ('w2', '2026-01-01', 5, 0), ('w2', '2026-02-01', 5, 7), ('w2', '2026-04-01', 9, 5),
          ('w3', '2026-03-01', 8, 4)
        AS t(workspace_id, month, mrr, previous_mrr)""");
    String kwargs = "{\"column\": \"previous_mrr\", \"previous_column\": \"mrr\", \"partition_by\": [\"workspace_id\"], "
        + "\"order_by\": \"month\", \"period\": \"month\", \"first_value\": 0}";
    ExpectationResult broken = run(fact, "expect_column_values_to_equal_previous_period_value", kwargs, null);
    assertThat(broken.success()).isFalse();
    assertThat(unexpected(broken)).isEqualTo(3);
    assertThat(broken.message()).contains("3 of 8 non-null values differ from the previous month's mrr");
    ExpectationResult whole = run(fact.where("workspace_id = 'w1'"), "expect_column_values_to_equal_previous_period_value", kwargs, null);
    assertThat(whole.success()).isTrue();
    assertThat(unexpected(whole)).isZero();
  }

  @Test
  void expressionIdentity() {
    // total = 2 x amount on the 6 non-null rows, except 999 for 500 (off by 1): 1 unexpected; a tolerance of 1 accepts it.
    ExpectationResult r = run("expect_column_values_to_equal_expression", "{\"column\": \"total\", \"expression\": \"amount * 2\"}");
    assertThat(r.success()).isFalse();
    assertThat(unexpected(r)).isEqualTo(1);
    assertThat(run("expect_column_values_to_equal_expression", "{\"column\": \"total\", \"expression\": \"amount * 2\", \"tolerance\": 1}")
        .success()).isTrue();
  }

  @Test
  void periodOverPeriodChangeLooksAtTheNewestPeriods() {
    // MRR 100 -> 200 (+100%) long ago, then 105 -> 120: the newest change is +14.29%.
    Dataset<Row> kpis = spark.sql("SELECT * FROM VALUES (1, 100D), (2, 200D), (3, 105D), (4, 120D) AS t(month, mrr)");
    ExpectationResult r = run(kpis, "expect_column_pct_change_to_be_between",
        "{\"column\": \"mrr\", \"order_by\": \"month\", \"min_value\": -0.1, \"max_value\": 0.1}", null);
    assertThat(r.success()).isFalse();
    assertThat((Double) r.result().get("observed_value")).isCloseTo(15.0 / 105, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(run(kpis, "expect_column_pct_change_to_be_between",
        "{\"column\": \"mrr\", \"order_by\": \"month\", \"min_value\": -0.1, \"max_value\": 0.2}", null).success()).isTrue();
    // The last three changes include -47.5% (200 -> 105).
    assertThat(run(kpis, "expect_column_pct_change_to_be_between",
        "{\"column\": \"mrr\", \"order_by\": \"month\", \"min_value\": -0.1, \"max_value\": 0.2, \"last_periods\": 2}", null).success()).isFalse();
  }

  @Test
  void freshnessIsMeasuredAtTheEndOfTheRunDate() {
    // Newest 2026-03-01 12:00 UTC; the run date 2026-03-01 ends at 2026-03-02 00:00: 12 hours.
    Dataset<Row> events = spark.sql("SELECT * FROM VALUES (TIMESTAMP'2026-02-28 08:00:00'), (TIMESTAMP'2026-03-01 12:00:00') AS t(received_at)");
    ExpectationResult fresh = run(events, "expect_column_max_age_to_be_less_than", "{\"column\": \"received_at\", \"max_age_hours\": 24}", null);
    assertThat(fresh.success()).isTrue();
    assertThat(fresh.result().get("observed_value")).isEqualTo(12.0);
    assertThat(run(events, "expect_column_max_age_to_be_less_than", "{\"column\": \"received_at\", \"max_age_hours\": 6}", null)
        .success()).isFalse();
  }

  @Test
  void anomalyComparesWithTheMetricsHistory() throws Exception {
    String repository = warehouse.resolve("metrics-" + System.nanoTime() + ".json").toString();
    String kwargs = "{\"metric\": \"row_count\", \"strategy\": \"relative_rate_of_change\", \"max_rate_decrease\": 0.5, \"max_rate_increase\": 2.0}";
    ExpectationSuite suite = ExpectationSuite.parse("{\"name\": \"rows\", \"expectations\": [{\"type\": \"expect_metric_to_not_be_anomalous\", "
        + "\"kwargs\": " + kwargs + "}]}", "test");
    // First run: no history, it only records the point (10 rows).
    ExpectationResult first = SuiteValidator.validate(spark.sql(TABLE), suite,
        new SuiteValidator.Context(spark, catalog, RUN, repository)).get(0);
    assertThat(first.success()).isTrue();
    assertThat(first.result().get("observed_value")).isEqualTo(10.0);
    // Next day: 12 rows (x1.2) is within [x0.5, x2]; 30 rows (x3) is an anomaly.
    ExpectationResult normal = SuiteValidator.validate(spark.sql("SELECT explode(sequence(1, 12)) AS id"), suite,
        new SuiteValidator.Context(spark, catalog, RUN.plusDays(1), repository)).get(0);
    assertThat(normal.success()).isTrue();
    ExpectationResult jump = SuiteValidator.validate(spark.sql("SELECT explode(sequence(1, 30)) AS id"), suite,
        new SuiteValidator.Context(spark, catalog, RUN.plusDays(2), repository)).get(0);
    assertThat(jump.success()).isFalse();
    assertThat(jump.result().get("observed_value")).isEqualTo(30.0);
  }

  /**
   * Expectations without meta.name: two of one type on one column get distinct names from their kwargs, the same
   * whatever else the suite holds or where they stand in it, so an override written against one keeps pointing at it.
   */
  @Test
  void unnamedExpectationsGetStableDistinctNamesFromTheirKwargs() {
    String between = "{\"type\": \"expect_column_values_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"min_value\": 0}}";
    String capped = "{\"type\": \"expect_column_values_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"max_value\": 100, "
        + "\"mostly\": 0.9}}";
    String other = "{\"type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"id\"}}";
    ExpectationSuite one = ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [" + between + ", " + capped + "]}", "one.json");
    ExpectationSuite edited = ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [" + other + ", " + capped + ", " + between
        + "]}", "edited.json");
    assertThat(one.expectations()).extracting(ExpectationSuite.Expectation::name)
        .containsExactly("column_values_to_be_between(amount; min_value=0)", "column_values_to_be_between(amount; max_value=100, mostly=0.9)");
    assertThat(edited.expectations()).extracting(ExpectationSuite.Expectation::name).containsExactly("column_values_to_not_be_null(id)",
        "column_values_to_be_between(amount; max_value=100, mostly=0.9)", "column_values_to_be_between(amount; min_value=0)");
    // A long set is named by a digest of the kwargs: short, and still theirs alone.
    String longSet = "{\"type\": \"expect_column_values_to_be_in_set\", \"kwargs\": {\"column\": \"plan\", \"value_set\": "
        + "[\"free\", \"starter\", \"team\", \"business\", \"enterprise\", \"legacy-2019\", \"legacy-2021\"]}}";
    String name = ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [" + longSet + "]}", "x.json").expectations().get(0).name();
    assertThat(name).matches("column_values_to_be_in_set\\(plan; #[0-9a-f]{10}\\)");
    // The same check twice is refused; an override names a generated name in quotes and finds it.
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [" + between + ", " + between + "]}", "twice.json"))
        .hasMessageContaining("also named 'column_values_to_be_between(amount; min_value=0)' (the same type with the same kwargs");
    assertThat(QualityGate.hocon("column_values_to_be_between(amount; min_value=0)")).isEqualTo("\"column_values_to_be_between(amount; min_value=0)\"");
    com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseString("lakehouse.quality.overrides = [{ table = silver.x, "
        + "expectation = " + QualityGate.hocon("column_values_to_be_between(amount; min_value=0)") + ", approved-by = \"Head of BI\", "
        + "reason = \"late fix\", until = \"2026-12-31\" }]");
    assertThat(Overrides.from(conf).find("silver.x", "column_values_to_be_between(amount; min_value=0)", RUN)).isNotNull();
  }

  @Test
  void suitesLoadInBothSpellingsAndBadOnesFailAtLoad() {
    ExpectationSuite legacy = ExpectationSuite.parse("{\"expectation_suite_name\": \"s\", \"expectations\": [{\"expectation_type\": "
        + "\"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"id\"}, \"meta\": {\"severity\": \"warning\"}}]}", "legacy.json");
    ExpectationSuite modern = ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": "
        + "\"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"id\"}, \"severity\": \"warning\"}]}", "modern.json");
    assertThat(legacy.name()).isEqualTo(modern.name());
    assertThat(legacy.expectations().get(0)).usingRecursiveComparison().ignoringFields("meta").isEqualTo(modern.expectations().get(0));
    assertThat(legacy.expectations().get(0).severity()).isEqualTo("warning");
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_not_be_null\", "
        + "\"kwargs\": {}}, {\"type\": \"expect_made_up\", \"kwargs\": {}}]}", "conf/quality/x.json"))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("conf/quality/x.json, expectation 0 (expect_column_values_to_not_be_null)")
        .hasMessageContaining("'column' is required");
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_made_up\"}]}", "x.json"))
        .hasMessageContaining("expectation 0 (expect_made_up): unknown expectation type");
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_be_between\", "
        + "\"kwargs\": {\"column\": \"a\", \"min_value\": 1, \"mostly\": 2}}]}", "x.json")).hasMessageContaining("'mostly' must be between 0 and 1");
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_be_between\", "
        + "\"kwargs\": {\"column\": \"a\", \"minimum\": 1}}]}", "x.json")).hasMessageContaining("unknown kwarg 'minimum'");
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_be_between\", "
        + "\"kwargs\": {\"column\": \"a\"}}]}", "x.json")).hasMessageContaining("min_value and max_value cannot both be null");
    // GE suite parameters resolve from configuration.
    ExpectationSuite withParameter = ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": "
        + "\"expect_table_row_count_to_be_between\", \"kwargs\": {\"min_value\": {\"$PARAMETER\": \"min_rows\"}}}]}", "p.json",
        Map.of("min_rows", 12));
    assertThat(withParameter.expectations().get(0).kwargs().get("min_value")).isEqualTo(12);
    assertThatThrownBy(() -> ExpectationSuite.parse("{\"name\": \"s\", \"expectations\": [{\"type\": "
        + "\"expect_table_row_count_to_be_between\", \"kwargs\": {\"min_value\": {\"$PARAMETER\": \"min_rows\"}}}]}", "p.json", Map.of()))
        .hasMessageContaining("parameter 'min_rows', which is not set");
  }

  @Test
  void everyShippedSuiteLoads() {
    SuiteCatalog shipped = new SuiteCatalog(Path.of("../conf/quality").toAbsolutePath().toString(), Map.of("cohort_min_rows", 12));
    List<ExpectationSuite> suites = shipped.all();
    assertThat(suites).extracting(ExpectationSuite::name).contains("gold.kpi_saas_monthly", "gold.mrr_reconciliation",
        "gold.kpi_cohort_retention");
    assertThat(suites).allSatisfy(s -> assertThat(s.expectations()).isNotEmpty());
  }
}
