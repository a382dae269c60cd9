package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.to_date;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.JobRunner;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.demo.DemoSpec;
import io.profitos.lakehouse.ml.Evaluation;
import io.profitos.lakehouse.ml.MlJobProvider;
import io.profitos.lakehouse.ml.ModelSpec;
import io.profitos.lakehouse.ml.ModelTraining;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse bench ml}: on a demo warehouse of one scale (generated and built once, untimed), trains the two
 * shipped models (timed), scores the as-of date with each champion (timed: rows per second) and sets each model's
 * held-out figures beside its baseline's and the generator's oracle (its own probabilities, on the same held-out
 * rows), with the quality bar: AUC-ROC at least baseline + 0.5 x (oracle - baseline), Brier below the baseline's, and
 * the lead model's AUC-ROC at least 0.75.
 */
final class MlBenchmark {
  static final double LEAD_AUC_TARGET = 0.75;
  private final SparkSession spark;
  private final LakehouseSettings settings;
  private final Path work;
  private final Path modelsDir;
  private final double scale;
  private final long seed;
  private final PrintStream out;

  MlBenchmark(SparkSession spark, LakehouseSettings settings, Path work, Path modelsDir, double scale, long seed, PrintStream out) {
    this.spark = spark;
    this.settings = settings;
    this.work = work;
    this.modelsDir = modelsDir;
    this.scale = scale;
    this.seed = seed;
    this.out = out;
  }

  record Result(String model, double trainSeconds, Evaluation heldOut, Evaluation baseline, Evaluation oracle, long oracleRows,
      long scoredRows, double scoreSeconds) {}

  int run() {
    Path root = work.resolve(String.format(Locale.ROOT, "ml-scale%s-seed%d", scale, seed));
    Path landing = root.resolve("landing");
    LakehouseSettings s = BronzeBenchmark.at(settings, landing, root.resolve("warehouse"));
    DemoSpec spec = DemoSpec.of(scale, seed, landing);
    LocalDate runDate = spec.asOf();
    BronzeBenchmark.generateOnce(spec, out);
    JobRegistry registry = JobRegistry.discover(s);
    out.printf(Locale.ROOT, "scale %s: building bronze, silver, gold and the feature tables (untimed, kept in %s) ...%n", scale, root);
    for (String layer : List.of("bronze", "silver", "gold")) {
      run(s, registry.layer(layer), runDate);
    }
    TableCatalog catalog = new TableCatalog(s.warehouse());
    List<Result> results = new ArrayList<>();
    String[][] models = {{"churn", "churn_probability.csv"}, {"lead_score", "lead_conversion.csv"}};
    for (String[] m : models) {
      List<String> jobs = MlJobProvider.scoringJobs(m[0], s.config());
      run(s, registry.resolve(jobs.get(0)), runDate);
      ModelSpec model = ModelSpec.parse(modelsDir.resolve(m[0] + ".conf"), s.config());
      out.printf(Locale.ROOT, "%s: training ...%n", m[0]);
      long t0 = System.nanoTime();
      ModelTraining.Outcome trained = ModelTraining.trainAndRegister(spark, catalog, model, Instant.now());
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      if (!trained.registered().status().equals(io.profitos.lakehouse.ml.ModelRegistry.CHAMPION)) {
        new io.profitos.lakehouse.ml.ModelRegistry(spark, catalog).makeChampion(m[0], trained.registered().version(),
            "bench ml: the version just trained", Instant.now());
      }
      JobRunner.Outcome scored = run(s, registry.resolve(jobs.get(1)), runDate);
      long rows = scored.finished().get(0).result().rowsWritten();
      Path oracleFile = landing.resolve("_truth").resolve(m[1]);
      Evaluation oracle = null;
      long oracleRows = 0;
      if (Files.exists(oracleFile)) {
        double[][] py = oracle(trained.trained().heldOut(), oracleFile, m[0].equals("churn"));
        oracle = Evaluation.of(py[0], py[1]);
        oracleRows = py[0].length;
      }
      results.add(new Result(m[0], trainSeconds, trained.trained().model(), trained.trained().baseline(), oracle, oracleRows, rows,
          scored.wallSeconds()));
    }
    print(results);
    return 0;
  }

