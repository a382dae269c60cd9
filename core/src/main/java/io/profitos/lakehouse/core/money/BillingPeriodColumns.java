package io.profitos.lakehouse.core.money;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** {@link BillingPeriod}'s rule as Spark columns (silver's monthly amounts, gold's MRR). */
public final class BillingPeriodColumns {
  private BillingPeriodColumns() {}

  /** Exact intermediate type of a monthly amount: 18 integer digits, 12 decimals. */
  public static final DataType EXACT = DataTypes.createDecimalType(30, 12);

  /**
   * {@code amount} (a decimal) per billing period of {@code interval} and {@code intervalCount}
   * (null counts as 1) as a monthly amount in {@link #EXACT}; null for an unknown interval, so a
   * caller can quarantine it instead of publishing a wrong 0.
   */
  public static Column monthly(Column amount, Column interval, Column intervalCount) {
    Column perYear = null;
    for (String i : BillingPeriod.INTERVALS) {
      Column v = lit(BillingPeriod.perYear(i));
      perYear = perYear == null ? when(interval.equalTo(i), v) : perYear.when(interval.equalTo(i), v);
    }
    Column periods = coalesce(intervalCount, lit(1)).cast(DataTypes.createDecimalType(10, 0)).multiply(lit(12));
    return amount.cast(EXACT).multiply(perYear.cast(DataTypes.createDecimalType(4, 0))).divide(periods).cast(EXACT);
  }
}
