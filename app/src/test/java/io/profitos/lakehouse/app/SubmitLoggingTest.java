package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmitLoggingTest {
  @TempDir
  Path dir;

  @Test
  void theOperatorsConfigurationWinsWhereverSparkWouldFindIt() throws Exception {
    Path confDir = Files.createDirectories(dir.resolve("conf-dir"));
    Path home = Files.createDirectories(dir.resolve("spark-home/conf"));
    // Nothing given: the run quiets Spark's default profile.
    assertThat(SubmitLogging.operatorConfigured(null, confDir.toString(), dir.resolve("spark-home").toString())).isFalse();
    assertThat(SubmitLogging.operatorConfigured("", null, null)).isFalse();
    // The property (bin/lakehouse passes conf/log4j2.properties this way).
    assertThat(SubmitLogging.operatorConfigured("file:/etc/log4j2.xml", null, null)).isTrue();
    // A file in SPARK_HOME/conf counts only when SPARK_CONF_DIR is unset, as for Spark itself.
    Files.writeString(home.resolve("log4j2.properties"), "rootLogger.level = info\n");
    assertThat(SubmitLogging.operatorConfigured(null, null, dir.resolve("spark-home").toString())).isTrue();
    assertThat(SubmitLogging.operatorConfigured(null, confDir.toString(), dir.resolve("spark-home").toString())).isFalse();
    Files.writeString(confDir.resolve("log4j2.xml"), "<Configuration/>\n");
    assertThat(SubmitLogging.operatorConfigured(null, confDir.toString(), dir.resolve("spark-home").toString())).isTrue();
  }
}
