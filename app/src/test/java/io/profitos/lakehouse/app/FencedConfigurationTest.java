package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import io.profitos.lakehouse.core.fs.FencedLogStore;
import java.io.File;
import org.junit.jupiter.api.Test;

/**
 * Every shipped environment commits through the fenced log store, on a local warehouse and on s3a: without it a run
 * paused past its lease and taken over could still commit. (The layers as the loader stacks them: reference.conf,
 * conf/application.conf, conf/env/<env>.conf; the environment's own variables left unresolved.)
 */
class FencedConfigurationTest {
  @Test
  void everyEnvironmentCommitsThroughTheFencedLogStore() {
    Config shipped = ConfigFactory.parseFile(new File("../conf/application.conf"))
        .withFallback(ConfigFactory.parseResources("reference.conf"));
    for (String env : new String[] {"local", "minio", "s3", "cluster"}) {
      File file = new File("../conf/env/" + env + ".conf");
      assertThat(file).as(env).isFile();
      Config c = ConfigFactory.parseFile(file).withFallback(shipped)
          .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
      Config spark = c.getConfig("lakehouse.spark-conf");
      assertThat(spark.getString("\"spark.delta.logStore.file.impl\"")).as(env).isEqualTo(FencedLogStore.class.getName());
      assertThat(spark.getString("\"spark.delta.logStore.s3a.impl\"")).as(env).isEqualTo(FencedLogStore.class.getName());
    }
  }
}
