package io.profitos.lakehouse.core.money;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * The one billing-period rule of METRICS.md: an amount charged every {@code interval_count}
 * {@code interval}s (a Stripe price's recurring, or an amount_off coupon on the subscription's
 * billing period) is normalised to a month as {@code amount x intervals per year / (12 x
 * interval_count)}: month x1, year /12, week x52/12, day x365/12. Silver's monthly amounts,
 * gold's MRR and the demo generator's truth all use it: exact decimal arithmetic here (plain
 * Java, for the generator), the same rule as a Spark column in {@link BillingPeriodColumns}.
 */
public final class BillingPeriod {
  private BillingPeriod() {}

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
}
