package io.profitos.lakehouse.core.money;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one billing-period rule of METRICS.md: an amount charged every {@code interval_count}
 * {@code interval}s (a Stripe price's recurring, or an amount_off coupon on the subscription's
 * billing period) is normalised to a month as {@code amount x intervals per year / (12 x
 * interval_count)}: month x1, year /12, week x52/12, day x365/12. Silver's monthly amounts,
 * gold's MRR and the demo generator's truth all use it, as a Spark column here and as exact
 * decimal arithmetic in {@link #monthly(BigDecimal, String, int)}.
 */
public final class BillingPeriod {
  private BillingPeriod() {}

  /** Exact intermediate type of a monthly amount: 18 integer digits, 12 decimals. */
  public static final DataType EXACT = DataTypes.createDecimalType(30, 12);

  /** The intervals Stripe prices recur on. */
  public static final java.util.List<String> INTERVALS = java.util.List.of("day", "week", "month", "year");

  /** Intervals of {@code interval} in a year: day 365, week 52, month 12, year 1; null for anything else. */
  public static Integer perYear(String interval) {
    if (interval == null) {
      return null;
    }
    return switch (interval.toLowerCase(Locale.ROOT)) {
      case "day" -> 365;
      case "week" -> 52;
      case "month" -> 12;
      case "year" -> 1;
      default -> null;
    };
  }

  /**
   * {@code amount} per billing period as a monthly amount, exact to 34 significant digits.
   *
   * @throws IllegalArgumentException for an unknown interval or a count below 1
   */
  public static BigDecimal monthly(BigDecimal amount, String interval, int intervalCount) {
    Integer perYear = perYear(interval);
    if (perYear == null || intervalCount < 1) {
      throw new IllegalArgumentException("not a billing period: every " + intervalCount + " " + interval);
    }
    return amount.multiply(BigDecimal.valueOf(perYear)).divide(BigDecimal.valueOf(12L * intervalCount), MathContext.DECIMAL128);
  }

  /**
   * The Spark form: {@code amount} (a decimal) per billing period of {@code interval} and
   * {@code intervalCount} (null counts as 1) as a monthly amount in {@link #EXACT}; null for an
   * unknown interval, so a caller can quarantine it instead of publishing a wrong 0.
   */
  public static Column monthly(Column amount, Column interval, Column intervalCount) {
    Column perYear = when(interval.equalTo("day"), lit(365)).when(interval.equalTo("week"), lit(52))
        .when(interval.equalTo("month"), lit(12)).when(interval.equalTo("year"), lit(1));
    Column periods = coalesce(intervalCount, lit(1)).cast(DataTypes.createDecimalType(10, 0)).multiply(lit(12));
    return amount.cast(EXACT).multiply(perYear.cast(DataTypes.createDecimalType(4, 0))).divide(periods).cast(EXACT);
  }
}
