package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert outbox: which exceptions are alerted, their messages and files, and at-least-once delivery to a webhook. */
class AlertOutboxTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();
  private HttpServer server;
  /** Each request the receiver got: its Idempotency-Key header and body. */
  private final List<String[]> received = Collections.synchronizedList(new ArrayList<>());

  private static final StructType EXCEPTIONS = new StructType().add("metric", "string").add("threshold_name", "string")
      .add("period", "date").add("period_grain", "string").add("breakdown_value", "string").add("value", "double")
      .add("threshold", "double").add("severity", "string").add("owner", "string").add("action", "string")
      .add("table_name", "string");

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private Path warehouse() {
    return dir.resolve("warehouse");
  }

  private void exceptions(Row... rows) {
    spark.createDataFrame(List.of(rows), EXCEPTIONS).coalesce(1).write().format("delta").mode("overwrite")
        .save(warehouse().resolve("gold/kpi_exceptions").toString());
  }

  private static Row mrrDrop() {
    return RowFactory.create("mrr", "mrr_mom_drop", Date.valueOf("2026-11-01"), "month", "All", -0.0725, -0.05, "critical",
        "Head of BI", "investigate", "gold.kpi_saas_monthly");
  }

  private static Row churnSpike(String severity) {
    return RowFactory.create("logo_churn_rate_weekly", "weekly_logo_churn", Date.valueOf("2026-11-23"), "week", "SMB", 0.021,
        0.015, severity, "VP Customer Success", "mitigate", "gold.kpi_saas_weekly");
  }

  private AlertOutbox outbox(int attempts) {
    return new AlertOutbox(spark, new TableCatalog(warehouse().toString()), new AlertOutbox.Settings("warning", dir.resolve("alerts"),
        attempts, Duration.ofMillis(20), Duration.ofSeconds(5), Map.of(
            "default", "${metric} ${segment} ${period}: ${value} past ${threshold} (${severity})",
            "mrr_mom_drop", "MRR changed ${value_pct} month over month in ${period} (${segment}), below the ${threshold_pct} threshold.")));
  }

  /** A receiver on loopback answering 500 to its first {@code failures} requests, then 200 (or 500 forever when negative). */
  private URI receiver(int failures) throws Exception {
    AtomicInteger count = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new String[] {exchange.getRequestHeaders().getFirst("Idempotency-Key"), body});
      int n = count.incrementAndGet();
      int status = failures < 0 || n <= failures ? 500 : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private List<Row> outboxRows() {
    return spark.read().format("delta").load(warehouse().resolve("ops/alert_outbox").toString()).orderBy("alert_key").collectAsList();
  }

  @Test
  void eachBreachAtOrAboveTheSeverityIsQueuedOnceWithItsTemplatesMessageAndAFileAndOnlyAnEscalationIsQueuedAgain() throws Exception {
    Row warningOnly = RowFactory.create("infra_cost_per_active_user", "infra_cost_per_user_mom", Date.valueOf("2026-11-01"), "month",
        null, 0.12, 0.10, "warning", "VP Engineering", "investigate", "gold.kpi_unit_economics_monthly");
    exceptions(mrrDrop(), churnSpike("high"), warningOnly);
    AlertOutbox.Settings highOnly = new AlertOutbox.Settings("high", dir.resolve("alerts"), 1, Duration.ZERO, Duration.ofSeconds(5),
        Map.of("default", "${metric} ${segment} ${period}: ${value} past ${threshold} (${severity})",
            "mrr_mom_drop", "MRR changed ${value_pct} month over month in ${period} (${segment}), below the ${threshold_pct} threshold."));
    AlertOutbox.Outcome first = new AlertOutbox(spark, new TableCatalog(warehouse().toString()), highOnly).send(null, Instant.now(), k -> { });
    // The warning is below "high": not alerted. -0.0725 is -7.3% (one decimal), -0.05 is -5.0%.
    assertThat(first.queued()).extracting(r -> r.<String>getAs("message")).containsExactlyInAnyOrder(
        "MRR changed -7.3% month over month in 2026-11-01 (All), below the -5.0% threshold.",
        "logo_churn_rate_weekly SMB 2026-11-23: 0.021 past 0.015 (high)");
    assertThat(outboxRows()).extracting(r -> r.<String>getAs("alert_key")).containsExactly(
        "logo_churn_rate_weekly|2026-11-23|SMB|weekly_logo_churn", "mrr|2026-11-01|All|mrr_mom_drop");
    assertThat(outboxRows()).allSatisfy(r -> assertThat(List.of(r.getAs("status"), r.getAs("attempts"))).containsExactly("pending", 0));
    Path file = dir.resolve("alerts/mrr_2026-11-01_All_mrr_mom_drop.json");
    assertThat(Files.readString(file)).isEqualTo("{\"alert_key\":\"mrr|2026-11-01|All|mrr_mom_drop\",\"metric\":\"mrr\","
        + "\"threshold_name\":\"mrr_mom_drop\",\"period\":\"2026-11-01\",\"period_grain\":\"month\",\"segment\":\"All\","
        + "\"value\":-0.0725,\"threshold\":-0.05,\"severity\":\"critical\",\"owner\":\"Head of BI\",\"action\":\"investigate\","
        + "\"message\":\"MRR changed -7.3% month over month in 2026-11-01 (All), below the -5.0% threshold.\"}\n");

    // The next day: the same breaches (the week's churn now 2.4%): nothing new.
    Row later = RowFactory.create("logo_churn_rate_weekly", "weekly_logo_churn", Date.valueOf("2026-11-23"), "week", "SMB", 0.024,
        0.015, "high", "VP Customer Success", "mitigate", "gold.kpi_saas_weekly");
    exceptions(mrrDrop(), later, warningOnly);
    assertThat(new AlertOutbox(spark, new TableCatalog(warehouse().toString()), highOnly).send(null, Instant.now(), k -> { }).queued())
        .isEmpty();

    // A critical threshold of the same metric, week and segment escalates it; a new high one of it does not.
    Row critical = RowFactory.create("logo_churn_rate_weekly", "weekly_logo_churn_critical", Date.valueOf("2026-11-23"), "week", "SMB",
        0.031, 0.03, "critical", "VP Customer Success", "escalate", "gold.kpi_saas_weekly");
    Row anotherHigh = RowFactory.create("logo_churn_rate_weekly", "weekly_logo_churn_trend", Date.valueOf("2026-11-23"), "week", "SMB",
        0.031, 0.02, "high", "VP Customer Success", "mitigate", "gold.kpi_saas_weekly");
    exceptions(mrrDrop(), later, critical, anotherHigh, warningOnly);
    assertThat(new AlertOutbox(spark, new TableCatalog(warehouse().toString()), highOnly).send(null, Instant.now(), k -> { }).queued())
        .extracting(r -> r.<String>getAs("alert_key")).containsExactly("logo_churn_rate_weekly|2026-11-23|SMB|weekly_logo_churn_critical");
    assertThat(outboxRows()).hasSize(3);
  }

  @Test
  void aWebhookThatFailsTwiceGetsTheAlertOnTheThirdAttemptAndNeverAgain() throws Exception {
    exceptions(mrrDrop());
    URI hook = receiver(2);
    AlertOutbox.Outcome o = outbox(4).send(hook, Instant.now(), k -> { });
    assertThat(o.delivered()).isEqualTo(1);
    assertThat(o.failed()).isEmpty();
    assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r[0]).isEqualTo("mrr|2026-11-01|All|mrr_mom_drop"));
    assertThat(received.get(2)[1]).contains("\"alert_key\":\"mrr|2026-11-01|All|mrr_mom_drop\"");
    Row row = outboxRows().get(0);
    assertThat(List.of(row.getAs("status"), row.getAs("attempts"))).containsExactly("delivered", 3);
    assertThat((Object) row.getAs("delivered_at")).isNotNull();

    assertThat(outbox(4).send(hook, Instant.now(), k -> { }).delivered()).isZero();
    assertThat(received).hasSize(3);
  }

  @Test
  void anAlertNotDeliveredStaysInTheOutboxAndTheNextSendDeliversIt() throws Exception {
    exceptions(mrrDrop());
    URI down = receiver(-1);
    AlertOutbox.Outcome o = outbox(3).send(down, Instant.now(), k -> { });
    assertThat(o.delivered()).isZero();
    assertThat(o.failed()).containsExactly("mrr|2026-11-01|All|mrr_mom_drop: HTTP 500 from 127.0.0.1");
    Row row = outboxRows().get(0);
    assertThat(List.of(row.getAs("status"), row.getAs("attempts"), row.getAs("last_error")))
        .containsExactly("pending", 3, "HTTP 500 from 127.0.0.1");
    server.stop(0);
    received.clear();

    URI up = receiver(0);
    assertThat(outbox(3).send(up, Instant.now(), k -> { }).delivered()).isEqualTo(1);
    assertThat(received).hasSize(1);
    assertThat(List.of(outboxRows().get(0).getAs("status"), outboxRows().get(0).getAs("attempts"))).containsExactly("delivered", 4);
  }

  @Test
  void aSendThatDiesBetweenTheReceiversAnswerAndTheOutboxUpdateSendsAgainWithTheSameKey() throws Exception {
    exceptions(mrrDrop());
    URI hook = receiver(0);
    assertThatThrownBy(() -> outbox(2).send(hook, Instant.now(), k -> {
      throw new IllegalStateException("process died after the receiver's 2xx");
    })).hasMessageContaining("process died");
    assertThat(received).hasSize(1);
    assertThat((Object) outboxRows().get(0).getAs("status")).isEqualTo("pending");

    assertThat(outbox(2).send(hook, Instant.now(), k -> { }).delivered()).isEqualTo(1);
    // At least once: the receiver got it twice, with one key to drop the duplicate by.
    assertThat(received).hasSize(2);
    assertThat(received.get(0)[0]).isEqualTo(received.get(1)[0]).isEqualTo("mrr|2026-11-01|All|mrr_mom_drop");
    assertThat((Object) outboxRows().get(0).getAs("status")).isEqualTo("delivered");
  }

  @Test
  void twoBlockedPublishesOfOneDayAreTwoAlertsTellingTheirTablesApart() {
    Row invoices = RowFactory.create("quality_gate", "not_null(amount)", Date.valueOf("2026-11-20"), "day", null, 0.4, null, "critical",
        "Head of Data", "investigate", "silver.invoices");
    Row mrr = RowFactory.create("quality_gate", "not_null(amount)", Date.valueOf("2026-11-20"), "day", null, 0.1, null, "critical",
        "Head of Data", "investigate", "gold.fact_mrr_monthly");
    exceptions(invoices, mrr);
    assertThat(outbox(1).send(null, Instant.now(), k -> { }).queued()).extracting(r -> r.<String>getAs("alert_key"))
        .containsExactlyInAnyOrder("quality_gate|2026-11-20|silver.invoices|not_null(amount)",
            "quality_gate|2026-11-20|gold.fact_mrr_monthly|not_null(amount)");
  }

  @Test
  void whileTheReceiverIsDownOnlyTheFirstPendingAlertIsTried() throws Exception {
    exceptions(mrrDrop(), churnSpike("high"));
    URI down = receiver(-1);
    AlertOutbox.Outcome o = outbox(2).send(down, Instant.now(), k -> { });
    assertThat(received).hasSize(2);
    assertThat(o.failed()).hasSize(2);
    assertThat(outboxRows()).extracting(r -> r.<Integer>getAs("attempts")).containsExactlyInAnyOrder(2, 0);
    // A key outside visible ASCII goes as UTF-8 percent-encoding in the header ("%" itself too); the body keeps it as is.
    assertThat(AlertOutbox.headerSafe("arr|2026-11-01|Région Sud|x 5%")).isEqualTo("arr|2026-11-01|R%C3%A9gion%20Sud|x%205%25");
  }

  @Test
  void anAssigneeGetsANoticeWhenAnActionIsAddedAndOneWhenItBecomesOverdue() {
    exceptions(mrrDrop());
    DecisionLog.Criterion criterion = new DecisionLog.Criterion("logo_churn_rate", io.profitos.lakehouse.core.table.TableName.parse(
        "gold.kpi_saas_monthly"), "logo_churn_rate", "SMB", java.time.LocalDate.parse("2026-11-01"), "month", "<=", 0.03);
    DecisionLog log = new DecisionLog(spark, new TableCatalog(warehouse().toString()));
    assertThat(log.insert(DecisionLog.row("A-1", 1, "added", Instant.parse("2026-11-30T10:00:00Z"), java.time.LocalDate.parse("2026-11-30"),
        "weekly revenue meeting", "Head of Sales", "mrr mrr_mom_drop 2026-11 All", "mitigate", "SMB churn back under 3%",
        "SMB success lead", java.time.LocalDate.parse("2026-12-15"), "https://wiki.example/a", criterion, DecisionLog.OPEN, null, null,
        null), 1)).isTrue();

    AlertOutbox.Outcome before = outbox(1).send(null, Instant.parse("2026-12-01T09:00:00Z"), k -> { });
    assertThat(before.queued()).extracting(r -> r.<String>getAs("alert_key"))
        .containsExactlyInAnyOrder("mrr|2026-11-01|All|mrr_mom_drop", "decision_log|A-1|added");
    Row added = before.queued().stream().filter(r -> r.getAs("alert_key").equals("decision_log|A-1|added")).findFirst().orElseThrow();
    assertThat(List.of(added.getAs("owner"), added.getAs("severity"), added.getAs("message"))).containsExactly("SMB success lead",
        "notice", "Action A-1 (mitigate) is assigned to SMB success lead, due 2026-12-15: SMB churn back under 3%. It closes when "
            + "logo_churn_rate for SMB in 2026-11 <= 0.03. Decided by Head of Sales (weekly revenue meeting, 2026-11-30) on mrr "
            + "mrr_mom_drop 2026-11 All.");

    // Due on the 15th: still on time that day, overdue on the 16th, and noticed once.
    assertThat(outbox(1).send(null, Instant.parse("2026-12-15T23:00:00Z"), k -> { }).queued()).isEmpty();
    assertThat(outbox(1).send(null, Instant.parse("2026-12-16T08:00:00Z"), k -> { }).queued())
        .extracting(r -> r.<String>getAs("message")).containsExactly("Action A-1 assigned to SMB success lead is overdue (due "
            + "2026-12-15): it closes when logo_churn_rate for SMB in 2026-11 <= 0.03; 'lakehouse decisions close A-1' once it is met.");
    assertThat(outbox(1).send(null, Instant.parse("2026-12-17T08:00:00Z"), k -> { }).queued()).isEmpty();
  }

  @Test
  void theShippedTemplatesFillTheSeedsMessagesThroughTheCli() {
    exceptions(mrrDrop(), churnSpike("high"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Main.run(new String[] {"alerts", "send", "--conf-dir", "../conf", "--conf", "lakehouse.warehouse=" + warehouse(),
        "--conf", "lakehouse.landing=" + dir.resolve("landing"), "--conf", "lakehouse.alerts.outbox-dir=" + dir.resolve("files"),
        "--conf", "lakehouse.alerts.webhook.url-env=LAKEHOUSE_TEST_UNSET_WEBHOOK"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    assertThat(printed).contains("Queued mrr|2026-11-01|All|mrr_mom_drop (critical): MRR changed -7.3% month over month in 2026-11-01 "
        + "(All), below the -5.0% threshold. Owner: Head of BI.")
        .contains("Queued logo_churn_rate_weekly|2026-11-23|SMB|weekly_logo_churn (high): Weekly churn rate reached 2.1% in the week "
            + "of 2026-11-23 (SMB), above 1.5%. Owner: VP Customer Success.")
        .contains("2 alert(s) queued").contains("no webhook ($LAKEHOUSE_TEST_UNSET_WEBHOOK is not set): nothing posted");
    assertThat(dir.resolve("files").toFile().list()).containsExactlyInAnyOrder("mrr_2026-11-01_All_mrr_mom_drop.json",
        "logo_churn_rate_weekly_2026-11-23_SMB_weekly_logo_churn.json");
  }
}
