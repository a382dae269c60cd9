package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.app.sql.SqlServerSettings.Role;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hive.service.Service;
import org.apache.hive.service.cli.CLIService;
import org.apache.hive.service.cli.FetchOrientation;
import org.apache.hive.service.cli.HiveSQLException;
import org.apache.hive.service.cli.OperationState;
import org.apache.hive.service.cli.RowSet;
import org.apache.hive.service.cli.RowSetFactory;
import org.apache.hive.service.cli.TableSchema;
import org.apache.hive.service.cli.operation.ExecuteStatementOperation;
import org.apache.hive.service.cli.operation.GetSchemasOperation;
import org.apache.hive.service.cli.operation.MetadataOperation;
import org.apache.hive.service.cli.operation.Operation;
import org.apache.hive.service.cli.session.HiveSession;
import org.apache.hive.service.cli.session.SessionManager;
import org.apache.hive.service.rpc.thrift.TRowSet;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.apache.spark.sql.hive.thriftserver.SparkExecuteStatementOperation;
import org.apache.spark.sql.hive.thriftserver.SparkGetColumnsOperation;
import org.apache.spark.sql.hive.thriftserver.SparkGetSchemasOperation;
import org.apache.spark.sql.hive.thriftserver.SparkGetTablesOperation;
import org.apache.spark.sql.hive.thriftserver.SparkSQLSessionManager;
import org.apache.spark.sql.hive.thriftserver.server.SparkSQLOperationManager;

/**
 * The server's operations under the roles. The server's operation manager is replaced by this one, so that:
 * <ul>
 *   <li>JDBC metadata calls (getSchemas, getTables, getColumns), which do not go through the analyzer, drop what the
 *       session's user may not read (databases and tables the role does not list or denies, columns it denies) before
 *       the client fetches them;
 *   <li>statements keep to their role's {@link Limits}: one more than {@code max-concurrent} running statements of the
 *       role is refused, a statement running longer than {@code max-runtime} is cancelled, and a client fetching more
 *       than {@code max-rows} rows of one result gets an error instead of row {@code max-rows + 1};
 *   <li>the audit learns how many rows each statement returned.
 * </ul>
 * Each limit's error is one line naming the limit and its setting, with no stack trace.
 */
