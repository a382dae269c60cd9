package io.profitos.lakehouse.silver;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-table conforming rules from {@code lakehouse.silver.tables.<table>}: which columns hold
 * local times (and in which zone), which get which privacy treatment, the known values of enum
 * columns, value ranges, and columns that must not lie in the future.
 */
public record SilverTableConfig(Map<String, String> localTimeZones, Map<String, String> privacy,
    Map<String, List<String>> enums, Map<String, double[]> ranges, List<String> notFuture, List<String> required,
    Map<String, String> checks, Usd usd, List<String> partitionBy) {

  /** USD conversion: the currency column, the date whose rate applies, and the amounts that get a {@code <amount>_usd}. */
  public record Usd(String currency, String date, List<String> amounts) {}

  static final SilverTableConfig NONE = new SilverTableConfig(Map.of(), Map.of(), Map.of(), Map.of(), List.of(), List.of(),
      Map.of(), null, List.of());

  public static final Set<String> TREATMENTS = Set.of("hash", "redact", "truncate-ip", "drop");
  private static final Set<String> KEYS = Set.of("local-time-zone", "privacy", "enums", "ranges", "not-future", "required",
      "checks", "usd", "partition-by");

  public static SilverTableConfig read(Config config, String table) {
    String path = "lakehouse.silver.tables." + table;
    if (!config.hasPath(path)) {
      return NONE;
    }
    Config c = config.getConfig(path);
    for (String key : c.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw LakehouseException.usage("Configuration error: unknown key '" + path + "." + key + "' ("
            + c.getValue(key).origin().description() + "); allowed: " + new java.util.TreeSet<>(KEYS));
      }
    }
    Map<String, String> zones = strings(c, "local-time-zone");
    for (Map.Entry<String, String> z : zones.entrySet()) {
      try {
        java.time.ZoneId.of(z.getValue());
      } catch (java.time.DateTimeException e) {
        throw LakehouseException.usage("Configuration error: " + path + ".local-time-zone." + z.getKey() + " = '"
            + z.getValue() + "' is not a time zone; use a region id like America/Los_Angeles.");
      }
    }
    Map<String, String> privacy = strings(c, "privacy");
    for (Map.Entry<String, String> p : privacy.entrySet()) {
      if (!TREATMENTS.contains(p.getValue())) {
        throw LakehouseException.usage("Configuration error: " + path + ".privacy." + p.getKey() + " = '" + p.getValue()
            + "'; use one of " + new java.util.TreeSet<>(TREATMENTS) + ".");
      }
    }
    Map<String, List<String>> enums = new LinkedHashMap<>();
    if (c.hasPath("enums")) {
      for (String k : c.getObject("enums").keySet()) {
        enums.put(k, c.getStringList("enums." + k));
      }
    }
    Map<String, double[]> ranges = new LinkedHashMap<>();
    if (c.hasPath("ranges")) {
      for (String k : c.getObject("ranges").keySet()) {
        List<Double> bounds = c.getDoubleList("ranges." + k);
        if (bounds.size() != 2 || bounds.get(0) > bounds.get(1)) {
          throw LakehouseException.usage("Configuration error: " + path + ".ranges." + k + " must be [min, max].");
        }
        ranges.put(k, new double[] {bounds.get(0), bounds.get(1)});
      }
    }
    List<String> notFuture = c.hasPath("not-future") ? c.getStringList("not-future") : List.of();
    List<String> required = c.hasPath("required") ? c.getStringList("required") : List.of();
    Map<String, String> checks = strings(c, "checks");
    for (Map.Entry<String, String> check : checks.entrySet()) {
      try {
        org.apache.spark.sql.catalyst.parser.CatalystSqlParser$.MODULE$.parseExpression(check.getValue());
      } catch (RuntimeException e) {
        throw LakehouseException.usage("Configuration error: " + path + ".checks." + check.getKey() + " = '" + check.getValue()
            + "' is not a SQL condition (" + firstLine(e.getMessage()) + ").");
      }
    }
    Usd usd = null;
    if (c.hasPath("usd")) {
      Config u = c.getConfig("usd");
      for (String k : List.of("currency", "date", "amounts")) {
        if (!u.hasPath(k)) {
          throw LakehouseException.usage("Configuration error: " + path + ".usd needs currency, date and amounts; '" + k
              + "' is missing (" + c.getValue("usd").origin().description() + ").");
        }
      }
      usd = new Usd(u.getString("currency"), u.getString("date"), u.getStringList("amounts"));
    }
    List<String> partitionBy = c.hasPath("partition-by") ? c.getStringList("partition-by") : List.of();
    return new SilverTableConfig(zones, privacy, enums, ranges, notFuture, required, checks, usd, partitionBy);
  }

  private static String firstLine(String message) {
    return message == null ? "unparseable" : message.strip().lines().findFirst().orElse(message);
  }

  private static Map<String, String> strings(Config c, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.hasPath(key)) {
      for (String k : c.getObject(key).keySet()) {
        out.put(k, c.getString(key + ".\"" + k + "\""));
      }
    }
    return out;
  }
}
