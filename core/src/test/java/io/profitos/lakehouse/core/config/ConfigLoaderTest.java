package io.profitos.lakehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path confDir(String application, String local) throws IOException {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf.resolve("env"));
    Files.writeString(conf.resolve("application.conf"), application);
    Files.writeString(conf.resolve("env/local.conf"), local);
    return conf;
  }

  private static final String STREAMS = "lakehouse.sources.stripe { format = airbyte-jsonl, streams.customers { sync = incremental, primary-key = [id], cursor = updated } }\n";

  @Test
  void layersApplicationEnvironmentAndCommandLine() throws IOException {
    Path conf = confDir(STREAMS + "lakehouse.bronze.quarantine-rate-limit = 0.2\n",
        "lakehouse { landing = land, warehouse = wh, bronze.quarantine-rate-limit = 0.1 }\n");
    LakehouseSettings s = LakehouseSettings.from(
        ConfigLoader.load(conf, "local", Map.of("lakehouse.warehouse", "s3a://bucket/wh")), dir);
    assertThat(s.warehouse()).isEqualTo("s3a://bucket/wh");
    assertThat(s.landing()).isEqualTo("file:" + dir.resolve("land").toAbsolutePath());
    assertThat(s.config().getDouble("lakehouse.bronze.quarantine-rate-limit")).isEqualTo(0.1);
    assertThat(s.streams()).singleElement().satisfies(st -> {
      assertThat(st.id()).isEqualTo("stripe/customers");
      assertThat(st.bronzeTable()).isEqualTo("stripe_customers");
      assertThat(st.format()).isEqualTo(StreamSpec.Format.AIRBYTE_JSONL);
      assertThat(st.primaryKey()).containsExactly("id");
    });
    assertThat(s.sparkConf()).containsEntry("spark.sql.session.timeZone", "UTC");
  }

  @Test
  void commandLineValuesAreParsedAsHocon() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land, warehouse = wh }\n");
    var config = ConfigLoader.load(conf, "local", Map.of("lakehouse.bronze.quarantine-rate-limit", "0.5"));
    assertThat(config.getDouble("lakehouse.bronze.quarantine-rate-limit")).isEqualTo(0.5);
  }

  @Test
  void missingRequiredKeyNamesTheKeyAndTheFileToFix() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land }\n");
    assertThatThrownBy(() -> ConfigLoader.load(conf, "local", Map.of()))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("missing required key 'lakehouse.warehouse'")
        .hasMessageContaining("conf/env/<env>.conf")
        .extracting(e -> ((LakehouseException) e).exitCode()).isEqualTo(2);
  }

  @Test
  void mistypedKeyIsRejectedWithFileLineAndSuggestion() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse {\n  landing = land\n  warehouse = wh\n  bronze.quarantine-rate-limt = 0.1\n}\n");
    assertThatThrownBy(() -> ConfigLoader.load(conf, "local", Map.of()))
        .hasMessageContaining("unknown key 'lakehouse.bronze.quarantine-rate-limt'")
        .hasMessageContaining("local.conf: 4")
        .hasMessageContaining("did you mean 'lakehouse.bronze.quarantine-rate-limit'");
  }

  @Test
  void wrongTypeIsRejected() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land, warehouse = wh, bronze.quarantine-rate-limit = lots }\n");
    assertThatThrownBy(() -> ConfigLoader.load(conf, "local", Map.of()))
        .hasMessageContaining("lakehouse.bronze.quarantine-rate-limit")
        .hasMessageContaining("local.conf");
  }

  @Test
  void unknownEnvironmentListsTheKnownOnes() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land, warehouse = wh }\n");
    assertThatThrownBy(() -> ConfigLoader.load(conf, "prod", Map.of()))
        .hasMessageContaining("Unknown environment 'prod'").hasMessageContaining("Known: local");
  }

  @Test
  void badStreamDefinitionsAreReportedTogether() throws IOException {
    Path conf = confDir("lakehouse.sources.s { format = jsonl, streams { a { format = xml, sync = full_refresh }, b { sync = weekly, primary-key = [id], cursor = c }, c { sync = full_refresh, colour = red } } }\n",
        "lakehouse { landing = land, warehouse = wh }\n");
    assertThatThrownBy(() -> LakehouseSettings.from(ConfigLoader.load(conf, "local", Map.of()), dir))
        .hasMessageContaining("format 'xml'")
        .hasMessageContaining("sync 'weekly'")
        .hasMessageContaining("unknown key 'colour' in stream 's/c'");
  }

  @Test
  void incrementalStreamNeedsKeyAndCursor() throws IOException {
    Path conf = confDir("lakehouse.sources.s { format = jsonl, streams.a { sync = incremental } }\n",
        "lakehouse { landing = land, warehouse = wh }\n");
    assertThatThrownBy(() -> LakehouseSettings.from(ConfigLoader.load(conf, "local", Map.of()), dir))
        .hasMessageContaining("incremental stream 's/a'").hasMessageContaining("needs primary-key and cursor");
  }

  @Test
  void environmentVariablesOverrideThroughEnvironmentConf() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land, warehouse = wh }\n");
    // PATH is always set: it stands in for a LAKEHOUSE_* variable without changing the test JVM's environment.
    Files.writeString(conf.resolve("environment.conf"), "lakehouse.landing = ${?PATH}\nlakehouse.warehouse = ${?LAKEHOUSE_TEST_UNSET_VARIABLE}\n");
    var config = ConfigLoader.load(conf, "local", Map.of());
    assertThat(config.getString("lakehouse.landing")).isEqualTo(System.getenv("PATH"));
    assertThat(config.getString("lakehouse.warehouse")).isEqualTo("wh");
  }

  @Test
  void streamTableNamesAreSnakeCase() {
    assertThat(StreamSpec.defaultTableName("salesforce", "OpportunityHistory")).isEqualTo("salesforce_opportunity_history");
    assertThat(StreamSpec.defaultTableName("aws_cost_explorer", "cost_and_usage")).isEqualTo("aws_cost_explorer_cost_and_usage");
  }

  @Test
  void repositoryConfigurationLoads() {
    Path conf = Path.of("..", "conf");
    LakehouseSettings s = LakehouseSettings.from(ConfigLoader.load(conf, "local", Map.of()), Path.of(".."));
    assertThat(s.streams()).extracting(StreamSpec::id).contains("stripe/subscriptions", "salesforce/Account",
        "product_db/workspaces", "segment/tracks", "zendesk/tickets", "aws_cost_explorer/cost_and_usage", "finance/fx_rates");
    assertThat(s.streams()).hasSize(20);
  }

  @Test
  void theLoadedEnvironmentFileNamesTheEnvironmentAndOnlyLocalMayUseTheDemoPiiKey() throws IOException {
    Path conf = confDir(STREAMS, "lakehouse { landing = land, warehouse = wh }\n");
    // A production file copied from local.conf still says env = local inside: the file loaded decides.
    Files.writeString(conf.resolve("env/prod.conf"), "lakehouse { env = local, landing = land, warehouse = wh }\n");
    assertThat(LakehouseSettings.from(ConfigLoader.load(conf, "local", Map.of()), dir).env()).isEqualTo("local");
    assertThatThrownBy(() -> LakehouseSettings.from(ConfigLoader.load(conf, "prod", Map.of()), dir))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("the 'prod' environment has no PII hash key")
        .hasMessageContaining("LAKEHOUSE_PII_HASH_KEY");
    LakehouseSettings prod = LakehouseSettings.from(ConfigLoader.load(conf, "prod",
        Map.of("lakehouse.silver.pii-hash-key", "a-long-secret")), dir);
    assertThat(prod.env()).isEqualTo("prod");
  }
}
