package io.profitos.lakehouse.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.quality.ValidationResult.ExpectationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every supported standard expectation type on one small table (nulls, boundary values, an empty string): the counts
 * below are worked out by hand from {@code ge-parity/data.jsonl}. The same suite's result is written to
 * {@code target/ge-parity/result.json}, where {@code src/test/python/test_ge_parity.py} runs the suite through
 * great_expectations itself (pandas) and compares each verdict, unexpected count and observed value.
 */
class GeParityTest {
  private static final SparkSession spark = SparkTestSession.get();
  static final Path DIR = Path.of("src/test/resources/ge-parity");
  static final StructType SCHEMA = new StructType().add("id", "long").add("name", "string").add("code", "string")
      .add("amount", "double").add("a", "long").add("b", "long").add("doc", "string")
      // Text of mixed content (numbers, a boolean, blanks): one type per column is all a Spark table can hold.
      .add("mixed", "string").add("when", "string");
  @TempDir Path tmp;

  private Map<String, ExpectationResult> validate(ExpectationSuite suite) {
    return validate(suite, spark.read().schema(SCHEMA).json(DIR.resolve("data.jsonl").toString()));
  }

  private Map<String, ExpectationResult> validate(ExpectationSuite suite, Dataset<Row> data) {
    List<ExpectationResult> results = SuiteValidator.validate(data, suite,
        new SuiteValidator.Context(spark, new TableCatalog(tmp.toString()), LocalDate.parse("2026-12-01"), null, false));
    Map<String, ExpectationResult> byName = new LinkedHashMap<>();
    results.forEach(r -> byName.put(r.expectation().name(), r));
    return byName;
  }

  /** The ids of a COMPLETE result's unexpected rows. */
  private static List<Long> ids(ExpectationResult r) {
    return ((List<?>) r.result().get("unexpected_index_list")).stream().map(m -> (Long) ((Map<?, ?>) m).get("id")).toList();
  }

