package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pure transformations from a model's source rows to the rows MLlib trains on and scores: the label as 0/1, the
 * features encoded as the {@link FeaturePlan} says, the split into fit, calibration and held-out rows, and the fold.
 * Internal column names start with '_' (a user's column names may hold spaces or dots).
 */
public final class ModelData {
  public static final String LABEL = "_label";
  public static final String PART = "_part";
  public static final String FOLD = "_fold";
  public static final String WEIGHT = "_weight";
  public static final String AS_OF = "_as_of";
  public static final String GROUP = "_group";
  public static final String ENTITY = "_entity";
  public static final String FIT = "fit";
  public static final String CALIBRATION = "calibration";
  public static final String TEST = "test";
  /** Training rows whose label reaches into the held-out period: used by neither side. */
  public static final String GAP = "gap";
  static final String MISSING = "(missing)";
  static final String OTHER = "(other)";
  /** Values that mean "no value" in real extracts, compared trimmed and lower-case. */
  static final Set<String> PLACEHOLDERS = Set.of("", "n/a", "na", "none", "null", "nil", "nan", "unknown", "-", "--", "?",
      "tbd", "not set", "not available", "#n/a");

  private ModelData() {}

  /** The column's value as a double: numbers and booleans cast, text cleaned of ',', '$', '%' and spaces; blanks null. */
  static Column number(Column c, boolean text, boolean bool) {
    if (bool) {
      return when(c, lit(1.0)).when(c.isNotNull(), lit(0.0));
    }
    if (!text) {
      return c.cast(DataTypes.DoubleType);
    }
    Column cleaned = regexp_replace(trim(c), "[,$%\\s]", "");
    return when(lower(cleaned).isin(PLACEHOLDERS.toArray()), lit(null).cast(DataTypes.DoubleType))
        .otherwise(cleaned.cast(DataTypes.DoubleType));
  }

  /** The column's value as a category: trimmed text, placeholders "(missing)". */
  static Column category(Column c) {
    Column text = trim(c.cast(DataTypes.StringType));
    return when(c.isNull().or(lower(text).isin(PLACEHOLDERS.toArray())), lit(MISSING)).otherwise(text);
  }

  /** Whether text holds a value (not blank, not a placeholder). */
  static Column present(Column c) {
    return c.isNotNull().and(lower(trim(c.cast(DataTypes.StringType))).isin(PLACEHOLDERS.toArray()).unary_$bang());
  }

  /** Adds {@link #LABEL}: 1.0 positive, 0.0 negative, null when the label is blank (such rows are left out). */
  public static UnaryOperator<Dataset<Row>> withLabel(ModelSpec spec) {
    return rows -> {
      if (!spec.label().expression().isEmpty()) {
        Column e = expr(spec.label().expression()).cast(DataTypes.BooleanType);
        return rows.withColumn(LABEL, when(e, lit(1.0)).when(e.isNotNull(), lit(0.0)));
      }
      Column raw = rows.col(quote(spec.label().column()));
      Column text = lower(trim(raw.cast(DataTypes.StringType)));
      if (rows.schema().apply(spec.label().column()).dataType() instanceof BooleanType) {
        text = when(raw, lit("true")).when(raw.isNotNull(), lit("false"));
      }
      return rows.withColumn(LABEL, when(present(raw).unary_$bang(), lit(null).cast(DataTypes.DoubleType))
          .when(text.isin(spec.label().positive().toArray()), lit(1.0)).otherwise(lit(0.0)));
    };
  }

  /**
   * Keeps the columns training and scoring need, encoded: {@link #ENTITY} (the key as one text), {@link #AS_OF} (a
   * date, null without as-of), {@link #LABEL}, {@link #GROUP} (the baseline's group, "(all)" without one) and one
   * column per feature ({@code _num_i} doubles, {@code _cat_i} texts limited to the plan's levels).
   */
  public static UnaryOperator<Dataset<Row>> encode(ModelSpec spec, FeaturePlan plan) {
    return rows -> {
      List<Column> out = new ArrayList<>();
      out.add(entity(spec, rows).as(ENTITY));
      out.add((spec.asOf().isEmpty() ? lit(null).cast(DataTypes.DateType) : to_date(rows.col(quote(spec.asOf())))).as(AS_OF));
      out.add(rows.col(LABEL));
      out.add((spec.baselineGroupBy().isEmpty() ? lit("(all)") : category(rows.col(quote(spec.baselineGroupBy()))))
          .as(GROUP));
      for (int i = 0; i < plan.numeric().size(); i++) {
        String f = plan.numeric().get(i);
        out.add(number(rows.col(quote(f)), plan.numericFromText().contains(f),
            rows.schema().apply(f).dataType() instanceof BooleanType).as(numericColumn(i)));
      }
      int i = 0;
      for (Map.Entry<String, List<String>> c : plan.categorical().entrySet()) {
        Column v = category(rows.col(quote(c.getKey())));
        out.add(when(v.equalTo(lit(MISSING)).or(v.isin(c.getValue().toArray())), v).otherwise(lit(OTHER))
            .as(categoricalColumn(i++)));
      }
      return rows.select(out.toArray(Column[]::new));
    };
  }

  /** The entity key as one text: the key columns' values joined by '|'. */
  static Column entity(ModelSpec spec, Dataset<Row> rows) {
    List<Column> key = new ArrayList<>();
    for (String k : spec.entityKey()) {
      key.add(coalesce(rows.col(quote(k)).cast(DataTypes.StringType), lit("")));
    }
    return org.apache.spark.sql.functions.concat_ws("|", key.toArray(Column[]::new));
  }

  static String numericColumn(int i) {
    return "_num_" + i;
  }

  static String categoricalColumn(int i) {
    return "_cat_" + i;
  }

  /** A column name as Spark's resolver wants it (back-quoted, so dots and spaces are part of the name). */
  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * Adds {@link #PART} and {@link #FOLD} by a seeded hash of the entity (the same rows land on the same side whatever
   * the partitioning). Stratified: within each class, rows are ranked by the hash; the first test-fraction are held
   * out, the next calibration-fraction of the rest calibrate, the others fit; folds deal the fit rows round-robin in
   * hash order, so each fold has the class's share.
   */
  public static UnaryOperator<Dataset<Row>> withStratifiedSplit(ModelSpec.Split split) {
    return rows -> {
      WindowSpec byClass = Window.partitionBy(col(LABEL)).orderBy(col("_u"), col(ENTITY));
      Column n = count(lit(1)).over(Window.partitionBy(col(LABEL)));
      Column q = col("_rank").minus(1).divide(n);
      double cal = split.testFraction() + split.calibrationFraction() * (1 - split.testFraction());
      return rows.withColumn("_u", pmod(xxhash64(lit(split.seed()), col(ENTITY)), lit(1_000_000_007L)))
          .withColumn("_rank", row_number().over(byClass))
          .withColumn(PART, when(q.lt(split.testFraction()), lit(TEST)).when(q.lt(cal), lit(CALIBRATION)).otherwise(lit(FIT)))
          .withColumn(FOLD, pmod(col("_rank"), lit(split.folds())).cast(DataTypes.IntegerType))
          .drop("_u", "_rank");
    };
  }

  /**
   * Adds {@link #PART} and {@link #FOLD} by time: rows as of {@code testFrom} or later are held out; training rows whose
   * label (known {@code horizonDays} after their as-of date) would reach into the held-out period are a gap; training
   * rows as of {@code calibrationFrom} or later calibrate, earlier ones fit. Folds are stratified as in
   * {@link #withStratifiedSplit}.
   */
  public static UnaryOperator<Dataset<Row>> withTimeSplit(ModelSpec.Split split, java.time.LocalDate calibrationFrom,
      java.time.LocalDate testFrom, int horizonDays) {
    return rows -> {
      Column asOf = col(AS_OF);
      Column matured = org.apache.spark.sql.functions.date_add(asOf, horizonDays).lt(lit(java.sql.Date.valueOf(testFrom)));
      WindowSpec byClass = Window.partitionBy(col(LABEL)).orderBy(col("_u"), col(ENTITY), asOf);
      return rows.withColumn("_u", pmod(xxhash64(lit(split.seed()), col(ENTITY), asOf), lit(1_000_000_007L)))
          .withColumn(PART, when(asOf.geq(lit(java.sql.Date.valueOf(testFrom))), lit(TEST))
              .when(matured.unary_$bang(), lit(GAP))
              .when(calibrationFrom == null ? lit(false) : asOf.geq(lit(java.sql.Date.valueOf(calibrationFrom))),
                  lit(CALIBRATION))
              .otherwise(lit(FIT)))
          .withColumn(FOLD, pmod(row_number().over(byClass), lit(split.folds())).cast(DataTypes.IntegerType))
          .drop("_u");
    };
  }

  /**
   * Adds {@link #WEIGHT}: with balanced weights each class weighs half the rows ({@code n / (2 n_class)}), else 1.
   */
  public static UnaryOperator<Dataset<Row>> withWeights(boolean balanced, long positives, long negatives) {
    return rows -> {
      if (!balanced) {
        return rows.withColumn(WEIGHT, lit(1.0));
      }
      double n = positives + negatives;
      return rows.withColumn(WEIGHT, when(col(LABEL).equalTo(1.0), lit(n / (2.0 * positives)))
          .otherwise(lit(n / (2.0 * negatives))));
    };
  }
}
