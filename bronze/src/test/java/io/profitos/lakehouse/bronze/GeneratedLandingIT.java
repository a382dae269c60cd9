package io.profitos.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobResult;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bronze on a generated landing zone (the demo generator, scale 0.01): the JSON stream with every
 * line-level defect (truncated gzip, invalid UTF-8, malformed lines, duplicates) and a CSV
 * full-refresh stream land exactly the rows and quarantine rows the generator's manifest says.
 */
class GeneratedLandingIT {
  @TempDir Path landing;
  @TempDir Path warehouse;
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void landsWhatTheManifestSays() throws Exception {
    DemoManifest manifest = DemoDataGenerator.generate(DemoSpec.of(0.01, 3, landing));
    LakehouseSettings settings = TestSettings.settings(landing, warehouse, """
        lakehouse.sources {
          segment { format = jsonl, streams.tracks { sync = incremental, primary-key = [messageId], cursor = receivedAt } }
          finance { format = csv, streams.fx_rates { sync = full_refresh, max-age = 8 days } }
        }
        """);
    for (String stream : new String[] {"segment/tracks", "finance/fx_rates"}) {
      BronzeIngestJob job = new BronzeIngestJob(settings.stream(stream));
      JobResult result = job.run(TestSettings.context(settings, manifest.asOf()));
      DemoManifest.StreamStats expected = manifest.stream(stream);
      assertThat(spark.read().format("delta").load(warehouse.resolve("bronze/" + job.spec().bronzeTable()).toString()).count())
          .as(stream + " rows").isEqualTo(expected.bronzeRows());
      assertThat(result.details().get("quarantined")).as(stream + " quarantined").isEqualTo(expected.quarantineRows());
    }
    assertThat(manifest.asOf()).isEqualTo(LocalDate.of(2026, 11, 20));
  }
}
