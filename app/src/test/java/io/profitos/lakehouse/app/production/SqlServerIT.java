package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.app.WarehouseComparison;
import io.profitos.lakehouse.app.sql.QuerySet;
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
import java.util.Set;
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
    ROLES.put("lim", "limited");
  }

  /** A role of the test's own, with tight limits: one statement at once, 3 seconds, 50 rows. */
  private static final String LIMITED_ROLE = "lakehouse.sql-server.roles.limited={ databases = [gold], "
      + "limits { max-runtime = 3s, max-rows = 50, max-concurrent = 1 } }";

  private Path work;
  private Path warehouse;
  private Path log;
  private Process server;
  private int port;
  private final Map<String, String> passwords = new LinkedHashMap<>();
  private final Map<String, String> hashes = new LinkedHashMap<>();

  @BeforeAll
  void startTheServer() throws Exception {
    work = ProductionEnv.work("sql-server");
    FileUtils.cleanDirectory(work.toFile());
    warehouse = work.resolve("warehouse");
    FileUtils.copyDirectory(ReferenceRun.warehouse().toFile(), warehouse.toFile());
    List<String> conf = new ArrayList<>();
    for (Map.Entry<String, String> u : ROLES.entrySet()) {
      String password = "pw-" + u.getKey() + "-" + java.util.UUID.randomUUID();
      passwords.put(u.getKey(), password);
      // The admin's hash from the real command (standard input, as an operator types it); the others' from the same
      // code in this JVM, which saves a spark-submit each.
      String hash = u.getKey().equals("ada") ? hashPassword(password)
          : io.profitos.lakehouse.app.sql.PasswordHash.create(password.toCharArray());
      hashes.put(u.getKey(), hash);
      conf.addAll(List.of("--conf", "lakehouse.sql-server.users." + u.getKey() + "={ role = " + u.getValue() + ", password-hash = \""
          + hash + "\" }"));
    }
    conf.addAll(0, List.of("--conf", LIMITED_ROLE));
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
      assertThat(table("gold.dim_plan").count()).isEqualTo(WarehouseComparison.rows(spark(), ReferenceRun.warehouse().resolve("gold/dim_plan")));
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
  @Order(7)
  void listingsAndDescriptionsNameOnlyWhatTheRoleMayRead() throws Exception {
    try (Connection pam = connect("pam"); Connection bot = connect("bot"); Connection ada = connect("ada")) {
      // The product manager reads gold, ml and two product tables of silver: SHOW lists those, no more.
      assertThat(rows(pam, "SHOW DATABASES")).extracting(r -> r.get(0)).containsExactlyInAnyOrder("gold", "ml", "silver");
      assertThat(rows(pam, "SHOW TABLES IN silver")).extracting(r -> r.get(1))
          .containsExactlyInAnyOrder("events", "experiment_assignments");
      List<Object> pamGold = rows(pam, "SHOW TABLES IN gold").stream().map(r -> r.get(1)).toList();
      assertThat(pamGold).contains("kpi_product_daily").doesNotContain("fact_invoice_line", "fact_opportunity", "dim_account");
      assertThat(refusal(pam, "SHOW TABLES IN bronze")).contains("Refused: role product_manager may not use database bronze");
      // Automation may not read a sales rep's name (PII): DESCRIBE and SHOW COLUMNS leave it out.
      List<String> described = rows(bot, "DESCRIBE gold.dim_sales_rep").stream().map(r -> String.valueOf(r.get(0)).strip()).toList();
      assertThat(described).contains("rep_id", "region").doesNotContain("name");
      assertThat(rows(bot, "SHOW COLUMNS IN gold.dim_sales_rep").stream().map(r -> String.valueOf(r.get(0)).strip()).toList())
          .contains("rep_id").doesNotContain("name");
      // The admin's listings are whole.
      assertThat(rows(ada, "SHOW DATABASES")).extracting(r -> r.get(0)).contains("bronze", "silver", "gold", "ml", "quality", "ops");
      assertThat(rows(ada, "DESCRIBE gold.dim_sales_rep").stream().map(r -> String.valueOf(r.get(0)).strip()).toList()).contains("name");
    }
  }

  @Test
  @Order(7)
  void aRepeatedQueryIsAnsweredFromTheCacheUntilItsTableChanges() throws Exception {
    Path table = warehouse.resolve("gold/cache_probe");
    spark().range(5).toDF("n").write().format("delta").save(table.toString());
    String sum = "SELECT sum(n) AS total FROM gold.cache_probe";
    String clock = "SELECT sum(n) AS total, current_date() AS today FROM gold.cache_probe";
    List<Object> totals = new ArrayList<>();
    try (Connection c = connect("fin")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (refusal(c, "SELECT 1 FROM gold.cache_probe LIMIT 1") != null) { // served after the next refresh
        assertThat(System.nanoTime()).as("gold.cache_probe served within a minute").isLessThan(deadline);
        Thread.sleep(500);
      }
      for (int i = 0; i < 3; i++) {
        totals.add(rows(c, sum).get(0).get(0));
        rows(c, clock);
      }
      spark().range(5, 7).toDF("n").write().format("delta").mode("append").save(table.toString());
      for (int i = 0; i < 3; i++) {
        totals.add(rows(c, sum).get(0).get(0));
        rows(c, clock);
      }
    }
    // Every answer is the table's data at the time: 0+...+4, then with 5 and 6 appended.
    assertThat(totals).containsExactly(10L, 10L, 10L, 21L, 21L, 21L);
    // The first run learns the tables, the second keeps its result, the third is answered from memory; after the append
    // the table's version moved, so the next run runs again (and is kept), and the one after is answered from memory.
    // A query that reads the clock is never kept.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (table("ops.query_audit_log").where("statement = '" + sum + "'").count() < 6) {
      assertThat(System.nanoTime()).as("six audit rows within a minute").isLessThan(deadline);
      Thread.sleep(500);
    }
    assertThat(table("ops.query_audit_log").where("statement = '" + sum + "'").orderBy("query_timestamp").select("served_from_cache")
        .collectAsList()).extracting(r -> r.getBoolean(0)).containsExactly(false, false, true, false, true, true);
    assertThat(table("ops.query_audit_log").where("statement = '" + clock + "' AND served_from_cache").count()).isZero();
  }

  /** The slowest statement a role of the gold database can send: a triple cross join of the calendar. */
  private static final String SLOW = "SELECT count(*) FROM gold.dim_date a CROSS JOIN gold.dim_date b CROSS JOIN gold.dim_date c "
      + "WHERE a.date_key + b.date_key + c.date_key = 7";

  @Test
  @Order(8)
  void aRolesLimitsEndALongStatementRefuseOneTooManyAndStopAResultTooLarge() throws Exception {
    long calendar = table("gold.dim_date").count();
    assertThat(calendar).isGreaterThan(50);
    try (Connection lim = connect("lim"); Connection other = connect("lim")) {
      // Rows: 50 of them are fine; a result of more is an error before row 51 reaches the client.
      assertThat(rows(lim, "SELECT date_key FROM gold.dim_date ORDER BY date_key LIMIT 50")).hasSize(50);
      List<Object> got = new ArrayList<>();
      try (Statement st = lim.createStatement()) {
        st.setFetchSize(20);
        try (ResultSet r = st.executeQuery("SELECT date_key FROM gold.dim_date")) {
          assertThatThrownBy(() -> {
            while (r.next()) {
              got.add(r.getObject(1));
            }
          }).isInstanceOf(SQLException.class).hasMessageContaining("Too many rows: role limited may fetch at most 50 rows of one result "
              + "(lakehouse.sql-server.roles.limited.limits.max-rows) and this one has more. Aggregate, filter, or add LIMIT 50.");
        }
      }
      // Pages of 20: 20 and 20 reach the client; the third would end past row 50, so it is the error instead.
      assertThat(got).hasSize(40);

      // Runtime and concurrency: a statement past 3 s is ended with the limit named; while it runs, a second one of the
      // same role is refused; once it has ended, the role may run again.
      ExecutorService pool = Executors.newSingleThreadExecutor();
      long t0 = System.nanoTime();
      Future<String> slow = pool.submit(() -> refusal(lim, SLOW));
      Thread.sleep(1000);
      assertThat(refusal(other, "SELECT count(*) FROM gold.dim_plan")).contains("Too many statements: role limited may run 1 statement at "
          + "once, and 1 is running (lakehouse.sql-server.roles.limited.limits.max-concurrent). Retry when one has finished.");
      assertThat(slow.get(2, java.util.concurrent.TimeUnit.MINUTES)).contains("Timed out: the statement ran longer than role limited's "
          + "limit of 3 s (lakehouse.sql-server.roles.limited.limits.max-runtime) and was cancelled.");
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(seconds).as("ended soon after its limit").isLessThan(60);
      pool.shutdown();
      assertThat(rows(other, "SELECT count(*) FROM gold.dim_plan").get(0).get(0)).isEqualTo(table("gold.dim_plan").count());
      // Another role's statements are not limited by this one's.
      try (Connection ada = connect("ada")) {
        assertThat(rows(ada, "SELECT date_key FROM gold.dim_date")).hasSize((int) calendar);
      }
    }
    // An error is one line with its cause: no stack trace reaches the client.
    try (Connection ana = connect("ana")) {
      String error = refusal(ana, "SELECT no_such_column FROM gold.dim_plan");
      assertThat(error).contains("Error running the statement: [UNRESOLVED_COLUMN.WITH_SUGGESTION]").doesNotContain("\tat ", ".scala:");
    }
  }

  /** A glob of the configuration ({@code *} = any run of characters), matched here without the server's code. */
  private static boolean glob(String glob, String name) {
    List<String> parts = new ArrayList<>();
    for (String part : glob.toLowerCase(java.util.Locale.ROOT).split("\\*", -1)) {
      parts.add(java.util.regex.Pattern.quote(part));
    }
    return name.toLowerCase(java.util.Locale.ROOT).matches(String.join(".*", parts));
  }

  /** Whether the configuration lets {@code role} read {@code db.table}, worked out here from its text. */
  private static boolean readable(com.typesafe.config.Config role, String db, String table) {
    String name = db + "." + table;
    List<String> dbs = role.hasPath("databases") ? role.getStringList("databases") : List.of();
    List<String> tables = role.hasPath("tables") ? role.getStringList("tables") : List.of();
    List<String> deny = role.hasPath("deny-tables") ? role.getStringList("deny-tables") : List.of();
    boolean listed = dbs.contains("*") || dbs.contains(db) || tables.stream().anyMatch(g -> glob(g, name));
    return listed && deny.stream().noneMatch(g -> glob(g, name));
  }

  /** The class of a column under the configuration's classifications (first match), worked out here. */
  private static String classOf(com.typesafe.config.Config sql, String db, String table, String column) {
    for (com.typesafe.config.Config k : sql.getConfigList("classifications")) {
      if (glob(k.getString("columns"), db + "." + table + "." + column)) {
        return k.getString("class");
      }
    }
    return null;
  }

  @Test
  @Order(5)
  void theRoleObjectShapeMatrixOfTheConfigurationHoldsForEveryRole() throws Exception {
    com.typesafe.config.Config sql = io.profitos.lakehouse.core.config.ConfigLoader.load(Path.of("..", "conf"), "local", Map.of())
        .getConfig("lakehouse.sql-server");
    List<String> databases = sql.getStringList("databases");
    // The objects: the first table of each database, and the first table each role's deny-tables and tables globs match.
    Map<String, List<String>> tablesOf = new LinkedHashMap<>();
    for (String db : databases) {
      tablesOf.put(db, WarehouseComparison.tables(warehouse, db).stream().filter(t -> !t.startsWith("_")).sorted().toList());
    }
    Set<String> objects = new java.util.TreeSet<>();
    tablesOf.forEach((db, ts) -> objects.add(db + "." + ts.get(0)));
    for (String role : USER_OF_ROLE.keySet()) {
      com.typesafe.config.Config r = sql.getConfig("roles." + role);
      for (String key : List.of("deny-tables", "tables")) {
        for (String g : r.hasPath(key) ? r.getStringList(key) : List.<String>of()) {
          tablesOf.forEach((db, ts) -> ts.stream().filter(t -> glob(g, db + "." + t)).findFirst().ifPresent(t -> objects.add(db + "." + t)));
        }
      }
    }
    // Text columns of each class holding a value, in database and table order.
    Map<String, List<String[]>> classified = new LinkedHashMap<>();
    tablesOf.forEach((db, ts) -> ts.forEach(t -> {
      org.apache.spark.sql.Dataset<Row> d = table(db + "." + t);
      for (org.apache.spark.sql.types.StructField f : d.schema().fields()) {
        String klass = classOf(sql, db, t, f.name());
        // A few per database and class are enough to find one that each role reads.
        if (klass != null && f.dataType() instanceof org.apache.spark.sql.types.StringType
            && classified.getOrDefault(klass, List.of()).stream().filter(x -> x[0].equals(db)).count() < 5
            && d.where(f.name() + " IS NOT NULL").limit(1).count() == 1) {
          classified.computeIfAbsent(klass, k -> new ArrayList<>()).add(new String[] {db, t, f.name()});
        }
      }
    }));
    // Subqueries, CTEs, joins and views are each proven on single objects by eachRoleReadsOnlyWhatItsRulesAllow...; the
    // matrix covers every role and object with a plain read, a correlated-free subquery, time travel, EXPLAIN and CACHE.
    List<String> shapes = List.of("SELECT count(*) FROM %s", "SELECT count(*) FROM gold.dim_date d WHERE EXISTS (SELECT 1 FROM %s)",
        "SELECT count(*) FROM %s VERSION AS OF 0");
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicInteger statements = new java.util.concurrent.atomic.AtomicInteger();
    // One client per role, all at once (the server takes them concurrently).
    ExecutorService pool = Executors.newFixedThreadPool(USER_OF_ROLE.size());
    List<Future<?>> done = new ArrayList<>();
    for (Map.Entry<String, String> u : USER_OF_ROLE.entrySet()) {
      done.add(pool.submit(() -> {
      com.typesafe.config.Config role = sql.getConfig("roles." + u.getKey());
      try (Connection c = connect(u.getValue())) {
        for (String object : objects) {
          String[] parts = object.split("\\.");
          boolean allowed = readable(role, parts[0], parts[1]);
          for (String shape : shapes) {
            String statement = String.format(shape, object);
            String error = refusal(c, statement);
            statements.incrementAndGet();
            if (allowed ? error != null : error == null || !error.contains("Refused: ")) {
              wrong.add(u.getKey() + " | " + statement + " | expected " + (allowed ? "allowed" : "refused") + " | got " + error);
            }
          }
          String plan = rows(c, "EXPLAIN SELECT count(*) FROM " + object).toString();
          statements.incrementAndGet();
          if (plan.contains("Refused: ") == allowed) {
            wrong.add(u.getKey() + " | EXPLAIN " + object + " | expected " + (allowed ? "a plan" : "the refusal") + " | got " + plan);
          }
          if (!u.getKey().equals("admin") && refusal(c, "CACHE TABLE " + object) == null) {
            wrong.add(u.getKey() + " | CACHE TABLE " + object + " | expected refused");
          }
          statements.incrementAndGet();
        }
        // Columns: for each class, a column of that class in a table the role reads: denied, masked or read as stored.
        for (String klass : List.of("PII", "PCI")) {
          String[] found = classified.getOrDefault(klass, List.of()).stream().filter(f -> readable(role, f[0], f[1])).findFirst()
              .orElse(null);
          if (found == null) {
            continue; // the role reads no such column
          }
          String object = found[0] + "." + found[1];
          String column = found[2];
          List<String> denied = role.hasPath("deny-classes") ? role.getStringList("deny-classes") : List.of();
          String mask = role.hasPath("masks." + klass) ? role.getString("masks." + klass) : null;
          List<String> columnShapes = List.of("SELECT %2$s FROM %1$s WHERE %2$s IS NOT NULL LIMIT 3",
              "SELECT count(*) FROM %1$s WHERE %2$s IS NOT NULL AND %2$s = 'x'", "SELECT max(%2$s) FROM %1$s");
          for (String shape : columnShapes) {
            String statement = String.format(shape, object, column);
            statements.incrementAndGet();
            String error = refusal(c, statement);
            if (denied.contains(klass) ? error == null || !error.contains("Refused: ") : error != null) {
              wrong.add(u.getKey() + " | " + statement + " | class " + klass + (denied.contains(klass) ? " denied" : " readable") + " | got "
                  + error);
            }
          }
          if (!denied.contains(klass)) {
            Object value = rows(c, String.format(columnShapes.get(0), object, column)).get(0).get(0);
            Set<String> raw = new java.util.HashSet<>();
            table(object).where(column + " IS NOT NULL").select(column).collectAsList().forEach(r -> raw.add(r.getString(0)));
            boolean ok = mask == null ? raw.contains(String.valueOf(value))
                : mask.equals("hash") ? String.valueOf(value).matches("[0-9a-f]{64}") && !raw.contains(String.valueOf(value))
                : "[REDACTED]".equals(value);
            if (!ok) {
              wrong.add(u.getKey() + " | " + object + "." + column + " (" + klass + ", " + (mask == null ? "as stored" : mask) + ") | got " + value);
            }
          }
        }
      }
      return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertThat(wrong).as("of " + statements + " statements").isEmpty();
    assertThat(statements.get()).isGreaterThan(200);
    // Every role reads some table with PII: each has its PII column rule checked.
    assertThat(classified.get("PII")).isNotEmpty();
  }

  private static final Map<String, String> USER_OF_ROLE = new java.util.TreeMap<>(Map.of("admin", "ada", "finance", "fin",
      "analyst", "ana", "product_manager", "pam", "automation", "bot"));

  private QuerySet querySet() {
    return QuerySet.from(io.profitos.lakehouse.core.config.ConfigLoader.load(Path.of("..", "conf"), "local",
        Map.of()));
  }

  @Test
  @Order(9)
  void everyDashboardAndTemplateRunsAsItsRoleAndAgreesWithTheTablesReadDirectly() throws Exception {
    QuerySet q = querySet();
    Map<String, List<List<Object>>> results = new LinkedHashMap<>();
    List<String> unpublished = new ArrayList<>();
    Map<String, Connection> connections = new LinkedHashMap<>();
    try {
      for (QuerySet.Dashboard d : q.dashboards()) {
        Connection c = connections.computeIfAbsent(d.role(), r -> connectUnchecked(USER_OF_ROLE.get(r)));
        for (QuerySet.Query query : d.queries()) {
          try {
            results.put(query.qualifiedName(), rows(c, query.sql()));
          } catch (SQLException e) {
            // The reference run trains no model, so the scored facts are not published: a query over one of them fails
            // with that table named, and only then. (bench sql runs every query on a warehouse with trained models.)
            java.util.regex.Matcher missing = java.util.regex.Pattern.compile("The table or view `(\\w+)`\\.`(\\w+)` cannot be found")
                .matcher(e.getMessage());
            if (!missing.find() || Files.exists(warehouse.resolve(missing.group(1)).resolve(missing.group(2)))) {
              throw new AssertionError(query.qualifiedName() + " as " + d.role() + ": " + e.getMessage(), e);
            }
            unpublished.add(query.qualifiedName() + " (" + missing.group(1) + "." + missing.group(2) + ")");
          }
        }
      }
      for (QuerySet.Template t : q.templates()) {
        Connection c = connections.computeIfAbsent(t.role(), r -> connectUnchecked(USER_OF_ROLE.get(r)));
        try {
          results.put(t.qualifiedName(), rows(c, t.example()));
        } catch (SQLException e) {
          throw new AssertionError(t.qualifiedName() + " as " + t.role() + ": " + e.getMessage(), e);
        }
      }
    } finally {
      for (Connection c : connections.values()) {
        c.close();
      }
    }

    // Only the tables built from a model's scores are missing (the scored facts and the churn-risk marts): all else ran.
    assertThat(unpublished).allSatisfy(u -> assertThat(u).matches(".*\\((gold\\.fact_churn_score_daily|gold\\.fact_lead_score_daily|"
        + "gold\\.customer_health|gold\\.fact_renewal|ml\\.model_performance|ml\\.drift_metrics)\\)"));
    assertThat(results.size() + unpublished.size()).isEqualTo(q.dashboards().stream().mapToInt(d -> d.queries().size()).sum()
        + q.templates().size());
    // SaaS overview, revenue: the last 13 complete months of all segments, as the mart holds them.
    org.apache.spark.sql.Dataset<Row> saas = table("gold.kpi_saas_monthly").where("segment = 'All' AND is_complete");
    java.time.LocalDate newest = saas.agg(org.apache.spark.sql.functions.max("month")).first().getDate(0).toLocalDate();
    List<Row> months = saas.where(org.apache.spark.sql.functions.col("month").gt(java.sql.Date.valueOf(newest.minusMonths(13))))
        .orderBy("month").select("month", "mrr_usd").collectAsList();
    List<List<Object>> revenue = results.get("dashboards.saas_overview.revenue");
    assertThat(revenue).hasSize(months.size()).isNotEmpty();
    for (int i = 0; i < months.size(); i++) {
      assertThat(revenue.get(i).get(0).toString()).isEqualTo(months.get(i).get(0).toString());
      assertThat(new java.math.BigDecimal(revenue.get(i).get(1).toString())).isEqualByComparingTo(months.get(i).getDecimal(1));
    }
    // Board report, headline: the newest complete month's MRR growth over the month before.
    Row current = months.get(months.size() - 1);
    Row before = saas.where(org.apache.spark.sql.functions.col("month").equalTo(java.sql.Date.valueOf(newest.minusMonths(1))))
        .select("mrr_usd").first();
    List<Object> headline = results.get("dashboards.board_report.headline").get(0);
    assertThat(new java.math.BigDecimal(headline.get(1).toString())).isEqualByComparingTo(current.getDecimal(1));
    assertThat(Double.parseDouble(headline.get(3).toString()))
        .isCloseTo(current.getDecimal(1).doubleValue() / before.getDecimal(0).doubleValue() - 1, org.assertj.core.data.Offset.offset(1e-9));

    // Funnel drop-off (the example: three events, a window, all segments), worked out here per user in plain Java.
    List<String> steps = List.of("Dashboard Viewed", "Report Created", "Export Completed");
    List<Row> firsts = table("silver.events")
        .where("event_date BETWEEN DATE'2026-08-01' AND DATE'2026-10-31' AND NOT is_deleted AND user_id IS NOT NULL")
        .where(org.apache.spark.sql.functions.col("event").isin(steps.toArray()))
        .groupBy("user_id", "event").agg(org.apache.spark.sql.functions.min("occurred_at")).collectAsList();
    Map<String, java.sql.Timestamp[]> byUser = new java.util.HashMap<>();
    for (Row r : firsts) {
      byUser.computeIfAbsent(r.getString(0), k -> new java.sql.Timestamp[steps.size()])[steps.indexOf(r.getString(1))] = r.getTimestamp(2);
    }
    long[] reached = new long[steps.size()];
    for (java.sql.Timestamp[] t : byUser.values()) {
      for (int k = 0; k < steps.size() && t[k] != null && (k == 0 || !t[k].before(t[k - 1])); k++) {
        reached[k]++;
      }
    }
    List<List<Object>> funnel = results.get("templates.funnel_drop_off");
    assertThat(funnel).hasSize(steps.size());
    for (int k = 0; k < steps.size(); k++) {
      assertThat(funnel.get(k).get(1)).isEqualTo(steps.get(k));
      assertThat(((Number) funnel.get(k).get(2)).longValue()).as(steps.get(k)).isEqualTo(reached[k]);
    }
    assertThat(reached[0]).isPositive();

    // Feature adoption by cohort (reports; cohorts from 2025-11 to 2026-10), worked out here.
    Map<String, long[]> cohorts = new java.util.TreeMap<>();
    Set<String> users = new java.util.HashSet<>();
    // Workspaces whose users' product activity (not deleted, with a user and a workspace) included the feature.
    table("silver.events").where("feature = 'reports' AND is_activity AND NOT is_deleted AND user_id IS NOT NULL "
        + "AND workspace_id IS NOT NULL").select("workspace_id").distinct().collectAsList().forEach(r -> users.add(r.getString(0)));
    for (Row w : table("gold.dim_workspace").where("is_current AND NOT is_deleted AND signup_month BETWEEN DATE'2025-11-01' AND DATE'2026-10-31'")
        .select("signup_month", "workspace_id").collectAsList()) {
      long[] c = cohorts.computeIfAbsent(w.getDate(0).toString(), k -> new long[2]);
      c[0]++;
      c[1] += users.contains(w.getString(1)) ? 1 : 0;
    }
    List<List<Object>> adoption = results.get("templates.feature_adoption_by_cohort");
    assertThat(adoption).hasSize(cohorts.size()).isNotEmpty();
    int i = 0;
    for (Map.Entry<String, long[]> c : cohorts.entrySet()) {
      List<Object> row = adoption.get(i++);
      assertThat(row.get(0).toString()).isEqualTo(c.getKey());
      assertThat(((Number) row.get(1)).longValue()).isEqualTo(c.getValue()[0]);
      assertThat(((Number) row.get(2)).longValue()).isEqualTo(c.getValue()[1]);
    }

    // A/B test results: the experiment's arms as the mart holds them, control first.
    List<Row> arms = table("gold.kpi_experiment_results").where("experiment_id = 'onboarding_checklist'")
        .orderBy(org.apache.spark.sql.functions.col("is_control").desc(), org.apache.spark.sql.functions.col("variant"))
        .select("variant", "retention_rate").collectAsList();
    List<List<Object>> ab = results.get("templates.ab_test_results");
    assertThat(ab).hasSize(arms.size());
    for (int k = 0; k < arms.size(); k++) {
      assertThat(ab.get(k).get(0)).isEqualTo(arms.get(k).getString(0));
      assertThat(ab.get(k).get(4) == null ? null : new java.math.BigDecimal(ab.get(k).get(4).toString()))
          .isEqualByComparingTo(arms.get(k).getDecimal(1));
    }
  }

  private Connection connectUnchecked(String user) {
    try {
      return connect(user);
    } catch (SQLException e) {
      throw new AssertionError("cannot connect as " + user + ": " + e.getMessage(), e);
    }
  }

  @Test
  @Order(10)
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
    // Templates and dashboard queries by name, with the rows their clients fetched.
    Row template = table("ops.query_audit_log").where("user_id = 'pam' AND query_name = 'templates.funnel_drop_off'").first();
    assertThat(template.<Boolean>getAs("used_template")).isTrue();
    assertThat(template.<Long>getAs("rows_returned")).isEqualTo(3L);
    assertThat(template.<String>getAs("status")).isEqualTo("succeeded");
    Row dashboard = table("ops.query_audit_log").where("user_id = 'fin' AND query_name = 'dashboards.board_report.headline'").first();
    assertThat(dashboard.<Boolean>getAs("used_template")).isFalse();
    assertThat(dashboard.<Long>getAs("rows_returned")).isEqualTo(1L);
    assertThat(table("ops.query_audit_log").where("user_id = 'bot' AND query_name IS NOT NULL").count()).isZero();
    // The limits, each with its reason: the result too large (40 rows fetched), the statement too many, the one too long.
    List<Row> limited = table("ops.query_audit_log").where("user_id = 'lim' AND status <> 'succeeded'").orderBy("query_timestamp")
        .select("status", "rows_returned", "error").collectAsList();
    assertThat(limited).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("over_limit", "over_limit", "timed_out");
    assertThat(limited).filteredOn(r -> r.getString(2).startsWith("Too many rows")).extracting(r -> r.getLong(1)).containsExactly(40L);
    assertThat(limited).filteredOn(r -> r.getString(2).startsWith("Too many statements")).hasSize(1);
    assertThat(limited).filteredOn(r -> r.getString(0).equals("timed_out")).extracting(r -> r.getString(2))
        .allSatisfy(e -> assertThat(e).startsWith("Timed out: "));
  }

  private long auditRows(String user) {
    Path audit = warehouse.resolve("ops/query_audit_log");
    return Files.exists(audit.resolve("_delta_log")) ? table("ops.query_audit_log").where("user_id = '" + user + "'").count() : 0;
  }

  @Test
  @Order(11)
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
  @Order(12)
  void sigtermStopsTheServerCleanlyAndFlushesTheAudit() throws Exception {
    try (Connection c = connect("fin")) {
      rows(c, "SELECT 'last statement before the stop'");
    }
    server.destroy(); // SIGTERM
    assertThat(server.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
    assertThat(Processes.read(log)).contains("SQL server stopped.");
    assertThat(table("ops.query_audit_log").where("statement = \"SELECT 'last statement before the stop'\"").count()).isEqualTo(1);
  }

  private static void keytool(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Processes.Result r = Processes.run(command, Map.of(), dir, dir, "keytool", Duration.ofMinutes(1));
    assertThat(r.exitCode()).as(r.tail()).isZero();
  }

  @Test
  @Order(13)
  void overHttpWithTlsOnlyAClientThatTrustsTheServersCertificateConnects() throws Exception {
    Path dir = work.resolve("http-tls");
    Files.createDirectories(dir);
    spark().range(1, 4).toDF("n").write().format("delta").save(dir.resolve("warehouse/gold/numbers").toString());
    String storePassword = "ks-" + java.util.UUID.randomUUID();
    keytool(dir, "-genkeypair", "-alias", "lakehouse", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext",
        "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", "server.p12", "-storepass", storePassword,
        "-keypass", storePassword);
    keytool(dir, "-exportcert", "-alias", "lakehouse", "-keystore", "server.p12", "-storepass", storePassword, "-file", "server.crt");
    keytool(dir, "-importcert", "-noprompt", "-alias", "lakehouse", "-file", "server.crt", "-storetype", "PKCS12", "-keystore",
        "trust.p12", "-storepass", "trust-pw");
    int httpPort = Processes.freePort();
    ReferenceRun.Submit submit = ReferenceRun.command("local[1]", dir.resolve("warehouse").toString(),
        List.of("--driver-class-path", ProductionEnv.appJar().toString()), Map.of("LAKEHOUSE_SQL_KEYSTORE_PASSWORD", storePassword),
        "sql-server", "--port", Integer.toString(httpPort), "--conf", "lakehouse.sql-server.transport=http", "--conf",
        "lakehouse.sql-server.tls.keystore=" + dir.resolve("server.p12"), "--conf",
        "lakehouse.sql-server.users.ada={ role = admin, password-hash = \"" + hashes.get("ada") + "\" }");
    Path httpLog = dir.resolve("sql-server.log");
    Process https = Processes.start(submit.command(), submit.env(), dir, httpLog);
    try {
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (!Processes.read(httpLog).contains("SQL server ready: ")) {
        assertThat(https.isAlive()).as("the server is running\n" + Processes.read(httpLog)).isTrue();
        assertThat(System.nanoTime()).as("ready within 3 minutes\n" + Processes.read(httpLog)).isLessThan(deadline);
        Thread.sleep(500);
      }
      assertThat(Processes.read(httpLog)).contains("(http transport, TLS, password authentication)");
      String base = "jdbc:hive2://127.0.0.1:" + httpPort + "/default;transportMode=http;httpPath=cliservice;ssl=true";
      try (Connection c = DriverManager.getConnection(base + ";sslTrustStore=" + dir.resolve("trust.p12") + ";trustStorePassword=trust-pw",
          "ada", passwords.get("ada"))) {
        assertThat(rows(c, "SELECT sum(n) FROM gold.numbers").get(0).get(0)).isEqualTo(6L);
      }
      // A client that does not trust the certificate, or speaks plain binary, or HTTP without TLS, does not get in.
      assertThatThrownBy(() -> DriverManager.getConnection(base, "ada", passwords.get("ada"))).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + httpPort + "/default;transportMode=http;"
          + "httpPath=cliservice", "ada", passwords.get("ada"))).isInstanceOf(SQLException.class);
      DriverManager.setLoginTimeout(20); // binary transport's socket timeout: the HTTP side may wait for more bytes
      try {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + httpPort + "/default", "ada",
            passwords.get("ada"))).isInstanceOf(SQLException.class);
      } finally {
        DriverManager.setLoginTimeout(0);
      }
      assertThat(Processes.read(httpLog)).doesNotContain(storePassword).doesNotContain(passwords.get("ada"));
    } finally {
      Processes.stop(https);
    }
  }
}
