package io.profitos.lakehouse.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.profitos.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Great Expectations expectation suite: {@code expectation_suite_name} (GE 1.x: {@code name}),
 * {@code expectations[]} of {@code expectation_type} (1.x: {@code type}), {@code kwargs} and
 * {@code meta}. Loading checks every expectation (known type, kwargs names and values) and fails
 * with the source, the expectation and the reason before any Spark work starts.
 *
 * @param name the suite name
 * @param source where it was read from (file or classpath resource)
 * @param expectations the expectations, in file order
 * @param meta the suite's meta object
 */
public record ExpectationSuite(String name, String source, List<Expectation> expectations, Map<String, Object> meta) {
  static final ObjectMapper JSON = new ObjectMapper();

  public ExpectationSuite {
    expectations = List.copyOf(expectations);
    meta = Map.copyOf(meta);
  }

  /** One expectation: its position, GE type, kwargs and meta, severity and a name unique in the suite. */
  public record Expectation(int index, String type, Map<String, Object> kwargs, Map<String, Object> meta, String severity,
      String name) {
    public Expectation {
      kwargs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
      meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    /** A kwarg, or {@code fallback} when it is absent or null. */
    @SuppressWarnings("unchecked")
    <T> T kwarg(String key, T fallback) {
      Object v = kwargs.get(key);
      return v == null ? fallback : (T) v;
    }

    Double number(String key) {
      Object v = kwargs.get(key);
      return v == null ? null : ((Number) v).doubleValue();
    }

    boolean flag(String key) {
      return Boolean.TRUE.equals(kwargs.get(key));
    }

    boolean critical() {
      return "critical".equals(severity);
    }
  }

  /** The tables the suite's referential-integrity expectations look up. */
  public List<io.profitos.lakehouse.core.table.TableName> referencedTables() {
    return expectations.stream().filter(e -> e.type().equals("expect_column_values_to_exist_in_table"))
        .map(e -> io.profitos.lakehouse.core.table.TableName.parse(String.valueOf(e.kwargs().get("table")))).distinct().toList();
  }

  /** Reads and checks a suite file. */
  public static ExpectationSuite load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw LakehouseException.usage("Cannot read the expectation suite " + file + ": " + e.getMessage());
    }
  }

  /**
   * Parses and checks a suite. Parameters ({@code {"$PARAMETER": "name"}} values, GE's suite
   * parameters) are resolved from {@code parameters}; an unknown parameter is an error.
   */
  public static ExpectationSuite parse(String json, String source, Map<String, Object> parameters) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw LakehouseException.usage("Expectation suite " + source + " is not valid JSON: " + e.getOriginalMessage()
          + ". Fix the file (it must be one JSON object with an expectations array).");
    }
    if (root == null || !root.isObject()) {
      throw LakehouseException.usage("Expectation suite " + source + " must be a JSON object with 'expectation_suite_name' and 'expectations'.");
    }
    String name = text(root, "expectation_suite_name", text(root, "name", null));
    if (name == null || name.isBlank()) {
      throw LakehouseException.usage("Expectation suite " + source + " has no name: add \"expectation_suite_name\" (or GE 1.x \"name\").");
    }
    JsonNode list = root.get("expectations");
    if (list == null || !list.isArray()) {
      throw LakehouseException.usage("Expectation suite " + source + " has no \"expectations\" array.");
    }
    List<Expectation> expectations = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    int i = 0;
    for (JsonNode e : list) {
      String where = source + ", expectation " + i;
      if (!e.isObject()) {
        throw LakehouseException.usage(where + ": must be a JSON object with \"expectation_type\" and \"kwargs\".");
      }
      String type = text(e, "expectation_type", text(e, "type", null));
      if (type == null) {
        throw LakehouseException.usage(where + ": has no \"expectation_type\" (or GE 1.x \"type\").");
      }
      where = source + ", expectation " + i + " (" + type + ")";
      Map<String, Object> kwargs = e.has("kwargs") ? resolve(toMap(e.get("kwargs")), parameters, where) : new LinkedHashMap<>();
      Map<String, Object> meta = e.has("meta") && e.get("meta").isObject() ? toMap(e.get("meta")) : new LinkedHashMap<>();
      String severity = String.valueOf(meta.getOrDefault("severity", text(e, "severity", "critical")));
      if (!List.of("critical", "warning", "info").contains(severity)) {
        throw LakehouseException.usage(where + ": severity '" + severity + "' is not one of critical, warning, info.");
      }
      ExpectationTypes.check(type, kwargs, where);
      String label = meta.get("name") != null ? String.valueOf(meta.get("name")) : ExpectationTypes.defaultName(type, kwargs);
      if (!names.add(label)) {
        throw LakehouseException.usage(where + ": another expectation of the suite is also named '" + label + "'"
            + (meta.get("name") != null ? "; give each a distinct \"meta\": {\"name\": ...}."
                : " (the same type with the same kwargs: the same check twice); remove one, or name each with \"meta\": {\"name\": ...}."));
      }
      expectations.add(new Expectation(i, type, kwargs, meta, severity, label));
      i++;
    }
    Map<String, Object> meta = root.has("meta") && root.get("meta").isObject() ? toMap(root.get("meta")) : Map.of();
    return new ExpectationSuite(name, source, expectations, meta);
  }

  static ExpectationSuite parse(String json, String source) {
    return parse(json, source, Map.of());
  }

  private static Map<String, Object> resolve(Map<String, Object> kwargs, Map<String, Object> parameters, String where) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : kwargs.entrySet()) {
      Object v = e.getValue();
      if (v instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("$PARAMETER")) {
        String parameter = String.valueOf(m.get("$PARAMETER"));
        if (!parameters.containsKey(parameter)) {
          throw LakehouseException.usage(where + ": kwarg '" + e.getKey() + "' uses the parameter '" + parameter
              + "', which is not set; add it under lakehouse.quality.parameters.");
        }
        v = parameters.get(parameter);
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> toMap(JsonNode node) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      out.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class));
    }
    return out;
  }
}
