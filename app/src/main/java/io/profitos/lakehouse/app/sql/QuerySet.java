package io.profitos.lakehouse.app.sql;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import io.profitos.lakehouse.core.LakehouseException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared query set of {@code lakehouse.sql} ({@code conf/sql/}): the dashboards, each a named set of queries run
 * as one role, and the parameterised templates. The SQL server's audit names the one a statement is an instance of,
 * the SQL benchmark runs them, and the reports read them.
 *
 * <p>A template's SQL names its parameters as {@code ${name}}; {@link Template#render} puts in each value as a SQL
 * literal of the parameter's type (a quoted and escaped string, a checked date, a number, a list of strings), so a
 * value can never become SQL of its own.
 */
public record QuerySet(List<Dashboard> dashboards, List<Template> templates) {
  public static final String PREFIX = "lakehouse.sql";
  static final Set<String> TYPES = Set.of("string", "date", "integer", "decimal", "string-list");
  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z][a-z0-9_]*)}");
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** A dashboard: its queries (by name, in name order), run as {@code role}. */
  public record Dashboard(String name, String title, String audience, String role, List<Query> queries) {}

  /** One query of a dashboard. */
  public record Query(String dashboard, String name, String sql) {
    /** {@code dashboards.<dashboard>.<query>}: the name the audit records. */
    public String qualifiedName() {
      return "dashboards." + dashboard + "." + name;
    }
  }

  /**
   * A template parameter: its type, an example value (which the tests use), for a string the values it may take (none:
   * any), and the values the benchmark cycles through (none: the example), as users ask for different ones.
   */
  public record Parameter(String name, String type, String example, String description, List<String> values, List<String> samples) {}

  /** A parameterised query. */
  public record Template(String name, String title, String description, String role, List<Parameter> parameters, String sql) {
    /** {@code templates.<name>}: the name the audit records. */
    public String qualifiedName() {
      return "templates." + name;
    }

    /** The SQL with each parameter's value as a literal; every parameter needs a value. */
    public String render(Map<String, String> values) {
      Map<String, Parameter> byName = new LinkedHashMap<>();
      parameters.forEach(p -> byName.put(p.name(), p));
      for (String given : values.keySet()) {
        if (!byName.containsKey(given)) {
          throw LakehouseException.usage("Template " + name + " has no parameter '" + given + "': its parameters are " + byName.keySet() + ".");
        }
      }
      Matcher m = PARAMETER.matcher(sql);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        Parameter p = byName.get(m.group(1));
        String value = values.get(p.name());
        if (value == null) {
          throw LakehouseException.usage("Template " + name + " needs a value for '" + p.name() + "' (" + p.type() + ", e.g. " + p.example() + ").");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(literal(p, value, name)));
      }
      m.appendTail(out);
      return out.toString();
    }

    /** The SQL with every parameter at its example value. */
    public String example() {
      Map<String, String> values = new LinkedHashMap<>();
      parameters.forEach(p -> values.put(p.name(), p.example()));
      return render(values);
    }

    /** The SQL with the {@code i}-th sample of each parameter (cycling; the example where it has none). */
    public String sample(int i) {
      Map<String, String> values = new LinkedHashMap<>();
      parameters.forEach(p -> values.put(p.name(), p.samples().isEmpty() ? p.example() : p.samples().get(Math.floorMod(i, p.samples().size()))));
      return render(values);
    }

    /** Matches the statements that are this template with some values filled in. */
    Pattern instances() {
      Map<String, Parameter> byName = new LinkedHashMap<>();
      parameters.forEach(p -> byName.put(p.name(), p));
      StringBuilder regex = new StringBuilder();
      Matcher m = PARAMETER.matcher(normalise(sql));
      int at = 0;
      String text = normalise(sql);
      while (m.find()) {
        regex.append(words(text.substring(at, m.start()))).append(LITERALS.get(byName.get(m.group(1)).type()));
        at = m.end();
      }
      regex.append(words(text.substring(at)));
      return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
  }

  private static final String STRING_LITERAL = "'(?:[^'\\\\]|\\\\.)*'";
  private static final Map<String, String> LITERALS = Map.of(
      "string", STRING_LITERAL,
      "date", "DATE '\\d{4}-\\d{2}-\\d{2}'",
      "integer", "-?\\d+",
      "decimal", "-?\\d+(?:\\.\\d+)?",
      "string-list", STRING_LITERAL + "(?:, " + STRING_LITERAL + ")*");

  /** A parameter value as a SQL literal of its type; a value that is not of the type is an error naming both. */
  static String literal(Parameter p, String value, String template) {
    String where = "Template " + template + ", parameter " + p.name() + " (" + p.type() + "): '" + value + "' ";
    switch (p.type()) {
      case "string":
        if (!p.values().isEmpty() && !p.values().contains(value)) {
          throw LakehouseException.usage(where + "is not one of " + p.values() + ".");
        }
        return quote(value);
      case "date":
        try {
          return "DATE '" + LocalDate.parse(value.strip()) + "'";
        } catch (DateTimeParseException e) {
          throw LakehouseException.usage(where + "is not a date: give YYYY-MM-DD.");
        }
      case "integer":
        try {
          return Long.toString(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
          throw LakehouseException.usage(where + "is not a whole number.");
        }
      case "decimal":
        try {
          return new BigDecimal(value.strip()).toPlainString();
        } catch (NumberFormatException e) {
          throw LakehouseException.usage(where + "is not a number.");
        }
      default: // string-list: comma-separated
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
          if (!item.isBlank()) {
            items.add(quote(item.strip()));
          }
        }
        if (items.isEmpty()) {
          throw LakehouseException.usage(where + "is empty: give one or more values separated by commas.");
        }
        return String.join(", ", items);
    }
  }

  private static String quote(String value) {
    // Spark SQL escapes with a backslash inside a quoted string (two quotes side by side are two strings joined).
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Whitespace runs as one space, no trailing semicolon. */
  static String normalise(String sql) {
    String s = sql.strip().replaceAll("\\s+", " ");
    return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
  }

  /** A normalised text as a pattern whose spaces match any whitespace. */
  private static String words(String text) {
    List<String> parts = new ArrayList<>();
    for (String part : text.split(" ", -1)) {
      parts.add(part.isEmpty() ? "" : Pattern.quote(part));
    }
    return String.join("\\s+", parts);
  }

  /** The qualified name of the dashboard query or template that a statement is an instance of. */
  public Optional<String> nameOf(String statement) {
    String text = normalise(statement);
    for (Dashboard d : dashboards) {
      for (Query q : d.queries()) {
        if (normalise(q.sql()).equalsIgnoreCase(text)) {
          return Optional.of(q.qualifiedName());
        }
      }
    }
    for (Template t : templates) {
      if (t.instances().matcher(text).matches()) {
        return Optional.of(t.qualifiedName());
      }
    }
    return Optional.empty();
  }

  /** Whether an audited query name is a template's. */
  public static boolean isTemplate(String qualifiedName) {
    return qualifiedName.startsWith("templates.");
  }

  public Template template(String name) {
    return templates.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> LakehouseException.usage("No template '" + name + "' in " + PREFIX + ".templates: the templates are "
            + templates.stream().map(Template::name).toList() + "."));
  }

  public static QuerySet from(Config root) {
    Config c = root.getConfig(PREFIX);
    try {
      List<Dashboard> dashboards = new ArrayList<>();
      ConfigObject ds = c.getObject("dashboards");
      for (String name : new TreeSet<>(ds.keySet())) {
        String where = PREFIX + ".dashboards." + name;
        Config d = ds.toConfig().getConfig(name(name, where));
        List<Query> queries = new ArrayList<>();
        ConfigObject qs = d.getObject("queries");
        for (String q : new TreeSet<>(qs.keySet())) {
          String sql = d.getConfig("queries").getString(name(q, where + ".queries." + q));
          if (PARAMETER.matcher(sql).find()) {
            throw LakehouseException.usage(where + ".queries." + q + " has a ${...} parameter: dashboard queries take none; make it a template.");
          }
          queries.add(new Query(name, q, sql.strip()));
        }
        if (queries.isEmpty()) {
          throw LakehouseException.usage(where + ".queries is empty: a dashboard has at least one query.");
        }
        dashboards.add(new Dashboard(name, d.getString("title"), d.getString("audience"), d.getString("role"), List.copyOf(queries)));
      }
      List<Template> templates = new ArrayList<>();
      ConfigObject ts = c.getObject("templates");
      for (String name : new TreeSet<>(ts.keySet())) {
        String where = PREFIX + ".templates." + name;
        Config t = ts.toConfig().getConfig(name(name, where));
        List<Parameter> parameters = new ArrayList<>();
        ConfigObject ps = t.getObject("parameters");
        for (String p : new TreeSet<>(ps.keySet())) {
          Config pc = t.getConfig("parameters").getConfig(name(p, where + ".parameters." + p));
          String type = pc.getString("type").toLowerCase(Locale.ROOT);
          if (!TYPES.contains(type)) {
            throw LakehouseException.usage(where + ".parameters." + p + ".type is '" + type + "': use one of " + new TreeSet<>(TYPES) + ".");
          }
          List<String> values = pc.hasPath("values") ? List.copyOf(pc.getStringList("values")) : List.of();
          if (!values.isEmpty() && !type.equals("string")) {
            throw LakehouseException.usage(where + ".parameters." + p + ".values: only a string parameter takes a list of values.");
          }
          List<String> samples = pc.hasPath("samples") ? List.copyOf(pc.getStringList("samples")) : List.of();
          parameters.add(new Parameter(p, type, pc.getString("example"), pc.hasPath("description") ? pc.getString("description") : "",
              values, samples));
        }
        String sql = t.getString("sql").strip();
        Set<String> used = new TreeSet<>();
        Matcher m = PARAMETER.matcher(sql);
        while (m.find()) {
          used.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>(ps.keySet());
        if (!used.equals(declared)) {
          throw LakehouseException.usage(where + ": its SQL uses the parameters " + used + " but it declares " + declared
              + "; declare each ${name} the SQL uses, and use each one declared.");
        }
        Template template = new Template(name, t.getString("title"), t.getString("description"), t.getString("role"),
            List.copyOf(parameters), sql);
        template.example(); // every example and sample is a value of its type
        for (Parameter p : parameters) {
          for (int i = 0; i < p.samples().size(); i++) {
            literal(p, p.samples().get(i), name);
          }
        }
        templates.add(template);
      }
      return new QuerySet(List.copyOf(dashboards), List.copyOf(templates));
    } catch (ConfigException e) {
      throw LakehouseException.usage("Configuration error in " + PREFIX + " (conf/sql): " + e.getMessage());
    }
  }

  private static String name(String name, String where) {
    if (!NAME.matcher(name).matches()) {
      throw LakehouseException.usage(where + ": a name is lower case letters, digits and '_', starting with a letter.");
    }
    return name;
  }
}
