package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A writer for the fencing test, run as its own process: takes the warehouse lease of a local warehouse (a short expiry),
 * then appends a row to a Delta table under it every 200 ms through the fenced log store, printing {@code committed V}
 * after each commit, until a commit is refused: then it prints {@code refused: <why>} and exits 5.
 * Arguments: the warehouse folder, the lease's expiry in milliseconds.
 */
public final class LeaseProbe {
  private LeaseProbe() {}

  /** Takes the lease of a local warehouse as {@code runId}, failing fast when it is held. */
  public static WarehouseLease take(Path warehouse, Duration expiry, String runId) {
    return WarehouseLease.acquire(new WarehouseLease.LocalStore(warehouse.resolve(WarehouseLease.DIR)),
        new WarehouseLease.Settings(expiry, Duration.ZERO, Duration.ofMillis(20)), Clock.systemUTC(), "lease probe", runId);
  }

  /** The newest generation of a local warehouse's lease. */
  public static WarehouseLease.Holder current(Path warehouse) {
    return WarehouseLease.current(new WarehouseLease.LocalStore(warehouse.resolve(WarehouseLease.DIR))).orElseThrow();
  }

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of(args[0]);
    WarehouseLease lease = take(warehouse, Duration.ofMillis(Long.parseLong(args[1])), "probe-run");
    SparkSession spark = SparkSession.builder().master("local[1]").appName("lease-probe")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.hadoop.fs.file.impl", "io.profitos.lakehouse.core.fs.NioLocalFileSystem")
        .config("spark.hadoop.fs.AbstractFileSystem.file.impl", "io.profitos.lakehouse.core.fs.NioLocalFs")
        .config("spark.delta.logStore.file.impl", "io.profitos.lakehouse.core.fs.FencedLogStore")
        .getOrCreate();
    String table = warehouse.resolve("ops/probe").toString();
    for (long i = 0; ; i++) {
      try {
        spark.range(i, i + 1).write().format("delta").mode(SaveMode.Append).save(table);
      } catch (RuntimeException e) {
        Throwable t = e;
        while (!(t instanceof LakehouseException) && t.getCause() != null) {
          t = t.getCause();
        }
        System.out.println("refused: " + t.getMessage());
        System.out.flush();
        System.exit(t instanceof LakehouseException le ? le.exitCode() : 1);
      }
      System.out.println("committed " + i);
      System.out.flush();
      Thread.sleep(200);
    }
  }
}
