package io.profitos.lakehouse.core.spark;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one SparkSession of a process. Settings from configuration are applied with
 * {@code setIfMissing}, so whatever spark-submit passes ({@code --master}, {@code --conf}) wins;
 * the master from configuration is used only when none was given.
 */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

  private SparkSessions() {}

  public static SparkSession create(LakehouseSettings settings, String appName) {
    SparkConf conf = new SparkConf(true);
    conf.setIfMissing("spark.app.name", appName);
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.sparkMaster());
    }
    for (Map.Entry<String, String> e : settings.sparkConf().entrySet()) {
      conf.setIfMissing(e.getKey(), e.getValue());
    }
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    warnIfUnfenced(conf, settings.warehouse());
    LOG.info("spark session: master={} version={} app={}", spark.sparkContext().master(), spark.version(), appName);
    return spark;
  }

  /** A Spark default that replaced the fenced log store leaves commits unguarded by the warehouse lease: say so. */
  static void warnIfUnfenced(SparkConf conf, String warehouse) {
    String scheme = warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") ? warehouse.substring(0, warehouse.indexOf(':')) : "file";
    String key = "spark.delta.logStore." + scheme + ".impl";
    String impl = conf.get(key, "");
    if (!impl.equals(io.profitos.lakehouse.core.fs.FencedLogStore.class.getName())) {
      LOG.warn("{} is '{}', not {}: commits to this warehouse are not fenced by its lease (a run paused past its lease and "
          + "taken over could still commit). Remove that setting from the Spark defaults, or set it to the fenced store.", key,
          impl, io.profitos.lakehouse.core.fs.FencedLogStore.class.getName());
    }
  }
}
