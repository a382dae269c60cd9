package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A new user's own data: a Stripe-only sync (customers, subscriptions, a workspace table and FX)
 * with history from late 2016, against the full configuration of 20 streams. Every table those
 * sources support is built, every other one is skipped with one line naming what it waits for,
 * the calendar covers the 2016 dates, and the run exits 0. Once those sources stop delivering,
 * the next run says so (exit 3) instead of skipping quietly.
 */
class PartialAdoptionIT {
  private static final LocalDate AS_OF = LocalDate.of(2018, 11, 20);
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aStripeOnlyLandingZoneBuildsWhatItCanAndSkipsTheRestWithAReason() throws Exception {
    Path root = Files.createTempDirectory("partial-adoption");
    Path generated = root.resolve("generated");
    DemoDataGenerator.generate(new DemoSpec(0.01, 11, generated, AS_OF, 30, 60, null, null));
    Path landing = root.resolve("landing");
    for (String stream : List.of("stripe/customers", "stripe/subscriptions", "product_db/workspaces", "finance/fx_rates")) {
      org.apache.commons.io.FileUtils.copyDirectory(generated.resolve(stream).toFile(), landing.resolve(stream).toFile());
    }
    LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local",
        Map.of("lakehouse.landing", landing.toString(), "lakehouse.warehouse", root.resolve("warehouse").toString())), Path.of(".."));
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    JobRegistry registry = JobRegistry.discover(settings);

    JobRunner.Outcome outcome = new JobRunner(new JobContext(spark, settings, catalog, UUID.randomUUID().toString(), AS_OF, false,
        Clock.systemUTC())).run(registry.all());

    assertThat(outcome.exitCode()).as(outcome.firstError()).isZero();
    Map<String, JobRunner.Finished> byName = new java.util.HashMap<>();
    outcome.finished().forEach(f -> byName.put(f.job().name(), f));
    for (String built : List.of("silver.customers", "silver.subscriptions", "silver.subscription_history", "silver.workspaces",
        "silver.fx_rates", "gold.dim_date", "gold.dim_workspace", "gold.fact_mrr_monthly", "gold.kpi_saas_monthly",
        "gold.kpi_saas_weekly", "gold.metric_contracts", "gold.kpi_exceptions")) {
      assertThat(byName.get(built).result().status()).as(built).isEqualTo(JobResult.SUCCEEDED);
    }
    assertThat(byName.get("silver.invoices").result().status()).isEqualTo(JobResult.SKIPPED);
    assertThat(byName.get("silver.invoices").result().message())
        .isEqualTo("silver.invoices skipped: its input bronze.stripe_invoices does not exist yet (its landing stream has not "
            + "delivered any records; if it has, run 'lakehouse run bronze').");
    // A table two steps away names the source at the root, once.
    assertThat(byName.get("gold.mrr_reconciliation").result().message())
        .startsWith("gold.mrr_reconciliation skipped: it needs silver.invoice_lines, which was skipped: silver.invoice_lines skipped: "
            + "its input bronze.stripe_invoices does not exist yet");
    assertThat(outcome.finished().stream().filter(f -> f.result().status().equals(JobResult.SKIPPED)).count()).isGreaterThan(20);

    // The calendar follows the data: every month-end key of the fact, back to 2016, is a day of gold.dim_date.
    Row range = spark.read().format("delta").load(catalog.location("gold.dim_date"))
        .agg(org.apache.spark.sql.functions.min("date"), org.apache.spark.sql.functions.max("date")).first();
    assertThat(range.getDate(0).toLocalDate()).isBeforeOrEqualTo(LocalDate.of(2016, 11, 21));
    assertThat(range.getDate(1).toLocalDate()).isEqualTo(LocalDate.of(2020, 12, 31));
    var fact = spark.read().format("delta").load(catalog.location("gold.fact_mrr_monthly"));
    assertThat(fact.agg(org.apache.spark.sql.functions.min("month")).first().getDate(0).toLocalDate()).isBefore(LocalDate.of(2017, 1, 1));
    assertThat(fact.where(col("mrr_usd").gt(0)).count()).isPositive();

    // Five days later nothing new has arrived: the Stripe streams have stopped, which is not a skip.
    JobRunner.Outcome later = new JobRunner(new JobContext(spark, settings, catalog, UUID.randomUUID().toString(), AS_OF.plusDays(5), false,
        Clock.systemUTC())).run(registry.layer("bronze"));
    assertThat(later.exitCode()).isEqualTo(LakehouseException.EXIT_QUALITY_GATE);
    assertThat(later.firstError()).contains("has stopped delivering: its newest extract is of 2018-11-20");
  }
}
