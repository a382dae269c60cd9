package io.profitos.lakehouse.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated, typed settings every job reads. Built once at start-up from the loaded
 * {@link Config}; immutable.
 *
 * @param env environment name ({@code local}, ...)
 * @param landing landing-zone root as a URI string (local folders become {@code file:} URIs)
 * @param warehouse warehouse root as a URI string; every table lives under it
 * @param sparkMaster master used only when none is given by spark-submit
 * @param sparkConf Spark settings applied only where not already set (spark-submit wins)
 * @param streams the configured landing streams, in configuration order
 * @param config the raw merged configuration, for layer-specific sections
 */
public record LakehouseSettings(
    String env, String landing, String warehouse, String sparkMaster, Map<String, String> sparkConf,
    List<StreamSpec> streams, Config config) {

  /** The embedded local environment, the only one that may hash PII with the documented demo key. */
  public static final String LOCAL = "local";

  private static final Set<String> STREAM_KEYS = Set.of("format", "sync", "primary-key", "cursor", "table", "enabled", "max-age");

  public LakehouseSettings {
    sparkConf = Collections.unmodifiableMap(new LinkedHashMap<>(sparkConf));
    streams = List.copyOf(streams);
  }

  /** Reads and validates settings; relative local paths resolve against {@code home}. */
  public static LakehouseSettings from(Config config, Path home) {
    String env = config.getString("lakehouse.env");
    if (!env.equals(LOCAL) && config.getString("lakehouse.silver.pii-hash-key").isEmpty()) {
      throw LakehouseException.usage("Configuration error: the '" + env + "' environment has no PII hash key. Set the environment "
          + "variable LAKEHOUSE_PII_HASH_KEY to a long random secret (for example: openssl rand -hex 32); only the local demo "
          + "environment hashes with the documented demo key.");
    }
    String landing = toUri(config.getString("lakehouse.landing"), home);
    String warehouse = toUri(config.getString("lakehouse.warehouse"), home);
    Map<String, String> sparkConf = new LinkedHashMap<>();
    flatten(config.getObject("lakehouse.spark-conf"), sparkConf);
    return new LakehouseSettings(env, landing, warehouse, config.getString("lakehouse.spark-master"),
        sparkConf, readStreams(config), config);
  }

  /** A stream by its {@code <source>/<stream>} id. */
  public StreamSpec stream(String id) {
    return streams.stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> LakehouseException.usage("Unknown stream '" + id + "': it is not configured under lakehouse.sources."));
  }

  static String toUri(String location, Path home) {
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || location.startsWith("file:")) {
      return location.replaceAll("/+$", "");
    }
    Path p = Path.of(location);
    Path abs = (p.isAbsolute() ? p : home.resolve(p)).toAbsolutePath().normalize();
    // Hadoop's qualified form (file:/a/b), so locations compare equal to the paths Spark and Delta report.
    return ("file:" + abs.toUri().getRawPath()).replaceAll("/+$", "");
  }

  private static void flatten(ConfigObject object, Map<String, String> out) {
    // Spark keys contain dots; they are written quoted in HOCON and read back as single entries.
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
  }

  private static List<StreamSpec> readStreams(Config config) {
    List<StreamSpec> specs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ConfigObject sources = config.getObject("lakehouse.sources");
    for (String source : new TreeMap<>(sources).keySet()) {
      String base = "lakehouse.sources.\"" + source + "\"";
      Config src = config.getConfig(base);
      for (String key : src.root().keySet()) {
        if (!key.equals("format") && !key.equals("streams")) {
          problems.add("unknown key '" + key + "' in source '" + source + "' (" + src.getValue(key).origin().description() + "): a source has only 'format' and 'streams'");
        }
      }
      if (!src.hasPath("streams")) {
        problems.add("source '" + source + "' has no 'streams' (" + src.origin().description() + ")");
        continue;
      }
      String defaultFormat = src.hasPath("format") ? src.getString("format") : null;
      ConfigObject streams = src.getObject("streams");
      for (String stream : new TreeMap<>(streams).keySet()) {
        ConfigValue raw = streams.get(stream);
        String where = raw.origin().description();
        if (raw.valueType() != ConfigValueType.OBJECT) {
          problems.add("stream '" + source + "/" + stream + "' (" + where + ") must be an object like { sync = incremental, primary-key = [id], cursor = updated }");
          continue;
        }
        Config s = ((ConfigObject) raw).toConfig();
        for (String key : s.root().keySet()) {
          if (!STREAM_KEYS.contains(key)) {
            problems.add("unknown key '" + key + "' in stream '" + source + "/" + stream + "' (" + where + "); allowed: " + new java.util.TreeSet<>(STREAM_KEYS));
          }
        }
        if (s.hasPath("enabled") && !s.getBoolean("enabled")) {
          continue;
        }
        String formatName = s.hasPath("format") ? s.getString("format") : defaultFormat;
        StreamSpec.Format format = formatName == null ? null : StreamSpec.Format.parse(formatName);
        if (format == null) {
          problems.add("stream '" + source + "/" + stream + "' (" + where + ") has format '" + formatName + "'; use one of airbyte-jsonl, jsonl, csv");
          continue;
        }
        String syncName = s.hasPath("sync") ? s.getString("sync") : "incremental";
        StreamSpec.Sync sync = StreamSpec.Sync.parse(syncName);
        if (sync == null) {
          problems.add("stream '" + source + "/" + stream + "' (" + where + ") has sync '" + syncName + "'; use incremental or full_refresh");
          continue;
        }
        List<String> pk = s.hasPath("primary-key") ? s.getStringList("primary-key") : List.of();
        String cursor = s.hasPath("cursor") ? s.getString("cursor") : null;
        if (sync == StreamSpec.Sync.INCREMENTAL && (pk.isEmpty() || cursor == null)) {
          problems.add("incremental stream '" + source + "/" + stream + "' (" + where + ") needs primary-key and cursor");
          continue;
        }
        String table = s.hasPath("table") ? s.getString("table") : StreamSpec.defaultTableName(source, stream);
        if (!table.matches("[a-z][a-z0-9_]*")) {
          problems.add("stream '" + source + "/" + stream + "' (" + where + ") has table '" + table + "'; use snake_case like stripe_subscriptions");
          continue;
        }
        java.time.Duration maxAge;
        try {
          maxAge = s.hasPath("max-age") ? s.getDuration("max-age") : config.getDuration("lakehouse.bronze.max-delivery-age");
        } catch (com.typesafe.config.ConfigException e) {
          problems.add("stream '" + source + "/" + stream + "' (" + where + ") has max-age '" + s.getValue("max-age").unwrapped()
              + "'; use a duration like 8 days");
          continue;
        }
        specs.add(new StreamSpec(source, stream, format, sync, pk, cursor, table, maxAge));
      }
    }
    if (!problems.isEmpty()) {
      throw LakehouseException.usage("Configuration error: " + String.join("; ", problems));
    }
    return specs;
  }
}
