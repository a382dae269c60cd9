package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.app.sql.SqlServerSettings.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.ResolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.ResolvedTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.InputFileBlockLength;
import org.apache.spark.sql.catalyst.expressions.InputFileBlockStart;
import org.apache.spark.sql.catalyst.expressions.InputFileName;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.trees.TreeNodeTag;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.execution.command.CreateViewCommand;
import org.apache.spark.sql.catalyst.analysis.LocalTempView$;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;

/**
 * The SQL server's enforcement: a check rule injected into every session's analyzer, so it sees the analyzed plan of
 * every statement (subqueries, CTEs, views, joins, commands) and cannot be switched off by a setting. For a user of a
 * read-only role it refuses: tables of databases the role does not list and tables it denies, any reference to a
 * denied column (a projection, a filter, a join key, an aggregate's input), writes and DDL, settings other than a few
 * harmless ones, functions that reach outside SQL ({@code reflect}, {@code java_method}, {@code TRANSFORM}) or reveal
 * file paths ({@code input_file_name()}), and everything that is not a query or a listed read-only command. Tables
 * read by path never reach it: the server turns {@code spark.sql.runSQLOnFiles} off and refuses to set it back.
 */
public final class Governance implements scala.Function1<SparkSessionExtensions, BoxedUnit> {
  /** Commands a read-only role may run (by class name): listings, descriptions, USE, EXPLAIN, SET of listed keys. */
  static final Set<String> READ_ONLY_COMMANDS = Set.of("ShowNamespaces", "ShowNamespacesCommand", "ShowTables", "ShowTablesCommand",
      "ShowTablesExtended", "ShowViews", "ShowColumns", "ShowColumnsCommand", "ShowDeltaTableColumnsCommand", "ShowTableProperties", "ShowTablePropertiesCommand",
      "ShowFunctions", "ShowFunctionsCommand", "DescribeNamespace", "DescribeDatabaseCommand", "DescribeRelation", "DescribeTableCommand",
      "DescribeColumn", "DescribeColumnCommand", "DescribeFunction", "DescribeFunctionCommand", "SetCatalogAndNamespace", "SetNamespaceCommand", "SetCatalogCommand",
      "ExplainCommand", "SetCommand", "CreateViewCommand");
  /** Settings a read-only role may change: none alters what it may read or how the plan is built. */
  static final Set<String> SETTABLE = Set.of("spark.sql.session.timezone");

  /** Settings the Thrift server itself sets on every session it opens. */
  static final Set<String> SERVER_SET = Set.of("spark.sql.datetime.java8API.enabled");

  /** Marks the projection that masks a relation's columns (its value: the table), and the relation under it. */
  static final TreeNodeTag<String> MASK_PROJECT = new TreeNodeTag<>("lakehouse.mask");
  static final TreeNodeTag<Boolean> MASKED = new TreeNodeTag<>("lakehouse.masked");
  static final String REDACTED = "[REDACTED]";

  private static volatile AccessPolicy policy;
  /** HMAC-SHA256 of a text value under the server's key, as 64 hex digits (null stays null); the key travels in the function. */
  private static volatile org.apache.spark.sql.expressions.UserDefinedFunction maskHash;

  static org.apache.spark.sql.expressions.UserDefinedFunction maskHash(String key) {
    return org.apache.spark.sql.functions.udf((org.apache.spark.sql.api.java.UDF1<String, String>) v -> hmac(key, v),
        org.apache.spark.sql.types.DataTypes.StringType).withName("masked_hash");
  }

