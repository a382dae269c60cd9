package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.spark.SparkSessions;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.gold.MetricContracts;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakehouse sql-server}: a Spark Thrift server (HiveServer2 protocol, in this process) over the warehouse. Any
 * HiveServer2 client connects with {@code jdbc:hive2://host:port/<database>}. Every served database and table is
 * registered at start and refreshed on a schedule, so tables that jobs publish while it runs appear without a restart;
 * the server writes no table but its audit log. Logins are checked against configured users' salted hashes, each
 * statement against the user's role ({@link Governance}), and each is appended to {@code ops.query_audit_log}. It
 * stops cleanly on SIGTERM (or Ctrl-C): the audit log is flushed, the server and Spark are stopped.
 */
public final class SqlServer {
  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);

  /** Above Spark's own hooks (run together at Hadoop priority 40) and the file systems' (10). */
  private static final int SHUTDOWN_PRIORITY = 50;

  private SqlServer() {}

  /** A server started in this process. */
  public interface Running {
    /** The JDBC URL of its {@code default} database. */
    String url();

    /** Stops it: the Thrift server, then the audit's last rows, then Spark. Idempotent. */
    void stop();
  }

  /** Starts the server and blocks until the process is asked to stop. */
  public static int serve(LakehouseSettings settings, PrintStream out) {
    Running running = start(settings, out);
    CountDownLatch stopped = new CountDownLatch(1);
    // Through Hadoop's shutdown hooks, ahead of Spark's (which stop the SparkContext) and of the file systems' closing:
    // a plain JVM hook would race them and could find Spark stopped before the last audit rows are written.
    org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
      running.stop();
      out.println("SQL server stopped.");
      out.flush();
      stopped.countDown();
    }, SHUTDOWN_PRIORITY);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Starts the server (with a Spark session of its own) in this process; returns once it takes connections. */
  public static Running start(LakehouseSettings settings, PrintStream out) {
    SqlServerSettings sql = SqlServerSettings.from(settings.config());
    if (sql.port() == 0) {
      throw LakehouseException.usage("lakehouse.sql-server.port is 0: give the port to listen on, e.g. --port 10000.");
    }
    if (!sql.authentication() && !sql.loopback()) {
      throw LakehouseException.usage("lakehouse.sql-server.authentication is none but the server would listen on " + sql.host()
          + ": authentication may be off only on loopback (127.0.0.1). Configure users and set authentication = password.");
    }
    if (sql.authentication() && sql.users().isEmpty()) {
      throw LakehouseException.usage("No users in lakehouse.sql-server.users: add one (role and password-hash from "
          + "'lakehouse sql-server hash-password'), or on loopback set authentication = none.");
    }
    String keystorePassword = null;
    if (!sql.keystore().isBlank()) {
      if (!Files.isRegularFile(Path.of(sql.keystore()))) {
        throw LakehouseException.usage("lakehouse.sql-server.tls.keystore " + sql.keystore() + " is not a file: give a JKS or PKCS12 keystore.");
      }
      keystorePassword = System.getenv(sql.keystorePasswordEnv());
      if (keystorePassword == null || keystorePassword.isEmpty()) {
        throw LakehouseException.usage("TLS needs the keystore's password in the environment variable " + sql.keystorePasswordEnv()
            + " (lakehouse.sql-server.tls.keystore-password-env); it is never read from a file.");
      }
    }

    requireJarOnSystemClassPath();
    // HiveServer2 reads its settings from a fresh HiveConf, which takes JVM system properties (not Spark's settings).
    Map<String, String> hive = new LinkedHashMap<>();
    hive.put("hive.server2.thrift.bind.host", sql.host());
    hive.put("hive.server2.transport.mode", sql.transport());
    hive.put("hive.server2.thrift.port", Integer.toString(sql.port()));
    hive.put("hive.server2.thrift.http.port", Integer.toString(sql.port()));
    hive.put("hive.server2.thrift.http.path", sql.httpPath());
    hive.put("hive.server2.authentication", sql.authentication() ? "CUSTOM" : "NONE");
    hive.put("hive.server2.custom.authentication.class", SqlAuthenticator.class.getName());
    hive.put("hive.server2.enable.doAs", "true");
    Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "lakehouse-sql-server-" + ProcessHandle.current().pid());
    hive.put("hive.exec.local.scratchdir", scratch.resolve("local").toString());
    hive.put("hive.exec.scratchdir", scratch.resolve("hdfs").toString());
    hive.put("hive.downloaded.resources.dir", scratch.resolve("resources").toString());
    hive.put("hive.server2.logging.operation.enabled", "false");
    hive.forEach(System::setProperty);
    // Hive's session start touches the embedded Derby driver, which would leave derby.log in the working folder.
    System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());
    if (keystorePassword != null) {
      System.setProperty("hive.server2.use.SSL", "true");
      System.setProperty("hive.server2.keystore.path", sql.keystore());
      System.setProperty("hive.server2.keystore.password", keystorePassword);
    }
    try {
      // Every session's start creates the resources folder when it is missing: clients connecting at once raced to
      // create it, and the loser's session failed ("Couldn't create directory"). It exists before the first session.
      for (String folder : java.util.List.of("local", "resources")) {
        Files.createDirectories(scratch.resolve(folder));
      }
    } catch (java.io.IOException e) {
      throw LakehouseException.usage("Cannot create the server's scratch folder " + scratch + ": " + e.getMessage());
    }

    Map<String, String> sparkConf = new LinkedHashMap<>(settings.sparkConf());
    String extensions = sparkConf.getOrDefault("spark.sql.extensions", "");
    sparkConf.put("spark.sql.extensions", (extensions.isBlank() ? "" : extensions + ",") + Governance.class.getName());
    // No table is read by path: only registered tables, which the rules govern (and no one may set this back).
    sparkConf.put("spark.sql.runSQLOnFiles", "false");
    sparkConf.put("spark.sql.hive.thriftServer.singleSession", "false");
    // Concurrent clients share the cores fairly: a dashboard's small queries do not wait behind another's large one.
    sparkConf.putIfAbsent("spark.scheduler.mode", "FAIR");
    // The table format answers min/max/count from its file statistics, but converts dates as java.sql.Date, which
    // fails under the java.time dates the Thrift server's sessions use: scan instead.
    sparkConf.put("spark.databricks.delta.optimizeMetadataQuery.enabled", "false");
    sparkConf.put("spark.hadoop.hive.server2.thrift.port", Integer.toString(sql.port()));
    sparkConf.put("spark.hadoop.hive.server2.thrift.bind.host", sql.host());
    LakehouseSettings serverSettings = new LakehouseSettings(settings.env(), settings.landing(), settings.warehouse(),
        settings.sparkMaster(), sparkConf, settings.streams(), settings.config());
    SparkSession spark = SparkSessions.create(serverSettings, "lakehouse sql-server");

    AccessPolicy policy = new AccessPolicy(sql);
    ServedCatalog catalog = new ServedCatalog(spark, settings.warehouse(), sql, MetricContracts.from(settings.config()));
    ServedCatalog.Changes first = refresh(catalog);
    QueryAudit audit = new QueryAudit(sql.users(), QuerySet.from(settings.config()));
    spark.sparkContext().addSparkListener(audit);
    String auditLocation = new TableCatalog(settings.warehouse()).location(QueryAudit.TABLE);
    SqlAuthenticator.use(sql.users());
    Governance.enforce(policy, scala.collection.JavaConverters.mapAsJavaMap(spark.conf().getAll()),
        io.profitos.lakehouse.silver.PiiKey.resolve(settings));
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    ResultCache cache = sql.cacheMaxRows() == 0 ? null : new ResultCache(sql.cacheMaxRows(), sql.cacheMaxEntries(),
        new TableCatalog(settings.warehouse()), spark.sparkContext().hadoopConfiguration());
    GovernedOperations.install(server, policy, audit, cache);

    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sql-server-maintenance");
      t.setDaemon(true);
      return t;
    });
    timers.scheduleWithFixedDelay(() -> {
      try {
        ServedCatalog.Changes c = refresh(catalog);
        if (c.added() + c.updated() + c.dropped() > 0) {
          LOG.info("catalog refreshed: {} added, {} updated, {} dropped, {} tables", c.added(), c.updated(), c.dropped(), c.tables());
        }
      } catch (Exception e) {
        LOG.warn("catalog refresh failed (the next one retries)", e);
      }
    }, sql.refreshInterval().toMillis(), sql.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(() -> flush(audit, spark, auditLocation, false), sql.auditFlushInterval().toMillis(),
        sql.auditFlushInterval().toMillis(), TimeUnit.MILLISECONDS);

    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      timers.shutdownNow();
      try {
        server.stop();
      } catch (RuntimeException e) {
        LOG.warn("stopping the Thrift server: {}", e.toString());
      }
      flush(audit, spark, auditLocation, true);
      spark.stop();
    };

    String url = "jdbc:hive2://" + sql.host() + ":" + sql.port() + "/default"
        + (sql.transport().equals("http") ? ";transportMode=http;httpPath=" + sql.httpPath() : "")
        + (keystorePassword != null ? ";ssl=true" : "");
    if (!sql.authentication()) {
      out.println("WARNING: authentication is OFF: anyone who can reach " + sql.host() + ":" + sql.port()
          + " may connect under any configured user's name. Only for loopback use; set lakehouse.sql-server.authentication = password.");
    }
    out.printf("SQL server ready: %s (%s transport%s, %s), %d tables in %s.%n", url, sql.transport(),
        keystorePassword != null ? ", TLS" : "", sql.authentication() ? "password authentication" : "no authentication",
        first.tables(), String.join(", ", sql.databases()));
    out.flush();
    return new Running() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public void stop() {
        stop.run();
      }
    };
  }

  /**
   * HiveServer2 gives each session a class loader whose parent is the JVM's class path, not spark-submit's loader of the
   * application jar, so a session could not load the table format's catalog. Under spark-submit the jar must also be on
   * the driver's class path.
   */
  private static void requireJarOnSystemClassPath() {
    try {
      Class.forName("org.apache.spark.sql.delta.catalog.DeltaCatalog", false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException e) {
      String jar = String.valueOf(SqlServer.class.getProtectionDomain().getCodeSource().getLocation()).replaceFirst("^file:", "");
      throw LakehouseException.usage("The SQL server's sessions load classes from the driver's class path, which lacks the "
          + "application jar: under spark-submit add --driver-class-path " + jar + " (or spark.driver.extraClassPath).");
    }
  }

  private static ServedCatalog.Changes refresh(ServedCatalog catalog) {
    ServedCatalog.Changes[] c = new ServedCatalog.Changes[1];
    Governance.internal(() -> c[0] = catalog.refresh());
    return c[0];
  }

  private static void flush(QueryAudit audit, SparkSession spark, String location, boolean shutdown) {
    try {
      audit.flush(spark, location, shutdown);
    } catch (Exception e) { // Scala code throws checked exceptions undeclared; a scheduled task must not die of one
      LOG.warn("audit flush failed (kept for the next one)", e);
    }
  }
}
