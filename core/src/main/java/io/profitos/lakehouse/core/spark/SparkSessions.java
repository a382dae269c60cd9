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
    LOG.info("spark session: master={} version={} app={}", spark.sparkContext().master(), spark.version(), appName);
    return spark;
  }
}