  static String hmac(String key, String value) {
    if (value == null) {
      return null;
    }
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
  private static volatile Map<String, String> baseline = Map.of();
  private static final ThreadLocal<Boolean> INTERNAL = ThreadLocal.withInitial(() -> false);
  /** The tables and columns each running statement touched, by statement (job group) id, for the audit log. */
  static final Map<String, Touched> TOUCHED = new ConcurrentHashMap<>();
  /**
   * Statements of read-only roles whose rows name databases, tables or columns (SHOW DATABASES, SHOW TABLES, DESCRIBE,
   * SHOW COLUMNS), by statement id: {@code databases}, {@code tables} or {@code columns:<database>.<table>}. The server
   * drops the rows naming what the role may not read before the client fetches them.
   */
  static final Map<String, String> LISTINGS = new ConcurrentHashMap<>();
  /**
   * Whether each running statement's result may be cached (by statement id): a query of served tables alone, whose
   * result depends on nothing but their data (no command, temporary view, clock, user or random function).
   */
  static final Map<String, Boolean> CACHEABLE = new ConcurrentHashMap<>();
  /** Expressions whose value depends on when or by whom a statement runs, though Spark calls them deterministic. */
  static final Set<String> SESSION_DEPENDENT = Set.of("CurrentDate", "CurrentTimestamp", "Now", "LocalTimestamp", "CurrentTimeZone",
      "CurrentUser", "CurrentDatabase", "CurrentCatalog", "CurrentBatchTimestamp", "Uuid");

  /** What a statement read: {@code database.table} and {@code database.table.column} names. */
  public record Touched(Set<String> tables, Set<String> columns) {}

  /** Turns enforcement on with these rules (the server calls it before it accepts connections). */
  static void enforce(AccessPolicy rules, Map<String, String> serverSettings, String hashKey) {
    baseline = Map.copyOf(serverSettings);
    maskHash = maskHash(hashKey);
    policy = rules;
  }

  /** Runs the server's own work (registering tables, writing the audit log) outside the rules. */
  static void internal(Runnable work) {
    boolean before = INTERNAL.get();
    INTERNAL.set(true);
    try {
      work.run();
    } finally {
      INTERNAL.set(before);
    }
  }

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectPostHocResolutionRule(session -> new org.apache.spark.sql.catalyst.rules.Rule<LogicalPlan>() {
      @Override
      public LogicalPlan apply(LogicalPlan plan) {
        return mask(plan);
      }
    });
    extensions.injectCheckRule(session -> plan -> {
      check(session, plan);
      return BoxedUnit.UNIT;
    });
    return BoxedUnit.UNIT;
  }

