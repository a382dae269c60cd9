package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line without Spark: help, listing, and every usage error exits 2 with one line. */
class CliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("jobs", "run <target>", "airflow export", "demo-data", "demo", "bench bronze", "4 input rejected");
    assertThat(run("run", "--help")).isZero();
    assertThat(out()).contains("--run-date", "--full-refresh", "--conf KEY=VALUE");
  }

  @Test
  void jobsListsOneBronzeJobPerConfiguredStream() {
    assertThat(run("jobs", "--conf-dir", "../conf")).isZero();
    assertThat(out()).contains("bronze.stripe_subscriptions", "bronze.salesforce_opportunity_history", "bronze.segment_tracks",
        "bronze.finance_reported_arr", "Land airbyte-jsonl incremental extracts of stripe/subscriptions in bronze.stripe_subscriptions");
    assertThat(out().lines().filter(l -> l.startsWith("bronze.")).count()).isEqualTo(20);
  }

  @Test
  void usageErrorsExitTwoWithOneClearLine() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err()).isEqualTo("lakehouse: Unknown command 'frobnicate'. Commands: jobs, run, status, lineage, config, maintain, privacy, ml, decisions, alerts, demo-data, demo, bench, quality, catalog, sql-server, storage, airflow. See 'lakehouse --help'."
        + System.lineSeparator());
  }

  @Test
  void privacyForgetTakesOneSubjectWithAValue() {
    assertThat(run("privacy", "forget", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse privacy forget' takes one subject: --email ADDRESS or --workspace ID.");
    assertThat(run("privacy", "forget", "--email", "a@b.c", "--workspace", "ws_1", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(run("privacy", "forget", "--email", "not-an-address", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("--email takes an email address (name@domain): the value given is not one.").doesNotContain("not-an-address");
    assertThat(run("privacy", "erase", "--email", "a@b.c")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse privacy' takes 'forget'").doesNotContain("Exception");
    assertThat(run("privacy", "--help")).isZero();
    assertThat(out()).contains("--dry-run", "The address or id is never printed");
  }

  @Test
  void unknownJobNamesTheWayToListJobs() {
    assertThat(run("run", "bronze.nope", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("Unknown job, layer or group 'bronze.nope'").contains("groups: [billing-silver, gold-and-scores, mrr-to-date, stripe-bronze]").contains("lakehouse jobs").doesNotContain("Exception");
  }

  @Test
  void badOptionsAndValues() {
    assertThat(run("run", "bronze", "--run-date", "yesterday", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("--run-date takes a date YYYY-MM-DD (got 'yesterday')");
    assertThat(run("run", "bronze", "--colour", "red")).isEqualTo(2);
    assertThat(err()).contains("Unknown option --colour for 'run'");
    assertThat(run("run", "bronze", "--conf", "novalue")).isEqualTo(2);
    assertThat(err()).contains("--conf takes key=value");
  }

  @Test
  void configurationErrorsExitTwoNamingTheKey() {
    assertThat(run("jobs", "--conf-dir", "../conf", "--conf", "lakehouse.bronze.quarantine-rate-limt=0.1")).isEqualTo(2);
    assertThat(err()).contains("unknown key 'lakehouse.bronze.quarantine-rate-limt'", "did you mean 'lakehouse.bronze.quarantine-rate-limit'");
    assertThat(run("jobs", "--conf-dir", "../conf", "--env", "mars")).isEqualTo(2);
    assertThat(err()).contains("Unknown environment 'mars'");
  }

  @Test
  void qualityToolsExplainTheirArguments() {
    assertThat(run("quality", "--help")).isZero();
    assertThat(out()).contains("quality validate --suite FILE", "quality suggest LAYER.TABLE", "quality report [--days 7]");
    assertThat(run("quality", "validate", "--suite", "../conf/quality/gold.kpi_saas_monthly.json", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("takes --suite FILE and one of --table LAYER.TABLE or --path PATH");
    assertThat(run("quality", "validate", "--suite", "no-such-suite.json", "--path", "x.csv", "--format", "csv", "--conf-dir", "../conf"))
        .isEqualTo(2);
    assertThat(err()).contains("Cannot read the expectation suite no-such-suite.json");
    assertThat(run("quality", "polish", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("Unknown quality tool 'polish': use validate, suggest or report");
  }

  @Test
  void mlCommandsExplainTheirArgumentsBeforeStartingSpark() {
    assertThat(run("ml", "--help")).isZero();
    assertThat(out()).contains("lakehouse ml train (<model> | --model-conf FILE)", "ml.model_registry", "promotion-margin");
    assertThat(run("ml", "train", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse ml train' takes a model name (conf/models/<name>.conf) or --model-conf FILE");
    assertThat(run("ml", "train", "--conf-dir", "../conf", "--model-conf", "target/no-such-model.conf")).isEqualTo(2);
    assertThat(err()).contains("Model configuration target/no-such-model.conf does not exist");
    assertThat(run("ml", "promote", "churn", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse ml promote' takes a model and a version, e.g. 'lakehouse ml promote churn 3'.");
    assertThat(run("ml", "score", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse ml score' takes a model, e.g. 'lakehouse ml score churn --run-date 2026-11-20'.");
    assertThat(run("ml", "score", "my_model", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("Model 'my_model' has no scoring job: the scored models are churn (lakehouse.ml.scoring.churn.model) "
        + "and lead_score (lakehouse.ml.scoring.lead.model).");
    assertThat(run("ml", "report", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'lakehouse ml report' takes a model");
    assertThat(run("ml", "forecast", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("Unknown 'lakehouse ml' command 'forecast': use train, list, promote, rollback, score or report.");
  }

  @Test
  void demoDataRejectsBadScale() {
    assertThat(run("demo-data", "--conf-dir", "../conf", "--scale", "-1", "--out", "target/never")).isEqualTo(2);
    assertThat(err()).contains("Invalid demo-data option: scale must be in (0, 100]");
  }

  @Test
  void backfillRangesAreCheckedBeforeAnythingRuns() {
    assertThat(run("run", "silver", "--from", "2026-11-01", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("A backfill takes both --from D1 and --to D2");
    assertThat(run("run", "silver", "--from", "2026-11-20", "--to", "2026-11-01", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("--to 2026-11-01 is before --from 2026-11-20");
    assertThat(run("run", "silver", "--from", "2026-11-01", "--to", "2026-11-02", "--run-date", "2026-11-02", "--conf-dir", "../conf"))
        .isEqualTo(2);
    assertThat(run("run", "silver", "--from", "2026-11-01", "--to", "tomorrow", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("--to takes a date YYYY-MM-DD (got 'tomorrow')");
  }

  @Test
  void configShowPrintsTheResolvedConfigurationWithSecretsMasked() {
    assertThat(run("config", "show", "--conf-dir", "../conf", "--conf", "lakehouse.silver.pii-hash-key=very-secret-pii-key-42",
        "--conf", "lakehouse.spark-conf.\"spark.hadoop.fs.s3a.secret.key\"=s3-secret-value-42",
        "--conf", "lakehouse.runner.parallelism=3")).isZero();
    String shown = out();
    assertThat(shown).doesNotContain("very-secret-pii-key-42").doesNotContain("s3-secret-value-42");
    assertThat(shown).contains("pii-hash-key=\"" + OperatorCommands.MASK + "\"")
        .contains("\"spark.hadoop.fs.s3a.secret.key\"=\"" + OperatorCommands.MASK + "\"");
    // Not secrets: an ordinary value, and the names of the variables that hold the object store's keys.
    assertThat(shown).contains("parallelism=3").contains("secret-key-env=\"AWS_SECRET_ACCESS_KEY\"").contains("# lakehouse.env = local");
    // The rendering is HOCON that parses back to the same non-secret values.
    com.typesafe.config.Config back = com.typesafe.config.ConfigFactory.parseString(shown.lines().filter(l -> !l.startsWith("#"))
        .collect(java.util.stream.Collectors.joining("\n")));
    assertThat(back.getInt("lakehouse.runner.parallelism")).isEqualTo(3);
    assertThat(back.getString("lakehouse.silver.pii-hash-key")).isEqualTo(OperatorCommands.MASK);
    assertThat(run("config", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(out()).contains("Usage: lakehouse config show");
  }

  @Test
  void lineageNamesWhatItTakes() {
    assertThat(run("lineage", "no_such_metric", "--conf-dir", "../conf")).isEqualTo(2);
    assertThat(err()).contains("'no_such_metric' is neither a table (layer.table) nor a metric of lakehouse.gold.metrics");
  }
}