  private static Object unexpected(ExpectationResult r) {
    return r.result().get("unexpected_count");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyTypeGivesTheCountsWorkedOutByHandAndTheResultIsWrittenForTheGreatExpectationsComparison() throws Exception {
    ExpectationSuite suite = ExpectationSuite.load(DIR.resolve("suite.json"));
    Map<String, ExpectationResult> r = validate(suite);
    assertThat(r).hasSize(90);

    // Nulls: name is null in rows 3 and 7.
    assertThat(unexpected(r.get("name not null"))).isEqualTo(2L);
    assertThat(r.get("name not null").success()).isFalse();
    assertThat(r.get("name mostly not null").success()).isTrue(); // 8 of 10 = 0.8
    assertThat(unexpected(r.get("name null"))).isEqualTo(8L);
    assertThat(r.get("name mostly null").success()).isTrue(); // 2 of 10 >= 0.1
    // Sets over the 9 non-null codes A-1, B-22, C-333, A-1, XY, B-22, z, A-4444 and "".
    assertThat(unexpected(r.get("code not in set"))).isEqualTo(3L); // A-1 twice, z
    assertThat(r.get("code not in set").success()).isFalse();
    assertThat(r.get("code not in set mostly").success()).isTrue(); // 6 of 9 >= 0.6
    // Regular expressions search (match anywhere) as GE's do.
    assertThat(unexpected(r.get("code no three digits"))).isEqualTo(2L); // C-333, A-4444
    assertThat(unexpected(r.get("code starts A or B"))).isEqualTo(4L); // C-333, XY, z, ""
    assertThat(unexpected(r.get("code starts A and ends digit"))).isEqualTo(6L); // all but, A-4444
    assertThat(unexpected(r.get("code starts neither A nor z"))).isEqualTo(4L); // A-4444, z
    // Lengths 3, 4, 5, 3, 2, 4, 1, 6, 0.
    assertThat(unexpected(r.get("code length 1 to 3"))).isEqualTo(5L);
    assertThat(unexpected(r.get("code length above 2"))).isEqualTo(3L); // XY, z, ""
    assertThat(unexpected(r.get("code length 3"))).isEqualTo(7L);
    assertThat(r.get("name length at most 5").success()).isTrue();
    // Pairs where both sides are present: (2,1), (6,7) and (10,0) differ; only (6,7) has a below b.
    assertThat(unexpected(r.get("a equals b where both"))).isEqualTo(3L);
    assertThat(unexpected(r.get("a at least b where both"))).isEqualTo(1L);
    // Table expectations.
    assertThat(r.get("rows equal 10").success()).isTrue();
    assertThat(r.get("rows equal 11").success()).isFalse();
    assertThat(r.get("rows equal 11").observed()).isEqualTo(10L);
    assertThat(r.get("name exists").success()).isTrue();
    assertThat(r.get("name is column 1").success()).isTrue();
    assertThat(r.get("name is column 2").success()).isFalse();
    assertThat(r.get("no such column").success()).isFalse();
    assertThat(r.get("columns are the set").success()).isTrue();
    assertThat(r.get("columns include id and name").success()).isTrue();
    assertThat(r.get("columns are only id and name").success()).isFalse();
    assertThat(r.get("columns include a missing one").success()).isFalse();
    assertThat(r.get("columns in order").success()).isTrue();
    assertThat(r.get("columns in another order").success()).isFalse();
    assertThat(r.get("nine columns").observed()).isEqualTo(9);
    assertThat(r.get("nine columns").success()).isTrue();
    assertThat(r.get("one to five columns").success()).isFalse();
    assertThat(r.get("at least two columns").success()).isTrue();

    // Exact aggregates of amount's 8 values -5, 0, 3.25, 7, 10, 20.5, 20.5, 100 (mean 19.53125, sample deviation 33.7497).
    assertThat(r.get("amount median").observed()).isEqualTo(8.5);
    assertThat((Double) r.get("amount stdev").observed()).isCloseTo(33.74971891417341, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.get("code distinct count").observed()).isEqualTo(7L);
    assertThat(r.get("name non-null share").observed()).isEqualTo(0.8);
    assertThat(r.get("code distinct in set").success()).isTrue();
    assertThat(r.get("code distinct in a small set").success()).isFalse();
    assertThat(r.get("code distinct contain").success()).isTrue();
    assertThat(r.get("code distinct contain missing").success()).isFalse();
    assertThat(r.get("code distinct equal").success()).isTrue();
    assertThat(r.get("b distinct equal").success()).isTrue(); // whole numbers compared whatever their type
    // A-1 and B-22 both occur twice.
    assertThat(r.get("code mode with ties").observed()).isEqualTo(List.of("A-1", "B-22"));
    assertThat(r.get("code mode with ties").success()).isTrue();
    assertThat(r.get("code mode without ties").success()).isFalse();
    // Nearest ranks of q x 7: 1.75 -> 2 (3.25), 3.5 -> 4 (half to even: 10), 5.25 -> 5 (20.5); linear at 0.5: 8.5.
    assertThat(((Map<?, ?>) r.get("amount quartiles").observed()).get("values")).isEqualTo(List.of(3.25, 10.0, 20.5));
    assertThat(r.get("amount quartiles").success()).isTrue();
    assertThat(r.get("amount quartiles too tight").success()).isFalse();
    assertThat(((List<?>) ((Map<?, ?>) r.get("amount linear quartiles").observed()).get("values")).get(1)).isEqualTo(8.5);
    // z of 100 is 2.38; no other reaches 1.
    assertThat(unexpected(r.get("amount z below 2"))).isEqualTo(1L);
    assertThat(unexpected(r.get("amount z below 1 upwards"))).isEqualTo(1L);
    // The 8 rows with both a and b: (1,1), (2,1), (3,3), (5,5), (6,7), (7,7), (9,9), (10,0).
    assertThat(unexpected(r.get("pairs in set"))).isEqualTo(5L);
    assertThat(unexpected(r.get("a plus b is 10"))).isEqualTo(6L);
    assertThat(unexpected(r.get("a and b differ"))).isEqualTo(5L);
    assertThat(unexpected(r.get("a and b equal"))).isEqualTo(3L);
    // Of 9 documents, 'not json', '{"a": }' and '{"a": 1} extra' are not JSON ('NaN' is, as for Python).
    assertThat(unexpected(r.get("doc is json"))).isEqualTo(3L);

    // Mixed text 12, abc, 3.5, true, "", -7, 1e3, " 42", NaN: whole numbers only 12 and -7; JSON all but abc and ""
    // (a leading blank and NaN are JSON to Python); lengths 1 to 3 all but true and "".
    assertThat(unexpected(r.get("mixed whole numbers"))).isEqualTo(7L);
    assertThat(unexpected(r.get("mixed json"))).isEqualTo(2L);
    assertThat(unexpected(r.get("mixed lengths"))).isEqualTo(2L);
    // Dates as text, as Python's strptime reads them: 2026-1-5 and 2024-02-29 are dates of %Y-%m-%d; 2026-02-30, a
    // trailing blank, 2026-13-01 and other layouts are not.
    assertThat(unexpected(r.get("when ISO date"))).isEqualTo(5L);
    assertThat(unexpected(r.get("when month name"))).isEqualTo(8L);
    assertThat(unexpected(r.get("when day first"))).isEqualTo(8L);
    // Missing values compared as values (both GE engines): (4, null) and (8, null) are no pair of the set, sum to 4 and
    // 8, and differ from their partner.
    assertThat(unexpected(r.get("pairs in set, missing sides count"))).isEqualTo(7L);
    assertThat(unexpected(r.get("a plus b is 10, missing as 0"))).isEqualTo(8L);
    assertThat(unexpected(r.get("a and b differ, missing sides too"))).isEqualTo(5L);
    assertThat(unexpected(r.get("a and b equal, missing sides too"))).isEqualTo(5L);
    // Outliers of amount: quartiles 2.4375 and 20.5 (linear), so only 100 lies past Q3 + 1.5 IQR, and only 100 lies a
    // sample deviation or more from the mean; a's quartiles 3.25 and 7.75 with no margin leave 1, 2, 3, 8, 9, 10 out.
    assertThat(unexpected(r.get("amount outliers by iqr"))).isEqualTo(1L);
    assertThat(unexpected(r.get("amount outliers by std"))).isEqualTo(1L);
    assertThat(unexpected(r.get("a outliers by iqr x0"))).isEqualTo(6L);
    // Result formats: every unexpected value and the id of its row (COMPLETE), nothing but the verdict (BOOLEAN_ONLY).
    assertThat((List<Object>) r.get("code in set, complete").result().get("unexpected_list")).containsExactlyInAnyOrder("C-333", "XY", "A-4444", "");
    assertThat(ids(r.get("code in set, complete"))).containsExactlyInAnyOrder(3L, 6L, 9L, 10L);
    assertThat(ids(r.get("name not null, complete"))).containsExactlyInAnyOrder(3L, 7L);
    assertThat((List<Object>) r.get("code length, summary").result().get("partial_unexpected_counts")).first()
        .isEqualTo(Map.of("value", "B-22", "count", 2L));
    assertThat(r.get("code in set, boolean only").result()).isEmpty();
    assertThat(r.get("code in set, boolean only").success()).isFalse();
    assertThat(r.get("amount mean, boolean only").result()).isEmpty();

    Path out = Path.of("target/ge-parity/result.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, new ValidationResult(suite, List.copyOf(r.values()), Map.of("data", "ge-parity/data.jsonl")).toJson());
  }

  /** The same suite on no rows (the table's columns, empty): written for the comparison with great_expectations too. */
  @Test
  void onAnEmptyTableTheResultIsWrittenForTheComparison() throws Exception {
    ExpectationSuite suite = ExpectationSuite.load(DIR.resolve("suite.json"));
    Map<String, ExpectationResult> r = validate(suite, spark.createDataFrame(List.of(), SCHEMA));
    // GE's conventions with no row: map checks pass, a sum and a share are 0, a mean cannot be computed.
    assertThat(r.get("name not null").success()).isTrue();
    assertThat(r.get("amount sum").observed()).isEqualTo(0.0);
    assertThat(r.get("name non-null share").observed()).isEqualTo(0.0);
    assertThat(r.get("amount mean").success()).isFalse();
    Path out = Path.of("target/ge-parity/result-empty.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, new ValidationResult(suite, List.copyOf(r.values()), Map.of("data", "no rows")).toJson());
  }

  /**
   * GE's Spark engine and its pandas engine differ on a pair with one side missing: Spark's comparison is null there,
   * so the row is not unexpected; pandas counts it. The engine runs on Spark and follows GE's Spark engine (so a GE Spark
   * user's suite gives the same verdicts); the parity suite sets ignore_row_if = either_value_is_missing, where both agree.
   */
  @Test
  void aPairWithOneSideMissingIsNotUnexpectedAsOnGreatExpectationsSparkEngine() {
    ExpectationSuite suite = ExpectationSuite.parse("""
        {"name": "pairs", "expectations": [
          {"type": "expect_column_pair_values_to_be_equal", "kwargs": {"column_A": "a", "column_B": "b"}},
          {"type": "expect_column_pair_values_a_to_be_greater_than_b", "kwargs": {"column_A": "a", "column_B": "b", "or_equal": true}}
        ]}""", "pairs");
    Map<String, ExpectationResult> r = validate(suite);
    // Rows 4 and 8 have b missing: not unexpected; (2,1), (6,7), (10,0) differ; only (6,7) has a below b.
    assertThat(r.values()).extracting(GeParityTest::unexpected).containsExactly(3L, 1L);
  }

  /**
   * Types GE's pandas engine cannot run (LIKE patterns, SQL queries), that compare with another table, or text bounds: their counts
   * worked out by hand.
   */
  @Test
  void likePatternsQueriesAndAnotherTablesRowCountGiveTheCountsWorkedOutByHand() {
    spark.read().schema(SCHEMA).json(DIR.resolve("data.jsonl").toString()).where("id <= 4").write().format("delta")
        .save(new TableCatalog(tmp.toString()).location("silver.other"));
    ExpectationSuite suite = ExpectationSuite.parse("""
        {"name": "sql", "expectations": [
          {"type": "expect_column_values_to_match_like_pattern", "kwargs": {"column": "code", "like_pattern": "_-%"}},
          {"type": "expect_column_values_to_not_match_like_pattern", "kwargs": {"column": "code", "like_pattern": "%2%"}},
          {"type": "expect_column_values_to_match_like_pattern_list", "kwargs": {"column": "code", "like_pattern_list": ["A%", "%Y"]}},
          {"type": "expect_column_values_to_not_match_like_pattern_list", "kwargs": {"column": "code", "like_pattern_list": ["A%", "z"]}},
          {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "SELECT * FROM {batch} WHERE amount < 0 OR amount > 50"}},
          {"type": "expect_table_row_count_to_equal_other_table", "kwargs": {"other_table_name": "silver.other"}},
          {"type": "expect_column_values_to_be_in_type_list", "kwargs": {"column": "amount", "type_list": ["IntegerType", "DoubleType"]}},
          {"type": "expect_column_type_to_be", "kwargs": {"column": "amount", "type_": "LongType"}},
          {"type": "expect_column_min_to_be_between", "kwargs": {"column": "code", "min_value": "", "max_value": "A"}},
          {"type": "expect_column_max_to_be_between", "kwargs": {"column": "code", "min_value": "y"}}
        ]}""", "sql");
    List<ExpectationResult> r = List.copyOf(validate(suite).values());
    // Codes: A-1, B-22, C-333, A-1, XY, B-22, z, A-4444, "" (9 non-null).
    assertThat(unexpected(r.get(0))).isEqualTo(3L); // XY, z, ""
    assertThat(unexpected(r.get(1))).isEqualTo(2L); // B-22 twice
    assertThat(unexpected(r.get(2))).isEqualTo(5L); // B-22 twice, C-333, z, ""
    assertThat(unexpected(r.get(3))).isEqualTo(4L); // A-1 twice, A-4444, z
    assertThat(r.get(4).observed()).isEqualTo(2L); // -5 and 100
    assertThat(r.get(4).success()).isFalse();
    assertThat(r.get(5).observed()).isEqualTo(Map.of("self", 10L, "other", 4L));
    assertThat(r.get(5).success()).isFalse();
    assertThat(r.get(6).success()).isTrue();
    assertThat(r.get(7).observed()).isEqualTo("DoubleType");
    assertThat(r.get(7).success()).isFalse();
    // A text column's minimum and maximum, against text bounds (GE takes only numbers and dates there): "" and z.
    assertThat(r.get(8).observed()).isEqualTo("");
    assertThat(r.get(8).success()).isTrue();
    assertThat(r.get(9).observed()).isEqualTo("z");
    assertThat(r.get(9).success()).isTrue();
  }

  /** The engine's standard types and the ones it refuses, for test_ge_parity.py to hold against GE's own registry. */
  @Test
  void theSupportedAndRefusedTypesAreWrittenForTheRegistryComparison() throws Exception {
    java.util.TreeSet<String> supported = new java.util.TreeSet<>(ExpectationTypes.SPECS.keySet());
    supported.removeAll(ExpectationTypes.CUSTOM);
    assertThat(supported).doesNotContainAnyElementsOf(ExpectationTypes.REFUSED.keySet());
    Map<String, Object> types = new LinkedHashMap<>();
    types.put("supported", List.copyOf(supported));
    types.put("refused", new java.util.TreeMap<>(ExpectationTypes.REFUSED));
    Path out = Path.of("target/ge-parity/types.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(types));
  }

  /** A date or time column's minimum and maximum against ISO bounds, compared in time (the timestamps are UTC). */
  @Test
  void datesAndTimesAreComparedWithTheirBoundsInTime() {
    Dataset<Row> data = spark.sql("SELECT DATE'2026-01-05' AS day, TIMESTAMP'2026-01-05 08:00:00' AS at "
        + "UNION ALL SELECT DATE'2026-03-01', TIMESTAMP'2026-01-05 10:30:00'");
    ExpectationSuite suite = ExpectationSuite.parse("""
        {"name": "dates", "expectations": [
          {"type": "expect_column_min_to_be_between", "kwargs": {"column": "day", "min_value": "2026-01-05", "max_value": "2026-01-31"}},
          {"type": "expect_column_max_to_be_between", "kwargs": {"column": "day", "max_value": "2026-03-01", "strict_max": true}},
          {"type": "expect_column_max_to_be_between", "kwargs": {"column": "at", "min_value": "2026-01-05 10:30:00",
            "max_value": "2026-01-05T10:30:00"}},
          {"type": "expect_column_min_to_be_between", "kwargs": {"column": "at", "min_value": "2026-01-05"}},
          {"type": "expect_column_max_to_be_between", "kwargs": {"column": "at", "max_value": "2026-01-05 10:30:00"}}
        ]}""", "dates");
    List<ExpectationResult> r = List.copyOf(validate(suite, data).values());
    // The last: 10:30 is the bound itself in time, though "2026-01-05T10:30" sorts after "2026-01-05 10:30:00" as text.
    assertThat(r).extracting(ExpectationResult::success).containsExactly(true, false, true, true, true);
    assertThat(r.get(0).observed()).isEqualTo("2026-01-05");
  }

  /** Inputs a user can give that must not crash a gate or run anything but a query. */
  @Test
  void numbersAgainstTextNaNInSetsAndCommandsAsQueriesAreHandled() {
    Dataset<Row> data = spark.sql("SELECT * FROM VALUES ('100', CAST('NaN' AS DOUBLE)), ('25', 1.0D) AS t(label, x)");
    ExpectationSuite suite = ExpectationSuite.parse("""
        {"name": "edges", "expectations": [
          {"type": "expect_column_max_to_be_between", "kwargs": {"column": "label", "max_value": 50}},
          {"type": "expect_column_distinct_values_to_be_in_set", "kwargs": {"column": "x", "value_set": [1, "1"]}},
          {"type": "expect_column_values_to_not_be_outliers", "kwargs": {"column": "x"}}
        ]}""", "edges");
    List<ExpectationResult> r = List.copyOf(validate(suite, data).values());
    // Text ordered by a number bound is a failure (GE: a type error), not a comparison of "25" with "50".
    assertThat(r.get(0).success()).isFalse();
    assertThat(r.get(0).message()).contains("holds text, which a number bound cannot order");
    // NaN is a value of its own, outside the set; the number 1 is in it (the text "1" matches nothing).
    assertThat(r.get(1).success()).isFalse();
    assertThat(r.get(1).result().get("unexpected_count")).isEqualTo(1L);
    assertThat(r.get(2).expectation().type()).isEqualTo("expect_column_values_to_not_be_outliers");
    String table = new TableCatalog(tmp.toString()).location("silver.keep");
    data.write().format("delta").save(table);
    ExpectationSuite command = ExpectationSuite.parse("""
        {"name": "command", "expectations": [
          {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "DELETE FROM delta.`%s` -- {batch}"}}
        ]}""".formatted(table), "command");
    assertThatThrownBy(() -> validate(command, data)).hasMessageContaining("its unexpected_rows_query does not run on this data");
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(2);
  }

  /**
   * Python's own answers (datetime.strptime of Python 3.11, the tests' great_expectations runs on it), one by one: year 0
   * does not exist, and 29 February without a year falls in the default year 1900, which has none.
   */
  @Test
  void strptimeAnswersAsPythonDoes() {
    assertThat(Strptime.parses("0000-01-01", "%Y-%m-%d")).isFalse();
    assertThat(Strptime.parses("02-29", "%m-%d")).isFalse();
    assertThat(Strptime.parses("2023-02-29", "%Y-%m-%d")).isFalse();
    assertThat(Strptime.parses("12:60", "%H:%M")).isFalse();
    assertThat(Strptime.parses("1/2/26", "%m/%d/%y")).isTrue();
  }

  @Test
  void anOverrideThatNamesNoExpectationIsFound() {
    com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseString("lakehouse.quality.overrides = [{ table = silver.x, "
        + "expectation = \"column_values_to_be_between(amount)\", approved-by = \"Head of BI\", reason = r, until = \"2026-12-31\" }]");
    Overrides overrides = Overrides.from(conf);
    assertThat(overrides.unmatched("silver.x", List.of("column_values_to_be_between(amount; min_value=0)"), LocalDate.parse("2026-12-01")))
        .extracting(Overrides.Override::expectation).containsExactly("column_values_to_be_between(amount)");
    assertThat(overrides.unmatched("silver.x", List.of("column_values_to_be_between(amount)"), LocalDate.parse("2026-12-01"))).isEmpty();
  }

  @Test
  void aCoreTypeTheEngineCannotRunIsRefusedAtLoadWithItsReason() {
    assertThatThrownBy(() -> ExpectationSuite.parse("""
        {"name": "refused", "expectations": [
          {"type": "expect_column_values_to_be_increasing", "kwargs": {"column": "id"}}
        ]}""", "refused.json")).hasMessageContaining("expect_column_values_to_be_increasing is not supported: the rows of a Spark "
        + "table have no order of their own").hasMessageContaining("use expect_column_values_to_equal_previous_period_value");
  }

  @Test
  void aNewTypesBadKwargIsRefusedNamingIt() {
    assertThatThrownBy(() -> ExpectationSuite.parse("""
        {"name": "bad", "expectations": [
          {"type": "expect_column_values_to_match_regex_list", "kwargs": {"column": "code", "regex_list": ["(unclosed"]}}
        ]}""", "bad.json")).hasMessageContaining("'regex_list' holds '(unclosed', which does not compile");
    assertThatThrownBy(() -> ExpectationSuite.parse("""
        {"name": "bad", "expectations": [
          {"type": "expect_column_values_to_match_regex_list", "kwargs": {"column": "code", "regex_list": ["a"], "match_on": "some"}}
        ]}""", "bad.json")).hasMessageContaining("'match_on' must be \"any\" or \"all\"");
    assertThatThrownBy(() -> ExpectationSuite.parse("""
        {"name": "bad", "expectations": [
          {"type": "expect_table_column_count_to_equal", "kwargs": {"value": 2.5}}
        ]}""", "bad.json")).hasMessageContaining("'value' must be a whole number of at least 0");
    assertThatThrownBy(() -> ExpectationSuite.parse("""
        {"name": "bad", "expectations": [
          {"type": "expect_column_values_to_match_strftime_format", "kwargs": {"column": "when", "strftime_format": "%Y week %U"}}
        ]}""", "bad.json")).hasMessageContaining("the strftime_format's %U is not supported");
  }
}
