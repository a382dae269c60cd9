package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;

/**
 * What the production tests share, built once per test JVM: one generated landing zone (scale 0.01, seed 7, every
 * extract to {@link #RUN_DATE}) and the reference warehouse, {@code run all} on it through a real {@code spark-submit
 * --master local[2]}. The cluster, object-store and Airflow runs of the same landing zone are compared with it.
 */
final class ReferenceRun {
  static final LocalDate RUN_DATE = LocalDate.of(2026, 11, 20);
  static final String MAIN = "io.profitos.lakehouse.app.Main";
  static final String PII_KEY = "production-test-hash-key-0001";
  private static final Duration RUN_LIMIT = Duration.ofMinutes(12);

  private static Path dir;
  private static DemoManifest manifest;
  private static Processes.Result localRun;

  private ReferenceRun() {}

  /** The shared landing zone, generated on first use. */
  static synchronized Path landing() {
    if (dir == null) {
      dir = ProductionEnv.work("reference");
      try {
        FileUtils.cleanDirectory(dir.toFile());
        manifest = DemoDataGenerator.generate(DemoSpec.of(0.01, 7, dir.resolve("landing")).withWindow(null, RUN_DATE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir.resolve("landing");
  }

  static synchronized DemoManifest manifest() {
    landing();
    return manifest;
  }

  /** The reference warehouse: {@code run all} on local[2] through spark-submit, run on first use. */
  static synchronized Path localWarehouse() {
    Path warehouse = landing().resolveSibling("warehouse-local");
    if (localRun == null) {
      localRun = submit("local[2]", warehouse, "reference-local-all", List.of(), Map.of(), "run", "all", "--run-date", RUN_DATE.toString());
      assertThat(localRun.exitCode()).as(localRun.tail()).isZero();
    }
    return warehouse;
  }

  /** The reference run's output. */
  static synchronized Processes.Result localRun() {
    localWarehouse();
    return localRun;
  }

  /** A spark-submit command line and its environment. */
  record Submit(List<String> command, Map<String, String> env, Path dir) {}

  /** spark-submit of the application jar with the shared landing zone and {@code warehouse} as locations. */
  static Submit command(String master, String warehouse, List<String> sparkArgs, Map<String, String> extraEnv, String... appArgs) {
    List<String> cmd = new ArrayList<>(List.of(ProductionEnv.sparkHome().resolve("bin/spark-submit").toString(),
        "--master", master, "--driver-memory", "1g", "--class", MAIN));
    cmd.addAll(sparkArgs);
    cmd.add(ProductionEnv.appJar().toString());
    cmd.addAll(List.of(appArgs));
    Map<String, String> env = new HashMap<>(ProductionEnv.sparkEnv());
    env.put("LAKEHOUSE_LANDING", landing().toString());
    env.put("LAKEHOUSE_WAREHOUSE", warehouse);
    env.put("LAKEHOUSE_PII_HASH_KEY", PII_KEY);
    env.putAll(extraEnv);
    return new Submit(cmd, env, landing().getParent());
  }

  /** Runs {@link #command} to its end. */
  static Processes.Result submit(String master, String warehouse, String name, List<String> sparkArgs, Map<String, String> extraEnv,
      String... appArgs) {
    Submit s = command(master, warehouse, sparkArgs, extraEnv, appArgs);
    return Processes.run(s.command(), s.env(), s.dir(), s.dir().resolve("logs"), name, RUN_LIMIT);
  }

  static Processes.Result submit(String master, Path warehouse, String name, List<String> sparkArgs, Map<String, String> extraEnv,
      String... appArgs) {
    return submit(master, warehouse.toString(), name, sparkArgs, extraEnv, appArgs);
  }
}
