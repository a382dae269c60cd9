package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The scored facts' rows, as pure functions of the scored rows. */
public final class Scores {
  /** {@code lakehouse.ml.scoring}: the models that score, the churn risk bands and the lead grades. */
  public record Settings(String churnModel, double highRisk, double mediumRisk, String leadModel, double gradeA, double gradeB,
      double gradeC) {
    public static Settings from(Config config) {
      Config c = config.getConfig("lakehouse.ml.scoring");
      Settings s = new Settings(c.getString("churn.model"), c.getDouble("churn.risk-bands.high"),
          c.getDouble("churn.risk-bands.medium"), c.getString("lead.model"), c.getDouble("lead.grades.A"),
          c.getDouble("lead.grades.B"), c.getDouble("lead.grades.C"));
      if (!(s.mediumRisk < s.highRisk) || !(s.gradeC < s.gradeB && s.gradeB < s.gradeA)) {
        throw io.profitos.lakehouse.core.LakehouseException.usage("lakehouse.ml.scoring: the thresholds must rise: "
            + "churn.risk-bands.medium < high, lead.grades.C < B < A (they are " + s.mediumRisk + " < " + s.highRisk + ", "
            + s.gradeC + " < " + s.gradeB + " < " + s.gradeA + ").");
      }
      return s;
    }
  }

  private Scores() {}

  /** high at or above the high threshold, medium at or above the medium one, else low. */
  static Column riskBand(Column probability, Settings s) {
    return when(probability.geq(s.highRisk()), "high").when(probability.geq(s.mediumRisk()), "medium").otherwise("low");
  }

  /** A at or above grades.A, B at or above B, C at or above C, else D. */
  static Column grade(Column probability, Settings s) {
    return when(probability.geq(s.gradeA()), "A").when(probability.geq(s.gradeB()), "B").when(probability.geq(s.gradeC()), "C")
        .otherwise("D");
  }

  /**
   * {@code gold.fact_churn_score_daily}: workspace_key (the workspace version valid on the score date; -1 when none),
   * workspace_id, score_date, churn_probability, risk_band, top_reasons, model, model_version.
   */
  public static Dataset<Row> churn(Dataset<Row> scored, Dataset<Row> dimWorkspace, LocalDate scoreDate, Settings s, String model,
      int version) {
    Column end = lit(java.sql.Timestamp.valueOf(scoreDate.plusDays(1).atStartOfDay()));
    Dataset<Row> versions = dimWorkspace.where(col("workspace_key").notEqual(-1L).and(col("valid_from").lt(end))
            .and(col("valid_to").isNull().or(col("valid_to").geq(end))))
        .select(col("workspace_id").as("_ws"), col("workspace_key").as("_key"));
    return scored.join(versions, scored.col("workspace_id").equalTo(col("_ws")), "left")
        .select(coalesce(col("_key"), lit(-1L)).as("workspace_key"), col("workspace_id"),
            lit(java.sql.Date.valueOf(scoreDate)).as("score_date"), col(ModelScoring.PROBABILITY).as("churn_probability"),
            riskBand(col(ModelScoring.PROBABILITY), s).as("risk_band"), col(Explanations.REASONS),
            lit(model).as("model"), lit(version).as("model_version"));
  }

  /** {@code gold.fact_lead_score_daily}: lead_id, score_date, score, grade, top_reasons, model, model_version. */
  public static Dataset<Row> leads(Dataset<Row> scored, LocalDate scoreDate, Settings s, String model, int version) {
    return scored.select(col("lead_id"), lit(java.sql.Date.valueOf(scoreDate)).as("score_date"),
        col(ModelScoring.PROBABILITY).as("score"), grade(col(ModelScoring.PROBABILITY), s).as("grade"),
        col(Explanations.REASONS), lit(model).as("model"), lit(version).as("model_version"));
  }
}