  /**
   * Masks the columns whose class the user's role masks, right above the table's scan, so every filter, join and
   * aggregate of the statement sees the masked value and a predicate cannot probe the raw one: the scan is replaced by
   * a fresh copy of itself under a projection that keeps every column's name and id, with {@code hash} (a keyed SHA-256
   * of the text, the same for the same value) or {@code redact} ({@value #REDACTED} for text, null otherwise) in place
   * of a masked column.
   */
  static LogicalPlan mask(LogicalPlan plan) {
    AccessPolicy rules = policy;
    if (rules == null || INTERNAL.get()) {
      return plan;
    }
    Optional<String> user = sessionUser();
    if (user.isEmpty()) {
      return plan;
    }
    Role role;
    try {
      role = rules.role(user.get());
    } catch (AccessPolicy.Refusal unknown) {
      return plan; // the check refuses the statement
    }
    if (role.masks().isEmpty()) {
      return plan;
    }
    return plan.resolveOperatorsUp(new scala.runtime.AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
      @Override
      public boolean isDefinedAt(LogicalPlan p) {
        return p instanceof LogicalRelation lr && lr.catalogTable().isDefined() && lr.getTagValue(MASKED).isEmpty();
      }

      @Override
      public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 p, scala.Function1<A1, B1> otherwise) {
        if (!isDefinedAt(p)) {
          return otherwise.apply(p);
        }
        @SuppressWarnings("unchecked")
        B1 masked = (B1) maskRelation((LogicalRelation) p, role, rules);
        return masked;
      }
    });
  }

  private static LogicalPlan maskRelation(LogicalRelation relation, Role role, AccessPolicy rules) {
    TableIdentifier id = relation.catalogTable().get().identifier();
    String db = id.database().isDefined() ? id.database().get().toLowerCase(Locale.ROOT) : "default";
    String table = id.table().toLowerCase(Locale.ROOT);
    List<Attribute> before = new ArrayList<>(JavaConverters.seqAsJavaList(relation.output()));
    List<Optional<String>> how = before.stream().map(a -> rules.mask(role, db, table, a.name())).toList();
    if (how.stream().allMatch(Optional::isEmpty)) {
      return relation;
    }
    LogicalRelation fresh = (LogicalRelation) relation.newInstance();
    fresh.setTagValue(MASKED, true);
    List<Attribute> after = new ArrayList<>(JavaConverters.seqAsJavaList(fresh.output()));
    List<org.apache.spark.sql.catalyst.expressions.NamedExpression> columns = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) {
      Attribute old = before.get(i);
      Expression value = how.get(i).isEmpty() ? after.get(i) : maskExpression(after.get(i), how.get(i).get());
      columns.add(new org.apache.spark.sql.catalyst.expressions.Alias(value, old.name(), old.exprId(), old.qualifier(), Option.empty(),
          JavaConverters.asScalaBuffer(new ArrayList<String>()).toSeq()));
    }
    org.apache.spark.sql.catalyst.plans.logical.Project project =
        new org.apache.spark.sql.catalyst.plans.logical.Project(JavaConverters.asScalaBuffer(columns).toSeq(), fresh);
    project.setTagValue(MASK_PROJECT, db + "." + table);
    return project;
  }

  private static Expression maskExpression(Attribute column, String how) {
    org.apache.spark.sql.types.DataType type = column.dataType();
    boolean text = type instanceof org.apache.spark.sql.types.StringType;
    if (how.equals("hash") && text) {
      // A function, not a literal: the key must not show in a plan (EXPLAIN) or a log.
      return maskHash.apply(new org.apache.spark.sql.Column(column)).expr();
    }
    return org.apache.spark.sql.catalyst.expressions.Literal$.MODULE$.create(text ? REDACTED : null, type);
  }

  /** The user a statement runs for: the HiveServer2 session's user (the server runs each session as its user). */
  static Optional<String> sessionUser() {
    try {
      // A session runs as a user of its own (HiveServer2's impersonation), never as the process's login user.
      UserGroupInformation ugi = UserGroupInformation.getCurrentUser();
      return ugi.equals(UserGroupInformation.getLoginUser()) ? Optional.empty() : Optional.of(ugi.getShortUserName());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static void check(SparkSession session, LogicalPlan plan) {
    try {
      enforce(session, plan);
    } catch (AccessPolicy.Refusal refused) {
      throw Governance.<RuntimeException>sneaky(new RefusedStatement(refused.getMessage()));
    }
  }

  /**
   * A refused statement as the client sees it: one line (SQL state 42000, an access rule violation).
   */
  static final class RefusedStatement extends ClientError {
    RefusedStatement(String message) {
      super(message, "42000", 40000);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }

  private static void enforce(SparkSession session, LogicalPlan plan) {
    AccessPolicy rules = policy;
    if (rules == null || INTERNAL.get()) {
      return;
    }
    Scan scan = new Scan();
    scan.root(plan);
    Optional<String> user = sessionUser();
    if (scan.governed.isEmpty() && scan.commands.isEmpty() && scan.forbidden.isEmpty()
        && (user.isEmpty() || scan.pathReads.isEmpty())) {
      // Nothing governed: the server's own work, or the table format reading its own log.
      return;
    }
    if (user.isEmpty()) {
      // Opening a session runs the JDBC URL's USE <database> before the session runs as its user; USE reads nothing
      // (every later statement is checked).
      if (scan.governed.isEmpty() && scan.forbidden.isEmpty() && scan.commands.size() == 1
          && scan.commands.get(0).getClass().getSimpleName().equals("SetCatalogAndNamespace")) {
        return;
      }
      throw new AccessPolicy.Refusal("a statement outside an authenticated session of the SQL server.");
    }
    Role role = rules.role(user.get());
    Touched touched = new Touched(new TreeSet<>(), new TreeSet<>());
    for (Relation r : scan.governed) {
      touched.tables().add(r.database + "." + r.table);
    }
    String statement = session.sparkContext().getLocalProperty("spark.jobGroup.id");
    try {
      for (Relation r : scan.governed) {
        for (Attribute a : r.output) {
          if (scan.referenced.contains(a.exprId().id())) {
            touched.columns().add(r.database + "." + r.table + "." + a.name().toLowerCase(Locale.ROOT));
          }
        }
      }
      if (!role.readOnly()) {
        return; // admin: everything, audited
      }
      // Settings given in the JDBC URL reach the session without a SET statement: look at the session itself.
      Map<String, String> now = JavaConverters.mapAsJavaMap(session.conf().getAll());
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(now).entrySet()) {
        String key = e.getKey();
        if (!key.startsWith("hive.") && !java.util.Objects.equals(e.getValue(), baseline.get(key))
            && !SETTABLE.contains(key.toLowerCase(Locale.ROOT)) && !SERVER_SET.contains(key)) {
          throw new AccessPolicy.Refusal("this session changed the setting " + key + " (by SET or in the JDBC URL): role " + role.name()
              + " may change only " + SETTABLE + ". Reconnect without it.");
        }
      }
      for (String f : scan.forbidden) {
        throw new AccessPolicy.Refusal(f + " is not allowed for role " + role.name() + " (only admin may use it).");
      }
      if (!scan.pathReads.isEmpty()) {
        throw new AccessPolicy.Refusal("a read by path (" + scan.pathReads.iterator().next() + ") is not allowed for role " + role.name()
            + ": read the tables by name.");
      }
      for (LogicalPlan c : scan.commands) {
        refuseCommand(c, role, rules);
        String listing = listing(c, scan);
        if (listing != null && statement != null) {
          LISTINGS.put(statement, listing);
        }
      }
      for (Relation r : scan.governed) {
        Optional<String> no = rules.refuseTable(role, r.database, r.table);
        if (no.isPresent()) {
          throw new AccessPolicy.Refusal(no.get());
        }
      }
      // A denied column may be in a relation's output (it is read from the file but not used): refused only when
      // something uses it.
      Map<Long, String> denied = new HashMap<>();
      Map<Long, String> reasons = new HashMap<>();
      for (Relation r : scan.governed) {
        for (Attribute a : r.output) {
          Optional<String> no = rules.refuseColumn(role, r.database, r.table, a.name());
          if (no.isEmpty() && !r.masked && rules.mask(role, r.database, r.table, a.name()).isPresent()) {
            no = Optional.of("column " + r.database + "." + r.table + "." + a.name().toLowerCase(Locale.ROOT) + " is masked for role "
                + role.name() + " but this statement reads it in a way that cannot be masked.");
          }
          String name = r.database + "." + r.table + "." + a.name().toLowerCase(Locale.ROOT);
          if (no.isPresent()) {
            denied.put(a.exprId().id(), name);
            reasons.put(a.exprId().id(), no.get());
          }
        }
      }
      for (Long id : scan.referenced) {
        if (denied.containsKey(id)) {
          throw new AccessPolicy.Refusal(reasons.get(id));
        }
      }
    } finally {
      if (statement != null) {
        CACHEABLE.merge(statement, scan.cacheable && scan.commands.isEmpty() && scan.pathReads.isEmpty(), Boolean::logicalAnd);
        TOUCHED.merge(statement, touched, (a, b) -> {
          a.tables().addAll(b.tables());
          a.columns().addAll(b.columns());
          return a;
        });
      }
    }
  }

  /** What a listing command's rows name, or null for any other command. */
  private static String listing(LogicalPlan c, Scan scan) {
    String kind = c.getClass().getSimpleName();
    if (kind.startsWith("ShowNamespaces")) {
      return "databases";
    }
    if (kind.startsWith("ShowTables")) {
      return "tables";
    }
    if ((kind.startsWith("DescribeRelation") || kind.startsWith("DescribeTable") || kind.startsWith("ShowColumns")
        || kind.equals("ShowDeltaTableColumnsCommand"))
        && !scan.governed.isEmpty()) {
      Relation r = scan.governed.get(0);
      return "columns:" + r.database + "." + r.table;
    }
    return null;
  }

  private static void refuseCommand(LogicalPlan c, Role role, AccessPolicy rules) {
    String kind = c.getClass().getSimpleName();
    if (!READ_ONLY_COMMANDS.contains(kind)) {
      throw new AccessPolicy.Refusal(kind + " is not a command role " + role.name() + " may run: a read-only role runs queries, "
          + "SHOW, DESCRIBE, USE, EXPLAIN, temporary views and SET of the session time zone.");
    }
    if (c instanceof SetCommand set) {
      Option<Tuple2<String, Option<String>>> kv = set.kv();
      if (kv.isDefined() && kv.get()._2().isDefined() && !SETTABLE.contains(kv.get()._1().toLowerCase(Locale.ROOT))) {
        throw new AccessPolicy.Refusal("SET " + kv.get()._1() + ": role " + role.name() + " may set only " + SETTABLE + ".");
      }
    }
    if (c instanceof CreateViewCommand view && view.viewType() != LocalTempView$.MODULE$) {
      throw new AccessPolicy.Refusal("CREATE VIEW: role " + role.name() + " may create temporary views only.");
    }
    List<String> databases = new ArrayList<>();
    if (c instanceof org.apache.spark.sql.execution.command.ShowTablesCommand show && show.databaseName().isDefined()) {
      databases.add(show.databaseName().get());
    }
    for (LogicalPlan child : JavaConverters.seqAsJavaList(c.children())) {
      if (child instanceof ResolvedNamespace ns && ns.namespace().size() == 1) {
        databases.add(ns.namespace().head());
      }
    }
    for (String db : databases) {
      // Listing a database's tables needs some table of it (the listing shows only those the role reads); describing a
      // database needs the whole of it.
      boolean listing = kind.startsWith("ShowTables");
      if (!rules.settings().databases().contains(db.toLowerCase(Locale.ROOT))
          || !(listing ? rules.readsFrom(role, db) : AccessPolicy.readsDatabase(role, db))) {
        throw new AccessPolicy.Refusal("role " + role.name() + " may not use database " + db.toLowerCase(Locale.ROOT)
            + " (lakehouse.sql-server.roles." + role.name() + ".databases lists " + role.databases() + ").");
      }
    }
  }

  private record Relation(String database, String table, List<Attribute> output, boolean masked) {}

  /** One walk over a plan, its subqueries and its expressions. */
  private static final class Scan {
    final List<Relation> governed = new ArrayList<>();
    final List<LogicalPlan> commands = new ArrayList<>();
    final Set<String> forbidden = new TreeSet<>();
    final Set<Long> referenced = new java.util.HashSet<>();
    /** Whether the result depends on the tables' data alone (see {@link #CACHEABLE}). */
    boolean cacheable = true;
    /** Relations read by location, not by a served table's name (the table format's reads of its own log excepted). */
    final Set<String> pathReads = new TreeSet<>();

    /** A plan whose output a client or an enclosing expression reads (a statement, a subquery). */
    void root(LogicalPlan p) {
      for (Attribute a : JavaConverters.seqAsJavaList(p.output())) {
        referenced.add(a.exprId().id());
      }
      visit(p);
    }

    void visit(LogicalPlan p) {
      scala.Option<String> maskOf = p.getTagValue(MASK_PROJECT);
      if (maskOf.isDefined()) {
        // The table as the statement sees it (masked): its columns are the projection's, with the scan's ids.
        String[] name = maskOf.get().split("\\.", 2);
        governed.add(new Relation(name[0], name[1], JavaConverters.seqAsJavaList(p.output()), true));
        return;
      }
      if (p instanceof Command) {
        commands.add(p);
      }
      if (p instanceof org.apache.spark.sql.catalyst.plans.logical.View v && v.isTempView()) {
        cacheable = false; // a session's own view: another session's may differ
      }
      if (p instanceof ScriptTransformation) {
        forbidden.add("TRANSFORM");
      }
      if (p instanceof org.apache.spark.sql.catalyst.plans.logical.Union || p instanceof org.apache.spark.sql.catalyst.plans.logical.Intersect
          || p instanceof org.apache.spark.sql.catalyst.plans.logical.Except) {
        // Set operations read their inputs' columns by position, without referring to them.
        for (LogicalPlan c : JavaConverters.seqAsJavaList(p.children())) {
          for (Attribute a : JavaConverters.seqAsJavaList(c.output())) {
            referenced.add(a.exprId().id());
          }
        }
      }
      Relation r = relation(p);
      if (r != null) {
        governed.add(r);
      } else if (p instanceof LogicalRelation lr) {
        boolean ownLog = lr.relation() instanceof org.apache.spark.sql.execution.datasources.HadoopFsRelation fs
            && fs.location().getClass().getSimpleName().equals("DeltaLogFileIndex");
        if (!ownLog) {
          pathReads.add(lr.relation() instanceof org.apache.spark.sql.execution.datasources.HadoopFsRelation fs
              ? String.join(", ", JavaConverters.seqAsJavaList(fs.location().rootPaths()).stream().map(Object::toString).toList())
              : lr.relation().getClass().getSimpleName());
        }
      } else if (p instanceof DataSourceV2Relation v2) {
        pathReads.add(v2.table().name());
      } else {
        for (Attribute a : JavaConverters.seqAsJavaList(p.references().toSeq())) {
          referenced.add(a.exprId().id());
          if (a.name().equals("_metadata")) {
            forbidden.add("the _metadata column");
          }
        }
      }
      for (Expression e : JavaConverters.seqAsJavaList(p.expressions())) {
        expression(e);
      }
      for (LogicalPlan c : JavaConverters.seqAsJavaList(p.children())) {
        visit(c);
      }
      for (LogicalPlan s : JavaConverters.seqAsJavaList(p.subqueries())) {
        root(s);
      }
    }

    void expression(Expression e) {
      if (!e.deterministic() || SESSION_DEPENDENT.contains(e.getClass().getSimpleName())) {
        cacheable = false;
      }
      if (e instanceof CallMethodViaReflection) {
        forbidden.add("reflect/java_method");
      } else if (e instanceof InputFileName || e instanceof InputFileBlockStart || e instanceof InputFileBlockLength) {
        forbidden.add("input_file_name()");
      }
      for (Expression c : JavaConverters.seqAsJavaList(e.children())) {
        expression(c);
      }
    }

    private static Relation relation(LogicalPlan p) {
      if (p instanceof LogicalRelation lr && lr.catalogTable().isDefined()) {
        return of(lr.catalogTable().get(), JavaConverters.seqAsJavaList(lr.output()));
      }
      if (p instanceof DataSourceV2Relation v2 && v2.identifier().isDefined()) {
        Identifier id = v2.identifier().get();
        return new Relation(id.namespace().length > 0 ? id.namespace()[id.namespace().length - 1].toLowerCase(Locale.ROOT) : "default",
            id.name().toLowerCase(Locale.ROOT), JavaConverters.seqAsJavaList(v2.output()).stream().map(a -> (Attribute) a).toList(), false);
      }
      if (p instanceof ResolvedTable t) {
        Identifier id = t.identifier();
        return new Relation(id.namespace().length > 0 ? id.namespace()[id.namespace().length - 1].toLowerCase(Locale.ROOT) : "default",
            id.name().toLowerCase(Locale.ROOT), List.of(), false);
      }
      return null;
    }

    private static Relation of(CatalogTable t, List<? extends Attribute> output) {
      TableIdentifier id = t.identifier();
      return new Relation(id.database().isDefined() ? id.database().get().toLowerCase(Locale.ROOT) : "default",
          id.table().toLowerCase(Locale.ROOT), List.copyOf(output), false);
    }
  }
}
