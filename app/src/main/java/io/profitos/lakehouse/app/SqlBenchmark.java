package io.profitos.lakehouse.app;

import com.typesafe.config.ConfigValueFactory;
import io.profitos.lakehouse.app.sql.QuerySet;
import io.profitos.lakehouse.app.sql.SqlServer;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lakehouse bench sql}: the query set of {@code conf/sql} through the SQL server, as BI tools use it. A warehouse
 * is built once at the scale (kept for later runs), the server is started in this process on a free loopback port, and
 * N clients (one JDBC connection per role each) load every dashboard, each query after the other as a dashboard
 * loads, and run every template with values from its samples, for R rounds after two untimed warm-up rounds; first
 * with every statement made unique (no cached answer), then as sent. A query's time is from sending it to its last row
 * fetched. Prints p50 and p95 per query, per dashboard and per template, both ways, against the targets: 1 s per
 * dashboard query, 3 s per dashboard, 5 s per template.
 */
final class SqlBenchmark {
  static final double QUERY_TARGET_SECONDS = 1;
  static final double DASHBOARD_TARGET_SECONDS = 3;
  static final double TEMPLATE_TARGET_SECONDS = 5;

  private final LakehouseSettings settings;
  private final Path work;
  private final Path confDir;
  private final double scale;
  private final long seed;
  private final int clients;
  private final int rounds;
  private final PrintStream out;
  private final Map<String, List<Double>> seconds = new ConcurrentHashMap<>();

  SqlBenchmark(LakehouseSettings settings, Path work, Path confDir, double scale, long seed, int clients, int rounds, PrintStream out) {
    this.settings = settings;
    this.work = work;
    this.confDir = confDir;
    this.scale = scale;
    this.seed = seed;
    this.clients = clients;
    this.rounds = rounds;
    this.out = out;
  }

  int run() throws Exception {
    QuerySet queries = QuerySet.from(settings.config());
    Path root = work.resolve(String.format(Locale.ROOT, "sql-scale%s-seed%d", scale, seed));
    LakehouseSettings s = BronzeBenchmark.at(settings, root.resolve("landing"), root.resolve("warehouse"));
    build(s, root.resolve("landing"), root.resolve("warehouse"));

    // The server as deployed but for the logins: on loopback, one user per role (no passwords), and each role allowed
    // as many statements at once as there are clients (the limits are policy, not what is measured here).
    Set<String> roles = new LinkedHashSet<>();
    queries.dashboards().forEach(d -> roles.add(d.role()));
    queries.templates().forEach(t -> roles.add(t.role()));
    com.typesafe.config.Config c = s.config()
        .withValue("lakehouse.sql-server.host", ConfigValueFactory.fromAnyRef("127.0.0.1"))
        .withValue("lakehouse.sql-server.port", ConfigValueFactory.fromAnyRef(freePort()))
        .withValue("lakehouse.sql-server.authentication", ConfigValueFactory.fromAnyRef("none"))
        .withValue("lakehouse.sql-server.refresh-interval", ConfigValueFactory.fromAnyRef("2s"))
        .withValue("lakehouse.sql-server.audit-flush-interval", ConfigValueFactory.fromAnyRef("1s"))
        .withValue("lakehouse.sql-server.users", ConfigValueFactory.fromMap(Map.of()));
    for (String role : roles) {
      if (!c.hasPath("lakehouse.sql-server.roles." + role)) {
        throw LakehouseException.usage("conf/sql runs queries as role " + role + ", which lakehouse.sql-server.roles does not define.");
      }
      c = c.withValue("lakehouse.sql-server.users.bench_" + role + ".role", ConfigValueFactory.fromAnyRef(role))
          .withValue("lakehouse.sql-server.roles." + role + ".limits.max-concurrent", ConfigValueFactory.fromAnyRef(
              Math.max(clients, c.hasPath("lakehouse.sql-server.roles." + role + ".limits.max-concurrent")
                  ? c.getInt("lakehouse.sql-server.roles." + role + ".limits.max-concurrent") : 0)));
    }
    LakehouseSettings serverSettings = LakehouseSettings.from(c, Path.of("").toAbsolutePath());
    SqlServer.Running server = SqlServer.start(serverSettings, out);
    try {
      String url = server.url();
      out.printf(Locale.ROOT, "bench sql: %d dashboards (%d queries) and %d templates, %d clients; each phase 2 warm-up rounds and %d "
          + "timed rounds%n", queries.dashboards().size(), queries.dashboards().stream().mapToInt(d -> d.queries().size()).sum(),
          queries.templates().size(), clients, rounds);
      if (roles.contains("admin")) {
        awaitAuditLog(url);
      }
      Map<String, Double> walls = new LinkedHashMap<>();
      for (String phase : PHASES) {
        // Untimed warm-up, one client: twice, as the cache keeps a result from a statement's second run on.
        round(url, queries, phase, 0, -1);
        round(url, queries, phase, 0, -1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < clients; i++) {
          int client = i;
          done.add(pool.submit(() -> {
            for (int r = 0; r < rounds; r++) {
              round(url, queries, phase, client + r, client * rounds + r);
            }
            return null;
          }));
        }
        try {
          for (Future<?> f : done) {
            f.get();
          }
        } finally {
          pool.shutdownNow();
        }
        walls.put(phase, (System.nanoTime() - t0) / 1e9);
      }
      return report(queries, walls);
    } finally {
      server.stop();
    }
  }

