package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.app.sql.SqlServerSettings.Role;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Locale;
import org.apache.hive.service.Service;
import org.apache.hive.service.cli.CLIService;
import org.apache.hive.service.cli.FetchOrientation;
import org.apache.hive.service.cli.HiveSQLException;
import org.apache.hive.service.cli.RowSet;
import org.apache.hive.service.cli.RowSetFactory;
import org.apache.hive.service.cli.TableSchema;
import org.apache.hive.service.cli.operation.GetSchemasOperation;
import org.apache.hive.service.cli.operation.MetadataOperation;
import org.apache.hive.service.cli.operation.Operation;
import org.apache.hive.service.cli.session.HiveSession;
import org.apache.hive.service.cli.session.SessionManager;
import org.apache.hive.service.rpc.thrift.TRowSet;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.apache.spark.sql.hive.thriftserver.SparkGetColumnsOperation;
import org.apache.spark.sql.hive.thriftserver.SparkGetSchemasOperation;
import org.apache.spark.sql.hive.thriftserver.SparkGetTablesOperation;
import org.apache.spark.sql.hive.thriftserver.SparkSQLSessionManager;
import org.apache.spark.sql.hive.thriftserver.server.SparkSQLOperationManager;

/**
 * JDBC metadata under the roles: HiveServer2's metadata calls (getSchemas, getTables, getColumns) do not go through the
 * analyzer, so the server's operation manager is replaced by one whose metadata operations drop what the session's
 * user may not read (databases and tables the role does not list or denies, columns it denies) before the client
 * fetches them.
 */
final class GovernedMetadata extends SparkSQLOperationManager {
  private final AccessPolicy policy;

  private GovernedMetadata(AccessPolicy policy) {
    this.policy = policy;
  }

  /** Puts a governed operation manager into the running server (before it takes connections). */
  static void install(HiveThriftServer2 server, AccessPolicy policy) {
    CLIService cli = null;
    for (Service s : server.getServices()) {
      if (s instanceof CLIService c) {
        cli = c;
      }
    }
    if (cli == null || !(cli.getSessionManager() instanceof SparkSQLSessionManager sessions)) {
      throw new IllegalStateException("the Thrift server has no Spark session manager to govern");
    }
    GovernedMetadata governed = new GovernedMetadata(policy);
    // Spark's manager reads Hive's operation map from its superclass's field at construction, which for a subclass is
    // its own (not yet set): point it at the map the Hive manager really keeps.
    try {
      Field hive = org.apache.hive.service.cli.operation.OperationManager.class.getDeclaredField("handleToOperation");
      hive.setAccessible(true);
      set(SparkSQLOperationManager.class, governed, "handleToOperation", hive.get(governed));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot govern the Thrift server's operations: " + e, e);
    }
    governed.init(cli.getHiveConf());
    governed.start();
    set(SessionManager.class, sessions, "operationManager", governed);
    set(SparkSQLSessionManager.class, sessions, "sparkSqlOperationManager", governed);
  }

  private static void set(Class<?> owner, Object target, String field, Object value) {
    try {
      Field f = owner.getDeclaredField(field);
      f.setAccessible(true);
      f.set(target, value);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot govern the Thrift server's " + field + ": " + e, e);
    }
  }

  private SQLContext context(HiveSession session) {
    SQLContext c = sessionToContexts().get(session.getSessionHandle());
    if (c == null) {
      throw new IllegalStateException("session " + session.getSessionHandle() + " is not open");
    }
    return c;
  }

  private Role role(HiveSession session) {
    return policy.role(session.getUserName());
  }

  @Override
  public synchronized GetSchemasOperation newGetSchemasOperation(HiveSession session, String catalog, String schema) {
    Role role = role(session);
    GetSchemasOperation op = new SparkGetSchemasOperation(context(session), session, catalog, schema) {
      @Override
      public TRowSet getNextRowSet(FetchOrientation orientation, long maxRows) throws HiveSQLException {
        return keep(this, o -> super.getNextRowSet(o, maxRows), orientation, row -> databaseAllowed(role, (String) row[0]));
      }
    };
    handleToOperation().put(op.getHandle(), op);
    return op;
  }

  @Override
  public synchronized MetadataOperation newGetTablesOperation(HiveSession session, String catalog, String schema, String table,
      List<String> types) {
    Role role = role(session);
    MetadataOperation op = new SparkGetTablesOperation(context(session), session, catalog, schema, table, types) {
      @Override
      public TRowSet getNextRowSet(FetchOrientation orientation, long maxRows) throws HiveSQLException {
        return keep(this, o -> super.getNextRowSet(o, maxRows), orientation, row -> tableAllowed(role, (String) row[1], (String) row[2]));
      }
    };
    handleToOperation().put(op.getHandle(), op);
    return op;
  }

  @Override
  public synchronized org.apache.hive.service.cli.operation.GetColumnsOperation newGetColumnsOperation(HiveSession session,
      String catalog, String schema, String table, String column) {
    Role role = role(session);
    org.apache.hive.service.cli.operation.GetColumnsOperation op =
        new SparkGetColumnsOperation(context(session), session, catalog, schema, table, column) {
          @Override
          public TRowSet getNextRowSet(FetchOrientation orientation, long maxRows) throws HiveSQLException {
            return keep(this, o -> super.getNextRowSet(o, maxRows), orientation, row -> tableAllowed(role, (String) row[1],
                (String) row[2]) && policy.refuseColumn(role, (String) row[1], (String) row[2], (String) row[3]).isEmpty());
          }
        };
    handleToOperation().put(op.getHandle(), op);
    return op;
  }

  private boolean databaseAllowed(Role role, String database) {
    String db = database == null ? "" : database.toLowerCase(Locale.ROOT);
    return policy.settings().databases().contains(db) && (role.databases().contains("*") || role.databases().contains(db));
  }

  private boolean tableAllowed(Role role, String database, String table) {
    return database != null && table != null && policy.refuseTable(role, database, table).isEmpty();
  }

  /** One page of a metadata operation's rows. */
  private interface Page {
    TRowSet fetch(FetchOrientation orientation) throws HiveSQLException;
  }

  /**
   * The allowed rows of the next page. A page whose rows are all filtered out is skipped for the next one, since a
   * client takes an empty page for the end of the results.
   */
  private static TRowSet keep(Operation op, Page page, FetchOrientation orientation, java.util.function.Predicate<Object[]> allowed)
      throws HiveSQLException {
    try {
      FetchOrientation next = orientation;
      while (true) {
        RowSet in = RowSetFactory.create(page.fetch(next), op.getProtocolVersion());
        RowSet out = RowSetFactory.create(new TableSchema(op.getResultSetSchema()), op.getProtocolVersion(), false);
        for (Object[] row : in) {
          if (allowed.test(row)) {
            out.addRow(row);
          }
        }
        if (out.numRows() > 0 || in.numRows() == 0) {
          return out.toTRowSet();
        }
        next = FetchOrientation.FETCH_NEXT;
      }
    } catch (org.apache.thrift.TException e) {
      throw new HiveSQLException("cannot read the metadata rows: " + e.getMessage(), e);
    }
  }
}
