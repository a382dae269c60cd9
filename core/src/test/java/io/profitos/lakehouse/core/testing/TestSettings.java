package io.profitos.lakehouse.core.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.table.TableCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.UUID;

/** Settings and job contexts for tests: reference.conf plus a HOCON snippet and two roots. */
public final class TestSettings {
  private TestSettings() {}

  public static LakehouseSettings settings(Path landing, Path warehouse, String hocon) {
    Config config = ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.parseString("lakehouse { env = test, silver.pii-hash-key = test-pii-key, landing = \"" + landing
            + "\", warehouse = \"" + warehouse + "\" }"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    return LakehouseSettings.from(config, Path.of("."));
  }

  public static JobContext context(LakehouseSettings settings, LocalDate runDate) {
    return new JobContext(SparkTestSession.get(), settings, new TableCatalog(settings.warehouse()),
        UUID.randomUUID().toString(), runDate, false, Clock.systemUTC());
  }
}
