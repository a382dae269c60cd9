package io.profitos.lakehouse.ml;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** {@code ml.drift_metrics}: one row per model, score date and feature (and "(score)"). */
final class DriftMetrics {
  static final StructType SCHEMA = new StructType()
      .add("model", DataTypes.StringType, false)
      .add("model_version", DataTypes.IntegerType, false)
      .add("score_date", DataTypes.DateType, false)
      .add("feature", DataTypes.StringType, false)
      .add("psi", DataTypes.DoubleType, false)
      .add("is_shifted", DataTypes.BooleanType, false)
      .add("psi_threshold", DataTypes.DoubleType, false)
      .add("training_rows", DataTypes.LongType, false)
      .add("scoring_rows", DataTypes.LongType, false);

  private DriftMetrics() {}

  static Dataset<Row> rows(SparkSession spark, String model, int version, LocalDate day, List<Drift.Shift> shifts) {
    List<Row> rows = new ArrayList<>();
    for (Drift.Shift s : shifts) {
      rows.add(RowFactory.create(model, version, Date.valueOf(day), s.feature(), s.psi(), s.shifted(), Drift.SHIFTED, s.trainingRows(),
          s.scoringRows()));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