final class GovernedOperations extends SparkSQLOperationManager {
  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sql-server-deadlines");
    t.setDaemon(true);
    return t;
  });

  private final AccessPolicy policy;
  private final QueryAudit audit;
  /** Null: no result cache. */
  private final ResultCache cache;
  /** The statements of each role that are not yet finished, for max-concurrent. */
  private final Map<String, Set<LimitedStatement>> running = new ConcurrentHashMap<>();

  private GovernedOperations(AccessPolicy policy, QueryAudit audit, ResultCache cache) {
    this.policy = policy;
    this.audit = audit;
    this.cache = cache;
  }

  /** Puts a governed operation manager into the running server (before it takes connections). */
  static void install(HiveThriftServer2 server, AccessPolicy policy, QueryAudit audit, ResultCache cache) {
    CLIService cli = null;
    for (Service s : server.getServices()) {
      if (s instanceof CLIService c) {
        cli = c;
      }
    }
    if (cli == null || !(cli.getSessionManager() instanceof SparkSQLSessionManager sessions)) {
      throw new IllegalStateException("the Thrift server has no Spark session manager to govern");
    }
    GovernedOperations governed = new GovernedOperations(policy, audit, cache);
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
  public synchronized ExecuteStatementOperation newExecuteStatementOperation(HiveSession session, String statement,
      Map<String, String> confOverlay, boolean async, long queryTimeout) {
    SQLContext context = context(session);
    boolean background = async && Boolean.parseBoolean(context.getConf("spark.sql.hive.thriftServer.async", "true"));
    SqlServerSettings.User user = policy.settings().users().get(session.getUserName());
    // An unknown user's statements are refused by the analyzer check; they get no role and no limits here.
    Role role = user == null ? null : policy.settings().roles().get(user.role());
    LimitedStatement op = new LimitedStatement(context, session, statement, confOverlay, background, queryTimeout, role);
    handleToOperation().put(op.getHandle(), op);
    return op;
  }

  /** Whether a row of a listing names only what the role may read. */
  private boolean listed(Role role, String listing, Object[] row) {
    if (listing.equals("databases")) {
      return row[0] != null && policy.readsFrom(role, (String) row[0]);
    }
    if (listing.equals("tables")) {
      // A session's temporary views belong to the session.
      return Boolean.TRUE.equals(row[2]) || row[0] == null || ((String) row[0]).isEmpty()
          || policy.refuseTable(role, (String) row[0], (String) row[1]).isEmpty();
    }
    String[] table = listing.substring("columns:".length()).split("\\.", 2);
    return row[0] == null || policy.refuseColumn(role, table[0], table[1], ((String) row[0]).strip()).isEmpty();
  }

  /** Null when the role may start one more statement, else why not. */
  private String admit(Role role, LimitedStatement op) {
    Set<LimitedStatement> mine = running.computeIfAbsent(role.name(), k -> new HashSet<>());
    synchronized (mine) {
      mine.removeIf(o -> o.getStatus().getState().isTerminal());
      if (mine.size() >= role.limits().maxConcurrent()) {
        int max = role.limits().maxConcurrent();
        return "Too many statements: role " + role.name() + " may run " + max + (max == 1 ? " statement" : " statements")
            + " at once, and " + mine.size() + (mine.size() == 1 ? " is" : " are") + " running (lakehouse.sql-server.roles." + role.name()
            + ".limits.max-concurrent). Retry when one has finished.";
      }
      mine.add(op);
      return null;
    }
  }

  /** A statement under its role's limits, counting the rows its client fetches. */
  private final class LimitedStatement extends SparkExecuteStatementOperation {
    private final Role role;
    private final String user;
    private final String text;
    private long fetched;
    private volatile ScheduledFuture<?> deadline;
    /** The cache's key of this statement, when it may answer from or fill the cache. */
    private ResultCache.Key key;
    /** Answering from the cache: the result, and how far the client has read it. */
    private ResultCache.Entry served;
    private int servedAt;
    /** Filling the cache: the tables' versions before the statement ran, the rows read so far (null: not recording). */
    private Map<String, Long> versionsBefore;
    private List<Object[]> recorded;

    LimitedStatement(SQLContext context, HiveSession session, String statement, Map<String, String> confOverlay, boolean background,
        long queryTimeout, Role role) {
      super(context, session, statement, confOverlay, background, queryTimeout);
      this.role = role;
      this.user = session.getUserName();
      this.text = statement;
    }

    @Override
    public void runInternal() {
      if (role != null) {
        String busy = admit(role, this);
        if (busy != null) {
          audit.rejected(statementId(), getParentSession().getSessionHandle().getSessionId().toString(), user, text, busy);
          throw sneaky(new ClientError(busy, "54000", 54000));
        }
        deadline = DEADLINES.schedule(this::overRuntime, role.limits().maxRuntime().toMillis(), TimeUnit.MILLISECONDS);
      }
      if (cache != null && role != null) {
        key = new ResultCache.Key(role.name(), sqlContext().sessionState().catalog().getCurrentDatabase(),
            sqlContext().conf().sessionLocalTimeZone(), text);
        ResultCache.Entry known = cache.get(key);
        Map<String, Long> now = known == null ? null : cache.versions(known.tables());
        if (known != null && known.hasResult() && known.versions().equals(now)) {
          answerFromCache(known);
          return;
        }
        versionsBefore = now; // the tables are known from an earlier run: this run's result may be kept
      }
      super.runInternal();
    }

    /** Finishes the statement with a cached result, as a run of it would (the audit sees its start and end). */
    private void answerFromCache(ResultCache.Entry entry) {
      HiveThriftServer2.eventManager().onStatementStart(statementId(), getParentSession().getSessionHandle().getSessionId().toString(),
          text, statementId(), user);
      Governance.TOUCHED.put(statementId(), new Governance.Touched(new java.util.TreeSet<>(entry.touched().tables()),
          new java.util.TreeSet<>(entry.touched().columns())));
      served = entry;
      audit.servedFromCache(statementId());
      setHasResultSet(true);
      // A client's status call waits on the statement's background task: this one is done already.
      setBackgroundHandle(java.util.concurrent.CompletableFuture.completedFuture(null));
      try {
        setState(OperationState.RUNNING);
        setState(OperationState.FINISHED);
      } catch (HiveSQLException e) {
        throw sneaky(e);
      }
      HiveThriftServer2.eventManager().onStatementFinish(statementId());
    }

    @Override
    public org.apache.hive.service.rpc.thrift.TTableSchema getResultSetSchema() {
      return served != null ? served.schema() : super.getResultSetSchema();
    }

    /** The next page of a cached result. */
    private TRowSet cachedPage(FetchOrientation orientation, long ask) {
      if (orientation == FetchOrientation.FETCH_FIRST) {
        servedAt = 0;
      }
      RowSet out = RowSetFactory.create(new TableSchema(served.schema()), getProtocolVersion(), false);
      out.setStartOffset(servedAt);
      while (servedAt < served.rows().size() && out.numRows() < ask) {
        out.addRow(served.rows().get(servedAt++));
      }
      return out.toTRowSet();
    }

    /** Keeps a page's rows while the client reads the result from its start; after the last, stores the result. */
    private void record(FetchOrientation orientation, long ask, RowSet page) {
      if (key == null) {
        return;
      }
      if (recorded == null) {
        if (orientation == FetchOrientation.FETCH_FIRST || fetched > 0 || !Boolean.TRUE.equals(Governance.CACHEABLE.get(statementId()))) {
          key = null; // not read from its start in one pass, or not cacheable
          return;
        }
        recorded = new ArrayList<>();
      }
      for (Object[] row : page) {
        recorded.add(row.clone());
      }
      if (recorded.size() > cache.maxRows()) {
        key = null;
        recorded = null;
        return;
      }
      if (page.numRows() < ask) { // the last page
        Governance.Touched touched = Governance.TOUCHED.get(statementId());
        if (touched != null) {
          Set<String> tables = Set.copyOf(touched.tables());
          Map<String, Long> after = cache.versions(tables);
          boolean same = after != null && versionsBefore != null && after.equals(versionsBefore);
          cache.put(key, new ResultCache.Entry(tables, after == null ? Map.of() : after, same ? super.getResultSetSchema() : null,
              same ? List.copyOf(recorded) : null, new Governance.Touched(Set.copyOf(touched.tables()), Set.copyOf(touched.columns()))));
        }
        key = null;
        recorded = null;
      }
    }

    /** Ends a statement still running at its role's max-runtime, as an error the client reads. */
    private void overRuntime() {
      String why = "Timed out: the statement ran longer than role " + role.name() + "'s limit of " + role.limits().maxRuntime().toSeconds()
          + " s (lakehouse.sql-server.roles." + role.name() + ".limits.max-runtime) and was cancelled. Narrow it (a filter, an "
          + "aggregate, a mart instead of a fact table) or ask an admin.";
      synchronized (this) { // the monitor the statement's own state changes hold
        if (getStatus().getState().isTerminal()) {
          return;
        }
        // The audit hears of it before the client can see the error and close the statement.
        HiveThriftServer2.eventManager().onStatementError(statementId(), why, why);
        setOperationException(new ClientError(why, "57014", 57014));
        try {
          setState(OperationState.ERROR);
        } catch (HiveSQLException e) {
          return; // it ended meanwhile
        }
      }
      cleanup(); // interrupts the statement's thread and cancels its Spark jobs
    }

    @Override
    public TRowSet getNextRowSet(FetchOrientation orientation, long maxRows) {
      if (orientation == FetchOrientation.FETCH_FIRST) {
        fetched = 0; // a rewind returns the same rows again
      }
      long limit = role == null ? Long.MAX_VALUE : role.limits().maxRows();
      // Ask for one row beyond the limit at most: if it exists, the result is too large, and it is not sent.
      long ask = Math.max(1, Math.min(maxRows, limit - fetched + 1));
      String listing = role == null || !role.readOnly() ? null : Governance.LISTINGS.get(statementId());
      TRowSet page;
      boolean recording = false;
      if (served != null) {
        page = cachedPage(orientation, ask);
      } else if (listing == null) {
        page = super.getNextRowSet(orientation, ask);
        recording = key != null;
      } else {
        try {
          page = keep(this, o -> super.getNextRowSet(o, ask), orientation, row -> listed(role, listing, row), null);
        } catch (HiveSQLException e) {
          throw sneaky(e);
        }
      }
      RowSet decoded = decode(page, getProtocolVersion()); // once: counted, and kept when the result is recorded
      if (recording) {
        record(orientation, ask, decoded);
      }
      int n = decoded.numRows();
      if (fetched + n > limit) {
        String why = "Too many rows: role " + role.name() + " may fetch at most " + limit + " rows of one result (lakehouse.sql-server.roles."
            + role.name() + ".limits.max-rows) and this one has more. Aggregate, filter, or add LIMIT " + limit + ".";
        audit.overLimit(statementId(), why);
        throw sneaky(new ClientError(why, "54000", 54000));
      }
      fetched += n;
      audit.returned(statementId(), n);
      return page;
    }

    /** What the client reads of a failure: one line, its cause, no stack trace (HiveServer2 would send it whole). */
    @Override
    protected void setOperationException(HiveSQLException e) {
      super.setOperationException(e == null || e instanceof ClientError ? e
          : new ClientError(oneLine(e), e.getSQLState(), e.getErrorCode()));
    }

    @Override
    public void close() {
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      Governance.LISTINGS.remove(statementId());
      Governance.CACHEABLE.remove(statementId());
      super.close();
    }
  }

  /**
   * A failure as one line: the innermost cause's message (Spark wraps it in "Error running query: ..."), without the
   * plan that an analysis error appends on the lines after it.
   */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    if (!(root instanceof org.apache.spark.SparkThrowable) && !(root instanceof HiveSQLException)) {
      message = root.getClass().getSimpleName() + ": " + message;
    }
    String first = message.strip().lines().findFirst().orElse("").strip();
    return "Error running the statement: " + (first.length() > 1000 ? first.substring(0, 1000) + " ..." : first);
  }

  private static RowSet decode(TRowSet page, org.apache.hive.service.rpc.thrift.TProtocolVersion protocol) {
    try {
      return RowSetFactory.create(page, protocol);
    } catch (org.apache.thrift.TException e) {
      throw sneaky(new HiveSQLException("cannot read the result rows: " + e.getMessage(), e));
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }

  @Override
  public synchronized GetSchemasOperation newGetSchemasOperation(HiveSession session, String catalog, String schema) {
    Role role = role(session);
    GetSchemasOperation op = new SparkGetSchemasOperation(context(session), session, catalog, schema) {
      @Override
      public TRowSet getNextRowSet(FetchOrientation orientation, long maxRows) throws HiveSQLException {
        return keep(this, o -> super.getNextRowSet(o, maxRows), orientation, row -> databaseAllowed(role, (String) row[0]), statementId());
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
        return keep(this, o -> super.getNextRowSet(o, maxRows), orientation, row -> tableAllowed(role, (String) row[1], (String) row[2]),
            statementId());
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
                (String) row[2]) && policy.refuseColumn(role, (String) row[1], (String) row[2], (String) row[3]).isEmpty(), statementId());
          }
        };
    handleToOperation().put(op.getHandle(), op);
    return op;
  }

  private boolean databaseAllowed(Role role, String database) {
    String db = database == null ? "" : database.toLowerCase(Locale.ROOT);
    return policy.readsFrom(role, db);
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
  private TRowSet keep(Operation op, Page page, FetchOrientation orientation, java.util.function.Predicate<Object[]> allowed,
      String statementId) throws HiveSQLException {
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
          if (statementId != null) {
            audit.returned(statementId, out.numRows());
          }
          return out.toTRowSet();
        }
        next = FetchOrientation.FETCH_NEXT;
      }
    } catch (org.apache.thrift.TException e) {
      throw new HiveSQLException("cannot read the metadata rows: " + e.getMessage(), e);
    }
  }
}
