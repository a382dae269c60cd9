package io.profitos.lakehouse.app.sql;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import io.profitos.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** {@code lakehouse.sql-server}: where the server listens, who may log in, what each role may read. */
public record SqlServerSettings(
    String host,
    int port,
    String transport,
    String httpPath,
    String keystore,
    String keystorePasswordEnv,
    boolean authentication,
    List<String> databases,
    Duration refreshInterval,
    Duration auditFlushInterval,
    Map<String, User> users,
    Map<String, Role> roles,
    List<Classification> classifications,
    int cacheMaxRows,
    int cacheMaxEntries) {

  public static final String PREFIX = "lakehouse.sql-server";
  /** Column classes a classification may name. */
  public static final Set<String> CLASSES = Set.of("PII", "PCI", "FINANCIAL");

  /** A user: their role and the salted hash of their password. */
  public record User(String name, String role, String passwordHash) {}

  /**
   * A role: whether it may write, the databases it may read ({@code *} = all), the tables it may read in other
   * databases, the tables and columns it may not read (globs), the column classes it may not read, those it reads
   * masked, and its query limits.
   */
  public record Role(String name, boolean readOnly, List<String> databases, List<String> tables, List<String> denyTables,
      List<String> denyColumns, Set<String> denyClasses, Map<String, String> masks, Limits limits) {}

  /**
   * A role's query limits: how long one statement may run, how many rows a client may fetch from one result, and how
   * many statements the role's sessions may run at once (all its users together).
   */
  public record Limits(Duration maxRuntime, long maxRows, int maxConcurrent) {}

  private static final Set<String> LIMIT_KEYS = Set.of("max-runtime", "max-rows", "max-concurrent");

  /** How a masked column reads: {@code hash} (a keyed SHA-256 of a text value) or {@code redact}. */
  public static final Set<String> MASKS = Set.of("hash", "redact");

  /** Columns matching {@code pattern} ({@code <database>.<table>.<column>} glob) are of class {@code klass}. */
  public record Classification(String pattern, String klass, Pattern regex) {}

  public static SqlServerSettings from(Config root) {
    Config c = root.getConfig(PREFIX);
    String transport = c.getString("transport").toLowerCase(Locale.ROOT);
    if (!transport.equals("binary") && !transport.equals("http")) {
      throw LakehouseException.usage(PREFIX + ".transport is '" + transport + "': use binary or http.");
    }
    String auth = c.getString("authentication").toLowerCase(Locale.ROOT);
    if (!auth.equals("password") && !auth.equals("none")) {
      throw LakehouseException.usage(PREFIX + ".authentication is '" + auth + "': use password or none (none only on loopback).");
    }
    int port = c.getInt("port");
    if (port < 0 || port > 65535) {
      throw LakehouseException.usage(PREFIX + ".port is " + port + ": use a TCP port from 0 (any free port) to 65535.");
    }
    Map<String, Role> roles = new LinkedHashMap<>();
    ConfigObject rolesObj = c.getObject("roles");
    for (String name : new TreeSet<>(rolesObj.keySet())) {
      Config r = rolesObj.toConfig().getConfig(quote(name));
      String where = PREFIX + ".roles." + name;
      Set<String> unknown = new TreeSet<>(r.root().keySet());
      unknown.removeAll(Set.of("read-only", "databases", "tables", "deny-tables", "deny-columns", "deny-classes", "masks", "limits"));
      if (!unknown.isEmpty()) {
        throw LakehouseException.usage(where + " has unknown setting(s) " + unknown
            + ": a role takes read-only, databases, tables, deny-tables, deny-columns, deny-classes, masks and limits.");
      }
      Limits limits = limits(r.hasPath("limits") ? r.getConfig("limits").withFallback(c.getConfig("default-limits"))
          : c.getConfig("default-limits"), r.hasPath("limits") ? where + ".limits" : PREFIX + ".default-limits");
      Set<String> classes = new TreeSet<>();
      for (String k : list(r, "deny-classes")) {
        String up = k.toUpperCase(Locale.ROOT);
        if (!CLASSES.contains(up)) {
          throw LakehouseException.usage(where + ".deny-classes names '" + k + "': the classes are " + new TreeSet<>(CLASSES) + ".");
        }
        classes.add(up);
      }
      Map<String, String> masks = new java.util.TreeMap<>();
      if (r.hasPath("masks")) {
        for (Map.Entry<String, Object> m : r.getConfig("masks").root().unwrapped().entrySet()) {
          String klass = m.getKey().toUpperCase(Locale.ROOT);
          String how = String.valueOf(m.getValue()).toLowerCase(Locale.ROOT);
          if (!CLASSES.contains(klass) || !MASKS.contains(how)) {
            throw LakehouseException.usage(where + ".masks has " + m.getKey() + " = " + m.getValue() + ": give a class of "
                + new TreeSet<>(CLASSES) + " = hash or redact.");
          }
          if (classes.contains(klass)) {
            throw LakehouseException.usage(where + " both denies and masks " + klass + ": a class is either denied or masked.");
          }
          masks.put(klass, how);
        }
      }
      boolean readOnly = !r.hasPath("read-only") || r.getBoolean("read-only");
      if (!readOnly && !name.equals("admin")) {
        throw LakehouseException.usage(where + ".read-only is false: only the admin role may write.");
      }
      roles.put(name, new Role(name, readOnly, list(r, "databases"), list(r, "tables"), list(r, "deny-tables"), list(r, "deny-columns"), classes,
          Map.copyOf(masks), limits));
    }
    Map<String, User> users = new LinkedHashMap<>();
    ConfigObject usersObj = c.getObject("users");
    for (String name : new TreeSet<>(usersObj.keySet())) {
      Config u = usersObj.toConfig().getConfig(quote(name));
      String where = PREFIX + ".users." + name;
      if (!name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
        throw LakehouseException.usage(where + ": a user name is a letter then up to 63 letters, digits, '_', '.' or '-'.");
      }
      if (!u.hasPath("role") || !roles.containsKey(u.getString("role"))) {
        throw LakehouseException.usage(where + ".role is " + (u.hasPath("role") ? "'" + u.getString("role") + "'" : "missing")
            + ": give one of the roles " + roles.keySet() + ".");
      }
      if (u.hasPath("password")) {
        throw LakehouseException.usage(where + ".password: clear passwords never go in configuration; set password-hash to the "
            + "output of 'lakehouse sql-server hash-password'.");
      }
      String hash = u.hasPath("password-hash") ? u.getString("password-hash") : "";
      if (auth.equals("password")) {
        PasswordHash.validate(hash, where + ".password-hash");
      }
      users.put(name, new User(name, u.getString("role"), hash));
    }
    List<Classification> classifications = new ArrayList<>();
    for (Config k : c.getConfigList("classifications")) {
      String pattern = k.getString("columns");
      String klass = k.getString("class").toUpperCase(Locale.ROOT);
      if (!CLASSES.contains(klass)) {
        throw LakehouseException.usage(PREFIX + ".classifications: '" + pattern + "' has class '" + klass + "': the classes are "
            + new TreeSet<>(CLASSES) + ".");
      }
      if (pattern.split("\\.", -1).length != 3) {
        throw LakehouseException.usage(PREFIX + ".classifications: '" + pattern + "' is not <database>.<table>.<column>.");
      }
      classifications.add(new Classification(pattern, klass, glob(pattern)));
    }
    return new SqlServerSettings(c.getString("host"), port, transport, c.getString("http-path"), c.getString("tls.keystore"),
        c.getString("tls.keystore-password-env"), auth.equals("password"), c.getStringList("databases"), c.getDuration("refresh-interval"),
        c.getDuration("audit-flush-interval"), Map.copyOf(users), Map.copyOf(roles), List.copyOf(classifications),
        c.getBoolean("result-cache.enabled") ? positive(c, "result-cache.max-rows") : 0, positive(c, "result-cache.max-entries"));
  }

  private static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v < 1) {
      throw LakehouseException.usage(PREFIX + "." + key + " is " + v + ": give a positive number.");
    }
    return v;
  }

  private static Limits limits(Config l, String where) {
    Set<String> unknown = new TreeSet<>(l.root().keySet());
    unknown.removeAll(LIMIT_KEYS);
    if (!unknown.isEmpty()) {
      throw LakehouseException.usage(where + " has unknown setting(s) " + unknown + ": limits are " + new TreeSet<>(LIMIT_KEYS) + ".");
    }
    Duration runtime;
    long rows;
    int concurrent;
    try {
      runtime = l.getDuration("max-runtime");
      rows = l.getLong("max-rows");
      concurrent = l.getInt("max-concurrent");
    } catch (com.typesafe.config.ConfigException e) {
      throw LakehouseException.usage(where + ": " + e.getMessage() + " (max-runtime is a duration such as 120 seconds; max-rows and "
          + "max-concurrent are whole numbers).");
    }
    if (runtime.toMillis() < 1000 || rows < 1 || concurrent < 1) {
      throw LakehouseException.usage(where + " has max-runtime " + runtime.toSeconds() + " s, max-rows " + rows + ", max-concurrent "
          + concurrent + ": each must be positive (max-runtime at least 1 second).");
    }
    return new Limits(runtime, rows, concurrent);
  }

  /** The class of {@code database.table.column}, or null. */
  public String classify(String database, String table, String column) {
    String name = (database + "." + table + "." + column).toLowerCase(Locale.ROOT);
    for (Classification k : classifications) {
      if (k.regex().matcher(name).matches()) {
        return k.klass();
      }
    }
    return null;
  }

  /** Whether the server listens on loopback only. */
  public boolean loopback() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }

  /** A case-insensitive glob ({@code *} = any run of characters) as a regular expression. */
  static Pattern glob(String glob) {
    List<String> parts = new ArrayList<>();
    for (String part : glob.toLowerCase(Locale.ROOT).split("\\*", -1)) {
      parts.add(part.isEmpty() ? "" : Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }

  private static List<String> list(Config c, String key) {
    return c.hasPath(key) ? List.copyOf(c.getStringList(key)) : List.of();
  }

  private static String quote(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }
}
