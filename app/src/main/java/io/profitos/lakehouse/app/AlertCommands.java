package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;

/** {@code lakehouse alerts send|list}: the alert outbox, {@code ops.alert_outbox}, and its webhook. */
final class AlertCommands {
  private AlertCommands() {}

  static int alerts(String[] args, PrintStream out) {
    CliArgs a = CliArgs.parse(args, Commands.COMMON, Set.of());
    if (a.help || a.positional.size() != 1) {
      out.print(Help.ALERTS);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    String tool = a.positional.get(0);
    if (!tool.equals("send") && !tool.equals("list")) {
      throw LakehouseException.usage("Unknown 'lakehouse alerts' command '" + tool + "': use send or list. See 'lakehouse alerts --help'.");
    }
    LakehouseSettings settings = Commands.settings(a);
    AlertOutbox.Settings alerts = AlertOutbox.Settings.from(settings.config());
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    if (tool.equals("list")) {
      List<Row> rows = Commands.withSpark(settings, "lakehouse alerts list", spark -> new AlertOutbox(spark, catalog, alerts).list());
      if (rows.isEmpty()) {
        out.println("The alert outbox is empty: 'lakehouse alerts send' queues the exceptions of gold.kpi_exceptions.");
        return 0;
      }
      out.printf(Locale.ROOT, "%-10s %-9s %8s  %-56s %s%n", "status", "severity", "attempts", "alert", "message");
      for (Row r : rows) {
        out.printf(Locale.ROOT, "%-10s %-9s %8d  %-56s %s%n", r.getAs("status"), r.getAs("severity"), r.<Integer>getAs("attempts"),
            r.getAs("alert_key"), r.getAs("message"));
      }
      return 0;
    }
    String variable = settings.config().getString("lakehouse.alerts.webhook.url-env");
    String url = System.getenv(variable);
    URI webhook = null;
    if (url != null && !url.isBlank()) {
      try {
        webhook = URI.create(url.trim());
        if (webhook.getScheme() == null || !webhook.getScheme().matches("https?") || webhook.getHost() == null) {
          throw new IllegalArgumentException("not an http(s) URL");
        }
      } catch (IllegalArgumentException e) {
        // The URL may hold a token: say which variable is wrong, never its value.
        throw LakehouseException.usage("$" + variable + " is not an http(s) URL: set it to the webhook's URL, or unset it to only "
            + "queue the alerts.");
      }
    }
    URI target = webhook;
    AlertOutbox.Outcome o;
    try (WarehouseLease lease = Commands.lease(settings, "lakehouse alerts send", java.util.UUID.randomUUID().toString())) {
      o = Commands.withSpark(settings, "lakehouse alerts send",
          spark -> new AlertOutbox(spark, catalog, alerts).send(target, Instant.now(), key -> { }));
    }
    for (Row r : o.queued()) {
      out.printf(Locale.ROOT, "Queued %s (%s): %s%n", r.getAs("alert_key"), r.getAs("severity"), r.getAs("message"));
    }
    out.printf(Locale.ROOT, "%d alert(s) queued (files in %s); %s.%n", o.queued().size(), alerts.outboxDir().toAbsolutePath(),
        target == null ? "no webhook ($" + variable + " is not set): nothing posted"
            : o.delivered() + " delivered to " + target.getHost() + ", " + o.failed().size() + " still pending");
    o.failed().forEach(f -> out.println("Not delivered (the next 'lakehouse alerts send' retries it): " + f));
    return o.failed().isEmpty() ? 0 : LakehouseException.EXIT_FAILURE;
  }
}
