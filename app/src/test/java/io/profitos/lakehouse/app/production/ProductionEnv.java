package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the production tests find what they run: the checkout, the spark-submit jar that {@code package} built, and a
 * real Spark 3.5.4 distribution (the project's {@code bin/spark-dist}, pyspark from PyPI in a virtualenv of its own).
 */
final class ProductionEnv {
  private static Path sparkHome;

  private ProductionEnv() {}

  /** The checkout's root (the parent of the app module). */
  static Path repoRoot() {
    return Path.of(System.getProperty("lakehouse.repo.root", "..")).toAbsolutePath().normalize();
  }

  /** The spark-submit jar of this build. */
  static Path appJar() {
    Path jar = Path.of(System.getProperty("lakehouse.app.jar", "target/missing-spark.jar")).toAbsolutePath();
    assertThat(jar).as("the spark-submit jar (built by 'mvn package' before the integration tests)").isRegularFile();
    return jar;
  }

  /** Folder for everything a production test writes. */
  static Path work(String name) {
    try {
      return Files.createDirectories(Path.of(System.getProperty("lakehouse.test.tmp", "target/test-tmp"), name).toAbsolutePath());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** SPARK_HOME of the Spark distribution, installed on first use by bin/spark-dist. */
  static synchronized Path sparkHome() {
    if (sparkHome == null) {
      Path logs = work("spark-dist");
      Processes.Result r = Processes.run(List.of("bash", repoRoot().resolve("bin/spark-dist").toString()), Map.of(),
          repoRoot(), logs, "spark-dist", Duration.ofMinutes(10));
      assertThat(r.exitCode()).as("bin/spark-dist\n" + r.tail()).isZero();
      sparkHome = Path.of(r.stdout().strip());
      assertThat(sparkHome.resolve("bin/spark-submit")).isRegularFile();
    }
    return sparkHome;
  }

  /** The environment every Spark process of the tests gets: loopback only. */
  static Map<String, String> sparkEnv() {
    return Map.of("SPARK_HOME", sparkHome().toString(), "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_CONF_DIR", work("spark-conf").toString());
  }
}
