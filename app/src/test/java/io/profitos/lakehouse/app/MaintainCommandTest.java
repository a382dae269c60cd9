package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakehouse maintain} through the CLI on a small warehouse of its own: the retention of rows, table by table. */
class MaintainCommandTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  private void table(Path location, LocalDate... days) {
    StructType schema = new StructType().add("id", "int").add("_extract_date", "date");
    List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < days.length; i++) {
      rows.add(RowFactory.create(i, Date.valueOf(days[i])));
    }
    spark.createDataFrame(rows, schema).coalesce(1).write().format("delta").save(location.toString());
  }

  @Test
  void maintainDeletesTheRowsPastTheirTablesRetentionAndKeepsEveryOtherTablesRows() {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Path warehouse = dir.resolve("warehouse");
    // 30 days kept: the row of 31 days ago goes, the one of 30 days ago stays (the first day kept is today - 30).
    table(warehouse.resolve("bronze/_quarantine"), today.minusDays(31), today.minusDays(30), today.minusDays(29), today);
    table(warehouse.resolve("gold/history"), today.minusDays(400), today);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new String[] {"maintain", "--conf-dir", "../conf", "--conf", "lakehouse.warehouse=" + warehouse, "--conf",
        "lakehouse.landing=" + dir.resolve("landing"), "--conf",
        "lakehouse.privacy.retention=[{ tables = \"bronze._quarantine\", column = _extract_date, keep = 30 days }]"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(printed).contains("Maintaining 2 tables under").contains("(1 rules)")
        .containsPattern("bronze/_quarantine\\s+1 -> 1\\s+\\d+ -> \\d+\\s+1\\n")
        .containsPattern("gold/history\\s+1 -> 1\\s+\\d+ -> \\d+\\s+-\\n")
        .contains("1 rows deleted past their table's retention");
    assertThat(spark.read().format("delta").load(warehouse.resolve("bronze/_quarantine").toString()).orderBy("id").collectAsList())
        .extracting(r -> r.getInt(0)).containsExactly(1, 2, 3);
    assertThat(spark.read().format("delta").load(warehouse.resolve("gold/history").toString()).count()).isEqualTo(2);
  }
}
