package io.profitos.lakehouse.core.money;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class BillingPeriodTest {
  @Test
  void everyStripeIntervalIsNormalisedToAMonth() {
    // 120 a year = 10 a month; 12 a week = 12 x 52 / 12 = 52; 3 a day = 3 x 365 / 12 = 91.25;
    // 30 a quarter (every 3 months) = 10; 100 every 2 years = 100 / 24 = 4.1666...
    assertThat(BillingPeriod.monthly(new BigDecimal("120"), "year", 1)).isEqualByComparingTo("10");
    assertThat(BillingPeriod.monthly(new BigDecimal("12"), "week", 1)).isEqualByComparingTo("52");
    assertThat(BillingPeriod.monthly(new BigDecimal("3"), "day", 1)).isEqualByComparingTo("91.25");
    assertThat(BillingPeriod.monthly(new BigDecimal("30"), "month", 3)).isEqualByComparingTo("10");
    assertThat(BillingPeriod.monthly(new BigDecimal("100"), "year", 2).setScale(6, java.math.RoundingMode.HALF_UP))
        .isEqualByComparingTo("4.166667");
    assertThatThrownBy(() -> BillingPeriod.monthly(BigDecimal.ONE, "fortnight", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSparkFormGivesTheSameAmountsAndNullForAnUnknownInterval() {
    var spark = SparkTestSession.get();
    List<Row> rows = spark.sql("SELECT * FROM VALUES (CAST(12 AS DECIMAL(18,6)), 'week', 1), (CAST(3 AS DECIMAL(18,6)), 'day', 1), "
            + "(CAST(30 AS DECIMAL(18,6)), 'month', 3), (CAST(120 AS DECIMAL(18,6)), 'year', CAST(NULL AS INT)), "
            + "(CAST(5 AS DECIMAL(18,6)), 'fortnight', 1) AS t(amount, interval, n)")
        .select(BillingPeriodColumns.monthly(col("amount"), col("interval"), col("n")).as("m")).collectAsList();
    assertThat(rows).extracting(r -> r.isNullAt(0) ? null : r.getDecimal(0).stripTrailingZeros().toPlainString())
        .containsExactly("52", "91.25", "10", "10", null);
  }
}