  /** The oracle's probability and the label of every held-out row the generator recorded, in two arrays. */
  private double[][] oracle(Dataset<Row> heldOut, Path file, boolean churn) {
    Dataset<Row> truth = spark.read().option("header", "true").csv(file.toAbsolutePath().toString());
    Dataset<Row> joined;
    if (churn) {
      Dataset<Row> keyed = heldOut.withColumn("_ws", split(col("entity"), "\\|").getItem(0));
      joined = keyed.join(truth, keyed.col("_ws").equalTo(truth.col("workspace_id"))
          .and(keyed.col("as_of_date").equalTo(to_date(truth.col("month_end")))))
          .select(truth.col("churn_probability_90d").cast("double"), keyed.col("label"));
    } else {
      joined = heldOut.join(truth, heldOut.col("entity").equalTo(truth.col("lead_id")))
          .select(truth.col("conversion_probability").cast("double"), heldOut.col("label"));
    }
    List<Row> rows = joined.collectAsList();
    double[][] py = new double[2][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      py[0][i] = rows.get(i).getDouble(0);
      py[1][i] = rows.get(i).getDouble(1);
    }
    return py;
  }

  private void print(List<Result> results) {
    out.println();
    out.printf(Locale.ROOT, "bench ml at scale %s (held-out rows; the oracle on the held-out rows the generator recorded)%n", scale);
    out.println("model        train s   held out   AUC model  baseline    oracle  bar (b+0.5(o-b))  Brier model  baseline  "
        + "scored rows  rows/s");
    for (Result r : results) {
      double bar = r.oracle() == null ? Double.NaN : r.baseline().aucRoc() + 0.5 * (r.oracle().aucRoc() - r.baseline().aucRoc());
      out.printf(Locale.ROOT, "%-11s %8.1f %10d %11.4f %9.4f %9s %17s %12.4f %9.4f %12d %7.0f%n", r.model(), r.trainSeconds(),
          r.heldOut().rows(), r.heldOut().aucRoc(), r.baseline().aucRoc(),
          r.oracle() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", r.oracle().aucRoc()),
          Double.isNaN(bar) ? "n/a" : String.format(Locale.ROOT, "%.4f", bar), r.heldOut().brier(), r.baseline().brier(),
          r.scoredRows(), r.scoredRows() / r.scoreSeconds());
    }
    out.println();
    for (Result r : results) {
      List<String> checks = new ArrayList<>();
      if (r.oracle() != null) {
        double bar = r.baseline().aucRoc() + 0.5 * (r.oracle().aucRoc() - r.baseline().aucRoc());
        checks.add(String.format(Locale.ROOT, "AUC %.4f >= bar %.4f: %s (oracle over %,d of %,d rows)", r.heldOut().aucRoc(), bar,
            r.heldOut().aucRoc() >= bar ? "met" : "not met", r.oracleRows(), r.heldOut().rows()));
      } else {
        checks.add("no oracle: the landing zone was generated before the generator wrote _truth/");
      }
      checks.add(String.format(Locale.ROOT, "Brier %.4f < baseline %.4f: %s", r.heldOut().brier(), r.baseline().brier(),
          r.heldOut().brier() < r.baseline().brier() ? "met" : "not met"));
      if (r.model().equals("lead_score")) {
        checks.add(String.format(Locale.ROOT, "AUC >= %.2f: %s", LEAD_AUC_TARGET, r.heldOut().aucRoc() >= LEAD_AUC_TARGET ? "met" : "not met"));
      }
      out.printf(Locale.ROOT, "bench ml %s: %s%n", r.model(), String.join("; ", checks));
    }
  }

  private JobRunner.Outcome run(LakehouseSettings s, List<LakehouseJob> jobs, LocalDate runDate) {
    JobContext ctx = new JobContext(spark, s, new TableCatalog(s.warehouse()), UUID.randomUUID().toString(), runDate, false,
        Clock.systemUTC());
    JobRunner.Outcome outcome = new JobRunner(ctx).run(jobs);
    if (outcome.exitCode() != 0 && outcome.exitCode() != LakehouseException.EXIT_INPUT_REJECTED) {
      throw new IllegalStateException("bench ml: a run failed: " + outcome.firstError());
    }
    return outcome;
  }
}
