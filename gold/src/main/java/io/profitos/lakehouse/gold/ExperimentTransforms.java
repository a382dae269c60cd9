package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Experiment results of METRICS.md as a pure function: per experiment and variant, the 90-day retention, daily active
 * users and features adopted of its workspaces in days 61-90 after assignment, and each treatment's lift over control
 * with its confidence interval (a two-proportion interval for the retention share, Welch's t for the means).
 */
public final class ExperimentTransforms {
  private ExperimentTransforms() {}

  /** {@code lakehouse.gold.experiments}: the control variant's name, the measured days after assignment, the confidence. */
  public record Experiments(String controlVariant, int windowStartDay, int windowEndDay, double confidence) {
    public Experiments {
      if (controlVariant == null || controlVariant.isBlank()) {
        throw LakehouseException.usage("lakehouse.gold.experiments.control-variant must name the control variant.");
      }
      if (windowStartDay < 0 || windowEndDay < windowStartDay) {
        throw LakehouseException.usage("lakehouse.gold.experiments: window-start-day (" + windowStartDay + ") must be at least 0 and "
            + "at most window-end-day (" + windowEndDay + ").");
      }
      if (!(confidence > 0 && confidence < 1)) {
        throw LakehouseException.usage("lakehouse.gold.experiments.confidence must be between 0 and 1 (0.95 for 95%), got "
            + confidence + ".");
      }
    }

    public static Experiments from(Config config) {
      Config c = config.getConfig("lakehouse.gold.experiments");
      return new Experiments(c.getString("control-variant"), c.getInt("window-start-day"), c.getInt("window-end-day"),
          c.getDouble("confidence"));
    }

    int windowDays() {
      return windowEndDay - windowStartDay + 1;
    }

    /** The two-sided normal quantile of the confidence (1.959964 for 0.95). */
    double z() {
      return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }
  }

  /**
   * {@code silver.experiment_assignments} + {@code silver.events} -> {@code gold.kpi_experiment_results}, one row per
   * experiment and variant:
   * <ul>
   *   <li>assigned_workspaces; measured_workspaces, those whose window (days {@code windowStartDay}..{@code windowEndDay}
   *       after the assignment date, UTC) has ended by the run date and lies within the event history;
   *   <li>retained_workspaces and retention_rate: measured workspaces with product activity in the window;
   *   <li>avg_dau_per_workspace: per workspace, distinct active users summed over the window's days / its days, averaged;
   *       avg_features_adopted: distinct features used in the window per workspace, averaged;
   *   <li>for each variant but control: retention_lift = treatment / control - 1 and its interval (the difference's
   *       two-proportion interval, p_t - p_c +- z sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c), over p_c); dau_lift and
   *       features_lift with Welch's interval (m_t - m_c +- t(df) sqrt(s_t^2/n_t + s_c^2/n_c), over m_c, df by
   *       Welch-Satterthwaite); null for control, and where control is 0 or a variant has too few workspaces;
   *   <li>first_assigned_date, last_assigned_date, is_complete (every assignment is measured).
   * </ul>
   */
  public static Dataset<Row> experimentResults(Dataset<Row> assignments, Dataset<Row> events, Experiments e, LocalDate runDate) {
    Dataset<Row> activity = ProductTransforms.activity(events);
    Dataset<Row> covered = activity.agg(min("activity_date").as("_covered_since"));
    Dataset<Row> assigned = assignments.where(col("is_deleted").equalTo(false).and(col("variant").isNotNull())
            .and(col("assigned_at").isNotNull()))
        .select(col("experiment_id"), col("workspace_id"), col("variant"), to_date(col("assigned_at")).as("_assigned_on"))
        .withColumn("_from", date_add(col("_assigned_on"), e.windowStartDay()))
        .withColumn("_to", date_add(col("_assigned_on"), e.windowEndDay()))
        .crossJoin(covered)
        .withColumn("_measured", col("_to").leq(lit(Date.valueOf(runDate)))
            .and(col("_covered_since").isNotNull()).and(col("_from").geq(col("_covered_since"))));
    Dataset<Row> act = activity.select(col("workspace_id").as("_ws"), col("activity_date"), col("user_id"), col("feature"));
    Dataset<Row> perWorkspace = assigned.join(act, col("workspace_id").equalTo(col("_ws"))
            .and(col("activity_date").between(col("_from"), col("_to"))).and(col("_measured")), "left")
        .groupBy("experiment_id", "workspace_id", "variant", "_assigned_on", "_measured")
        .agg(countDistinct(col("activity_date")).as("_active_days"),
            countDistinct(col("activity_date"), col("user_id")).as("_user_days"),
            countDistinct(col("feature")).as("_features"))
        .withColumn("_retained", col("_active_days").gt(0))
        // Whole counts, not doubles: their sums do not depend on the order a cluster adds them in.
        .withColumn("_dau", col("_user_days"))
        .withColumn("_feat", col("_features"));
    Column measured = col("_measured");
    Dataset<Row> arms = perWorkspace.groupBy("experiment_id", "variant").agg(
        count(lit(1)).as("assigned_workspaces"),
        count(when(measured, 1)).as("measured_workspaces"),
        count(when(measured.and(col("_retained")), 1)).as("retained_workspaces"),
        mean(when(measured, col("_dau")), e.windowDays()).as("_m_dau"),
        variance(when(measured, col("_dau")), e.windowDays()).as("_v_dau"),
        mean(when(measured, col("_feat")), 1).as("_m_feat"), variance(when(measured, col("_feat")), 1).as("_v_feat"),
        min("_assigned_on").as("first_assigned_date"), max("_assigned_on").as("last_assigned_date"))
        .withColumn("_p", when(col("measured_workspaces").gt(0),
            col("retained_workspaces").cast(DataTypes.DoubleType).divide(col("measured_workspaces"))));
    Dataset<Row> control = arms.where(col("variant").equalTo(e.controlVariant())).select(col("experiment_id").as("_c_experiment"),
        col("measured_workspaces").as("_c_n"), col("_p").as("_c_p"), col("_m_dau").as("_c_m_dau"), col("_v_dau").as("_c_v_dau"),
        col("_m_feat").as("_c_m_feat"), col("_v_feat").as("_c_v_feat"));
    Dataset<Row> joined = arms.join(control, col("experiment_id").equalTo(col("_c_experiment")), "left")
        .withColumn("is_control", col("variant").equalTo(e.controlVariant()));
    Column treated = col("is_control").unary_$bang().and(col("_c_n").isNotNull());
    Column n = col("measured_workspaces").cast(DataTypes.DoubleType);
    Column cn = col("_c_n").cast(DataTypes.DoubleType);
    Column propSe = sqrt(col("_p").multiply(lit(1).minus(col("_p"))).divide(n)
        .plus(col("_c_p").multiply(lit(1).minus(col("_c_p"))).divide(cn)));
    Interval retention = interval(treated.and(n.gt(0)).and(cn.gt(0)), col("_p"), col("_c_p"), lit(e.z()).multiply(propSe));
    Interval dau = welch(treated, col("_m_dau"), col("_v_dau"), n, col("_c_m_dau"), col("_c_v_dau"), cn, e.confidence());
    Interval features = welch(treated, col("_m_feat"), col("_v_feat"), n, col("_c_m_feat"), col("_c_v_feat"), cn, e.confidence());
    return joined.select(col("experiment_id"), col("variant"), col("is_control"), col("assigned_workspaces"),
            col("measured_workspaces"), col("retained_workspaces"), rate(col("_p")).as("retention_rate"),
            rate(col("_m_dau")).as("avg_dau_per_workspace"), rate(col("_m_feat")).as("avg_features_adopted"),
            rate(retention.lift).as("retention_lift"), rate(retention.low).as("retention_lift_ci_low"),
            rate(retention.high).as("retention_lift_ci_high"),
            rate(dau.lift).as("dau_lift"), rate(dau.low).as("dau_lift_ci_low"), rate(dau.high).as("dau_lift_ci_high"),
            rate(features.lift).as("features_lift"), rate(features.low).as("features_lift_ci_low"),
            rate(features.high).as("features_lift_ci_high"),
            col("first_assigned_date"), col("last_assigned_date"),
            col("measured_workspaces").equalTo(col("assigned_workspaces")).as("is_complete"))
        .orderBy("experiment_id", "variant");
  }

  /** The mean of a whole-number column divided by {@code scale}, from its exact sum; null without values. */
  private static Column mean(Column x, int scale) {
    Column n = count(x);
    return when(n.gt(0), org.apache.spark.sql.functions.sum(x).cast(DataTypes.DoubleType).divide(n).divide(scale));
  }

  /**
   * The sample variance of a whole-number column divided by {@code scale}, from exact integer sums
   * ((sum x^2 - (sum x)^2 / n) / (n - 1) / scale^2), so it is the same however the rows are partitioned; null for fewer
   * than 2 values.
   */
  private static Column variance(Column x, int scale) {
    Column n = count(x);
    Column s1 = org.apache.spark.sql.functions.sum(x);
    Column s2 = org.apache.spark.sql.functions.sum(x.multiply(x));
    Column sumOfSquares = s2.multiply(n).minus(s1.multiply(s1)).cast(DataTypes.DoubleType);
    return when(n.geq(2), sumOfSquares.divide(n).divide(n.minus(1)).divide((double) scale * scale));
  }

  /** A lift and its interval: (treatment - control +- margin) / control, null where it is not defined. */
  private record Interval(Column lift, Column low, Column high) {}

  private static Interval interval(Column defined, Column treatment, Column control, Column margin) {
    Column ok = defined.and(control.isNotNull()).and(control.notEqual(0)).and(treatment.isNotNull()).and(margin.isNotNull());
    Column diff = treatment.minus(control);
    return new Interval(when(ok, treatment.divide(control).minus(1)), when(ok, diff.minus(margin).divide(control)),
        when(ok, diff.plus(margin).divide(control)));
  }

  private static Interval welch(Column treated, Column m, Column v, Column n, Column cm, Column cv, Column cn, double confidence) {
    Column a = v.divide(n);
    Column b = cv.divide(cn);
    Column se = sqrt(a.plus(b));
    Column df = pow(a.plus(b), 2).divide(pow(a, 2).divide(n.minus(1)).plus(pow(b, 2).divide(cn.minus(1))));
    // Both arms without spread: the difference is exact, the interval has no width.
    Column margin = when(se.equalTo(0), lit(0.0)).otherwise(tQuantile(confidence).apply(df).multiply(se));
    return interval(treated.and(n.geq(2)).and(cn.geq(2)), m, cm, margin);
  }

  /** Student's t two-sided quantile of the confidence for a column of degrees of freedom; null for missing or non-positive df. */
  private static UserDefinedFunction tQuantile(double confidence) {
    double p = 1 - (1 - confidence) / 2;
    UDF1<Double, Double> q = df -> df == null || !(df > 0) || df.isInfinite() ? null : new TDistribution(df).inverseCumulativeProbability(p);
    return org.apache.spark.sql.functions.udf(q, DataTypes.DoubleType).withName("t_quantile");
  }

  private static Column rate(Column c) {
    return c.cast(DataTypes.createDecimalType(18, 6));
  }
}
