package io.profitos.lakehouse.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Logging of a run under {@code spark-submit}. Spark's built-in profile, used when the operator gives no log
 * configuration, writes every task and every Delta snapshot at INFO to stderr: megabytes per run, which bury the one
 * line that says why a job failed in an Airflow task log. Without a configuration of the operator's (the
 * {@code log4j2.configurationFile} property, or a {@code log4j2.*} file in {@code SPARK_CONF_DIR} or
 * {@code $SPARK_HOME/conf}), the driver logs warnings, and the lakehouse's own lines at INFO. {@code bin/lakehouse}
 * passes its own configuration ({@code conf/log4j2.properties}), so this changes nothing there.
 */
final class SubmitLogging {
  private static final List<String> FILES = List.of("log4j2.properties", "log4j2.xml", "log4j2.yaml", "log4j2.yml", "log4j2.json");

  private SubmitLogging() {}

  static void apply() {
    if (operatorConfigured(System.getProperty("log4j2.configurationFile"), System.getenv("SPARK_CONF_DIR"), System.getenv("SPARK_HOME"))) {
      return;
    }
    Configurator.setRootLevel(Level.WARN);
    Configurator.setLevel("io.profitos.lakehouse", Level.INFO);
    // Failures the CLI reports on one line: with only Spark's console appender, their stack traces would reach the user.
    Configurator.setLevel("io.profitos.lakehouse.errors", Level.OFF);
    // Every job runs in a scheduler pool of its own, created on first use: intended, not a missing pool file.
    Configurator.setLevel("org.apache.spark.scheduler.FairSchedulableBuilder", Level.ERROR);
  }

  /** Whether the operator gave a log configuration: the property, or a file in Spark's configuration folder. */
  static boolean operatorConfigured(String property, String sparkConfDir, String sparkHome) {
    if (property != null && !property.isBlank()) {
      return true;
    }
    Path conf = sparkConfDir != null && !sparkConfDir.isBlank() ? Path.of(sparkConfDir)
        : sparkHome != null && !sparkHome.isBlank() ? Path.of(sparkHome, "conf") : null;
    return conf != null && FILES.stream().anyMatch(f -> Files.isRegularFile(conf.resolve(f)));
  }
}
