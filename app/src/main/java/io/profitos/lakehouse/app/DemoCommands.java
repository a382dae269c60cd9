package io.profitos.lakehouse.app;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.demo.DemoDataGenerator;
import io.profitos.lakehouse.demo.DemoManifest;
import io.profitos.lakehouse.demo.DemoSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The commands that need the demo generator ({@code demo-data}, {@code demo}, {@code bench}). The
 * generator is not in the spark-submit jar; keeping its types out of {@link Commands} lets every
 * other command load without it.
 */
final class DemoCommands {
  private DemoCommands() {}

  static int demoData(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.DEMO_DATA);
      return 0;
    }
    Commands.noPositional(a);
    LakehouseSettings settings = Commands.settings(a);
    DemoSpec spec = demoSpec(a, settings, a.options.containsKey("out") ? Path.of(a.option("out", null)) : Commands.localPath(settings.landing(), "lakehouse.landing"));
    DemoManifest manifest = generate(spec, out);
    out.printf(Locale.ROOT, "Landing zone written to %s (%d streams, %d files, %,d records, MRR at %s: $%,.2f).%n",
        spec.out().toAbsolutePath(), manifest.streams().size(),
        manifest.streams().values().stream().mapToLong(DemoManifest.StreamStats::files).sum(),
        manifest.streams().values().stream().mapToLong(DemoManifest.StreamStats::bronzeRows).sum(),
        manifest.asOf(), manifest.truth().mrrUsdAtAsOf());
    return 0;
  }

  static int demo(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.DEMO);
      return 0;
    }
    Commands.noPositional(a);
    LakehouseSettings settings = Commands.settings(a);
    Path landing = Commands.localPath(settings.landing(), "lakehouse.landing");
    DemoManifest manifest;
    if (!Files.exists(landing.resolve(DemoManifest.FILE_NAME))) {
      out.println("No landing zone at " + landing + ": generating the demo landing zone first.");
      manifest = generate(demoSpec(a, settings, landing), out);
    } else {
      out.println("Using the landing zone at " + landing + " (delete it to generate a new one).");
      try {
        manifest = DemoManifest.read(landing.resolve(DemoManifest.FILE_NAME));
      } catch (IOException e) {
        throw LakehouseException.usage("Cannot read the demo manifest " + landing.resolve(DemoManifest.FILE_NAME) + ": "
            + e.getMessage() + ". Delete " + landing + " to generate a new landing zone.");
      }
    }
    JobRegistry registry = JobRegistry.discover(settings);
    List<LakehouseJob> jobs = registry.all();
    // The demo's business day is the landing zone's as-of date, whatever today is: a re-run on any later day changes nothing.
    LocalDate runDate = a.options.containsKey("run-date") ? Commands.runDate(a) : manifest.asOf();
    out.println("Running " + jobs.size() + " jobs of the layers " + String.join(", ", registry.layers()) + " for " + runDate + " ...");
    String runId = UUID.randomUUID().toString();
    Path confDir = Commands.confDir(a);
    try (WarehouseLease lease = Commands.lease(settings, "lakehouse demo", runId)) {
      return Commands.withSpark(settings, "lakehouse demo", spark -> {
        JobRunner.Outcome outcome = runAll(spark, settings, jobs, runId, runDate, confDir, out);
        Summary.print(outcome, settings, out);
        Headline.print(spark, settings, runId, out);
        return outcome.exitCode();
      });
    }
  }

  /**
   * Runs {@code jobs} for {@code runDate}; the first time, a shipped model without a champion is trained as soon as its
   * feature table is built (before its scored fact runs, which waits for that table).
   */
  static JobRunner.Outcome runAll(org.apache.spark.sql.SparkSession spark, LakehouseSettings settings, List<LakehouseJob> jobs,
      String runId, LocalDate runDate, Path confDir, PrintStream out) {
    Map<String, String> trainAfter = new java.util.HashMap<>();
    for (String model : List.of(settings.config().getString("lakehouse.ml.scoring.churn.model"),
        settings.config().getString("lakehouse.ml.scoring.lead.model"))) {
      trainAfter.put(io.profitos.lakehouse.ml.MlJobProvider.scoringJobs(model, settings.config()).get(0), model);
    }
    TableCatalog catalog = new TableCatalog(settings.warehouse());
    return new JobRunner(new JobContext(spark, settings, catalog, runId, runDate, false, Clock.systemUTC())).run(jobs, finished -> {
      String model = trainAfter.get(finished.job().name());
      if (model != null && finished.result().status().equals("succeeded")) {
        trainIfNoChampion(spark, settings, catalog, confDir, model, out);
      }
    });
  }

  /**
   * Trains {@code model} from {@code <confDir>/models/<model>.conf} if it has no champion yet; a model the data cannot
   * train (too few rows, one class) is reported and left untrained: its scored fact then stays empty.
   */
  private static void trainIfNoChampion(org.apache.spark.sql.SparkSession spark, LakehouseSettings settings,
      TableCatalog catalog, Path confDir, String model, PrintStream out) {
    io.profitos.lakehouse.ml.ModelRegistry registry = new io.profitos.lakehouse.ml.ModelRegistry(spark, catalog);
    if (registry.withStatus(model, io.profitos.lakehouse.ml.ModelRegistry.CHAMPION) != null) {
      return;
    }
    Path file = confDir == null ? null : confDir.resolve(settings.config().getString("lakehouse.ml.models-dir"))
        .resolve(model + ".conf");
    if (file == null || !Files.isRegularFile(file)) {
      out.printf(Locale.ROOT, "Model %s has no champion and no model file to train it from (%s); its scores stay empty.%n",
          model, file == null ? "no conf folder" : file);
      return;
    }
    out.printf(Locale.ROOT, "Training model %s (no champion yet) ...%n", model);
    try {
      io.profitos.lakehouse.ml.ModelTraining.Outcome o = io.profitos.lakehouse.ml.ModelTraining.trainAndRegister(spark, catalog,
          io.profitos.lakehouse.ml.ModelSpec.parse(file, settings.config()), java.time.Instant.now());
      out.printf(Locale.ROOT, "Model %s v%d (%s): held-out AUC-ROC %.4f against the baseline's %.4f, Brier %.4f against %.4f%n",
          model, o.registered().version(), o.registered().status(), o.trained().model().aucRoc(), o.trained().baseline().aucRoc(),
          o.trained().model().brier(), o.trained().baseline().brier());
    } catch (LakehouseException e) {
      out.printf(Locale.ROOT, "Model %s not trained: %s%n", model, e.getMessage());
    }
  }

  static int bench(CliArgs a, PrintStream out) {
    if (a.help) {
      out.print(Help.BENCH);
      return 0;
    }
    if (a.positional.size() != 1 || !List.of("bronze", "silver", "gold", "overhead", "ml", "sql", "faults").contains(a.positional.get(0))) {
      throw LakehouseException.usage("'lakehouse bench' takes a benchmark: bronze, silver, gold, overhead, ml, sql or faults. See 'lakehouse bench --help'.");
    }
    String layer = a.positional.get(0);
    if (layer.equals("faults")) {
      LakehouseSettings fs = Commands.settings(a);
      double fscale = Commands.parseDouble(a.option("scale", "0.01"), "--scale");
      long fseed = benchSeed(a, fs);
      int trials = (int) Commands.parseLong(a.option("trials", "20"), "--trials");
      if (trials < 1) {
        throw LakehouseException.usage("'lakehouse bench faults' needs --trials of at least 1.");
      }
      String targets = a.option("run", "all");
      List<String> layers = a.options.containsKey("layers") ? List.of(a.option("layers", "").split(",")).stream().map(String::trim)
          .filter(l -> !l.isEmpty()).toList() : List.of();
      java.util.Set<String> known = new java.util.TreeSet<>(List.of(FaultBenchmark.BOOKKEEPING));
      io.profitos.lakehouse.core.job.JobRegistry.discover(fs).all().forEach(j -> known.add(j.layer()));
      if ((a.options.containsKey("layers") && layers.isEmpty()) || !known.containsAll(layers)) {
        throw LakehouseException.usage("--layers takes layers separated by commas, of " + known + " (got '" + a.option("layers", "")
            + "').");
      }
      Path fwork = benchWork(a, fs);
      // The runs it starts get this command's environment, configuration folder and --conf settings.
      List<String> passThrough = new java.util.ArrayList<>(List.of("--env", fs.env()));
      Path confDir = Commands.confDir(a);
      if (confDir != null) {
        passThrough.addAll(List.of("--conf-dir", confDir.toAbsolutePath().toString()));
      }
      a.conf.forEach((k, v) -> passThrough.addAll(List.of("--conf", k + "=" + v)));
      return Commands.withSpark(fs, "lakehouse bench faults", spark -> new FaultBenchmark(spark, fwork, fscale, fseed, trials, targets,
          layers, passThrough, fseed, out).run());
    }
    if (layer.equals("sql")) {
      LakehouseSettings ss = Commands.settings(a);
      double sscale = Commands.parseDouble(a.option("scale", "1"), "--scale");
      long sseed = benchSeed(a, ss);
      int clients = (int) Commands.parseLong(a.option("clients", "8"), "--clients");
      int rounds = (int) Commands.parseLong(a.option("repeat", "3"), "--repeat");
      if (clients < 1 || rounds < 1) {
        throw LakehouseException.usage("'lakehouse bench sql' needs --clients and --repeat of at least 1.");
      }
      Path swork = benchWork(a, ss);
      try {
        return new SqlBenchmark(ss, swork, Commands.confDir(a), sscale, sseed, clients, rounds, out).run();
      } catch (LakehouseException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    if (layer.equals("ml")) {
      LakehouseSettings ms = Commands.settings(a);
      Path confDir = Commands.confDir(a);
      if (confDir == null) {
        throw LakehouseException.usage("'lakehouse bench ml' trains the models of conf/models: pass --conf-dir DIR.");
      }
      Path modelsDir = confDir.resolve(ms.config().getString("lakehouse.ml.models-dir"));
      double mscale = Commands.parseDouble(a.option("scale", "1"), "--scale");
      long mseed = benchSeed(a, ms);
      Path mwork = benchWork(a, ms);
      return Commands.withSpark(ms, "lakehouse bench ml", spark -> new MlBenchmark(spark, ms, mwork, modelsDir, mscale, mseed, out).run());
    }
    if (layer.equals("gold")) {
      List<Double> scales = new java.util.ArrayList<>();
      for (String part : a.option("scale", "1").split(",")) {
        scales.add(Commands.parseDouble(part.trim(), "--scale"));
      }
      LakehouseSettings gs = Commands.settings(a);
      long gseed = benchSeed(a, gs);
      Path gwork = benchWork(a, gs);
      return Commands.withSpark(gs, "lakehouse bench gold", spark -> new GoldBenchmark(spark, gs, gwork, scales, gseed, out).run());
    }
    LakehouseSettings settings = Commands.settings(a);
    double scale = Commands.parseDouble(a.option("scale", "1"), "--scale");
    long seed = benchSeed(a, settings);
    int repeat = (int) Commands.parseLong(a.option("repeat", "2"), "--repeat");
    Path work = benchWork(a, settings);
    return Commands.withSpark(settings, "lakehouse bench " + layer, spark -> switch (layer) {
      case "bronze" -> new BronzeBenchmark(spark, settings, work, scale, seed, repeat, out).run();
      case "overhead" -> new OverheadBenchmark(spark, settings, work, scale, seed, out).run();
      default -> new SilverBenchmark(spark, settings, work, scale, seed, out).run();
    });
  }

  /** A benchmark's --seed, by default the demo generator's. */
  private static long benchSeed(CliArgs a, LakehouseSettings settings) {
    return Commands.parseLong(a.option("seed", String.valueOf(settings.config().getLong("lakehouse.demo.seed"))), "--seed");
  }

  /** A benchmark's --work folder, by default 'bench' beside the warehouse. */
  private static Path benchWork(CliArgs a, LakehouseSettings settings) {
    return a.options.containsKey("work") ? Path.of(a.option("work", null))
        : Commands.localPath(settings.warehouse(), "lakehouse.warehouse").resolveSibling("bench");
  }

  private static DemoSpec demoSpec(CliArgs a, LakehouseSettings settings, Path out) {
    Config demo = settings.config().getConfig("lakehouse.demo");
    double scale = Commands.parseDouble(a.option("scale", demo.getString("scale")), "--scale");
    long seed = Commands.parseLong(a.option("seed", demo.getString("seed")), "--seed");
    LocalDate asOf = Commands.parseDate(a.option("as-of", demo.getString("as-of")), "--as-of");
    LocalDate from = a.options.containsKey("from") ? Commands.parseDate(a.option("from", null), "--from") : null;
    LocalDate through = a.options.containsKey("through") ? Commands.parseDate(a.option("through", null), "--through") : null;
    try {
      return new DemoSpec(scale, seed, out, asOf, demo.getInt("daily-days"), demo.getInt("events-days"), from, through);
    } catch (IllegalArgumentException e) {
      throw LakehouseException.usage("Invalid demo-data option: " + e.getMessage() + ".");
    }
  }

  private static DemoManifest generate(DemoSpec spec, PrintStream out) {
    long t0 = System.nanoTime();
    try {
      DemoManifest manifest = DemoDataGenerator.generate(spec);
      out.printf(Locale.ROOT, "Generated the demo landing zone (scale %s, seed %d) in %.1f s.%n", spec.scale(), spec.seed(),
          (System.nanoTime() - t0) / 1e9);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the demo landing zone to " + spec.out() + ": " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw LakehouseException.usage(e.getMessage() + " Use another --out folder or delete the old one.");
    }
  }
}
