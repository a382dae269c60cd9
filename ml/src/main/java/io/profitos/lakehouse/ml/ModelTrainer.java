package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model as its {@link ModelSpec} says: reads the source, checks it (named columns, label classes, feature
 * types) before any fit, resolves the features, splits by time or stratified, compares the algorithms' grids by
 * cross-validation on the fit rows, calibrates the best on the calibration rows, and evaluates it and the baseline on
 * the held-out rows. The only class of the ml layer that reads storage or runs Spark actions for training.
 */
public final class ModelTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
  private static final Pattern TABLE_REF = Pattern.compile("\\b(bronze|silver|gold|ml|ops|quality)\\.([a-z_][a-z0-9_]*)\\b");
  static final String FEATURES = "_features";
  static final String PROBABILITY = "_probability";

  private final SparkSession spark;
  private final TableCatalog catalog;

  public ModelTrainer(SparkSession spark, TableCatalog catalog) {
    this.spark = spark;
    this.catalog = catalog;
  }

  /** What one algorithm scored in cross-validation: its best parameters and their mean AUC-ROC over the folds. */
  public record Candidate(ModelSpec.Algorithm algorithm, Map<String, Double> params, double cvAucRoc) {}

  /**
   * A trained model, before it is registered.
   *
   * @param heldOut the held-out rows: entity, as-of date, calibrated probability, label, baseline probability
   * @param reference the training rows' histogram of every feature and the held-out rows' of the score (drift)
   */
  public record Trained(ModelSpec spec, FeaturePlan plan, PipelineModel pipeline, Platt platt, Candidate chosen,
      List<Candidate> candidates, Evaluation model, Evaluation baseline, Map<String, Double> baselineRates,
      Map<String, Long> rowsByPart, long unlabelled, List<String> warnings, Dataset<Row> heldOut,
      LocalDate testFrom, Map<String, Long> inputVersions, Dataset<Row> source, List<Drift.Histogram> reference) {}

  /** A model's source rows, and the Delta version of every lakehouse table or Delta path they were read at. */
  public record Source(Dataset<Row> rows, Map<String, Long> inputVersions) {}

  /** Reads a model's source rows, each Delta input pinned at its current version (recorded with the model). */
  public Source read(ModelSpec spec) {
    ModelSpec.Source s = spec.source();
    Map<String, Long> versions = new TreeMap<>();
    if (!s.table().isEmpty()) {
      String location = existing(spec, s.table(), "source.table");
      long version = io.profitos.lakehouse.core.table.DeltaTables.version(spark, location);
      versions.put(s.table(), version);
      return new Source(spark.read().format("delta").option("versionAsOf", version).load(location), versions);
    }
    if (!s.sql().isEmpty()) {
      Matcher m = TABLE_REF.matcher(s.sql());
      StringBuilder sql = new StringBuilder();
      while (m.find()) {
        String location = existing(spec, m.group(), "source.sql");
        long version = io.profitos.lakehouse.core.table.DeltaTables.version(spark, location);
        versions.put(m.group(), version);
        m.appendReplacement(sql, Matcher.quoteReplacement("delta.`" + location + "` VERSION AS OF " + version));
      }
      m.appendTail(sql);
      try {
        return new Source(spark.sql(sql.toString()), versions);
      } catch (Exception e) {
        rethrowUnlessAnalysis(e);
        throw LakehouseException.usage("Model '" + spec.name() + "': source.sql does not run: " + firstLine(e.getMessage()));
      }
    }
    try {
      return switch (s.format()) {
        case "csv" -> new Source(spark.read().option("header", "true").option("inferSchema", "false").csv(s.path()), versions);
        case "parquet" -> new Source(spark.read().parquet(s.path()), versions);
        default -> {
          long version = io.profitos.lakehouse.core.table.DeltaTables.version(spark, s.path());
          versions.put(s.path(), version);
          yield new Source(spark.read().format("delta").option("versionAsOf", version).load(s.path()), versions);
        }
      };
    } catch (Exception e) {
      rethrowUnlessAnalysis(e);
      throw LakehouseException.usage("Model '" + spec.name() + "': source.path " + s.path() + " cannot be read as "
          + s.format() + ": " + firstLine(e.getMessage()));
    }
  }

  private String existing(ModelSpec spec, String qualified, String key) {
    TableName table = TableName.parse(qualified);
    if (!catalog.exists(spark, table)) {
      throw LakehouseException.usage("Model '" + spec.name() + "': " + key + " reads " + qualified + ", which does not exist "
          + "under " + catalog.warehouse() + "; run the job that builds it first (lakehouse run " + qualified + ").");
    }
    return catalog.location(table);
  }

  /** Trains, calibrates and evaluates; nothing is written. */
  public Trained train(ModelSpec spec) {
    String at = "Model '" + spec.name() + "' (" + spec.file() + ")";
    Source input = read(spec);
    Dataset<Row> source = input.rows();
    Map<String, Boolean> candidates = FeaturePlan.candidates(spec, source.schema());
    if (!spec.label().expression().isEmpty()) {
      try {
        source.withColumn(ModelData.LABEL, org.apache.spark.sql.functions.expr(spec.label().expression())).schema();
      } catch (Exception e) {
        rethrowUnlessAnalysis(e);
        throw LakehouseException.usage(at + ": label.expression does not evaluate over the source: "
            + firstLine(e.getMessage()));
      }
    }
    Dataset<Row> labelled = source.transform(ModelData.withLabel(spec)::apply);
    List<String> warnings = new ArrayList<>();

    // One pass: label classes, and per candidate its values, numbers among them and distinct values.
    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(when(col(ModelData.LABEL).equalTo(1.0), 1L).otherwise(0L)).as("_pos"));
    aggs.add(sum(when(col(ModelData.LABEL).equalTo(0.0), 1L).otherwise(0L)).as("_neg"));
    aggs.add(count(lit(1)).as("_rows"));
    List<String> names = new ArrayList<>(candidates.keySet());
    for (int i = 0; i < names.size(); i++) {
      Column c = labelled.col(ModelData.quote(names.get(i)));
      DataType t = source.schema().apply(names.get(i)).dataType();
      Column present = t instanceof StringType ? ModelData.present(c) : c.isNotNull();
      aggs.add(sum(when(present, 1L).otherwise(0L)).as("_nb" + i));
      aggs.add(t instanceof StringType
          ? sum(when(ModelData.number(c, true, false).isNotNull(), 1L).otherwise(0L)).as("_np" + i)
          : sum(when(c.isNotNull(), 1L).otherwise(0L)).as("_np" + i));
      aggs.add(approx_count_distinct(when(present, c.cast("string"))).as("_nd" + i));
    }
    Row profileRow = labelled.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    long positives = profileRow.getLong(0);
    long negatives = profileRow.getLong(1);
    long rows = profileRow.getLong(2);
    long unlabelled = rows - positives - negatives;
    if (positives == 0 || negatives == 0) {
      throw LakehouseException.usage(at + ": the label " + spec.label().describe() + " has a single class (" + positives
          + " positive, " + negatives + " negative, " + unlabelled + " blank of " + rows + " rows)" + labelHint(spec, source)
          + ".");
    }
    if (unlabelled > 0) {
      warnings.add(String.format(Locale.ROOT, "%,d of %,d rows have no label and are left out", unlabelled, rows));
    }
    Map<String, FeaturePlan.ColumnProfile> profile = new LinkedHashMap<>();
    Map<String, List<String>> levels = levels(labelled, spec, candidates, names, profileRow);
    for (int i = 0; i < names.size(); i++) {
      profile.put(names.get(i), new FeaturePlan.ColumnProfile(profileRow.getLong(3 + 3 * i), profileRow.getLong(4 + 3 * i),
          profileRow.getLong(5 + 3 * i), levels.getOrDefault(names.get(i), List.of())));
    }
    FeaturePlan plan = FeaturePlan.resolve(spec, source.schema(), candidates, profile);
    plan.excluded().forEach((c, why) -> warnings.add("column '" + c + "' is not a feature: " + why));
    if (plan.features().isEmpty()) {
      throw LakehouseException.usage(at + ": no feature is left (" + String.join("; ", warnings) + "); list usable "
          + "columns in features.numeric or features.categorical.");
    }
    warnings.forEach(w -> LOG.warn("model={} {}", spec.name(), w));

    Dataset<Row> encoded = labelled.filter(col(ModelData.LABEL).isNotNull()).transform(ModelData.encode(spec, plan)::apply);
    LocalDate testFrom = null;
    Dataset<Row> split;
    if (spec.asOf().isEmpty()) {
      split = encoded.transform(ModelData.withStratifiedSplit(spec.split())::apply);
    } else {
      TreeMap<LocalDate, Long> byDate = new TreeMap<>();
      for (Row r : encoded.groupBy(ModelData.AS_OF).count().collectAsList()) {
        if (r.isNullAt(0)) {
          throw LakehouseException.usage(at + ": as-of column '" + spec.asOf() + "' is blank in " + r.getLong(1)
              + " rows; fill it, or leave as-of empty for a stratified split.");
        }
        byDate.put(r.getDate(0).toLocalDate(), r.getLong(1));
      }
      testFrom = cutoff(byDate, 1 - spec.split().testFraction());
      LocalDate trainEnd = testFrom.minusDays(spec.label().horizonDays());
      TreeMap<LocalDate, Long> training = new TreeMap<>(byDate.headMap(trainEnd, false));
      if (training.isEmpty() || byDate.firstKey().equals(testFrom)) {
        throw LakehouseException.usage(at + ": the as-of dates (" + byDate.firstKey() + " to " + byDate.lastKey() + ") leave "
            + "no training rows before the held-out period from " + testFrom + " less label.horizon-days ("
            + spec.label().horizonDays() + "); lower split.test-fraction or supply a longer history.");
      }
      LocalDate calibrationFrom = spec.platt() ? cutoff(training, 1 - spec.split().calibrationFraction()) : null;
      split = encoded.transform(ModelData.withTimeSplit(spec.split(), calibrationFrom, testFrom,
          spec.label().horizonDays())::apply);
    }
    split = split.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> byPart = new TreeMap<>();
      Map<String, long[]> classes = new HashMap<>();
      for (Row r : split.groupBy(ModelData.PART, ModelData.LABEL).count().collectAsList()) {
        byPart.merge(r.getString(0), r.getLong(2), Long::sum);
        classes.computeIfAbsent(r.getString(0), k -> new long[2])[(int) r.getDouble(1)] += r.getLong(2);
      }
      for (String part : spec.platt() ? List.of(ModelData.FIT, ModelData.CALIBRATION, ModelData.TEST)
          : List.of(ModelData.FIT, ModelData.TEST)) {
        long[] c = classes.getOrDefault(part, new long[2]);
        if (c[0] == 0 || c[1] == 0) {
          throw LakehouseException.usage(at + ": the " + part + " rows have " + c[1] + " positive and " + c[0]
              + " negative; both classes are needed. Supply more rows or change split.test-fraction and "
              + "split.calibration-fraction.");
        }
      }
      long[] fitClasses = classes.get(ModelData.FIT);
      Dataset<Row> fit = split.filter(col(ModelData.PART).equalTo(ModelData.FIT))
          .transform(ModelData.withWeights(spec.balanced(), fitClasses[1], fitClasses[0])::apply);

      List<Candidate> compared = new ArrayList<>();
      PipelineModel best = null;
      Candidate chosen = null;
      for (ModelSpec.Algorithm algorithm : spec.algorithms()) {
        ProbabilisticClassifier<?, ?, ?> classifier = classifier(algorithm, spec.split().seed());
        Pipeline pipeline = new Pipeline().setStages(stages(plan, classifier));
        ParamMap[] grid = grid(at, algorithm, classifier, spec.grid().get(algorithm));
        CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid)
            .setEvaluator(new BinaryClassificationEvaluator().setLabelCol(ModelData.LABEL).setMetricName("areaUnderROC"))
            .setFoldCol(ModelData.FOLD).setNumFolds(spec.split().folds()).setParallelism(1).setSeed(spec.split().seed());
        long started = System.nanoTime();
        CrossValidatorModel model = cv.fit(fit);
        double[] metrics = model.avgMetrics();
        int top = 0;
        for (int i = 1; i < metrics.length; i++) {
          if (metrics[i] > metrics[top]) {
            top = i;
          }
        }
        Candidate candidate = new Candidate(algorithm, paramsOf(grid[top], spec.grid().get(algorithm)), metrics[top]);
        LOG.info("model={} algorithm={} cv_auc_roc={} params={} seconds={}", spec.name(), algorithm.key,
            String.format(Locale.ROOT, "%.4f", metrics[top]), candidate.params(),
            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        compared.add(candidate);
        if (chosen == null || candidate.cvAucRoc() > chosen.cvAucRoc()) {
          chosen = candidate;
          best = (PipelineModel) model.bestModel();
        }
      }

      Platt platt = Platt.NONE;
      if (spec.platt()) {
        double[][] cal = probabilities(best, split.filter(col(ModelData.PART).equalTo(ModelData.CALIBRATION)), Platt.NONE);
        platt = Platt.fit(cal[0], cal[1]);
      }
      Map<String, Double> rates = baselineRates(split);
      Dataset<Row> heldOut = scored(best, split.filter(col(ModelData.PART).equalTo(ModelData.TEST)), platt)
          .withColumn("baseline_probability", baselineColumn(rates))
          .select(col(ModelData.ENTITY).as("entity"), col(ModelData.AS_OF).as("as_of_date"), col(PROBABILITY).as("probability"),
              col(ModelData.LABEL).as("label"), col("baseline_probability"))
          .orderBy("entity", "as_of_date");
      List<Row> test = heldOut.collectAsList();
      double[] p = new double[test.size()];
      double[] y = new double[test.size()];
      double[] b = new double[test.size()];
      for (int i = 0; i < test.size(); i++) {
        p[i] = test.get(i).getDouble(2);
        y[i] = test.get(i).getDouble(3);
        b[i] = test.get(i).getDouble(4);
      }
      Evaluation modelEval = Evaluation.of(p, y);
      Evaluation baselineEval = Evaluation.of(b, y);
      Dataset<Row> heldOutRows = spark.createDataFrame(test, heldOut.schema());
      List<Drift.Histogram> reference = Drift.reference(split.filter(col(ModelData.PART).notEqual(ModelData.TEST)), plan, p);
      return new Trained(spec, plan, best, platt, chosen, List.copyOf(compared), modelEval, baselineEval, rates, byPart,
          unlabelled, List.copyOf(warnings), heldOutRows, testFrom, input.inputVersions(), source, reference);
    } finally {
      split.unpersist();
    }
  }

  /**
   * A registered version's figures on a new training's held-out rows (the same entities and dates, encoded with the
   * version's own features and calibration), or null when the source no longer has its features.
   */
  public Evaluation evaluate(ModelRegistry.Loaded version, Trained t) {
    Dataset<Row> encoded;
    try {
      encoded = t.source().transform(ModelData.withLabel(t.spec())::apply).filter(col(ModelData.LABEL).isNotNull())
          .transform(ModelData.encode(t.spec(), version.saved().plan())::apply);
      encoded.schema();
    } catch (Exception e) {
      rethrowUnlessAnalysis(e);
      LOG.warn("model={} v{} cannot be scored on the new held-out rows: {}", t.spec().name(), version.version().version(),
          firstLine(e.getMessage()));
      return null;
    }
    Dataset<Row> keys = t.heldOut().select(col("entity").as(ModelData.ENTITY), col("as_of_date").as("_key_as_of"));
    Dataset<Row> rows = encoded.join(keys, encoded.col(ModelData.ENTITY).equalTo(keys.col(ModelData.ENTITY))
        .and(encoded.col(ModelData.AS_OF).eqNullSafe(keys.col("_key_as_of"))), "left_semi");
    double[][] p = probabilities(version.pipeline(), rows, version.saved().platt());
    return Evaluation.of(p[0], p[1]);
  }

  /** The MLlib stages: impute numbers (median), index and one-hot encode categories, assemble, classify. */
  static PipelineStage[] stages(FeaturePlan plan, ProbabilisticClassifier<?, ?, ?> classifier) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    int nNum = plan.numeric().size();
    if (nNum > 0) {
      String[] in = new String[nNum];
      String[] out = new String[nNum];
      for (int i = 0; i < nNum; i++) {
        in[i] = ModelData.numericColumn(i);
        out[i] = in[i] + "_imputed";
        assembled.add(out[i]);
      }
      stages.add(new Imputer().setStrategy("median").setInputCols(in).setOutputCols(out));
    }
    int nCat = plan.categorical().size();
    if (nCat > 0) {
      String[] in = new String[nCat];
      String[] idx = new String[nCat];
      String[] vec = new String[nCat];
      for (int i = 0; i < nCat; i++) {
        in[i] = ModelData.categoricalColumn(i);
        idx[i] = in[i] + "_index";
        vec[i] = in[i] + "_vector";
        assembled.add(vec[i]);
      }
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(idx).setHandleInvalid("keep")
          .setStringOrderType("alphabetAsc"));
      stages.add(new OneHotEncoder().setInputCols(idx).setOutputCols(vec).setHandleInvalid("keep"));
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(FEATURES));
    stages.add(classifier);
    return stages.toArray(PipelineStage[]::new);
  }

  static ProbabilisticClassifier<?, ?, ?> classifier(ModelSpec.Algorithm algorithm, long seed) {
    return switch (algorithm) {
      case LOGISTIC_REGRESSION -> new LogisticRegression().setLabelCol(ModelData.LABEL).setFeaturesCol(FEATURES)
          .setWeightCol(ModelData.WEIGHT).setFamily("binomial");
      case GRADIENT_BOOSTED_TREES -> new GBTClassifier().setLabelCol(ModelData.LABEL).setFeaturesCol(FEATURES)
          .setWeightCol(ModelData.WEIGHT).setSeed(seed);
      case RANDOM_FOREST -> new RandomForestClassifier().setLabelCol(ModelData.LABEL).setFeaturesCol(FEATURES)
          .setWeightCol(ModelData.WEIGHT).setSeed(seed);
    };
  }

  /** Every combination of the configured values, as MLlib parameter maps ({@code reg-param} is {@code regParam}). */
  static ParamMap[] grid(String at, ModelSpec.Algorithm algorithm, ProbabilisticClassifier<?, ?, ?> classifier,
      Map<String, List<Double>> values) {
    List<ParamMap> maps = new ArrayList<>();
    maps.add(new ParamMap());
    for (Map.Entry<String, List<Double>> e : values.entrySet()) {
      String name = camel(e.getKey());
      if (!classifier.hasParam(name)) {
        throw LakehouseException.usage(at + ": grid." + algorithm.key + "." + e.getKey() + " is not a parameter of "
            + algorithm.key + ".");
      }
      Param<Object> param = classifier.getParam(name);
      List<ParamMap> next = new ArrayList<>();
      for (ParamMap m : maps) {
        for (double v : e.getValue()) {
          ParamMap copy = m.copy();
          if (param instanceof IntParam ip) {
            if (v != Math.rint(v)) {
              throw LakehouseException.usage(at + ": grid." + algorithm.key + "." + e.getKey() + " takes whole numbers, not "
                  + v + ".");
            }
            copy.put(ip.w((int) v));
          } else if (param instanceof DoubleParam dp) {
            copy.put(dp.w(v));
          } else {
            throw LakehouseException.usage(at + ": grid." + algorithm.key + "." + e.getKey() + " is not a numeric parameter.");
          }
          next.add(copy);
        }
      }
      maps = next;
    }
    return maps.toArray(ParamMap[]::new);
  }

  private static Map<String, Double> paramsOf(ParamMap map, Map<String, List<Double>> values) {
    Map<String, Double> params = new LinkedHashMap<>();
    for (String key : values.keySet()) {
      for (org.apache.spark.ml.param.ParamPair<?> pair : map.toList()) {
        if (pair.param().name().equals(camel(key))) {
          params.put(key, ((Number) pair.value()).doubleValue());
        }
      }
    }
    return params;
  }

  static String camel(String kebab) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char ch : kebab.toCharArray()) {
      if (ch == '-') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return b.toString();
  }

  /** The rows with {@link #PROBABILITY}: the model's probability of the positive class, calibrated. */
  static Dataset<Row> scored(PipelineModel model, Dataset<Row> rows, Platt platt) {
    Column raw = org.apache.spark.ml.functions.vector_to_array(col("probability"), "float64").getItem(1);
    Column clipped = org.apache.spark.sql.functions.least(lit(1 - Platt.EPS), org.apache.spark.sql.functions.greatest(
        lit(Platt.EPS), raw));
    Column logit = org.apache.spark.sql.functions.log(clipped.divide(lit(1).minus(clipped)));
    Column calibrated = lit(1).divide(lit(1).plus(org.apache.spark.sql.functions.exp(
        logit.multiply(platt.a()).plus(platt.b()).unary_$minus())));
    return model.transform(rows).withColumn(PROBABILITY, platt.equals(Platt.NONE) ? raw : calibrated);
  }

  private static double[][] probabilities(PipelineModel model, Dataset<Row> rows, Platt platt) {
    List<Row> r = scored(model, rows, platt).select(PROBABILITY, ModelData.LABEL).collectAsList();
    double[][] out = new double[2][r.size()];
    for (int i = 0; i < r.size(); i++) {
      out[0][i] = r.get(i).getDouble(0);
      out[1][i] = r.get(i).getDouble(1);
    }
    return out;
  }

  /** The label's rate per baseline group over the training rows (fit and calibration); "(all)" is the overall rate. */
  private static Map<String, Double> baselineRates(Dataset<Row> split) {
    Map<String, Double> rates = new TreeMap<>();
    long pos = 0;
    long n = 0;
    for (Row r : split.filter(col(ModelData.PART).isin(ModelData.FIT, ModelData.CALIBRATION)).groupBy(ModelData.GROUP)
        .agg(sum(col(ModelData.LABEL)).as("p"), count(lit(1)).as("n")).collectAsList()) {
      rates.put(r.getString(0), r.getDouble(1) / r.getLong(2));
      pos += (long) r.getDouble(1);
      n += r.getLong(2);
    }
    rates.put("(all)", (double) pos / n);
    return rates;
  }

  static Column baselineColumn(Map<String, Double> rates) {
    Column c = lit(rates.get("(all)"));
    for (Map.Entry<String, Double> e : rates.entrySet()) {
      c = when(col(ModelData.GROUP).equalTo(e.getKey()), lit(e.getValue())).otherwise(c);
    }
    return c;
  }

  /** The earliest date from which the rows on and after it are at most {@code 1 - share} of all. */
  static LocalDate cutoff(TreeMap<LocalDate, Long> byDate, double share) {
    long total = byDate.values().stream().mapToLong(Long::longValue).sum();
    long seen = 0;
    for (Map.Entry<LocalDate, Long> e : byDate.entrySet()) {
      if (seen >= share * total) {
        return e.getKey();
      }
      seen += e.getValue();
    }
    return byDate.lastKey();
  }

  /** The most frequent levels of each categorical candidate (at most max-levels, each with min-level-rows rows). */
  private Map<String, List<String>> levels(Dataset<Row> labelled, ModelSpec spec, Map<String, Boolean> candidates,
      List<String> names, Row profile) {
    List<Column> pairs = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      DataType t = labelled.schema().apply(name).dataType();
      boolean textNumber = t instanceof StringType
          && profile.getLong(4 + 3 * i) >= FeaturePlan.NUMERIC_TEXT_SHARE * profile.getLong(3 + 3 * i);
      boolean categorical = Boolean.FALSE.equals(candidates.get(name))
          || (candidates.get(name) == null && t instanceof StringType && !textNumber);
      if (categorical && profile.getLong(5 + 3 * i) > 0) {
        pairs.add(struct(lit(name).as("c"), ModelData.category(labelled.col(ModelData.quote(name))).as("v")));
      }
    }
    Map<String, List<String>> levels = new HashMap<>();
    if (pairs.isEmpty()) {
      return levels;
    }
    int max = spec.features().maxLevels();
    List<Row> counted = labelled.select(explode(org.apache.spark.sql.functions.array(pairs.toArray(Column[]::new))).as("p"))
        .groupBy(col("p.c"), col("p.v")).count()
        .filter(col("v").notEqual(lit(ModelData.MISSING)).and(col("count").geq(spec.features().minLevelRows())))
        .orderBy(col("c"), desc("count"), col("v")).collectAsList();
    for (Row r : counted) {
      List<String> kept = levels.computeIfAbsent(r.getString(0), k -> new ArrayList<>());
      if (kept.size() < max) {
        kept.add(r.getString(1));
      }
    }
    return levels;
  }

  private static String labelHint(ModelSpec spec, Dataset<Row> source) {
    if (spec.label().column().isEmpty()) {
      return "; check label.expression";
    }
    List<String> values = new ArrayList<>();
    for (Row r : source.select(ModelData.quote(spec.label().column())).distinct().limit(6).collectAsList()) {
      values.add(String.valueOf(r.get(0)));
    }
    return ": check label.positive " + spec.label().positive() + " against the values of '" + spec.label().column()
        + "' (" + String.join(", ", values) + ")";
  }

  /** Spark reports a query it cannot analyse with a checked exception Java does not see declared: anything else goes on. */
  private static void rethrowUnlessAnalysis(Exception e) {
    if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
  }

  static String firstLine(String message) {
    String m = message == null ? "" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
