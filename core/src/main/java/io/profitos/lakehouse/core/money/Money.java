package io.profitos.lakehouse.core.money;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Money in silver: decimal(18,6) in major units, with its ISO currency, and its USD value. */
public final class Money {
  private Money() {}

  /** The silver money type. */
  public static final DataType MONEY = DataTypes.createDecimalType(18, 6);
  /** The FX rate type of {@code silver.fx_rates.usd_per_unit}. */
  public static final DataType RATE = DataTypes.createDecimalType(18, 8);

  /** Stripe's zero-decimal currencies: their amounts are already in major units. */
  public static final List<String> ZERO_DECIMAL = List.of(
      "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF");

  /** Stripe minor units (cents) to major units for {@code currency}. */
  public static Column fromMinor(Column amount, Column currency) {
    Column decimal = amount.cast(MONEY);
    return when(upper(currency).isin(ZERO_DECIMAL.toArray()), decimal)
        .otherwise(decimal.divide(100)).cast(MONEY);
  }

  /**
   * Adds {@code usd_per_unit} and {@code fx_rate_date}: USD converts at 1 on the row's date; any
   * other currency takes the newest rate of {@code fxRates} on or before {@code date} (rates are
   * not published on weekends and holidays), and a date before the currency's first rate takes
   * that first rate ({@code fx_rate_date} says which). A currency without any rate stays null:
   * the caller quarantines it, it never becomes a null amount in silver.
   */
  public static Dataset<Row> withRate(Dataset<Row> rows, Dataset<Row> fxRates, String currency, Column date) {
    Dataset<Row> daily = org.apache.spark.sql.functions.broadcast(dailyRates(fxRates));
    Dataset<Row> dated = rows.withColumn("_fx_on", date.cast(DataTypes.DateType));
    Column clamped = org.apache.spark.sql.functions.least(greatest(dated.col("_fx_on"), daily.col("_first_date")), daily.col("_last_date"));
    Dataset<Row> joined = dated.join(daily, dated.col(currency).equalTo(daily.col("_fx_currency"))
        .and(daily.col("_day").equalTo(clamped)), "left");
    Column isUsd = col(currency).equalTo("USD");
    return joined
        .withColumn("usd_per_unit", when(isUsd, lit(1).cast(RATE)).otherwise(col("_rate")))
        .withColumn("fx_rate_date", when(isUsd, col("_fx_on")).otherwise(col("_rate_date")))
        .drop("_fx_currency", "_day", "_rate", "_rate_date", "_first_date", "_last_date", "_fx_on");
  }

  /**
   * One row per currency and calendar day from its first to its last published rate: the newest
   * rate on or before that day and the date it was published. Small (currencies x days), so the
   * as-of lookup above is an equi-join on (currency, day) against a broadcast table.
   */
  static Dataset<Row> dailyRates(Dataset<Row> fxRates) {
    Dataset<Row> rates = fxRates.where(col("is_deleted").equalTo(false).and(col("usd_per_unit").isNotNull()))
        .select(col("currency").as("_fx_currency"), col("date").as("_rate_date"), col("usd_per_unit").as("_rate"));
    Dataset<Row> bounds = rates.groupBy("_fx_currency")
        .agg(min("_rate_date").as("_first_date"), org.apache.spark.sql.functions.max("_rate_date").as("_last_date"));
    Dataset<Row> days = bounds.withColumn("_day", org.apache.spark.sql.functions.explode(
        org.apache.spark.sql.functions.sequence(col("_first_date"), col("_last_date"))));
    var upToDay = Window.partitionBy("_fx_currency").orderBy("_day").rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Dataset<Row> published = rates.withColumn("_day", col("_rate_date"));
    return days.join(published, scala.collection.JavaConverters.asScalaBuffer(List.of("_fx_currency", "_day")).toSeq(), "left")
        .withColumn("_rate", org.apache.spark.sql.functions.last(col("_rate"), true).over(upToDay))
        .withColumn("_rate_date", org.apache.spark.sql.functions.last(col("_rate_date"), true).over(upToDay));
  }

  /** {@code amount} in USD at the row's {@code usd_per_unit}. */
  public static Column usd(Column amount) {
    return amount.multiply(col("usd_per_unit")).cast(MONEY);
  }
}
