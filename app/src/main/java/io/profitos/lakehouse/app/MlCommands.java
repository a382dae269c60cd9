package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.ml.ModelRegistry;
import io.profitos.lakehouse.ml.ModelReport;
import io.profitos.lakehouse.ml.ModelSpec;
import io.profitos.lakehouse.ml.ModelTraining;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code lakehouse ml train|list|promote|rollback|score|report}. */
final class MlCommands {
  private MlCommands() {}

  static int ml(String[] args, PrintStream out) {
    CliArgs a = CliArgs.parse(args, Commands.union(Commands.COMMON, Set.of("model-conf", "run-date", "out")), Set.of());
    if (a.help || a.positional.isEmpty()) {
      out.print(Help.ML);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    String tool = a.positional.get(0);
    LakehouseSettings settings = Commands.settings(a);
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    return switch (tool) {
      case "train" -> {
        ModelSpec spec = spec(a, settings);
        out.printf(Locale.ROOT, "Training model %s from %s ...%n", spec.name(), spec.source().describe());
        ModelTraining.Outcome o;
        try (WarehouseLease lease = Commands.lease(settings, "lakehouse ml train " + spec.name(), java.util.UUID.randomUUID().toString())) {
          o = Commands.withSpark(settings, "lakehouse ml train " + spec.name(),
              spark -> ModelTraining.trainAndRegister(spark, catalog, spec, Instant.now()));
        }
        out.print(ModelReport.text(o));
        yield 0;
      }
      case "list" -> {
        if (a.positional.size() > 2) {
          throw LakehouseException.usage("'lakehouse ml list' takes at most one model name.");
        }
        String model = a.positional.size() == 2 ? a.positional.get(1) : null;
        List<ModelRegistry.Version> versions = Commands.withSpark(settings, "lakehouse ml list",
            spark -> new ModelRegistry(spark, catalog).versions(model));
        if (versions.isEmpty()) {
          out.println(model == null ? "No model is registered yet: train one with 'lakehouse ml train <model>'."
              : "Model '" + model + "' has no registered version.");
          yield 0;
        }
        out.printf(Locale.ROOT, "%-20s %7s %-10s %-22s %-24s %8s %8s  %s%n", "model", "version", "status", "trained at",
            "algorithm", "AUC-ROC", "Brier", "why");
        for (ModelRegistry.Version v : versions) {
          out.printf(Locale.ROOT, "%-20s %7s %-10s %-22s %-24s %8.4f %8.4f  %s%n", v.model(), "v" + v.version(), v.status(),
              v.trainedAt().toString().replaceAll("\\.\\d+Z$", "Z"), v.algorithm(), v.metrics().get("auc_roc"),
              v.metrics().get("brier"), v.statusReason());
        }
        yield 0;
      }
      case "promote", "rollback" -> {
        if (a.positional.size() != 3 || !a.positional.get(2).matches("v?\\d+")) {
          throw LakehouseException.usage("'lakehouse ml " + tool + "' takes a model and a version, e.g. 'lakehouse ml " + tool
              + " churn 3'.");
        }
        String model = a.positional.get(1);
        int version = Integer.parseInt(a.positional.get(2).replaceFirst("^v", ""));
        ModelRegistry.Version v;
        try (WarehouseLease lease = Commands.lease(settings, "lakehouse ml " + tool + " " + model, java.util.UUID.randomUUID().toString())) {
          v = Commands.withSpark(settings, "lakehouse ml " + tool, spark -> new ModelRegistry(spark, catalog)
              .makeChampion(model, version, tool.equals("promote") ? "promoted by hand" : "rolled back to by hand", Instant.now()));
        }
        out.printf(Locale.ROOT, "Model %s v%d is now the champion (%s).%n", v.model(), v.version(), v.statusReason());
        yield 0;
      }
      case "score" -> {
        if (a.positional.size() != 2) {
          throw LakehouseException.usage("'lakehouse ml score' takes a model, e.g. 'lakehouse ml score churn --run-date 2026-11-20'.");
        }
        List<io.profitos.lakehouse.core.job.LakehouseJob> jobs = new java.util.ArrayList<>();
        io.profitos.lakehouse.core.job.JobRegistry registry = io.profitos.lakehouse.core.job.JobRegistry.discover(settings);
        for (String job : io.profitos.lakehouse.ml.MlJobProvider.scoringJobs(a.positional.get(1), settings.config())) {
          jobs.addAll(registry.resolve(job));
        }
        yield Commands.runJobs(settings, "lakehouse ml score " + a.positional.get(1), jobs, Commands.runDate(a), false, out);
      }
      case "report" -> {
        if (a.positional.size() != 2) {
          throw LakehouseException.usage("'lakehouse ml report' takes a model, e.g. 'lakehouse ml report churn'.");
        }
        String model = a.positional.get(1);
        Path dir = Path.of(a.option("out", "work-local/reports"));
        ModelReport.Registered r = Commands.withSpark(settings, "lakehouse ml report " + model,
            spark -> ModelReport.registered(spark, catalog, model));
        out.print(r.text());
        try {
          java.nio.file.Files.createDirectories(dir);
          Path json = dir.resolve(model + "-v" + r.version().version() + "-report.json");
          Path csv = dir.resolve(model + "-v" + r.version().version() + "-report.csv");
          java.nio.file.Files.writeString(json, r.json());
          java.nio.file.Files.writeString(csv, r.csv());
          out.printf(Locale.ROOT, "%nWritten: %s and %s%n", json, csv);
        } catch (java.io.IOException e) {
          throw LakehouseException.usage("Cannot write the report to " + dir + " (" + e.getMessage() + "): pass --out DIR, a "
              + "folder you can write to.");
        }
        yield 0;
      }
      default -> throw LakehouseException.usage("Unknown 'lakehouse ml' command '" + tool + "': use train, list, promote, "
          + "rollback, score or report. See 'lakehouse ml --help'.");
    };
  }

  /** --model-conf FILE, or a model name found in the configured models folder. */
  private static ModelSpec spec(CliArgs a, LakehouseSettings settings) {
    String file = a.option("model-conf", null);
    if ((file == null) == (a.positional.size() != 2)) {
      throw LakehouseException.usage("'lakehouse ml train' takes a model name (conf/models/<name>.conf) or --model-conf FILE, "
          + "not both. See 'lakehouse ml --help'.");
    }
    if (file != null) {
      return ModelSpec.parse(Path.of(file), settings.config());
    }
    Path confDir = Commands.confDir(a);
    if (confDir == null) {
      throw LakehouseException.usage("No configuration folder to find model '" + a.positional.get(1) + "' in: pass --conf-dir "
          + "DIR or --model-conf FILE.");
    }
    return ModelSpec.parse(confDir.resolve(settings.config().getString("lakehouse.ml.models-dir"))
        .resolve(a.positional.get(1) + ".conf"), settings.config());
  }
}
