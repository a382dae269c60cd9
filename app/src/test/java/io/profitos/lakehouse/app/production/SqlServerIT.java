package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code lakehouse sql-server} as an operator runs it: the application jar under a real {@code spark-submit}, over a
 * copy of the reference warehouse, on a free loopback port, with users whose hashes {@code sql-server hash-password}
 * made. Clients are real: Hive JDBC (2.3.9, the driver Spark ships) in this JVM, and {@code beeline} from the Spark
 * distribution. Expected values are read from the Delta tables directly, not through the server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlServerIT {
  private static final Map<String, String> ROLES = new LinkedHashMap<>();

  static {
    ROLES.put("ada", "admin");
    ROLES.put("fin", "finance");
    ROLES.put("ana", "analyst");
    ROLES.put("pam", "product_manager");
    ROLES.put("bot", "automation");
  }

  private Path work;
  private Path warehouse;
  private Path log;
  private Process server;
  private int port;
  private final Map<String, String> passwords = new LinkedHashMap<>();

  @BeforeAll
  void startTheServer() throws Exception {
    work = ProductionEnv.work("sql-server");
    FileUtils.cleanDirectory(work.toFile());
    warehouse = work.resolve("warehouse");
    FileUtils.copyDirectory(ReferenceRun.localWarehouse().toFile(), warehouse.toFile());
    List<String> conf = new ArrayList<>();
    for (Map.Entry<String, String> u : ROLES.entrySet()) {
      String password = "pw-" + u.getKey() + "-" + java.util.UUID.randomUUID();
      passwords.put(u.getKey(), password);
      String hash = hashPassword(password);
      conf.addAll(List.of("--conf", "lakehouse.sql-server.users." + u.getKey() + "={ role = " + u.getValue() + ", password-hash = \""
          + hash + "\" }"));
    }
    conf.addAll(List.of("--conf", "lakehouse.sql-server.refresh-interval=2s", "--conf", "lakehouse.sql-server.audit-flush-interval=1s"));
    port = Processes.freePort();
    List<String> args = new ArrayList<>(List.of("sql-server", "--port", Integer.toString(port)));
    args.addAll(conf);
    // HiveServer2 sessions load classes from the driver's class path: the jar goes there too (the README says so).
    ReferenceRun.Submit submit = ReferenceRun.command("local[2]", warehouse.toString(),
        List.of("--driver-class-path", ProductionEnv.appJar().toString()), Map.of(), args.toArray(String[]::new));
    log = work.resolve("logs/sql-server.log");
    server = Processes.start(submit.command(), submit.env(), work, log);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!Processes.read(log).contains("SQL server ready: ")) {
      assertThat(server.isAlive()).as("the server is running\n" + Processes.read(log)).isTrue();
      assertThat(System.nanoTime()).as("the server ready within 3 minutes\n" + Processes.read(log)).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  @AfterAll
  void stopTheServer() {
    if (server != null && server.isAlive()) {
      Processes.stop(server);
    }
  }

  /** The real {@code lakehouse sql-server hash-password}, with the password on standard input. */
  private String hashPassword(String password) throws Exception {
    ReferenceRun.Submit s = ReferenceRun.command("local[1]", warehouse.toString(), List.of(), Map.of(), "sql-server", "hash-password");
    Path in = work.resolve("password.txt");
    Files.writeString(in, password + "\n");
    ProcessBuilder b = new ProcessBuilder(s.command()).directory(work.toFile()).redirectInput(in.toFile());
    b.environment().putAll(s.env());
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor()).as(out).isZero();
    Files.delete(in);
    String hash = out.strip();
    assertThat(hash).startsWith("pbkdf2-sha256$").doesNotContain(password);
    return hash;
  }

  private String url(String database) {
    return "jdbc:hive2://127.0.0.1:" + port + "/" + database;
  }

  private Connection connect(String user) throws SQLException {
    return DriverManager.getConnection(url("default"), user, passwords.get(user));
  }

  private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(r.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  private SparkSession spark() {
    return SparkTestSession.get();
  }

  private org.apache.spark.sql.Dataset<Row> table(String name) {
    return spark().read().format("delta").load(warehouse.resolve(name.replace('.', '/')).toString());
  }

  @Test
  @Order(1)
  void aConfiguredUserLogsInAndAWrongPasswordOrAnUnknownUserIsRefused() throws Exception {
    try (Connection c = connect("ana")) {
      assertThat(rows(c, "SELECT 1 + 1")).containsExactly(List.of(2));
    }
    assertThatThrownBy(() -> DriverManager.getConnection(url("default"), "ana", "not-her-password")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(url("default"), "mallory", "anything")).isInstanceOf(SQLException.class);
    assertThat(Processes.read(log)).doesNotContain(passwords.get("ana"));
  }

  @Test
  @Order(2)
  void everyLayerIsADatabaseAndQueriesReturnWhatTheTablesHold() throws Exception {
    try (Connection c = connect("ada")) {
      assertThat(rows(c, "SHOW DATABASES")).extracting(r -> r.get(0))
          .contains("bronze", "silver", "gold", "ml", "quality", "ops");
      List<Object> gold = rows(c, "SHOW TABLES IN gold").stream().map(r -> r.get(1)).toList();
      assertThat(gold).containsAll(WarehouseComparison.tables(warehouse, "gold"));
      // The newest month's MRR of all segments: through the server and straight from the Delta table.
      Row expected = table("gold.kpi_saas_monthly").where("segment = 'All'").orderBy(org.apache.spark.sql.functions.col("month").desc())
          .select("month", "mrr_usd").first();
      List<List<Object>> got = rows(c, "SELECT month, mrr_usd FROM gold.kpi_saas_monthly WHERE segment = 'All' ORDER BY month DESC LIMIT 1");
      assertThat(got.get(0).get(0).toString()).isEqualTo(expected.get(0).toString());
      assertThat(new java.math.BigDecimal(got.get(0).get(1).toString())).isEqualByComparingTo(expected.get(1).toString());
      // Bronze, for the admin only.
      assertThat(rows(c, "SELECT count(*) FROM bronze.stripe_prices").get(0).get(0))
          .isEqualTo(table("bronze.stripe_prices").count());
    }
  }

  @Test
  @Order(3)
  void jdbcMetadataDescribesEveryColumnWithItsContractAndClassification() throws Exception {
    try (Connection c = connect("ada")) {
      DatabaseMetaData md = c.getMetaData();
      Map<String, String[]> columns = new LinkedHashMap<>();
      try (ResultSet r = md.getColumns(null, "gold", "kpi_saas_monthly", "%")) {
        while (r.next()) {
          columns.put(r.getString("COLUMN_NAME"), new String[] {r.getString("TYPE_NAME"), r.getString("REMARKS")});
        }
      }
      org.apache.spark.sql.types.StructType schema = table("gold.kpi_saas_monthly").schema();
      assertThat(columns.keySet()).containsExactly(schema.fieldNames());
      assertThat(columns.get("mrr_usd")[0]).isEqualToIgnoringCase(schema.apply("mrr_usd").dataType().simpleString());
      assertThat(columns.get("mrr_usd")[1]).startsWith("Monthly recurring revenue: Sum over workspaces")
          .endsWith("[classification: FINANCIAL]");
      try (ResultSet r = md.getColumns(null, "silver", "users", "email_hash")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString("REMARKS")).isEqualTo("[classification: PII]");
      }
    }
  }

  private static List<String> metadata(ResultSet r, String... columns) throws SQLException {
    List<String> out = new ArrayList<>();
    try (r) {
      while (r.next()) {
        List<String> parts = new ArrayList<>();
        for (String c : columns) {
          parts.add(r.getString(c));
        }
        out.add(String.join(".", parts));
      }
    }
    return out;
  }

  @Test
  @Order(3)
  void jdbcMetadataListsOnlyWhatTheRoleMayRead() throws Exception {
    try (Connection ana = connect("ana"); Connection pam = connect("pam"); Connection ada = connect("ada")) {
      assertThat(metadata(ana.getMetaData().getSchemas(), "TABLE_SCHEM")).containsExactlyInAnyOrder("gold", "ml", "quality");
      assertThat(metadata(ana.getMetaData().getTables(null, "silver", "%", null), "TABLE_NAME")).isEmpty();
      assertThat(metadata(ana.getMetaData().getTables(null, "gold", "%", null), "TABLE_NAME"))
          .containsAll(WarehouseComparison.tables(warehouse, "gold"));
      List<String> pamGold = metadata(pam.getMetaData().getTables(null, "gold", "%", null), "TABLE_NAME");
      assertThat(pamGold).contains("kpi_product_daily", "kpi_funnel_monthly").doesNotContain("fact_invoice_line", "fact_opportunity");
      // Columns: automation does not see the PII name of a sales rep (denied); the analyst does (it reads it hashed), and
      // so does the admin.
      try (Connection bot = connect("bot")) {
        List<String> rep = metadata(bot.getMetaData().getColumns(null, "gold", "dim_sales_rep", "%"), "COLUMN_NAME");
        assertThat(rep).isNotEmpty().doesNotContain("name").contains("rep_id");
      }
      assertThat(metadata(ana.getMetaData().getColumns(null, "gold", "dim_sales_rep", "%"), "COLUMN_NAME")).contains("name");
      assertThat(metadata(ada.getMetaData().getColumns(null, "gold", "dim_sales_rep", "%"), "COLUMN_NAME"))
          .containsExactlyElementsOf(java.util.Arrays.asList(table("gold.dim_sales_rep").columns()));
      assertThat(metadata(pam.getMetaData().getColumns(null, "gold", "fact_invoice_line", "%"), "COLUMN_NAME")).isEmpty();
    }
  }

  @Test
  @Order(4)
  void timeTravelAndHistoryWork() throws Exception {
    try (Connection c = connect("ada")) {
      long v0 = table("gold.fact_mrr_monthly").sparkSession().read().format("delta").option("versionAsOf", 0)
          .load(warehouse.resolve("gold/fact_mrr_monthly").toString()).count();
      assertThat(rows(c, "SELECT count(*) FROM gold.fact_mrr_monthly VERSION AS OF 0").get(0).get(0)).isEqualTo(v0);
      long versions = io.delta.tables.DeltaTable.forPath(spark(), warehouse.resolve("gold/fact_mrr_monthly").toString()).history().count();
      assertThat(rows(c, "DESCRIBE HISTORY gold.fact_mrr_monthly")).hasSize((int) versions);
    }
  }

  private static String refusal(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      if (s.getResultSet() != null) {
        s.getResultSet().next();
      }
      return null;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  @Test
  @Order(5)
  void eachRoleReadsOnlyWhatItsRulesAllowWhateverTheQueryShape() throws Exception {
    try (Connection ana = connect("ana"); Connection pam = connect("pam"); Connection fin = connect("fin")) {
      assertThat(refusal(ana, "SELECT count(*) FROM silver.customers")).contains(
          "Refused: role analyst may not read database silver (lakehouse.sql-server.roles.analyst.databases lists [gold, ml, quality]).");
      assertThat(refusal(ana, "SELECT * FROM bronze.stripe_prices")).contains("Refused: role analyst may not read database bronze");
      // Product analytics yes, billing detail no: directly, in a subquery, a CTE, a join, a temporary view.
      assertThat(refusal(pam, "SELECT count(*) FROM gold.kpi_product_daily")).isNull();
      String denied = "Refused: role product_manager may not read gold.fact_invoice_line";
      assertThat(refusal(pam, "SELECT * FROM gold.fact_invoice_line")).contains(denied);
      assertThat(refusal(pam, "SELECT count(*) FROM gold.kpi_product_daily WHERE EXISTS (SELECT 1 FROM gold.fact_invoice_line)")).contains(denied);
      assertThat(refusal(pam, "WITH b AS (SELECT * FROM gold.fact_invoice_line) SELECT count(*) FROM b")).contains(denied);
      assertThat(refusal(pam, "SELECT count(*) FROM gold.dim_workspace w JOIN gold.fact_invoice_line l ON w.workspace_id = l.workspace_id"))
          .contains(denied);
      assertThat(refusal(pam, "CREATE TEMPORARY VIEW v AS SELECT * FROM gold.fact_invoice_line")).contains(denied);
      // EXPLAIN answers with its planning error as its result: the refusal, and no plan of the table.
      assertThat(rows(pam, "EXPLAIN SELECT * FROM gold.fact_invoice_line").toString()).contains(denied).doesNotContain("Relation");
      // A denied PII column (automation): not in a projection, a filter, an aggregate or SELECT *; a count that does
      // not use it is fine.
      try (Connection bot = connect("bot")) {
        assertThat(refusal(bot, "SELECT count(*) FROM gold.dim_sales_rep")).isNull();
        String pii = "Refused: role automation may not read column gold.dim_sales_rep.name, classified PII";
        assertThat(refusal(bot, "SELECT name FROM gold.dim_sales_rep")).contains(pii);
        assertThat(refusal(bot, "SELECT * FROM gold.dim_sales_rep")).contains(pii);
        assertThat(refusal(bot, "SELECT count(*) FROM gold.dim_sales_rep WHERE name LIKE 'A%'")).contains(pii);
        assertThat(refusal(bot, "SELECT max(length(name)) FROM gold.dim_sales_rep")).contains(pii);
        assertThat(refusal(bot, "SELECT count(*) FROM (SELECT upper(name) AS n FROM gold.dim_sales_rep) t")).contains(pii);
        // Without a projection that names it: TABLE, and a set operation's branch, which reads its columns by position.
        assertThat(refusal(bot, "TABLE gold.dim_sales_rep")).contains(pii);
        assertThat(refusal(bot, "SELECT rep_key, rep_id, 'n', title, rep_segment, region, quarterly_quota_usd, is_active, start_date "
            + "FROM gold.dim_sales_rep UNION ALL TABLE gold.dim_sales_rep")).contains(pii);
        assertThat(refusal(bot, "SELECT count(*) FROM gold.dim_sales_rep WHERE rep_id IN (SELECT name FROM gold.dim_sales_rep)"))
            .contains(pii);
      }
      // A masked PII column (analyst): every value hashed, the same name to the same hash, and a filter on the raw
      // value finds nothing, because the mask sits under the filter.
      List<Row> raw = table("gold.dim_sales_rep").select("name").where("name IS NOT NULL").collectAsList();
      assertThat(raw).isNotEmpty();
      String someName = raw.get(0).getString(0);
      List<Object> masked = rows(ana, "SELECT name FROM gold.dim_sales_rep WHERE name IS NOT NULL").stream().map(r -> r.get(0)).toList();
      assertThat(masked).hasSize(raw.size()).allSatisfy(v -> assertThat(v.toString()).matches("[0-9a-f]{64}"));
      assertThat(masked).doesNotContain(someName);
      assertThat(rows(ana, "SELECT count(DISTINCT name) FROM gold.dim_sales_rep").get(0).get(0))
          .isEqualTo(table("gold.dim_sales_rep").select("name").distinct().where("name IS NOT NULL").count());
      assertThat(rows(ana, "SELECT count(*) FROM gold.dim_sales_rep WHERE name = '" + someName.replace("'", "''") + "'").get(0).get(0))
          .isEqualTo(0L);
      // Through a view and a CTE too.
      assertThat(refusal(ana, "CREATE TEMPORARY VIEW reps AS SELECT * FROM gold.dim_sales_rep")).isNull();
      assertThat(rows(ana, "SELECT name FROM reps WHERE name IS NOT NULL LIMIT 1").get(0).get(0).toString()).matches("[0-9a-f]{64}");
      assertThat(rows(ana, "WITH r AS (SELECT name FROM gold.dim_sales_rep) SELECT max(name) FROM r").get(0).get(0).toString())
          .matches("[0-9a-f]{64}");
      // Finance reads billing detail.
      assertThat(rows(fin, "SELECT count(*) FROM silver.invoices").get(0).get(0)).isEqualTo(table("silver.invoices").count());
    }
  }

  @Test
  @Order(6)
  void readOnlyRolesCannotWriteChangeSettingsOrReachOutsideSql() throws Exception {
    try (Connection ana = connect("ana")) {
      for (String sql : List.of("CREATE TABLE gold.scratch (a INT) USING delta", "DROP TABLE gold.kpi_saas_monthly",
          "INSERT INTO gold.dim_plan SELECT * FROM gold.dim_plan", "DELETE FROM gold.dim_plan", "ADD JAR /tmp/x.jar",
          "CREATE FUNCTION f AS 'java.lang.String'", "CACHE TABLE gold.dim_plan", "SET spark.sql.runSQLOnFiles=true",
          "SET spark.sql.optimizer.excludedRules=x", "RESET", "CREATE GLOBAL TEMPORARY VIEW g AS SELECT 1")) {
        assertThat(refusal(ana, sql)).as(sql).contains("Refused: ");
      }
      assertThat(refusal(ana, "SELECT reflect('java.lang.System', 'getenv', 'HOME')")).contains("Refused: reflect/java_method");
      assertThat(refusal(ana, "SELECT input_file_name() FROM gold.dim_plan")).contains("Refused: input_file_name()");
      // The table format's functions that read by location, history, listings of a denied database, file metadata.
      assertThat(refusal(ana, "SELECT count(*) FROM table_changes_by_path('" + warehouse.resolve("silver/customers") + "', 0)"))
          .contains("Refused: a read by path");
      assertThat(refusal(ana, "DESCRIBE HISTORY gold.kpi_saas_monthly")).contains("Refused: DescribeDeltaHistory");
      assertThat(refusal(ana, "SHOW TABLE EXTENDED IN silver LIKE '*'")).contains("Refused: role analyst may not use database silver");
      assertThat(refusal(ana, "SELECT _metadata.file_path FROM gold.dim_plan")).contains("Refused: the _metadata column");
      // EXPLAIN of a masked column shows the masking function, never its key.
      assertThat(rows(ana, "EXPLAIN EXTENDED SELECT name FROM gold.dim_sales_rep").toString()).contains("masked_hash")
          .doesNotContain(ReferenceRun.PII_KEY);
      // Reading a table by path is not SQL here at all.
      assertThat(refusal(ana, "SELECT * FROM delta.`" + warehouse.resolve("silver/customers") + "`")).isNotNull().doesNotContain("email");
      assertThat(refusal(ana, "SELECT * FROM parquet.`" + warehouse.resolve("silver/customers") + "`")).isNotNull();
      // The table is untouched.
      assertThat(table("gold.dim_plan").count()).isEqualTo(WarehouseComparison.rows(spark(), ReferenceRun.localWarehouse().resolve("gold/dim_plan")));
    }
  }

  @Test
  @Order(7)
  void aTablePublishedWhileTheServerRunsBecomesQueryable() throws Exception {
    spark().range(5).toDF("n").write().format("delta").save(warehouse.resolve("gold/late_arrival").toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (Connection c = connect("ada")) {
      while (true) {
        try {
          assertThat(rows(c, "SELECT sum(n) FROM gold.late_arrival").get(0).get(0)).isEqualTo(10L);
          break;
        } catch (SQLException notYet) {
          assertThat(System.nanoTime()).as("gold.late_arrival visible within a minute: " + notYet.getMessage()).isLessThan(deadline);
          Thread.sleep(500);
        }
      }
    }
  }

  @Test
  @Order(8)
  void everyStatementOfConcurrentClientsIsAudited() throws Exception {
    int clients = 3;
    int statements = 4;
    long before = auditRows("bot");
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      done.add(pool.submit(() -> {
        try (Connection c = connect("bot")) {
          for (int s = 0; s < statements; s++) {
            rows(c, "SELECT count(*) FROM gold.kpi_saas_monthly WHERE month >= DATE'2024-01-01' AND " + s + " >= 0");
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (auditRows("bot") < before + clients * statements && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    Thread.sleep(2500); // one more flush: nothing beyond N x M may arrive
    assertThat(auditRows("bot")).isEqualTo(before + (long) clients * statements);
    Row one = table("ops.query_audit_log").where("user_id = 'bot' AND statement LIKE 'SELECT count(*) FROM gold.kpi_saas_monthly%'").first();
    assertThat(one.<String>getAs("user_role")).isEqualTo("automation");
    assertThat(one.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(one.<scala.collection.Seq<String>>getAs("tables")).isNotNull();
    assertThat(scala.collection.JavaConverters.seqAsJavaList(one.<scala.collection.Seq<String>>getAs("tables")))
        .containsExactly("gold.kpi_saas_monthly");
    assertThat(scala.collection.JavaConverters.seqAsJavaList(one.<scala.collection.Seq<String>>getAs("columns")))
        .containsExactly("gold.kpi_saas_monthly.month");
    // Refusals are audited with their reason.
    Row refused = table("ops.query_audit_log").where("user_id = 'ana' AND status = 'refused'").orderBy("query_timestamp").first();
    assertThat(refused.<String>getAs("error")).contains("Refused: ");
  }

  private long auditRows(String user) {
    Path audit = warehouse.resolve("ops/query_audit_log");
    return Files.exists(audit.resolve("_delta_log")) ? table("ops.query_audit_log").where("user_id = '" + user + "'").count() : 0;
  }

  @Test
  @Order(9)
  void beelineFromTheSparkDistributionQueriesTheServer() {
    Path beeline = ProductionEnv.sparkHome().resolve("bin/beeline");
    Processes.Result r = Processes.run(List.of(beeline.toString(), "-u", url("gold"), "-n", "fin", "-p", passwords.get("fin"),
        "--outputformat=csv2", "--silent=true", "-e", "SELECT count(*) AS n FROM gold.kpi_saas_monthly"), ProductionEnv.sparkEnv(), work,
        work.resolve("logs"), "beeline", Duration.ofMinutes(2));
    assertThat(r.exitCode()).as(r.tail()).isZero();
    assertThat(r.stdout().lines().map(l -> l.replaceFirst("^\\d+: jdbc:hive2://\\S+> ", "").strip()).filter(l -> !l.isEmpty()).toList())
        .containsExactly("n", Long.toString(table("gold.kpi_saas_monthly").count()));
  }

  @Test
  @Order(10)
  void sigtermStopsTheServerCleanlyAndFlushesTheAudit() throws Exception {
    try (Connection c = connect("fin")) {
      rows(c, "SELECT 'last statement before the stop'");
    }
    server.destroy(); // SIGTERM
    assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
    assertThat(Processes.read(log)).contains("SQL server stopped.");
    assertThat(table("ops.query_audit_log").where("statement = \"SELECT 'last statement before the stop'\"").count()).isEqualTo(1);
  }
}
