package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.LakehouseJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AirflowExportTest {
  private static final Path CONF = Path.of("../conf");
  private static final Set<String> MODELS = Set.of("churn", "lead_score");

  private static LakehouseSettings settings(String extra) {
    Config loaded = ConfigLoader.load(CONF, "local", Map.of());
    return LakehouseSettings.from(ConfigFactory.parseString(extra).withFallback(loaded).resolve(), Path.of(".."));
  }

  @Test
  void theCommittedDagFileIsAFreshExportOfTheConfiguration() throws Exception {
    LakehouseSettings s = settings("");
    String fresh = AirflowExport.export(s, JobRegistry.discover(s), MODELS);
    String committed = Files.readString(Path.of("../airflow-dags/lakehouse_dags.json"), StandardCharsets.UTF_8);
    assertThat(committed).as("airflow-dags/lakehouse_dags.json is stale: run 'bin/lakehouse airflow export --out "
        + "airflow-dags/lakehouse_dags.json' and commit it").isEqualTo(fresh);
  }

  @Test
  void theDailyDagRunsEveryJobOnceAndTheHourlyDagOnlyTheRevenueRefresh() throws Exception {
    LakehouseSettings s = settings("");
    JobRegistry registry = JobRegistry.discover(s);
    JsonNode root = new ObjectMapper().readTree(AirflowExport.export(s, registry, MODELS));
    Map<String, JsonNode> dags = new java.util.HashMap<>();
    root.path("dags").forEach(d -> dags.put(d.path("dag_id").asText(), d));
    assertThat(dags).containsOnlyKeys("saas_metrics_daily", "saas_metrics_hourly", "saas_metrics_weekly");

    java.util.List<String> daily = new java.util.ArrayList<>();
    dags.get("saas_metrics_daily").path("tasks").forEach(t -> t.path("jobs").forEach(j -> daily.add(j.asText())));
    assertThat(daily).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(registry.all().stream().map(LakehouseJob::name).toList());
    // The exceptions read the model scores' drift: the last job of the last task.
    assertThat(daily.get(daily.size() - 1)).isEqualTo("gold.kpi_exceptions");

    Set<String> hourly = new TreeSet<>();
    dags.get("saas_metrics_hourly").path("tasks").forEach(t -> t.path("jobs").forEach(j -> hourly.add(j.asText())));
    assertThat(hourly).contains("bronze.stripe_invoices", "silver.subscriptions", "silver.invoices", "gold.fact_mrr_monthly")
        .noneMatch(j -> j.startsWith("bronze.salesforce") || j.startsWith("bronze.segment") || j.startsWith("ml."));
    assertThat(root.path("fail_without_retry_exit_codes").toString()).isEqualTo("[2,3,4]");
    dags.get("saas_metrics_weekly").path("tasks").forEach(t -> assertThat(t.path("passes_run_date").asBoolean())
        .as(t.path("task_id").asText()).isEqualTo(t.path("task_id").asText().equals("quality_report")));
  }

  @Test
  void aScheduleThatCannotRunFailsNamingTheKey() {
    String base = "lakehouse.schedules { x { description = d, cron = \"0 7 * * *\", run-date = data-interval, tasks = %s } }";
    assertThatThrownBy(() -> export(String.format(base, "[{ id = a, command = [run, silver.nope] }]")))
        .hasMessageContaining("Unknown job, layer or group 'silver.nope'");
    assertThatThrownBy(() -> export(String.format(base, "[{ id = a, command = [run, bronze], after = [b] }, "
        + "{ id = b, command = [run, silver], after = [a] }]")))
        .hasMessageContaining("lakehouse.schedules.x.tasks: the 'after' lists form a cycle through [a, b]");
    assertThatThrownBy(() -> export(String.format(base, "[{ id = a, command = [run, bronze], after = [zz] }]")))
        .hasMessageContaining("lakehouse.schedules.x.tasks[0].after names 'zz'");
    assertThatThrownBy(() -> export(String.format(base, "[{ id = a, command = [ml, train, nope] }]")))
        .hasMessageContaining("'ml train' takes one model of [churn, lead_score]");
    assertThatThrownBy(() -> export(String.format(base, "[{ id = a, command = [demo] }]")))
        .hasMessageContaining("'demo' is not a scheduled command");
    assertThatThrownBy(() -> export(String.format(base, "[]").replace("0 7 * * *", "@daily")))
        .hasMessageContaining("lakehouse.schedules.x.cron must be a five-field cron expression");
    assertThatThrownBy(() -> export(String.format(base, "[]").replace("data-interval", "today")))
        .hasMessageContaining("lakehouse.schedules.x.run-date must be one of");
  }

  private static String export(String conf) {
    // Only the schedule under test: the shipped ones are replaced.
    Config loaded = ConfigLoader.load(CONF, "local", Map.of());
    Config c = ConfigFactory.parseString(conf).withFallback(loaded.withoutPath("lakehouse.schedules")).resolve();
    LakehouseSettings s = LakehouseSettings.from(c, Path.of(".."));
    return AirflowExport.export(s, JobRegistry.discover(s), MODELS);
  }
}
