package io.profitos.lakehouse.gold;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The metric contracts of {@code lakehouse.gold.metrics} (conf/metrics.conf): each metric of
 * METRICS.md declared once, with where it is published (table and column), its definition,
 * grain, sources, inclusions and exclusions, owner, steward, refresh, confidence and thresholds.
 */
public record MetricContracts(List<Contract> contracts) {

  /** A threshold: {@code test} is value | mom_change | abs_mom_change; a breach is below {@code below} or above {@code above}. */
  public record Threshold(String name, String test, Double below, Double above, String severity, String action, boolean completeOnly) {}

  public record Contract(String metric, String title, String definition, TableName table, String column, String grain,
      List<String> sources, String inclusions, String exclusions, String owner, String steward, String refresh,
      String confidence, String unit, List<Threshold> thresholds) {}

  static final Set<String> TESTS = Set.of("value", "mom_change", "abs_mom_change");
  static final Set<String> SEVERITIES = Set.of("critical", "high", "warning");
  static final Set<String> ACTIONS = Set.of("investigate", "mitigate", "reallocate", "escalate");
  private static final List<String> REQUIRED = List.of("title", "definition", "table", "column", "grain", "sources", "owner",
      "steward", "refresh", "confidence", "unit");

  public static MetricContracts from(Config config) {
    String root = "lakehouse.gold.metrics";
    List<Contract> out = new ArrayList<>();
    if (!config.hasPath(root)) {
      return new MetricContracts(out);
    }
    for (String metric : new java.util.TreeSet<>(config.getObject(root).keySet())) {
      String path = root + "." + metric;
      Config c = config.getConfig(path);
      for (String key : REQUIRED) {
        if (!c.hasPath(key)) {
          throw LakehouseException.usage("Configuration error: metric contract " + path + " has no '" + key + "' ("
              + config.getValue(path).origin().description() + ").");
        }
      }
      List<Threshold> thresholds = new ArrayList<>();
      if (c.hasPath("thresholds")) {
        for (Config t : c.getConfigList("thresholds")) {
          String name = t.hasPath("name") ? t.getString("name") : metric;
          String test = t.hasPath("test") ? t.getString("test") : "value";
          String severity = t.hasPath("severity") ? t.getString("severity") : "";
          String action = t.hasPath("action") ? t.getString("action") : "";
          if (!TESTS.contains(test) || !SEVERITIES.contains(severity) || !ACTIONS.contains(action)
              || (!t.hasPath("below") && !t.hasPath("above"))) {
            throw LakehouseException.usage("Configuration error: threshold '" + name + "' of " + path + " ("
                + t.origin().description() + ") needs test in " + TESTS + ", below and/or above, severity in " + SEVERITIES
                + " and action in " + ACTIONS + ".");
          }
          thresholds.add(new Threshold(name, test, t.hasPath("below") ? t.getDouble("below") : null,
              t.hasPath("above") ? t.getDouble("above") : null, severity, action,
              !t.hasPath("complete-months-only") || t.getBoolean("complete-months-only")));
        }
      }
      out.add(new Contract(metric, c.getString("title"), c.getString("definition"), TableName.parse(c.getString("table")),
          c.getString("column"), c.getString("grain"), c.getStringList("sources"),
          c.hasPath("inclusions") ? c.getString("inclusions") : "", c.hasPath("exclusions") ? c.getString("exclusions") : "",
          c.getString("owner"), c.getString("steward"), c.getString("refresh"), c.getString("confidence"), c.getString("unit"),
          List.copyOf(thresholds)));
    }
    return new MetricContracts(List.copyOf(out));
  }

  /** Contracts published in {@code table}. */
  public List<Contract> of(TableName table) {
    return contracts.stream().filter(c -> c.table().equals(table)).toList();
  }
}
