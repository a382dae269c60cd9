package io.profitos.lakehouse.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A model, as its configuration file defines it (keys and defaults: {@code lakehouse.ml.model-defaults} in
 * reference.conf). Immutable; every check that needs no data runs in {@link #parse}, and every problem is reported
 * with the key, the file and line, and the fix.
 *
 * @param file where the configuration came from (for messages)
 * @param hash a hash of the resolved configuration (the registry records it)
 */
public record ModelSpec(
    String name, String description, Source source, List<String> entityKey, Label label, String asOf,
    Features features, List<Algorithm> algorithms, Map<Algorithm, Map<String, List<Double>>> grid, boolean balanced,
    Split split, boolean platt, String baselineGroupBy, double promotionMargin, String file, String hash) {

  static final String DEFAULTS = "lakehouse.ml.model-defaults";

  /** Where the rows come from: exactly one of a table, a SQL query and a path. */
  public record Source(String table, String sql, String path, String format) {
    public String describe() {
      return !table.isEmpty() ? "table " + table : !sql.isEmpty() ? "SQL query" : format + " at " + path;
    }
  }

  /** The label: a column and its positive values, or a boolean expression; and how long it takes to be known. */
  public record Label(String column, List<String> positive, String expression, int horizonDays) {
    public String describe() {
      return column.isEmpty() ? "(" + expression + ")" : column;
    }
  }

  /** Which columns are features, and how categories are encoded. */
  public record Features(List<String> numeric, List<String> categorical, boolean allOtherColumns, List<String> exclude,
      int maxLevels, int minLevelRows, double idLikeDistinctShare) {}

  /** How rows are held out, set aside for calibration and folded for cross-validation. */
  public record Split(double testFraction, double calibrationFraction, int folds, long seed) {}

  /** The algorithms a model can compare, by their configuration names. */
  public enum Algorithm {
    LOGISTIC_REGRESSION("logistic_regression"),
    GRADIENT_BOOSTED_TREES("gradient_boosted_trees"),
    RANDOM_FOREST("random_forest");

    public final String key;

    Algorithm(String key) {
      this.key = key;
    }

    static Algorithm of(String key, String where) {
      for (Algorithm a : values()) {
        if (a.key.equals(key)) {
          return a;
        }
      }
      throw LakehouseException.usage(where + ": unknown algorithm '" + key + "'; use some of logistic_regression, "
          + "gradient_boosted_trees, random_forest.");
    }
  }

  /** Reads and checks a model file; {@code reference} holds {@code lakehouse.ml.model-defaults}. */
  public static ModelSpec parse(Path file, Config reference) {
    if (!Files.isRegularFile(file)) {
      throw LakehouseException.usage("Model configuration " + file + " does not exist: pass --model-conf FILE, or put "
          + "the model in conf/models/<name>.conf.");
    }
    Config own;
    try {
      own = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw LakehouseException.usage("Model configuration " + file + " is not valid HOCON: " + e.getMessage());
    }
    String defaultName = file.getFileName().toString().replaceFirst("\\.conf$", "");
    return parse(own, reference, file.toString(), defaultName);
  }

  /** A model file's text as saved with a trained version (what it was trained with). */
  public static ModelSpec parseText(String text, String where, String defaultName, Config reference) {
    Config own;
    try {
      own = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(where)).resolve();
    } catch (ConfigException e) {
      throw LakehouseException.usage("Model configuration " + where + " is not valid HOCON: " + e.getMessage());
    }
    return parse(own, reference, where, defaultName);
  }

  static ModelSpec parse(Config own, Config reference, String where, String defaultName) {
    Config defaults = reference.getConfig(DEFAULTS);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : own.entrySet()) {
      if (!defaults.hasPath(e.getKey())) {
        problems.add("unknown key '" + e.getKey() + "' (line " + e.getValue().origin().lineNumber() + "): known keys are "
            + knownKeys(defaults, e.getKey()));
      } else if (kind(defaults.getValue(e.getKey())) != kind(e.getValue())) {
        problems.add("key '" + e.getKey() + "' (line " + e.getValue().origin().lineNumber() + ") must be "
            + describe(defaults.getValue(e.getKey()).valueType()) + ", not '" + e.getValue().unwrapped() + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw LakehouseException.usage("Model configuration " + where + ": " + String.join("; ", problems) + ".");
    }
    Config c = own.withFallback(defaults);
    String name = c.getString("name").isEmpty() ? defaultName : c.getString("name");
    if (!name.matches("[a-z][a-z0-9_]*")) {
      throw LakehouseException.usage(where + ": model name '" + name + "' must be lower-case letters, digits and '_' "
          + "(set key 'name', or rename the file).");
    }
    String at = "Model '" + name + "' (" + where + ")";
    Source source = new Source(c.getString("source.table").trim(), c.getString("source.sql").trim(),
        c.getString("source.path").trim(), c.getString("source.format").trim().toLowerCase(Locale.ROOT));
    int sources = (source.table().isEmpty() ? 0 : 1) + (source.sql().isEmpty() ? 0 : 1) + (source.path().isEmpty() ? 0 : 1);
    if (sources != 1) {
      throw LakehouseException.usage(at + ": set exactly one of source.table, source.sql and source.path (" + sources
          + " set).");
    }
    if (!source.path().isEmpty() && !Set.of("delta", "parquet", "csv").contains(source.format())) {
      throw LakehouseException.usage(at + ": source.format '" + source.format() + "' is not one of delta, parquet, csv.");
    }
    if (!source.table().isEmpty() && !source.table().matches("[a-z]+\\.[a-z][a-z0-9_]*")) {
      throw LakehouseException.usage(at + ": source.table '" + source.table() + "' must be layer.table, for example "
          + "gold.fact_mrr_monthly.");
    }
    List<String> key = c.getStringList("entity-key");
    if (key.isEmpty()) {
      throw LakehouseException.usage(at + ": entity-key is empty; name the column(s) that identify a row, for example "
          + "entity-key = [customer_id].");
    }
    Label label = new Label(c.getString("label.column").trim(),
        c.getStringList("label.positive").stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).toList(),
        c.getString("label.expression").trim(), c.getInt("label.horizon-days"));
    if (label.column().isEmpty() == label.expression().isEmpty()) {
      throw LakehouseException.usage(at + ": set exactly one of label.column (with label.positive) and label.expression.");
    }
    if (!label.column().isEmpty() && label.positive().isEmpty()) {
      throw LakehouseException.usage(at + ": label.positive is empty; list the values of " + label.column()
          + " that mean positive, for example positive = [\"yes\"].");
    }
    if (label.horizonDays() < 0) {
      throw LakehouseException.usage(at + ": label.horizon-days must be 0 or more.");
    }
    Features features = new Features(c.getStringList("features.numeric"), c.getStringList("features.categorical"),
        c.getBoolean("features.all-other-columns"), c.getStringList("features.exclude"), c.getInt("features.max-levels"),
        c.getInt("features.min-level-rows"), c.getDouble("features.id-like-distinct-share"));
    if (!features.allOtherColumns() && features.numeric().isEmpty() && features.categorical().isEmpty()) {
      throw LakehouseException.usage(at + ": no features; list features.numeric and/or features.categorical, or set "
          + "features.all-other-columns = true.");
    }
    if (features.maxLevels() < 2 || features.minLevelRows() < 1) {
      throw LakehouseException.usage(at + ": features.max-levels must be at least 2 and features.min-level-rows at least 1.");
    }
    List<Algorithm> algorithms = new ArrayList<>();
    for (String a : c.getStringList("algorithms")) {
      algorithms.add(Algorithm.of(a, at + ", key 'algorithms'"));
    }
    if (algorithms.isEmpty()) {
      throw LakehouseException.usage(at + ": algorithms is empty; list at least one of logistic_regression, "
          + "gradient_boosted_trees, random_forest.");
    }
    Map<Algorithm, Map<String, List<Double>>> grid = new LinkedHashMap<>();
    for (Algorithm a : algorithms) {
      Map<String, List<Double>> params = new LinkedHashMap<>();
      Config g = c.getConfig("grid." + a.key);
      for (String p : new TreeSet<>(g.root().keySet())) {
        List<Double> values = g.getDoubleList(p);
        if (values.isEmpty()) {
          throw LakehouseException.usage(at + ": grid." + a.key + "." + p + " is empty; give at least one value.");
        }
        params.put(p, List.copyOf(values));
      }
      grid.put(a, params);
    }
    String weights = c.getString("class-weights");
    if (!Set.of("balanced", "none").contains(weights)) {
      throw LakehouseException.usage(at + ": class-weights '" + weights + "' is not one of balanced, none.");
    }
    Split split = new Split(c.getDouble("split.test-fraction"), c.getDouble("split.calibration-fraction"),
        c.getInt("split.folds"), c.getLong("split.seed"));
    if (!(split.testFraction() > 0 && split.testFraction() < 0.9) || !(split.calibrationFraction() >= 0
        && split.calibrationFraction() < 0.9) || split.folds() < 2) {
      throw LakehouseException.usage(at + ": split.test-fraction must be in (0, 0.9), split.calibration-fraction in "
          + "[0, 0.9) and split.folds at least 2.");
    }
    String calibration = c.getString("calibration");
    if (!Set.of("platt", "none").contains(calibration)) {
      throw LakehouseException.usage(at + ": calibration '" + calibration + "' is not one of platt, none.");
    }
    if (calibration.equals("platt") && split.calibrationFraction() == 0) {
      throw LakehouseException.usage(at + ": calibration = platt needs split.calibration-fraction above 0.");
    }
    String hash = io.profitos.lakehouse.core.config.ConfigHash.sha256(c.root().render(
        com.typesafe.config.ConfigRenderOptions.concise().setJson(true)));
    return new ModelSpec(name, c.getString("description"), source, List.copyOf(key), label, c.getString("as-of").trim(),
        features, List.copyOf(algorithms), grid, weights.equals("balanced"), split, calibration.equals("platt"),
        c.getString("baseline.group-by").trim(), c.getDouble("promotion-margin"), where, hash);
  }

  /** Every column the configuration names, with the key naming it (checked against the source's columns). */
  public Map<String, String> namedColumns() {
    Map<String, String> named = new LinkedHashMap<>();
    entityKey.forEach(k -> named.put(k, "entity-key"));
    if (!label.column().isEmpty()) {
      named.put(label.column(), "label.column");
    }
    if (!asOf.isEmpty()) {
      named.put(asOf, "as-of");
    }
    features.numeric().forEach(f -> named.put(f, "features.numeric"));
    features.categorical().forEach(f -> named.put(f, "features.categorical"));
    features.exclude().forEach(f -> named.put(f, "features.exclude"));
    if (!baselineGroupBy.isEmpty()) {
      named.put(baselineGroupBy, "baseline.group-by");
    }
    return named;
  }

  private enum Kind { OBJECT, LIST, SCALAR }

  private static Kind kind(ConfigValue v) {
    return v.valueType() == ConfigValueType.OBJECT ? Kind.OBJECT : v.valueType() == ConfigValueType.LIST ? Kind.LIST
        : Kind.SCALAR;
  }

  private static String describe(ConfigValueType t) {
    return t == ConfigValueType.OBJECT ? "a section { ... }" : t == ConfigValueType.LIST ? "a list [ ... ]" : "a value";
  }

  private static String knownKeys(Config defaults, String key) {
    int dot = key.lastIndexOf('.');
    String parent = dot < 0 ? "" : key.substring(0, dot);
    Set<String> siblings = new TreeSet<>();
    Config scope = parent.isEmpty() ? defaults : defaults.hasPath(parent) ? defaults.getConfig(parent) : defaults;
    for (Map.Entry<String, ConfigValue> e : scope.root().entrySet()) {
      siblings.add((parent.isEmpty() || !defaults.hasPath(parent) ? "" : parent + ".") + e.getKey());
    }
    return String.join(", ", siblings);
  }
}
