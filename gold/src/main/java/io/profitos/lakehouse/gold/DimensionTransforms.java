package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.last_day;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.xxhash64;
import static org.apache.spark.sql.functions.year;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/** Conformed dimensions as pure functions. Every dimension has an unknown member (key -1) so facts never hold orphan keys. */
public final class DimensionTransforms {
  private DimensionTransforms() {}

  public static final long UNKNOWN = -1L;

  /** {@code yyyymmdd} as an int: the key of {@code gold.dim_date}. */
  public static Column dateKey(Column date) {
    return date_format(date, "yyyyMMdd").cast(DataTypes.IntegerType);
  }

  /**
   * One row per day from {@code first} to {@code last}: date_key, date, year, quarter, month
   * (first day), month_name, week_start (Monday), day_of_week (1 = Monday), is_month_end,
   * fiscal_year (named by the calendar year it ends in) and fiscal_quarter, for a fiscal year
   * starting on the first of {@code fiscalStartMonth} (1 = the calendar year).
   */
  public static Dataset<Row> dates(SparkSession spark, LocalDate first, LocalDate last, int fiscalStartMonth) {
    Dataset<Row> days = spark.sql("SELECT explode(sequence(DATE'" + first + "', DATE'" + last + "', INTERVAL 1 DAY)) AS date");
    Column d = col("date");
    Column fiscalMonth = org.apache.spark.sql.functions.pmod(org.apache.spark.sql.functions.month(d).minus(fiscalStartMonth), lit(12));
    return days.select(
        dateKey(d).as("date_key"), d,
        year(d).as("year"),
        quarter(d).as("quarter"),
        trunc(d, "month").as("month"),
        date_format(d, "MMMM").as("month_name"),
        to_date(date_trunc("week", d)).as("week_start"),
        org.apache.spark.sql.functions.pmod(dayofweek(d).plus(5), lit(7)).plus(1).as("day_of_week"),
        d.equalTo(last_day(d)).as("is_month_end"),
        year(org.apache.spark.sql.functions.add_months(d, (13 - fiscalStartMonth) % 12)).as("fiscal_year"),
        org.apache.spark.sql.functions.floor(fiscalMonth.divide(3)).plus(1).cast("int").as("fiscal_quarter"));
  }

  /**
   * {@code silver.workspace_history} + {@code silver.workspaces} -> {@code gold.dim_workspace}
   * (type 2 on plan, seats and status): workspace_key (stable hash of workspace_id and
   * valid_from), workspace_id, name, plan, seats, status, region, created_at, signup_month,
   * valid_from, valid_to, is_current, is_deleted; plus the unknown member.
   */
  public static Dataset<Row> workspaces(Dataset<Row> history, Dataset<Row> workspaces) {
    Dataset<Row> current = workspaces.select(col("workspace_id"), col("name"), col("region"), col("created_at"));
    Dataset<Row> versions = history.join(current, MrrTransforms.usingColumns("workspace_id"), "left")
        .select(
            xxhash64(col("workspace_id"), col("valid_from")).as("workspace_key"),
            col("workspace_id"), col("name"), col("plan"), col("seats"), col("status"), col("region"), col("created_at"),
            trunc(col("created_at"), "month").as("signup_month"),
            col("valid_from"), col("valid_to"), col("is_current"), col("is_deleted"));
    return StarTransforms.withUnknown(versions, "workspace_key");
  }

  /**
   * Adds {@code workspace_key}: the dim_workspace version valid at {@code at} (the newest with
   * valid_from <= at), the unknown member when the workspace or version is not known.
   */
  public static Dataset<Row> withWorkspaceKey(Dataset<Row> facts, Dataset<Row> dimWorkspace, Column at) {
    Dataset<Row> dim = dimWorkspace.where(col("workspace_key").notEqual(UNKNOWN))
        .select(col("workspace_id").as("_dim_workspace_id"), col("workspace_key"), col("valid_from").as("_dim_from"));
    Dataset<Row> keyed = facts.withColumn("_fact_row", org.apache.spark.sql.functions.monotonically_increasing_id())
        .withColumn("_at", at);
    Dataset<Row> joined = keyed.join(dim, keyed.col("workspace_id").equalTo(dim.col("_dim_workspace_id"))
        .and(dim.col("_dim_from").leq(keyed.col("_at"))), "left");
    return joined.withColumn("_pick", row_number().over(Window.partitionBy("_fact_row").orderBy(col("_dim_from").desc_nulls_last())))
        .where(col("_pick").equalTo(1))
        .withColumn("workspace_key", org.apache.spark.sql.functions.coalesce(col("workspace_key"), lit(UNKNOWN)))
        .drop("_pick", "_fact_row", "_at", "_dim_workspace_id", "_dim_from");
  }
}
