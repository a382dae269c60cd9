package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.gold.MetricContracts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakehouse decisions} through the CLI on small gold tables of its own: an action closes only when its criterion,
 * evaluated on gold at a recorded table version, is met; every change is a new row version.
 */
class DecisionLogTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  private record Result(int exit, String out) {}

  private Path warehouse() {
    return dir.resolve("warehouse");
  }

  private Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--conf-dir", "../conf", "--conf", "lakehouse.warehouse=" + warehouse(), "--conf",
        "lakehouse.landing=" + dir.resolve("landing")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
  }

  /** gold.kpi_saas_monthly with SMB's November logo churn at {@code smbNovember}; overwritten, so each call is a new version. */
  private void saasMonthly(double smbNovember) {
    StructType schema = new StructType().add("month", "date").add("segment", "string").add("is_complete", "boolean")
        .add("logo_churn_rate", "double");
    List<Row> rows = List.of(
        RowFactory.create(Date.valueOf("2026-10-01"), "All", true, 0.05),
        RowFactory.create(Date.valueOf("2026-10-01"), "SMB", true, 0.06),
        RowFactory.create(Date.valueOf("2026-11-01"), "All", true, 0.025),
        RowFactory.create(Date.valueOf("2026-11-01"), "SMB", true, smbNovember),
        // December to date: not complete.
        RowFactory.create(Date.valueOf("2026-12-01"), "SMB", false, 0.01));
    spark.createDataFrame(rows, schema).coalesce(1).write().format("delta").mode("overwrite")
        .save(warehouse().resolve("gold/kpi_saas_monthly").toString());
  }

  private void otherKpis() {
    spark.createDataFrame(List.of(RowFactory.create(Date.valueOf("2026-11-01"), 2.5)),
        new StructType().add("month", "date").add("ltv_to_cac", "double"))
        .write().format("delta").save(warehouse().resolve("gold/kpi_unit_economics_monthly").toString());
    // ISO week 48 of 2026 starts on Monday 23 November.
    spark.createDataFrame(List.of(RowFactory.create(Date.valueOf("2026-11-23"), "All", 0.01)),
        new StructType().add("week_start", "date").add("segment", "string").add("logo_churn_rate_weekly", "double"))
        .write().format("delta").save(warehouse().resolve("gold/kpi_saas_weekly").toString());
  }

  private Result add(String metric, String segment, String period, String operator, String value, String date, String due) {
    List<String> args = new ArrayList<>(List.of("decisions", "add", "--date", date, "--forum", "weekly revenue meeting",
        "--owner", "Head of Sales", "--exception", "logo_churn_rate logo_churn_spike 2026-10 SMB", "--action", "mitigate",
        "--impact", "SMB churn back under 3%", "--assignee", "SMB success lead", "--due", due, "--analysis",
        "https://wiki.example/analysis/42", "--metric", metric, "--period", period, "--operator", operator, "--value", value));
    if (segment != null) {
      args.addAll(List.of("--segment", segment));
    }
    return cli(args.toArray(String[]::new));
  }

  private List<Row> log() {
    return spark.read().format("delta").load(warehouse().resolve("ops/decision_log").toString()).orderBy("decision_id", "revision")
        .collectAsList();
  }

  @Test
  void anActionClosesOnlyWhenItsCriterionIsMetOnGoldAndEveryChangeIsANewRowVersion() {
    saasMonthly(0.04);
    Result added = add("logo_churn_rate", "SMB", "2026-11", "<=", "0.03", "2026-11-30", "2026-12-15");
    assertThat(added.exit()).as(added.out()).isZero();
    assertThat(added.out()).contains("Added A-1: mitigate SMB success lead, due 2026-12-15; it closes when logo_churn_rate for "
        + "SMB in 2026-11 <= 0.03.");

    // 0.04 > 0.03 in version 0: refused, the current value shown, nothing written.
    Result refused = cli("decisions", "close", "A-1");
    assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
    assertThat(refused.out()).contains("Action A-1 stays open: logo_churn_rate for SMB in 2026-11 is 0.04 "
        + "(gold.kpi_saas_monthly version 0); its criterion is logo_churn_rate for SMB in 2026-11 <= 0.03.");
    assertThat(log()).hasSize(1);

    saasMonthly(0.028); // version 1
    Result closed = cli("decisions", "close", "A-1", "--note", "win-back campaign worked");
    assertThat(closed.exit()).as(closed.out()).isZero();
    assertThat(closed.out()).contains("Closed A-1: logo_churn_rate is 0.028 (gold.kpi_saas_monthly version 1)");

    List<Row> rows = log();
    assertThat(rows).hasSize(2);
    Row first = rows.get(0);
    Row second = rows.get(1);
    assertThat(List.of(first.getAs("revision"), first.getAs("change"), first.getAs("status"))).containsExactly(1, "added", "open");
    assertThat((Object) first.getAs("evaluated_value")).isNull();
    assertThat(List.of(second.getAs("revision"), second.getAs("change"), second.getAs("status"), second.getAs("evaluated_value"),
        second.getAs("evaluated_table_version"), second.getAs("note")))
        .containsExactly(2, "closed", "closed", 0.028, 1L, "win-back campaign worked");
    // The closing carries the decision forward unchanged.
    for (String column : List.of("decided_on", "forum", "decision_owner", "trigger_exception", "action", "expected_impact",
        "assignee", "due_date", "analysis_url", "criterion_metric", "criterion_table", "criterion_column", "criterion_segment",
        "criterion_period", "criterion_period_grain", "criterion_operator", "criterion_value")) {
      assertThat((Object) second.getAs(column)).as(column).isEqualTo(first.getAs(column));
    }
    assertThat(List.of(first.getAs("criterion_table"), first.getAs("criterion_column"), first.getAs("criterion_period"),
        first.getAs("criterion_period_grain"), first.getAs("criterion_value")))
        .containsExactly("gold.kpi_saas_monthly", "logo_churn_rate", Date.valueOf("2026-11-01"), "month", 0.03);

    Result again = cli("decisions", "close", "A-1");
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.out()).contains("Action A-1 is already closed (revision 2");

    Result history = cli("decisions", "history", "A-1");
    assertThat(history.exit()).as(history.out()).isZero();
    assertThat(history.out()).containsPattern("(?m)^1 +added +\\S+ +open ")
        .containsPattern("(?m)^2 +closed +\\S+ +closed +0\\.028 +1  win-back campaign worked$");
  }

  @Test
  void listShowsEachActionsCurrentStatusAndOverdueOnesAndWeeklyAndWholeBusinessCriteriaEvaluate() {
    saasMonthly(0.04);
    otherKpis();
    assertThat(add("logo_churn_rate", "SMB", "2026-11", "<=", "0.03", "2026-11-30", "2026-12-15").exit()).isZero();
    assertThat(add("ltv_to_cac", null, "2026-11", ">=", "3", "2026-11-02", "2026-11-20").exit()).isZero();
    assertThat(add("logo_churn_rate_weekly", "All", "2026-W48", "<", "0.02", "2026-11-30", "2026-12-31").exit()).isZero();

    // ISO week 48 of 2026 is the week starting 23 November: its 0.01 < 0.02.
    Result weekly = cli("decisions", "close", "A-3");
    assertThat(weekly.exit()).as(weekly.out()).isZero();
    assertThat(weekly.out()).contains("logo_churn_rate_weekly is 0.01 (gold.kpi_saas_weekly version 0)");
    // A table without segments: its one row per month, 2.5 < 3.
    Result ltv = cli("decisions", "close", "A-2");
    assertThat(ltv.exit()).isEqualTo(1);
    assertThat(ltv.out()).contains("ltv_to_cac for All in 2026-11 is 2.5 (gold.kpi_unit_economics_monthly version 0)");

    // On 1 December A-2 (due 20 November) is overdue, A-1 (due 15 December) open, A-3 closed.
    Result open = cli("decisions", "list", "--as-of", "2026-12-01");
    assertThat(open.out()).containsPattern("(?m)^A-1 +open +2026-12-15 +mitigate ").containsPattern("(?m)^A-2 +overdue +2026-11-20 ")
        .doesNotContain("A-3");
    Result overdue = cli("decisions", "list", "--status", "overdue", "--as-of", "2026-12-01");
    assertThat(overdue.out()).contains("A-2").doesNotContain("A-1 ").doesNotContain("A-3");
    Result closed = cli("decisions", "list", "--status", "closed");
    assertThat(closed.out()).containsPattern("(?m)^A-3 +closed ").doesNotContain("A-1 ").doesNotContain("A-2");
    // Before its due date A-2 is only open.
    assertThat(cli("decisions", "list", "--as-of", "2026-11-20").out()).containsPattern("(?m)^A-2 +open ");

    // December so far meets "<= 0.03", but the month is not complete: no value yet.
    assertThat(add("logo_churn_rate", "SMB", "2026-12", "<=", "0.03", "2026-12-05", "2026-12-31").exit()).isZero();
    Result early = cli("decisions", "close", "A-4");
    assertThat(early.exit()).isEqualTo(1);
    assertThat(early.out()).contains("Action A-4 stays open: SMB in 2026-12 is not complete yet (its logo_churn_rate is 0.01 so far) "
        + "(gold.kpi_saas_monthly version 0)");
  }

  @Test
  void aBadCriterionIsAUsageErrorThatSaysWhatToGive() {
    saasMonthly(0.04);
    otherKpis();
    assertThat(add("logo_churn", "SMB", "2026-11", "<=", "0.03", "2026-11-30", "2026-12-15"))
        .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
        .satisfies(r -> assertThat(r.out()).contains("--metric 'logo_churn' has no contract in conf/metrics.conf"));
    assertThat(add("logo_churn_rate", "Enterprise", "2026-11", "<=", "0.03", "2026-11-30", "2026-12-15").out())
        .contains("--segment 'Enterprise' is not a segment of gold.kpi_saas_monthly: give one of All, SMB.");
    assertThat(add("ltv_to_cac", "SMB", "2026-11", ">=", "3", "2026-11-30", "2026-12-15").out())
        .contains("gold.kpi_unit_economics_monthly has no segment, so ltv_to_cac is for the whole business; leave --segment out.");
    assertThat(add("logo_churn_rate", "SMB", "2026-11-02", "<=", "0.03", "2026-11-30", "2026-12-15").out())
        .contains("--period 2026-11-02 is not the first day of a month: give 2026-12 or the month's first day (2026-11-01).");
    assertThat(add("logo_churn_rate", "SMB", "2026-11", "=<", "0.03", "2026-11-30", "2026-12-15").out())
        .contains("--operator '=<' is not one");
    assertThat(add("logo_churn_rate", "SMB", "2026-11", "<=", "3%", "2026-11-30", "2026-12-15").out())
        .contains("--value '3%' is not a number");
    assertThat(add("logo_churn_rate", "SMB", "2026-11", "<=", "0.03", "2026-11-30", "2026-11-01").out())
        .contains("--due 2026-11-01 is before the decision's date 2026-11-30");
    assertThat(add("quota_attainment", null, "2026-Q4", ">=", "1", "2026-11-30", "2026-12-15").out())
        .contains("Metric quota_attainment lives in gold.kpi_rep_quarterly, which does not exist yet");
    // One row per rep and quarter: no single value of a quarter.
    spark.createDataFrame(List.of(RowFactory.create(Date.valueOf("2026-10-01"), 1L, 0.9), RowFactory.create(Date.valueOf("2026-10-01"), 2L,
        1.2)), new StructType().add("quarter", "date").add("rep_key", "long").add("quota_attainment", "double"))
        .write().format("delta").save(warehouse().resolve("gold/kpi_rep_quarterly").toString());
    assertThat(add("quota_attainment", null, "2026-Q4", ">=", "1", "2026-11-30", "2026-12-15").out())
        .contains("Metric quota_attainment (gold.kpi_rep_quarterly) has more than one row per quarter (the table has other keys)");
    Result unknown = cli("decisions", "close", "A-9");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.out()).contains("No decision 'A-9' in ops.decision_log").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(new java.io.File(warehouse().resolve("ops/decision_log").toString())).doesNotExist();
  }

  @Test
  void aRevisionAnotherCommandRecordedFirstIsNeverOverwritten() {
    saasMonthly(0.04);
    assertThat(add("logo_churn_rate", "SMB", "2026-11", "<=", "0.03", "2026-11-30", "2026-12-15").exit()).isZero();
    DecisionLog log = new DecisionLog(spark, new TableCatalog(warehouse().toString()),
        MetricContracts.from(com.typesafe.config.ConfigFactory.parseFile(Path.of("../conf/metrics.conf").toFile()).resolve()));
    DecisionLog.Entry current = log.current("A-1");
    // A second command that also computed revision 1 of A-1 (it read before the first committed).
    Row late = DecisionLog.row("A-1", 1, "added", Instant.parse("2026-12-01T00:00:00Z"), LocalDate.parse("2026-11-30"), "other forum",
        "someone else", "x", "escalate", "y", "z", LocalDate.parse("2026-12-20"), "u", current.criterion(), DecisionLog.OPEN, null,
        null, null);
    assertThat(log.insert(late, 1)).isFalse();
    List<Row> rows = log();
    assertThat(rows).hasSize(1);
    assertThat((Object) rows.get(0).getAs("forum")).isEqualTo("weekly revenue meeting");
  }

  @Test
  void periodsAreParsedToTheFirstDayOfTheirMonthWeekOrQuarter() {
    assertThat(DecisionLog.periodStart("2026-11", "month")).isEqualTo(LocalDate.of(2026, 11, 1));
    // 1 January 2026 is a Thursday, so ISO week 1 of 2026 starts on Monday 29 December 2025.
    assertThat(DecisionLog.periodStart("2026-W01", "week")).isEqualTo(LocalDate.of(2025, 12, 29));
    assertThat(DecisionLog.periodStart("2026-W53", "week")).isEqualTo(LocalDate.of(2026, 12, 28));
    assertThat(DecisionLog.periodLabel(LocalDate.of(2025, 12, 29), "week")).isEqualTo("2026-W01");
    assertThat(DecisionLog.periodStart("2026-Q4", "quarter")).isEqualTo(LocalDate.of(2026, 10, 1));
    assertThat(DecisionLog.periodStart("2026-11-23", "week")).isEqualTo(LocalDate.of(2026, 11, 23));
    // 2025 has 52 ISO weeks (1 January 2025 is a Wednesday and 2025 is no leap year).
    assertThatThrownBy(() -> DecisionLog.periodStart("2025-W53", "week")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("2025 has no ISO week 53.");
    assertThatThrownBy(() -> DecisionLog.periodStart("2026-11-24", "week")).hasMessageContaining("first day of a week")
        .hasMessageContaining("(2026-11-23)");
    assertThatThrownBy(() -> DecisionLog.periodStart("2026-11", "quarter")).hasMessageContaining("is not a quarter");
  }
}
