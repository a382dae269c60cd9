package io.profitos.lakehouse.core.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowRetentionTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  private static RowRetention rules(String list) {
    return RowRetention.from(ConfigFactory.parseString("lakehouse.privacy.retention = " + list));
  }

  @Test
  void rowsOlderThanTheirTablesRetentionAreDeletedAndTheRestKept() {
    String location = dir.resolve("wh/bronze/_quarantine").toString();
    spark.sql("SELECT * FROM VALUES (1, DATE'2026-08-21'), (2, DATE'2026-08-22'), (3, DATE'2026-08-23'), (4, DATE'2026-11-20') "
        + "AS t(id, _extract_date)").write().format("delta").save(location);
    RowRetention r = rules("[{ tables = \"bronze._*\", column = _extract_date, keep = 90 days }]");
    // 90 days before 2026-11-20 is 2026-08-22: that day is kept, the one before it is not.
    assertThat(RowRetention.firstKept(r.ruleFor("bronze._quarantine").orElseThrow(), LocalDate.of(2026, 11, 20)))
        .isEqualTo(LocalDate.of(2026, 8, 22));
    assertThat(r.apply(spark, location, "bronze._quarantine", LocalDate.of(2026, 11, 20))).isEqualTo(1);
    assertThat(spark.read().format("delta").load(location).orderBy("id").collectAsList()).extracting(row -> row.getInt(0))
        .containsExactly(2, 3, 4);
    // Again the same day: nothing left to delete.
    assertThat(r.apply(spark, location, "bronze._quarantine", LocalDate.of(2026, 11, 20))).isZero();
  }

  @Test
  void aTimestampColumnIsComparedByItsDayAndTheFirstMatchingRuleApplies() {
    String location = dir.resolve("wh/ops/query_audit_log").toString();
    spark.sql("SELECT * FROM VALUES ('a', TIMESTAMP'2025-10-15 23:59:59'), ('b', TIMESTAMP'2025-10-16 00:00:00') "
        + "AS t(statement, query_timestamp)").write().format("delta").save(location);
    RowRetention r = rules("[{ tables = \"ops.query_audit_log\", column = query_timestamp, keep = 400 days }, "
        + "{ tables = \"ops.*\", column = query_timestamp, keep = 1 day }]");
    // 400 days before 2026-11-20 is 2025-10-16.
    assertThat(r.apply(spark, location, "ops.query_audit_log", LocalDate.of(2026, 11, 20))).isEqualTo(1);
    List<Row> left = spark.read().format("delta").load(location).collectAsList();
    assertThat(left).extracting(row -> row.getString(0)).containsExactly("b");
    assertThat(r.ruleFor("gold.kpi_saas_monthly")).isEmpty();
    assertThat(r.apply(spark, location, "gold.kpi_saas_monthly", LocalDate.of(2026, 11, 20))).isZero();
  }

  @Test
  void aRuleNamingAMissingColumnOrAnUnusableRetentionIsRefusedWithTheFix() {
    String location = dir.resolve("wh/silver/things").toString();
    spark.sql("SELECT 1 AS id").write().format("delta").save(location);
    RowRetention r = rules("[{ tables = \"silver.things\", column = created_at, keep = 30 days }]");
    assertThatThrownBy(() -> r.apply(spark, location, "silver.things", LocalDate.of(2026, 11, 20))).isInstanceOf(LakehouseException.class)
        .hasMessage("lakehouse.privacy.retention: silver.things has no column 'created_at' (rule for 'silver.things'); its columns are [id].");
    assertThatThrownBy(() -> rules("[{ tables = \"things\", column = a, keep = 30 days }]")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("'things' is not <layer>.<table>");
    assertThatThrownBy(() -> rules("[{ tables = \"silver.things\", column = a, keep = 2 hours }]")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("give at least 1 day");
    assertThatThrownBy(() -> rules("[{ tables = \"silver.things\", keep = 2 days }]")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("Configuration error in lakehouse.privacy.retention");
  }
}