  /**
   * The phases: {@code cold}, every statement made unique by a comment so that no result is answered from memory (what
   * each query costs the first time after a publish), then {@code served}, the statements as the dashboards send them
   * (what users see between publishes; templates take a different sample each run, so most of them still run).
   */
  static final List<String> PHASES = List.of("cold", "served");

  /** The scale's warehouse, built with every layer and the shipped models the first time. */
  private void build(LakehouseSettings s, Path landing, Path warehouse) {
    Path done = warehouse.resolve(".bench-sql-built");
    if (Files.exists(done)) {
      out.println("bench sql: using the warehouse built earlier in " + warehouse + " (delete it to build a new one).");
      return;
    }
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    BronzeBenchmark.generateOnce(spec, out);
    out.printf(Locale.ROOT, "bench sql: building every layer at scale %s (untimed, kept in %s) ...%n", scale, warehouse);
    int exit = Commands.withSpark(s, "lakehouse bench sql (build)", spark ->
        DemoCommands.runAll(spark, s, JobRegistry.discover(s).all(), UUID.randomUUID().toString(), spec.asOf(), confDir, out).exitCode());
    if (exit != 0 && exit != LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench sql: building the warehouse failed (exit " + exit + ")");
    }
    try {
      Files.writeString(done, spec.asOf() + "\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Waits until the audit log (which the pipeline-health dashboard reads) exists and is served: the server creates it
   * with its first statements and registers it at its next refresh.
   */
  private static void awaitAuditLog(String url) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(1).toNanos();
    try (Connection c = DriverManager.getConnection(url, "bench_admin", "")) {
      while (true) {
        // A metadata call (not a query of a table that is not there yet, which the server would log as an error).
        try (ResultSet r = c.getMetaData().getTables(null, "ops", "query_audit_log", null)) {
          if (r.next()) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("bench sql: the server did not serve ops.query_audit_log within a minute");
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * One client's round of a phase: every dashboard (starting at a different one per client), then every template with
   * its {@code sample}-th values; {@code sample} -1 is the untimed warm-up.
   */
  private void round(String url, QuerySet queries, String phase, int offset, int sample) throws SQLException {
    boolean timed = sample >= 0;
    Map<String, Connection> connections = new LinkedHashMap<>();
    try {
      List<QuerySet.Dashboard> dashboards = new ArrayList<>(queries.dashboards());
      Collections.rotate(dashboards, -(offset % Math.max(1, dashboards.size())));
      for (QuerySet.Dashboard d : dashboards) {
        Connection c = connection(connections, url, d.role());
        double total = 0;
        for (QuerySet.Query q : d.queries()) {
          double t = time(c, statement(phase, q.sql()));
          total += t;
          record(timed, phase, q.qualifiedName(), t);
        }
        record(timed, phase, "dashboards." + d.name(), total);
      }
      for (QuerySet.Template t : queries.templates()) {
        String sql = sample < 0 ? t.example() : t.sample(sample);
        record(timed, phase, t.qualifiedName(), time(connection(connections, url, t.role()), statement(phase, sql)));
      }
    } finally {
      for (Connection c : connections.values()) {
        c.close();
      }
    }
  }

  private final java.util.concurrent.atomic.AtomicLong unique = new java.util.concurrent.atomic.AtomicLong();

  private String statement(String phase, String sql) {
    return phase.equals("cold") ? "/* bench sql cold " + unique.incrementAndGet() + " */ " + sql : sql;
  }

  private static Connection connection(Map<String, Connection> open, String url, String role) throws SQLException {
    Connection c = open.get(role);
    if (c == null) {
      c = DriverManager.getConnection(url, "bench_" + role, "");
      open.put(role, c);
    }
    return c;
  }

  /** Seconds from sending a statement to its last row. */
  private static double time(Connection c, String sql) throws SQLException {
    long t0 = System.nanoTime();
    try (Statement st = c.createStatement()) {
      st.setFetchSize(10_000);
      try (ResultSet r = st.executeQuery(sql)) {
        while (r.next()) {
          // every row fetched, as a dashboard renders them
        }
      }
    } catch (SQLException e) {
      throw new SQLException("bench sql: a query failed: " + e.getMessage() + "\n" + sql, e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private void record(boolean timed, String phase, String name, double t) {
    if (timed) {
      seconds.computeIfAbsent(phase + ":" + name, k -> Collections.synchronizedList(new ArrayList<>())).add(t);
    }
  }

  /** The nearest-rank percentile {@code p} (0-100) of {@code values}. */
  static double percentile(List<Double> values, double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private int report(QuerySet queries, Map<String, Double> walls) {
    out.println();
    out.println("name                                                  runs   cold p50  cold p95  served p50  served p95  target  "
        + "p95 within target (cold / served)");
    int[] queriesMet = new int[2];
    int[] dashboardsMet = new int[2];
    int[] templatesMet = new int[2];
    int queryCount = 0;
    for (QuerySet.Dashboard d : queries.dashboards()) {
      for (QuerySet.Query q : d.queries()) {
        queryCount++;
        add(queriesMet, line(q.qualifiedName(), QUERY_TARGET_SECONDS));
      }
      add(dashboardsMet, line("dashboards." + d.name(), DASHBOARD_TARGET_SECONDS));
    }
    for (QuerySet.Template t : queries.templates()) {
      add(templatesMet, line(t.qualifiedName(), TEMPLATE_TARGET_SECONDS));
    }
    out.println();
    for (int i = 0; i < PHASES.size(); i++) {
      String phase = PHASES.get(i);
      long statements = 0;
      for (QuerySet.Dashboard d : queries.dashboards()) {
        for (QuerySet.Query q : d.queries()) {
          statements += seconds.getOrDefault(phase + ":" + q.qualifiedName(), List.of()).size();
        }
      }
      for (QuerySet.Template t : queries.templates()) {
        statements += seconds.getOrDefault(phase + ":" + t.qualifiedName(), List.of()).size();
      }
      double wall = walls.get(phase);
      out.printf(Locale.ROOT, "bench sql scale %s, %d clients, %s: %d statements in %.1f s (%.1f per second); p95 within target: %d of %d "
          + "dashboard queries (%.0f s), %d of %d dashboards (%.0f s), %d of %d templates (%.0f s).%n", scale, clients, phase, statements,
          wall, statements / wall, queriesMet[i], queryCount, QUERY_TARGET_SECONDS, dashboardsMet[i], queries.dashboards().size(),
          DASHBOARD_TARGET_SECONDS, templatesMet[i], queries.templates().size(), TEMPLATE_TARGET_SECONDS);
    }
    return 0;
  }

  private static void add(int[] counts, boolean[] met) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += met[i] ? 1 : 0;
    }
  }

  /** One line of the table: both phases' p50 and p95; whether each phase's p95 is within the target. */
  private boolean[] line(String name, double target) {
    boolean[] met = new boolean[PHASES.size()];
    StringBuilder cells = new StringBuilder();
    int runs = 0;
    for (int i = 0; i < PHASES.size(); i++) {
      List<Double> t = seconds.getOrDefault(PHASES.get(i) + ":" + name, List.of());
      runs = Math.max(runs, t.size());
      if (t.isEmpty()) {
        cells.append(String.format(Locale.ROOT, "%9s  %9s  ", "-", "-"));
        continue;
      }
      double p95 = percentile(t, 95);
      met[i] = p95 <= target;
      cells.append(String.format(Locale.ROOT, i == 0 ? "%9.2f %9.2f  " : "%10.2f  %10.2f  ", percentile(t, 50), p95));
    }
    out.printf(Locale.ROOT, "%-52s %5d  %s%4.0f s   %s / %s%n", name, runs, cells, target, met[0] ? "met" : "NOT MET",
        met[1] ? "met" : "NOT MET");
    return met;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
    }
  }
}
