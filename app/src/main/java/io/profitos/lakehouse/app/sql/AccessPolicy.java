package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.app.sql.SqlServerSettings.Role;
import io.profitos.lakehouse.app.sql.SqlServerSettings.User;
import java.util.Locale;
import java.util.Optional;

/**
 * What a user may read, decided from configuration alone: the user's role, the databases it lists, the tables, columns
 * and column classes it denies. Each refusal names the rule that refused, so the person refused knows what to ask for.
 */
public final class AccessPolicy {
  private final SqlServerSettings settings;

  public AccessPolicy(SqlServerSettings settings) {
    this.settings = settings;
  }

  public SqlServerSettings settings() {
    return settings;
  }

  /** The role of a user name, or a refusal if the name is no configured user. */
  public Role role(String user) {
    User u = settings.users().get(user);
    if (u == null) {
      throw new Refusal("user '" + user + "' is not a user of this server (lakehouse.sql-server.users): ask an admin to add them.");
    }
    return settings.roles().get(u.role());
  }

  /** Why {@code role} may not read {@code database.table}, if it may not. */
  public Optional<String> refuseTable(Role role, String database, String table) {
    String db = database.toLowerCase(Locale.ROOT);
    String name = db + "." + table.toLowerCase(Locale.ROOT);
    if (!settings.databases().contains(db)) {
      return Optional.of(name + " is not served: the server serves the databases " + settings.databases() + ".");
    }
    if (!readsDatabase(role, db) && role.tables().stream().noneMatch(t -> SqlServerSettings.glob(t).matcher(name).matches())) {
      return Optional.of("role " + role.name() + " may not read database " + db + " (lakehouse.sql-server.roles." + role.name()
          + ".databases lists " + role.databases() + (role.tables().isEmpty() ? "" : ", .tables lists " + role.tables()) + ").");
    }
    for (String deny : role.denyTables()) {
      if (SqlServerSettings.glob(deny).matcher(name).matches()) {
        return Optional.of("role " + role.name() + " may not read " + name + " (lakehouse.sql-server.roles." + role.name()
            + ".deny-tables has '" + deny + "').");
      }
    }
    return Optional.empty();
  }

  /** Whether {@code role} reads the whole of a database (its tables less those it denies). */
  public static boolean readsDatabase(Role role, String database) {
    String db = database.toLowerCase(Locale.ROOT);
    return role.databases().contains("*") || role.databases().contains(db);
  }

  /** Whether {@code role} reads some table of a served database: the whole of it, or tables that it lists. */
  public boolean readsFrom(Role role, String database) {
    String db = database.toLowerCase(Locale.ROOT);
    return settings.databases().contains(db)
        && (readsDatabase(role, db) || role.tables().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).startsWith(db + ".")));
  }

  /** Why {@code role} may not read {@code database.table.column}, if it may not (the table itself is allowed). */
  public Optional<String> refuseColumn(Role role, String database, String table, String column) {
    String name = (database + "." + table + "." + column).toLowerCase(Locale.ROOT);
    for (String deny : role.denyColumns()) {
      if (SqlServerSettings.glob(deny).matcher(name).matches()) {
        return Optional.of("role " + role.name() + " may not read column " + name + " (lakehouse.sql-server.roles." + role.name()
            + ".deny-columns has '" + deny + "').");
      }
    }
    String klass = settings.classify(database, table, column);
    if (klass != null && role.denyClasses().contains(klass)) {
      return Optional.of("role " + role.name() + " may not read column " + name + ", classified " + klass
          + " (lakehouse.sql-server.roles." + role.name() + ".deny-classes has " + klass + ").");
    }
    return Optional.empty();
  }

  /** How {@code role} reads {@code database.table.column}: {@code hash} or {@code redact} when its class is masked. */
  public Optional<String> mask(Role role, String database, String table, String column) {
    String klass = settings.classify(database, table, column);
    return klass == null ? Optional.empty() : Optional.ofNullable(role.masks().get(klass));
  }

  /** A statement refused by the rules; its message is what the client sees after "Refused: ". */
  public static final class Refusal extends RuntimeException {
    public Refusal(String reason) {
      super("Refused: " + reason);
    }
  }
}
