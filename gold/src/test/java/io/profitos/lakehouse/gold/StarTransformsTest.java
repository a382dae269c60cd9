package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StarTransformsTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void supportMonthCountsSolvesMedianAndCsat() {
    StructType schema = new StructType().add("ticket_id", "string").add("created_at", "timestamp").add("solved_at", "timestamp")
        .add("satisfaction_score", "string").add("status", "string").add("priority", "string").add("workspace_id", "string")
        .add("is_deleted", "boolean");
    Timestamp created = Timestamp.valueOf("2026-01-10 00:00:00");
    List<Row> rows = List.of(
        RowFactory.create("t1", created, Timestamp.valueOf("2026-01-10 01:00:00"), "good", "solved", "normal", "w", false),
        RowFactory.create("t2", created, Timestamp.valueOf("2026-01-10 03:00:00"), "good", "solved", "normal", "w", false),
        RowFactory.create("t3", created, Timestamp.valueOf("2026-01-10 05:00:00"), "bad", "solved", "normal", "w", false),
        RowFactory.create("t4", created, null, "offered", "open", "normal", "w", false),
        RowFactory.create("t5", created, null, "good", "open", "normal", "w", true));
    Row jan = StarTransforms.supportMonthly(StarTransforms.tickets(spark.createDataFrame(rows, schema))).first();
    // Four live tickets (t5 is deleted), three solved in 1, 3 and 5 hours: median 3; CSAT 2 good / (2 good + 1 bad).
    assertThat(jan.getLong(jan.fieldIndex("tickets"))).isEqualTo(4);
    assertThat(jan.getLong(jan.fieldIndex("solved_tickets"))).isEqualTo(3);
    assertThat(jan.getDecimal(jan.fieldIndex("median_resolution_hours"))).isEqualByComparingTo("3");
    assertThat(jan.getDecimal(jan.fieldIndex("csat"))).isEqualByComparingTo("0.666667");
  }

  @Test
  void aFactKeyWithoutADimensionRowPointsToTheUnknownMember() {
    StructType prices = new StructType().add("price_id", "string").add("product_id", "string").add("nickname", "string")
        .add("interval", "string").add("interval_count", "int").add("currency", "string")
        .add("unit_amount", "decimal(18,6)").add("is_active", "boolean").add("is_deleted", "boolean");
    Dataset<Row> dim = StarTransforms.plans(spark.createDataFrame(List.of(
        RowFactory.create("price_a", "prod_team", "Team", "month", 1, "USD", new BigDecimal("12.000000"), true, false)), prices));
    StructType facts = new StructType().add("line_id", "string").add("price_id", "string");
    Dataset<Row> keyed = StarTransforms.lookup(spark.createDataFrame(List.of(RowFactory.create("l1", "price_a"),
        RowFactory.create("l2", "price_gone"), RowFactory.create("l3", null)), facts), "price_id", dim, "price_id", "plan_key");
    List<Row> rows = keyed.orderBy("line_id").collectAsList();
    long teamKey = dim.where("price_id = 'price_a'").first().getLong(0);
    assertThat(rows).extracting(r -> r.getLong(r.fieldIndex("plan_key"))).containsExactly(teamKey, -1L, -1L);
    assertThat(dim.where("plan_key = -1").first().<String>getAs("plan")).isEqualTo("unknown");
    assertThat(dim.where("price_id = 'price_a'").first().<String>getAs("plan")).isEqualTo("team");
  }

  @Test
  void theCalendarCarriesTheFiscalYearOfItsConfiguredStart() {
    // Fiscal years starting on 1 February, named by the calendar year they end in: 31 Jan 2026 is FY2026 Q4,
    // 1 Feb 2026 starts FY2027 Q1, 1 May 2026 is its Q2 and 31 Dec 2026 its Q4 (November to January).
    var days = DimensionTransforms.dates(spark, java.time.LocalDate.parse("2026-01-31"), java.time.LocalDate.parse("2026-12-31"), 2);
    java.util.Map<String, String> fiscal = new java.util.HashMap<>();
    days.collectAsList().forEach(r -> fiscal.put(r.getAs("date").toString(), r.getAs("fiscal_year") + "Q" + r.getAs("fiscal_quarter")));
    org.assertj.core.api.Assertions.assertThat(fiscal).containsEntry("2026-01-31", "2026Q4").containsEntry("2026-02-01", "2027Q1")
        .containsEntry("2026-05-01", "2027Q2").containsEntry("2026-12-31", "2027Q4");
    var calendar = DimensionTransforms.dates(spark, java.time.LocalDate.parse("2026-01-01"), java.time.LocalDate.parse("2026-01-01"), 1)
        .first();
    org.assertj.core.api.Assertions.assertThat(calendar.<Integer>getAs("fiscal_year")).isEqualTo(2026);
    org.assertj.core.api.Assertions.assertThat(calendar.<Integer>getAs("fiscal_quarter")).isEqualTo(1);
  }
}
