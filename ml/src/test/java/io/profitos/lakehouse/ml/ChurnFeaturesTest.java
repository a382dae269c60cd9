package io.profitos.lakehouse.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ChurnFeaturesTest {
  private static final ChurnFeatures.Settings SETTINGS = new ChurnFeatures.Settings(3, 0.5);
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> sql(String sql) {
    return spark.sql(sql);
  }

  /** w1 pays Jan-Apr 2026 and churns in May; w2 pays from April; July is the incomplete month. */
  private Dataset<Row> mrr() {
    return sql("select workspace_id, cast(month as date) month, cast(mrr_usd as decimal(18,6)) mrr_usd, segment, is_complete "
        + "from values ('w1','2026-01-01',100,'SMB',true), ('w1','2026-02-01',100,'SMB',true), ('w1','2026-03-01',120,'SMB',true),"
        + " ('w1','2026-04-01',120,'SMB',true), ('w1','2026-05-01',0,'SMB',true), ('w1','2026-06-01',0,'SMB',true),"
        + " ('w1','2026-07-01',0,'SMB',false), ('w2','2026-04-01',50,'SMB',true), ('w2','2026-05-01',50,'SMB',true),"
        + " ('w2','2026-06-01',50,'SMB',true), ('w2','2026-07-01',50,'SMB',false)"
        + " as t(workspace_id, month, mrr_usd, segment, is_complete)");
  }

  private Dataset<Row> dimWorkspace() {
    return sql("select workspace_key, workspace_id, plan, cast(seats as int) seats, cast(valid_from as timestamp) valid_from,"
        + " cast(valid_to as timestamp) valid_to from values (1L,'w1','team',10,'2025-12-20 10:00:00','2026-03-15 08:00:00'),"
        + " (2L,'w1','business',5,'2026-03-15 08:00:00',null), (3L,'w2','team',4,'2026-03-28 00:00:00',null),"
        + " (-1L,'unknown','unknown',null,null,null) as t(workspace_key, workspace_id, plan, seats, valid_from, valid_to)");
  }

  private Dataset<Row> activity() {
    return sql("select workspace_id, cast(activity_date as date) activity_date, cast(active_users as bigint) active_users,"
        + " cast(active_users_trailing as bigint) active_users_trailing, cast(features_adopted as bigint) features_adopted"
        + " from values ('w1','2026-03-31',2,3,4), ('w1','2026-03-10',1,2,2), ('w1','2026-02-20',5,5,3),"
        + " ('w1','2026-04-05',9,9,9), ('w2','2026-04-10',3,3,1)"
        + " as t(workspace_id, activity_date, active_users, active_users_trailing, features_adopted)");
  }

  private Dataset<Row> tickets() {
    return sql("select workspace_id, cast(created_at as timestamp) created_at, cast(solved_at as timestamp) solved_at,"
        + " priority, satisfaction_score from values ('w1','2026-03-01 09:00:00','2026-03-02 09:00:00','urgent','bad'),"
        + " ('w1','2026-03-20 09:00:00','2026-04-03 09:00:00','normal','good'),"
        + " ('w1','2025-12-15 09:00:00','2025-12-16 09:00:00','normal','good')"
        + " as t(workspace_id, created_at, solved_at, priority, satisfaction_score)");
  }

  private Dataset<Row> invoices() {
    return sql("select invoice_id, customer_id, cast(amount_due as decimal(18,2)) amount_due, cast(created_at as timestamp)"
        + " created_at, cast(paid_at as timestamp) paid_at, is_deleted from values"
        + " ('in1','c1',100,'2026-03-05 00:00:00','2026-04-10 00:00:00',false),"
        + " ('in2','c1',100,'2026-02-01 00:00:00','2026-02-01 01:00:00',false),"
        + " ('in3','c1',0,'2026-03-20 00:00:00',null,false)"
        + " as t(invoice_id, customer_id, amount_due, created_at, paid_at, is_deleted)");
  }

  private Dataset<Row> customers() {
    return sql("select * from values ('c1','w1') as t(customer_id, workspace_id)");
  }

  private Dataset<Row> invoiceLines() {
    return sql("select workspace_id, cast(invoice_created_at as timestamp) invoice_created_at,"
        + " cast(amount_usd as decimal(18,6)) amount_usd, cast(discount_amount_usd as decimal(18,6)) discount_amount_usd"
        + " from values ('w1','2026-03-05 00:00:00',100,20), ('w1','2026-02-01 00:00:00',100,0)"
        + " as t(workspace_id, invoice_created_at, amount_usd, discount_amount_usd)");
  }

  private Dataset<Row> build(Dataset<Row> mrr, Dataset<Row> dim, Dataset<Row> activity, Dataset<Row> tickets,
      Dataset<Row> lines, Dataset<Row> invoices) {
    return ChurnFeatures.build(mrr, dim, activity, tickets, lines, invoices, customers(), LocalDate.of(2026, 7, 20), SETTINGS);
  }

  private Map<String, Row> byKey(Dataset<Row> rows) {
    return rows.collectAsList().stream().collect(Collectors.toMap(
        r -> r.getString(r.fieldIndex("workspace_id")) + " " + r.getDate(r.fieldIndex("snapshot_date")), r -> r, (a, b) -> a,
        TreeMap::new));
  }

  @Test
  void aSnapshotPerPayingWorkspaceAndCompleteMonthEndWithItsLabelOnlyOnceKnown() {
    Map<String, Row> rows = byKey(build(mrr(), dimWorkspace(), activity(), tickets(), invoiceLines(), invoices()));
    // w1 pays at the ends of January-April; w2 at those of April-June and on the as-of day (July is not complete)
    assertThat(rows.keySet()).containsExactly("w1 2026-01-31", "w1 2026-02-28", "w1 2026-03-31", "w1 2026-04-30",
        "w2 2026-04-30", "w2 2026-05-31", "w2 2026-06-30", "w2 2026-07-20");
    // January: February-April all paid, three known months -> false; February-April: May's 0 is within three months
    assertThat(label(rows, "w1 2026-01-31")).isFalse();
    assertThat(label(rows, "w1 2026-02-28")).isTrue();
    assertThat(label(rows, "w1 2026-03-31")).isTrue();
    assertThat(label(rows, "w1 2026-04-30")).isTrue();
    // w2 in April: May and June paid, July not complete -> unknown
    assertThat(label(rows, "w2 2026-04-30")).isNull();
    assertThat(label(rows, "w2 2026-06-30")).isNull();
    assertThat(label(rows, "w2 2026-07-20")).isNull();
  }

  private static Boolean label(Map<String, Row> rows, String key) {
    Row r = rows.get(key);
    return r.isNullAt(r.fieldIndex("churned_in_horizon")) ? null : r.getBoolean(r.fieldIndex("churned_in_horizon"));
  }

  @Test
  void featuresOfOneSnapshotWorkedByHand() {
    Row r = byKey(build(mrr(), dimWorkspace(), activity(), tickets(), invoiceLines(), invoices())).get("w1 2026-03-31");
    assertThat(r.getString(r.fieldIndex("plan"))).isEqualTo("business"); // the version from 15 March
    assertThat(r.getInt(r.fieldIndex("seats"))).isEqualTo(5);
    assertThat(r.getDouble(r.fieldIndex("mrr_usd"))).isEqualTo(120.0);
    assertThat(r.isNullAt(r.fieldIndex("mrr_change_3m"))).isTrue(); // December: no MRR
    assertThat(r.getInt(r.fieldIndex("tenure_months"))).isEqualTo(2); // January to March
    // user-days: 31 March 2 + 10 March 1 in the last 30 days; 20 February 5 in the 30 before; 5 April is later
    assertThat(r.getDouble(r.fieldIndex("active_user_days_30d"))).isEqualTo(3.0);
    assertThat(r.getDouble(r.fieldIndex("usage_trend_30d"))).isCloseTo(Math.log(4.0 / 6.0), within(1e-12));
    assertThat(r.getDouble(r.fieldIndex("usage_trend_90d"))).isCloseTo(Math.log(9.0 / 1.0), within(1e-12));
    assertThat(r.getLong(r.fieldIndex("active_users_30d"))).isEqualTo(3); // trailing users on 31 March
    assertThat(r.getLong(r.fieldIndex("features_adopted"))).isEqualTo(4);
    assertThat(r.getDouble(r.fieldIndex("seat_utilisation"))).isCloseTo(0.6, within(1e-12));
    assertThat(r.getInt(r.fieldIndex("days_since_activity"))).isEqualTo(0);
    assertThat(r.getBoolean(r.fieldIndex("usage_dropped"))).isFalse(); // 3 is not below 0.5 x 5
    // tickets of the 90 days: 1 March (urgent, solved, bad) and 20 March (open on 31 March: its rating is later)
    assertThat(r.getLong(r.fieldIndex("tickets_90d"))).isEqualTo(2);
    assertThat(r.getLong(r.fieldIndex("urgent_tickets_90d"))).isEqualTo(1);
    assertThat(r.getLong(r.fieldIndex("open_tickets"))).isEqualTo(1);
    assertThat(r.getLong(r.fieldIndex("bad_ratings_90d"))).isEqualTo(1);
    assertThat(r.getDouble(r.fieldIndex("csat_90d"))).isEqualTo(0.0);
    // in1 (5 March) is paid only on 10 April; in2 was paid; in3 had nothing due
    assertThat(r.getLong(r.fieldIndex("unpaid_invoices_90d"))).isEqualTo(1);
    assertThat(r.getDouble(r.fieldIndex("discount_share_90d"))).isCloseTo(20.0 / 200.0, within(1e-12));

    Row april = byKey(build(mrr(), dimWorkspace(), activity(), tickets(), invoiceLines(), invoices())).get("w1 2026-04-30");
    assertThat(april.getDouble(april.fieldIndex("mrr_change_3m"))).isCloseTo(120.0 / 100.0 - 1, within(1e-12));
    assertThat(april.getInt(april.fieldIndex("days_since_activity"))).isEqualTo(25); // 5 April
    assertThat(april.getBoolean(april.fieldIndex("usage_dropped"))).isFalse(); // 9 user-days against 3
    assertThat(april.getLong(april.fieldIndex("open_tickets"))).isZero();
    assertThat(april.getDouble(april.fieldIndex("csat_90d"))).isCloseTo(0.5, within(1e-12)); // one good, one bad
    Row w2 = byKey(build(mrr(), dimWorkspace(), activity(), tickets(), invoiceLines(), invoices())).get("w2 2026-06-30");
    assertThat(w2.getBoolean(w2.fieldIndex("usage_dropped"))).isTrue(); // no activity in the last 30 days
    assertThat(w2.getInt(w2.fieldIndex("days_since_activity"))).isEqualTo(81);
  }

  /** Every input as it stood at the end of {@code day}: later rows gone, later solves, ratings and payments unknown. */
  private Dataset<Row> cut(Dataset<Row> rows, String timeColumn, LocalDate day) {
    Column end = lit(Timestamp.valueOf(day.plusDays(1).atStartOfDay()));
    return rows.where(col(timeColumn).cast("timestamp").lt(end));
  }

  private static Column nullAfter(String column, LocalDate day) {
    return when(col(column).lt(lit(Timestamp.valueOf(day.plusDays(1).atStartOfDay()))), col(column));
  }

  @Test
  void everyFeatureOfASnapshotEqualsTheSameFeatureComputedFromTheDataCutAtItsDate() {
    Dataset<Row> full = build(mrr(), dimWorkspace(), activity(), tickets(), invoiceLines(), invoices());
    List<String> features = Arrays.stream(full.columns()).filter(c -> !c.equals("churned_in_horizon")).toList();
    assertThat(features).hasSize(23);
    Map<String, Row> all = byKey(full);
    for (String month : List.of("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-20")) {
      LocalDate s = LocalDate.parse(month);
      Dataset<Row> dim = dimWorkspace().where(col("valid_from").isNull().or(col("valid_from").lt(lit(Timestamp.valueOf(s.plusDays(1).atStartOfDay())))))
          .withColumn("valid_to", nullAfter("valid_to", s));
      Dataset<Row> tickets = cut(tickets(), "created_at", s).withColumn("satisfaction_score",
          when(col("solved_at").lt(lit(Timestamp.valueOf(s.plusDays(1).atStartOfDay()))), col("satisfaction_score")))
          .withColumn("solved_at", nullAfter("solved_at", s));
      Dataset<Row> invoices = cut(invoices(), "created_at", s).withColumn("paid_at", nullAfter("paid_at", s));
      Dataset<Row> mrr = mrr().where(col("month").leq(lit(Date.valueOf(s))));
      Map<String, Row> cutRows = byKey(build(mrr, dim, cut(activity(), "activity_date", s), tickets,
          cut(invoiceLines(), "invoice_created_at", s), invoices).where(col("snapshot_date").equalTo(lit(Date.valueOf(s)))));
      assertThat(cutRows).as("snapshots of %s", s).isNotEmpty();
      for (Map.Entry<String, Row> e : cutRows.entrySet()) {
        Row whole = all.get(e.getKey());
        for (String f : features) {
          assertThat((Object) e.getValue().getAs(f)).as("%s of %s", f, e.getKey()).isEqualTo(whole.getAs(f));
        }
      }
    }
  }
}
