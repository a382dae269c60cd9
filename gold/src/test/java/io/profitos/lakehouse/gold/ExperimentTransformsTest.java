package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static io.profitos.lakehouse.gold.Fixtures.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.profitos.lakehouse.core.LakehouseException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Experiment results on hand-built assignments and events. The intervals are worked out by hand from the formulas of
 * METRICS.md (z = 1.959964 for 95%; Welch's degrees of freedom and t quantiles from a statistics table), in the comments.
 */
class ExperimentTransformsTest {
  private static final ExperimentTransforms.Experiments EXPERIMENTS = new ExperimentTransforms.Experiments("control", 61, 90, 0.95);
  private static final String ASSIGNMENTS = "experiment_id string, workspace_id string, variant string, assigned_at timestamp, "
      + "is_deleted boolean";
  private static final String EVENTS = "workspace_id string, event_date date, user_id string, feature string, is_activity boolean, "
      + "is_deleted boolean";

  private static Object[] assign(String experiment, String ws, String variant, String day) {
    return new Object[] {experiment, ws, variant, ts(day + "T15:00:00Z"), false};
  }

  private static Object[] ev(String ws, String day, String user, String feature) {
    return new Object[] {ws, d(day), user, feature, true, false};
  }

  private static Dataset<Row> results() {
    Dataset<Row> assignments = rows(ASSIGNMENTS,
        // e1, assigned 1 April: days 61-90 are 1-30 June.
        assign("e1", "c1", "control", "2026-04-01"), assign("e1", "c2", "control", "2026-04-01"),
        assign("e1", "c3", "control", "2026-04-01"), assign("e1", "c4", "control", "2026-04-01"),
        assign("e1", "t1", "treatment", "2026-04-01"), assign("e1", "t2", "treatment", "2026-04-01"),
        assign("e1", "t3", "treatment", "2026-04-01"), assign("e1", "t4", "treatment", "2026-04-01"),
        assign("e1", "t5", "treatment", "2026-04-01"),
        // Assigned 15 August: its window ends 13 November, after the run date: assigned, not measured.
        assign("e1", "t6", "treatment", "2026-08-15"),
        // A deleted assignment does not count.
        new Object[] {"e1", "t7", "treatment", ts("2026-04-01T15:00:00Z"), true},
        // e2: two arms with the same workspaces' behaviour.
        assign("e2", "a1", "control", "2026-04-01"), assign("e2", "a2", "control", "2026-04-01"),
        assign("e2", "b1", "treatment", "2026-04-01"), assign("e2", "b2", "treatment", "2026-04-01"));
    List<Object[]> events = new ArrayList<>(List.of(
        ev("x", "2026-03-01", "x1", "f1"), // the event history begins 1 March
        // c1: 5 June u1, u2 (f1, f2) and 10 June u1 (f1): 3 user-days -> DAU 3/30 = 0.1, 2 features.
        ev("c1", "2026-06-05", "u1", "f1"), ev("c1", "2026-06-05", "u2", "f2"), ev("c1", "2026-06-10", "u1", "f1"),
        // c2: 30 June (day 90) u1 f1 -> 1/30, 1 feature.
        ev("c2", "2026-06-30", "u1", "f1"),
        // c3 on 31 May (day 60) and c4 on 1 July (day 91): outside the window, not retained.
        ev("c3", "2026-05-31", "u1", "f1"), ev("c4", "2026-07-01", "u1", "f1"),
        // t1: three days, u1 twice and u2 once, f1 f2 f3 -> 3/30, 3 features.
        ev("t1", "2026-06-01", "u1", "f1"), ev("t1", "2026-06-02", "u1", "f2"), ev("t1", "2026-06-03", "u2", "f3"),
        // t2: three users on one day -> 3/30, 1 feature. t3: 1/30, 1. t4: u1 on two days -> 2/30, 1. t5: nothing.
        ev("t2", "2026-06-15", "u1", "f1"), ev("t2", "2026-06-15", "u2", "f1"), ev("t2", "2026-06-15", "u3", "f1"),
        ev("t3", "2026-06-20", "u1", "f1"), ev("t4", "2026-06-25", "u1", "f2"), ev("t4", "2026-06-26", "u1", "f2"),
        ev("t6", "2026-09-01", "u1", "f1"),
        ev("a1", "2026-06-10", "u1", "f1"), ev("b1", "2026-06-10", "u1", "f1")));
    // Not activity, and deleted: never counted.
    events.add(new Object[] {"c3", d("2026-06-02"), "u1", "f1", false, false});
    events.add(new Object[] {"c4", d("2026-06-02"), "u1", "f1", true, true});
    return ExperimentTransforms.experimentResults(assignments, rows(EVENTS, events.toArray(Object[][]::new)), EXPERIMENTS,
        LocalDate.parse("2026-09-30"));
  }

  private static double num(Row r, String column) {
    return r.getDecimal(r.fieldIndex(column)).doubleValue();
  }

  @Test
  void treatmentAgainstControlWithHandWorkedIntervals() {
    Dataset<Row> results = results();
    assertThat(results.count()).isEqualTo(4);

    Row control = one(results, "experiment_id = 'e1' AND variant = 'control'");
    assertThat(control.<Boolean>getAs("is_control")).isTrue();
    assertThat(control.<Long>getAs("assigned_workspaces")).isEqualTo(4L);
    assertThat(control.<Long>getAs("retained_workspaces")).isEqualTo(2L);
    assertThat(num(control, "retention_rate")).isEqualTo(0.5);
    // DAU (0.1 + 1/30 + 0 + 0) / 4 = 0.033333; features (2 + 1) / 4 = 0.75.
    assertThat(num(control, "avg_dau_per_workspace")).isCloseTo(0.033333, within(1e-6));
    assertThat(num(control, "avg_features_adopted")).isEqualTo(0.75);
    assertThat(control.isNullAt(control.fieldIndex("retention_lift"))).isTrue();
    assertThat(control.<Boolean>getAs("is_complete")).isTrue();

    Row t = one(results, "experiment_id = 'e1' AND variant = 'treatment'");
    assertThat(t.<Long>getAs("assigned_workspaces")).isEqualTo(6L);
    assertThat(t.<Long>getAs("measured_workspaces")).isEqualTo(5L);
    assertThat(t.<Boolean>getAs("is_complete")).isFalse();
    // Retention 4/5 = 0.8 against 0.5: lift 0.6. se = sqrt(0.8 x 0.2 / 5 + 0.5 x 0.5 / 4) = sqrt(0.0945) = 0.307409;
    // 0.3 +- 1.959964 x 0.307409 = [-0.302510, 0.902510]; over 0.5: [-0.605019, 1.805019].
    assertThat(num(t, "retention_rate")).isEqualTo(0.8);
    assertThat(num(t, "retention_lift")).isCloseTo(0.6, within(1e-6));
    assertThat(num(t, "retention_lift_ci_low")).isCloseTo(-0.605019, within(2e-6));
    assertThat(num(t, "retention_lift_ci_high")).isCloseTo(1.805019, within(2e-6));
    // DAU: treatment (3 + 3 + 1 + 2 + 0) / 30 / 5 = 0.06 against 0.033333: lift 0.8. Sample variances 0.0018889 and
    // 0.0022222; se^2 = 0.00037778 + 0.00055556; Welch df = 6.2869, t(0.975, 6.2869) = 2.420097;
    // 0.026667 +- 2.420097 x 0.030551 = [-0.047269, 0.100602]; over 0.033333: [-1.418056, 3.018056].
    assertThat(num(t, "avg_dau_per_workspace")).isCloseTo(0.06, within(1e-6));
    assertThat(num(t, "dau_lift")).isCloseTo(0.8, within(2e-6));
    assertThat(num(t, "dau_lift_ci_low")).isCloseTo(-1.418056, within(2e-6));
    assertThat(num(t, "dau_lift_ci_high")).isCloseTo(3.018056, within(2e-6));
    // Features: (3 + 1 + 1 + 1 + 0) / 5 = 1.2 against 0.75: lift 0.6. Variances 1.2 and 0.916667; df = 6.8990,
    // t = 2.371661; se = sqrt(1.2 / 5 + 0.916667 / 4) = 0.684957; 0.45 +- 1.624487 = [-1.174487, 2.074487];
    // over 0.75: [-1.565983, 2.765983].
    assertThat(num(t, "avg_features_adopted")).isCloseTo(1.2, within(1e-6));
    assertThat(num(t, "features_lift")).isCloseTo(0.6, within(2e-6));
    assertThat(num(t, "features_lift_ci_low")).isCloseTo(-1.565983, within(2e-6));
    assertThat(num(t, "features_lift_ci_high")).isCloseTo(2.765983, within(2e-6));
    assertThat(t.getDate(t.fieldIndex("first_assigned_date")).toString()).isEqualTo("2026-04-01");
    assertThat(t.getDate(t.fieldIndex("last_assigned_date")).toString()).isEqualTo("2026-08-15");
  }

  @Test
  void equalArmsHaveNoLiftAndASymmetricInterval() {
    Row t = one(results(), "experiment_id = 'e2' AND variant = 'treatment'");
    // Both arms 1 of 2 retained: lift 0; se = sqrt(0.25 / 2 + 0.25 / 2) = 0.5; +-1.959964 x 0.5 / 0.5 = +-1.959964.
    assertThat(num(t, "retention_lift")).isZero();
    assertThat(num(t, "retention_lift_ci_low")).isCloseTo(-1.959964, within(1e-6));
    assertThat(num(t, "retention_lift_ci_high")).isCloseTo(1.959964, within(1e-6));
    // DAU [1/30, 0] in both: mean 1/60, variance 1/1800 each; se = sqrt(1/3600 + 1/3600) = 0.023570; df = 2,
    // t(0.975, 2) = 4.302653; +-4.302653 x 0.023570 / (1/60) = +-6.084870. Features [1, 0]: the same ratio.
    assertThat(num(t, "dau_lift")).isZero();
    assertThat(num(t, "dau_lift_ci_low")).isCloseTo(-6.084870, within(2e-6));
    assertThat(num(t, "dau_lift_ci_high")).isCloseTo(6.084870, within(2e-6));
    assertThat(num(t, "features_lift_ci_high")).isCloseTo(6.084870, within(2e-6));
  }

  @Test
  void configurationIsChecked() {
    assertThatThrownBy(() -> new ExperimentTransforms.Experiments("control", 90, 61, 0.95)).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("window-start-day");
    assertThatThrownBy(() -> new ExperimentTransforms.Experiments("control", 61, 90, 95)).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("confidence");
  }
}
