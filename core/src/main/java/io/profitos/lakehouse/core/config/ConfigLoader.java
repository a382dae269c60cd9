package io.profitos.lakehouse.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loads the layered HOCON configuration, lowest precedence first:
 *
 * <ol>
 *   <li>{@code reference.conf} of every jar (all keys and their defaults);
 *   <li>{@code <conf-dir>/application.conf} (sources, streams, tables);
 *   <li>{@code <conf-dir>/env/<env>.conf} (the environment: local, cluster, ...);
 *   <li>{@code <conf-dir>/environment.conf} (environment-variable overrides, {@code ${?VAR}});
 *   <li>{@code --conf key=value} from the command line.
 * </ol>
 *
 * <p>Without a conf directory the same files are read from the classpath ({@code conf/...} inside
 * the application jar), which is how spark-submit runs find them. Every key under {@code lakehouse}
 * must be declared in {@code reference.conf} (except the open sections listed in {@code
 * lakehouse.config.open-sections}); an unknown or mistyped key fails with its file and line.
 */
public final class ConfigLoader {
  private static final ConfigParseOptions REQUIRED = ConfigParseOptions.defaults().setAllowMissing(false);
  private static final ConfigParseOptions OPTIONAL = ConfigParseOptions.defaults().setAllowMissing(true);

  private ConfigLoader() {}

  /**
   * @param confDir the conf directory, or null to read {@code conf/} from the classpath
   * @param env the environment name ({@code conf/env/<env>.conf} must exist)
   * @param overrides {@code --conf} pairs; keys are full paths ({@code lakehouse.warehouse})
   */
  public static Config load(Path confDir, String env, Map<String, String> overrides) {
    Objects.requireNonNull(env, "env");
    if (!env.matches("[a-z][a-z0-9_-]*")) {
      throw LakehouseException.usage("Invalid --env '" + env + "': use a name like 'local' that has a file conf/env/<env>.conf.");
    }
    try {
      Config reference = ConfigFactory.defaultReference();
      Config application;
      Config environment;
      Config envOverrides;
      if (confDir != null) {
        if (!Files.isDirectory(confDir)) {
          throw LakehouseException.usage("Configuration directory " + confDir + " does not exist: pass --conf-dir DIR or set LAKEHOUSE_CONF_DIR.");
        }
        Path envFile = confDir.resolve("env").resolve(env + ".conf");
        if (!Files.isRegularFile(envFile)) {
          throw LakehouseException.usage("Unknown environment '" + env + "': " + envFile + " does not exist. Known: " + knownEnvs(confDir) + ".");
        }
        application = ConfigFactory.parseFile(confDir.resolve("application.conf").toFile(), REQUIRED);
        environment = ConfigFactory.parseFile(envFile.toFile(), REQUIRED);
        envOverrides = ConfigFactory.parseFile(confDir.resolve("environment.conf").toFile(), OPTIONAL);
      } else {
        ClassLoader loader = ConfigLoader.class.getClassLoader();
        application = ConfigFactory.parseResources(loader, "conf/application.conf", REQUIRED);
        if (loader.getResource("conf/env/" + env + ".conf") == null) {
          throw LakehouseException.usage("Unknown environment '" + env + "': conf/env/" + env + ".conf is not in the application jar; pass --conf-dir DIR.");
        }
        environment = ConfigFactory.parseResources(loader, "conf/env/" + env + ".conf", REQUIRED);
        envOverrides = ConfigFactory.parseResources(loader, "conf/environment.conf", OPTIONAL);
      }
      Config cli = ConfigFactory.parseMap(parseOverrideValues(overrides), "command line --conf");
      Config merged = cli.withFallback(envOverrides)
          .withFallback(environment)
          .withFallback(application)
          .withFallback(reference)
          .resolve(ConfigResolveOptions.defaults().setAllowUnresolved(false));
      // The environment is the file that was loaded: a copied env file cannot pass itself off as another one.
      merged = ConfigFactory.parseMap(Map.of("lakehouse.env", env), "--env " + env).withFallback(merged);
      ConfigValidator.validate(merged, reference);
      if (merged.getString("lakehouse.quality.suites").isBlank()) {
        // Expectation suites sit beside the configuration: conf/quality, or inside the jar.
        String suites = confDir != null ? confDir.resolve("quality").toAbsolutePath().normalize().toString() : "classpath:conf/quality";
        merged = ConfigFactory.parseMap(Map.of("lakehouse.quality.suites", suites)).withFallback(merged);
      }
      return merged;
    } catch (ConfigException.Missing e) {
      throw LakehouseException.usage("Configuration error: " + describe(e) + " Add the key to conf/env/" + env + ".conf (or pass --conf key=value).");
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw LakehouseException.usage("Configuration error: " + describe(e) + " Define the referenced key or set the environment variable it names.");
    } catch (ConfigException e) {
      throw LakehouseException.usage("Configuration error: " + describe(e));
    }
  }

  /** Values given on the command line are parsed as HOCON values so lists and numbers work. */
  private static Map<String, Object> parseOverrideValues(Map<String, String> overrides) {
    Map<String, Object> parsed = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey().trim();
      if (key.isEmpty()) {
        throw LakehouseException.usage("Empty key in --conf: write --conf key=value, e.g. --conf lakehouse.warehouse=/data/warehouse");
      }
      try {
        ConfigValue value = ConfigFactory.parseString("v = " + e.getValue()).getValue("v");
        parsed.put(key, value.unwrapped());
      } catch (ConfigException notHocon) {
        parsed.put(key, e.getValue());
      }
    }
    return parsed;
  }

  private static String knownEnvs(Path confDir) {
    List<String> names = new ArrayList<>();
    try (var files = Files.list(confDir.resolve("env"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
          .map(n -> n.substring(0, n.length() - 5)).sorted().forEach(names::add);
    } catch (java.io.IOException e) {
      return "(none)";
    }
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  static String describe(ConfigException e) {
    String msg = e.getMessage();
    return msg == null ? e.getClass().getSimpleName() : msg.replace('\n', ' ');
  }
}
