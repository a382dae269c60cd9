package io.profitos.lakehouse.gold;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigHash;
import io.profitos.lakehouse.core.table.TableName;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metric contracts of {@code lakehouse.gold.metrics} (conf/metrics.conf): each metric of
 * METRICS.md declared once, with where it is published (a table and column, and other tables that
 * publish the same column at their own grain), its definition, grain, sources, inclusions and
 * exclusions, owner, steward, refresh, confidence, thresholds, and its version, approver and the
 * date it took effect. A contract is found by table and column: no two contracts may claim the
 * same column of the same table.
 */
public record MetricContracts(List<Contract> contracts) {

  /** A threshold: {@code test} is value | mom_change | abs_mom_change; a breach is below {@code below} or above {@code above}. */
  public record Threshold(String name, String test, Double below, Double above, String severity, String action, boolean completeOnly) {}

  public record Contract(String metric, String title, String definition, TableName table, String column, List<TableName> alsoIn,
      String grain, List<String> sources, String inclusions, String exclusions, String owner, String steward, String refresh,
      String confidence, String unit, int version, String approvedBy, LocalDate effectiveDate, List<Threshold> thresholds) {

    /** Every table the column is published in: the contract's table first. */
    public List<TableName> tables() {
      List<TableName> all = new ArrayList<>(List.of(table));
      all.addAll(alsoIn);
      return all;
    }

    /**
     * SHA-256 of what the number means: definition, grain, inclusions, exclusions, unit, sources
     * and where it is published. Owner, thresholds and wording of the title may change without a
     * new version; the meaning may not.
     */
    public String definitionHash() {
      return ConfigHash.sha256(String.join("\u0001", definition, grain, inclusions, exclusions, unit, String.join(",", sources),
          String.join(",", tables().stream().map(TableName::toString).toList()), column));
    }
  }

  static final Set<String> TESTS = Set.of("value", "mom_change", "abs_mom_change");
  static final Set<String> SEVERITIES = Set.of("critical", "high", "warning");
  /** The actions a threshold and a decision of the decision log may name. */
  public static final Set<String> ACTIONS = Set.of("investigate", "mitigate", "reallocate", "escalate");
  private static final List<String> REQUIRED = List.of("title", "definition", "table", "column", "grain", "sources", "owner",
      "steward", "refresh", "confidence", "unit", "version", "approved-by", "effective-date");

  public static MetricContracts from(Config config) {
    String root = "lakehouse.gold.metrics";
    List<Contract> out = new ArrayList<>();
    if (!config.hasPath(root)) {
      return new MetricContracts(out);
    }
    Map<String, String> claimed = new HashMap<>();
    for (String metric : new java.util.TreeSet<>(config.getObject(root).keySet())) {
      String path = root + "." + metric;
      Config c = config.getConfig(path);
      String where = config.getValue(path).origin().description();
      for (String key : REQUIRED) {
        if (!c.hasPath(key)) {
          throw LakehouseException.usage("Configuration error: metric contract " + path + " has no '" + key + "' (" + where + ").");
        }
      }
      LocalDate effective;
      try {
        effective = LocalDate.parse(c.getString("effective-date"));
      } catch (DateTimeParseException e) {
        throw LakehouseException.usage("Configuration error: " + path + ".effective-date must be a date YYYY-MM-DD (" + where + ").");
      }
      int version = c.getInt("version");
      if (version < 1) {
        throw LakehouseException.usage("Configuration error: " + path + ".version must be 1 or more (" + where + ").");
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
      List<TableName> alsoIn = c.hasPath("also-published-in")
          ? c.getStringList("also-published-in").stream().map(TableName::parse).toList() : List.of();
      Contract contract = new Contract(metric, c.getString("title"), c.getString("definition"), TableName.parse(c.getString("table")),
          c.getString("column"), alsoIn, c.getString("grain"), c.getStringList("sources"),
          c.hasPath("inclusions") ? c.getString("inclusions") : "", c.hasPath("exclusions") ? c.getString("exclusions") : "",
          c.getString("owner"), c.getString("steward"), c.getString("refresh"), c.getString("confidence"), c.getString("unit"),
          version, c.getString("approved-by"), effective, List.copyOf(thresholds));
      for (TableName t : contract.tables()) {
        String other = claimed.put(t + "." + contract.column(), metric);
        if (other != null) {
          throw LakehouseException.usage("Configuration error: metric contracts " + other + " and " + metric + " both claim "
              + t + "." + contract.column() + " (" + where + "): a column has one contract.");
        }
      }
      out.add(contract);
    }
    return new MetricContracts(List.copyOf(out));
  }

  /** The contract named {@code metric}, or null. */
  public Contract named(String metric) {
    return contracts.stream().filter(c -> c.metric().equals(metric)).findFirst().orElse(null);
  }

  /** The contract of a table's column, or null. */
  public Contract of(TableName table, String column) {
    return contracts.stream().filter(c -> c.column().equals(column) && c.tables().contains(table)).findFirst().orElse(null);
  }

  /**
   * Checks the contracts against the ones last published (metric -> version and definition hash):
   * a definition may change only with a higher version. Throws a usage error naming the metric.
   */
  public void checkAgainst(Map<String, Map.Entry<Integer, String>> published) {
    List<String> problems = new ArrayList<>();
    for (Contract c : contracts) {
      Map.Entry<Integer, String> before = published.get(c.metric());
      if (before == null) {
        continue;
      }
      if (c.version() < before.getKey()) {
        problems.add(c.metric() + " is at version " + c.version() + " but version " + before.getKey() + " was published");
      } else if (c.version() == before.getKey() && !c.definitionHash().equals(before.getValue())) {
        problems.add(c.metric() + " changed its definition (definition, grain, inclusions, exclusions, unit, sources or where it is "
            + "published) but kept version " + c.version() + ": raise lakehouse.gold.metrics." + c.metric() + ".version to "
            + (c.version() + 1) + " and set approved-by and effective-date, or undo the change");
      }
    }
    if (!problems.isEmpty()) {
      throw LakehouseException.usage("Metric contracts: " + String.join("; ", problems) + ".");
    }
  }
}
