package io.profitos.lakehouse.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of a test JVM: local[2], UI off, 1 shuffle partition (tests hold tiny tables), bound to
 * 127.0.0.1, UTC, Delta enabled, no generated code (expressions are interpreted: with tables of a
 * few hundred rows, compiling each query's code took a fifth of the CPU), local files written without shell processes
 * ({@code NioLocalFileSystem}, as the local environment does). Stopped by a shutdown
 * hook when the JVM ends.
 */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null || spark.sparkContext().isStopped()) {
      Path tmp = tmpRoot();
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("lakehouse-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "1")
          .config("spark.default.parallelism", "2")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.codegen.wholeStage", "false")
          .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          .config("spark.hadoop.fs.file.impl", "io.profitos.lakehouse.core.fs.NioLocalFileSystem")
          .config("spark.hadoop.fs.AbstractFileSystem.file.impl", "io.profitos.lakehouse.core.fs.NioLocalFs")
          .config("spark.delta.logStore.file.impl", "io.profitos.lakehouse.core.fs.FencedLogStore")
          .config("spark.local.dir", tmp.resolve("spark-local").toString())
          .config("spark.sql.warehouse.dir", tmp.resolve("spark-warehouse").toString())
          .config("spark.hadoop.hadoop.tmp.dir", tmp.resolve("hadoop-tmp").toString())
          .getOrCreate();
      SparkSession s = spark;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
      SparkSession.setDefaultSession(s);
    }
    return spark;
  }

  /** A folder under the module's target/ for everything tests write outside @TempDir. */
  public static Path tmpRoot() {
    Path root = Path.of(System.getProperty("lakehouse.test.tmp", "target/test-tmp"));
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return root.toAbsolutePath();
  }
}
