package io.profitos.lakehouse.gold;

import static io.profitos.lakehouse.gold.Fixtures.d;
import static io.profitos.lakehouse.gold.Fixtures.money;
import static io.profitos.lakehouse.gold.Fixtures.one;
import static io.profitos.lakehouse.gold.Fixtures.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Targets and gaps on a hand-built monthly mart; a missing target must read as null, never 0. */
class TargetTransformsTest {
  private static final String MART = "month date, segment string, mrr_usd decimal(18,6), logo_churn_rate decimal(12,6), note string";
  private static final String TARGETS = "month date, metric string, segment string, target decimal(18,6), is_deleted boolean";

  private static Dataset<Row> mart() {
    return rows(MART,
        new Object[] {d("2026-01-01"), "All", money("1100"), new BigDecimal("0.030000"), "x"},
        new Object[] {d("2026-01-01"), "SMB", money("250"), new BigDecimal("0.010000"), "x"},
        new Object[] {d("2026-02-01"), "All", money("1200"), new BigDecimal("0.015000"), "x"},
        new Object[] {d("2026-03-01"), "All", money("1300"), new BigDecimal("0.020000"), "x"});
  }

  private static Map<String, String> metrics() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("mrr", "mrr_usd");
    m.put("logo_churn_rate", "logo_churn_rate");
    m.put("a_note", "note"); // not numeric: never targeted
    return m;
  }

  @Test
  void eachRowShowsItsTargetsAndGapsAndNothingWhereThereIsNoTarget() {
    Dataset<Row> targets = rows(TARGETS,
        new Object[] {d("2026-01-01"), "mrr", "All", money("1000"), false},
        new Object[] {d("2026-01-01"), "logo_churn_rate", "All", money("0.02"), false},
        new Object[] {d("2026-01-01"), "mrr", "SMB", money("300"), false},
        new Object[] {d("2026-02-01"), "logo_churn_rate", "All", money("0.02"), false},
        new Object[] {d("2026-02-01"), "mrr", "All", money("999"), true},        // deleted
        new Object[] {d("2026-01-01"), "csat", "All", money("0.9"), false});     // lives in another mart
    Dataset<Row> t = TargetTransforms.withTargets(mart(), targets, metrics(), "segment");

    // January, All: MRR 1100 against 1000 (+100), churn 3% against 2% (+0.01); csat is not this mart's metric.
    Row janAll = one(t, "month = DATE'2026-01-01' AND segment = 'All'");
    Map<String, BigDecimal> tj = janAll.getJavaMap(janAll.fieldIndex("targets"));
    Map<String, BigDecimal> gj = janAll.getJavaMap(janAll.fieldIndex("target_gaps"));
    assertThat(tj).containsOnlyKeys("mrr", "logo_churn_rate");
    assertThat(tj.get("mrr")).isEqualByComparingTo("1000");
    assertThat(gj.get("mrr")).isEqualByComparingTo("100");
    assertThat(gj.get("logo_churn_rate")).isEqualByComparingTo("0.01");
    // January, SMB: only an MRR target (250 - 300 = -50); its churn has none: null, not 0.
    Row janSmb = one(t, "month = DATE'2026-01-01' AND segment = 'SMB'");
    Map<String, BigDecimal> gs = janSmb.getJavaMap(janSmb.fieldIndex("target_gaps"));
    assertThat(gs.get("mrr")).isEqualByComparingTo("-50");
    assertThat(gs.get("logo_churn_rate")).isNull();
    assertThat(janSmb.<String, BigDecimal>getJavaMap(janSmb.fieldIndex("targets")).get("logo_churn_rate")).isNull();
    // February: the MRR target was deleted; churn 1.5% against 2%: -0.005.
    Row feb = one(t, "month = DATE'2026-02-01'");
    assertThat(feb.<String, BigDecimal>getJavaMap(feb.fieldIndex("targets"))).containsOnlyKeys("logo_churn_rate");
    assertThat(feb.<String, BigDecimal>getJavaMap(feb.fieldIndex("target_gaps")).get("logo_churn_rate")).isEqualByComparingTo("-0.005");
    // March: no target at all.
    Row mar = one(t, "month = DATE'2026-03-01'");
    assertThat(mar.isNullAt(mar.fieldIndex("targets"))).isTrue();
    assertThat(mar.isNullAt(mar.fieldIndex("target_gaps"))).isTrue();
  }

  @Test
  void withoutSegmentsOnlyAllTargetsApplyAndWithoutAPlanBothColumnsAreNull() {
    Dataset<Row> targets = rows(TARGETS,
        new Object[] {d("2026-01-01"), "mrr", "SMB", money("300"), false},
        new Object[] {d("2026-01-01"), "mrr", "All", money("1000"), false});
    Dataset<Row> bySegmentless = TargetTransforms.withTargets(mart().where("segment = 'All'").drop("segment"), targets, metrics(), null);
    Row jan = one(bySegmentless, "month = DATE'2026-01-01'");
    assertThat(jan.<String, BigDecimal>getJavaMap(jan.fieldIndex("target_gaps")).get("mrr")).isEqualByComparingTo("100");

    Dataset<Row> none = TargetTransforms.withTargets(mart(), null, metrics(), "segment");
    assertThat(none.where("targets IS NOT NULL OR target_gaps IS NOT NULL").count()).isZero();
    assertThat(none.columns()).contains("targets", "target_gaps");
  }
}
