package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.gold.MetricContracts;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code lakehouse decisions add|close|list|history}: the decision log and action tracker, {@code ops.decision_log}. */
final class DecisionCommands {
  private static final Set<String> STATUSES = Set.of("open", "overdue", "closed", "all");

  private DecisionCommands() {}

  static int decisions(String[] args, PrintStream out) {
    CliArgs a = CliArgs.parse(args, Commands.union(Commands.COMMON, Set.of("date", "forum", "owner", "exception", "action", "impact",
        "assignee", "due", "analysis", "metric", "segment", "period", "operator", "value", "note", "status", "as-of")), Set.of());
    if (a.help || a.positional.isEmpty()) {
      out.print(Help.DECISIONS);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    String tool = a.positional.get(0);
    int arguments = switch (tool) {
      case "add", "list" -> 1;
      case "close", "history" -> 2;
      default -> throw LakehouseException.usage("Unknown 'lakehouse decisions' command '" + tool + "': use add, close, list or "
          + "history. See 'lakehouse decisions --help'.");
    };
    if (a.positional.size() != arguments) {
      throw LakehouseException.usage(arguments == 2 ? "'lakehouse decisions " + tool + "' takes an action's id, e.g. 'lakehouse "
          + "decisions " + tool + " A-3'." : "'lakehouse decisions " + tool + "' takes no argument but its options.");
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate asOf = date(a, "as-of", today);
    String status = a.option("status", "open");
    if (!STATUSES.contains(status)) {
      throw LakehouseException.usage("--status '" + status + "': give open (the default, overdue ones included), overdue, closed or all.");
    }
    LakehouseSettings settings = Commands.settings(a);
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    MetricContracts contracts = MetricContracts.from(settings.config());
    // add and close write: under the warehouse lease, as every writing command (on S3 a Delta log has one writer at a time).
    try (WarehouseLease lease = tool.equals("add") || tool.equals("close")
        ? Commands.lease(settings, "lakehouse decisions " + tool, java.util.UUID.randomUUID().toString()) : null) {
      return inSpark(a, tool, settings, catalog, contracts, today, asOf, status, out);
    }
  }

  private static int inSpark(CliArgs a, String tool, LakehouseSettings settings, TableCatalog catalog, MetricContracts contracts,
      LocalDate today, LocalDate asOf, String status, PrintStream out) {
    return Commands.withSpark(settings, "lakehouse decisions " + tool, spark -> {
      DecisionLog log = new DecisionLog(spark, catalog, contracts);
      switch (tool) {
        case "add" -> {
          DecisionLog.Entry e = log.add(new DecisionLog.NewAction(date(a, "date", today), a.option("forum", null),
              a.option("owner", null), a.option("exception", null), a.option("action", null), a.option("impact", null),
              a.option("assignee", null), date(a, "due", null), a.option("analysis", null), a.option("metric", null),
              a.option("segment", null), a.option("period", null), a.option("operator", null), a.option("value", null)),
              Instant.now());
          out.printf(Locale.ROOT, "Added %s: %s %s, due %s; it closes when %s.%n", e.decisionId(), e.action(), e.assignee(),
              e.dueDate(), e.criterion().describe());
        }
        case "close" -> {
          DecisionLog.Entry e = log.close(a.positional.get(1), a.option("note", null), Instant.now());
          out.printf(Locale.ROOT, "Closed %s: %s is %s (%s version %d), criterion %s met.%n", e.decisionId(),
              e.criterion().metric(), DecisionLog.number(e.evaluatedValue()), e.criterion().table(), e.evaluatedTableVersion(),
              e.criterion().describe());
        }
        case "history" -> {
          out.printf(Locale.ROOT, "%-8s %-8s %-20s %-8s %14s %8s  %s%n", "revision", "change", "recorded at", "status", "value",
              "version", "note");
          for (DecisionLog.Entry e : log.history(a.positional.get(1))) {
            out.printf(Locale.ROOT, "%-8d %-8s %-20s %-8s %14s %8s  %s%n", e.revision(), e.change(),
                e.recordedAt().toString().replaceAll("\\.\\d+Z$", "Z"), e.status(),
                e.evaluatedValue() == null ? "" : DecisionLog.number(e.evaluatedValue()),
                e.evaluatedTableVersion() == null ? "" : e.evaluatedTableVersion(), e.note() == null ? "" : e.note());
          }
        }
        default -> list(log.current(), status, asOf, out);
      }
      return 0;
    });
  }

  private static void list(List<DecisionLog.Entry> entries, String status, LocalDate asOf, PrintStream out) {
    List<DecisionLog.Entry> shown = entries.stream().filter(e -> switch (status) {
      case "all" -> true;
      case "open" -> !e.status().equals(DecisionLog.CLOSED);
      default -> e.statusOn(asOf).equals(status);
    }).toList();
    if (shown.isEmpty()) {
      out.println(entries.isEmpty() ? "No decision is recorded yet: 'lakehouse decisions add --help' says how to add one."
          : "No " + (status.equals("all") ? "" : status + " ") + "action on " + asOf + ".");
      return;
    }
    out.printf(Locale.ROOT, "%-6s %-8s %-10s %-11s %-18s %-18s %-40s %s%n", "id", "status", "due", "action", "assignee", "owner",
        "closes when", "exception");
    for (DecisionLog.Entry e : shown) {
      out.printf(Locale.ROOT, "%-6s %-8s %-10s %-11s %-18s %-18s %-40s %s%n", e.decisionId(), e.statusOn(asOf), e.dueDate(),
          e.action(), e.assignee(), e.decisionOwner(), e.criterion().describe(), e.triggerException());
    }
  }

  private static LocalDate date(CliArgs a, String option, LocalDate otherwise) {
    String text = a.option(option, null);
    if (text == null) {
      return otherwise;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw LakehouseException.usage("--" + option + " '" + text + "' is not a date: give it as YYYY-MM-DD.");
    }
  }
}
