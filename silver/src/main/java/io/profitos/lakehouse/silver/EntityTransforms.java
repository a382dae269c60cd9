package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.upper;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Bronze source objects to silver entity columns: names in snake_case, types fixed, money and
 * time in their silver form. Pure functions; each lists the columns it produces.
 */
public final class EntityTransforms {
  private EntityTransforms() {}

  /**
   * {@code bronze.stripe_customers} -> customer_id, workspace_id, email, name, created_at,
   * currency (upper case), default_payment_method, is_deleted, updated_at, _cursor (= updated_at), lineage.
   */
  public static Dataset<Row> customers(Dataset<Row> b) {
    Column updated = timestamp_seconds(Columns.optional(b, "updated", DataTypes.LongType));
    return b.select(concat(
        col("id").cast(DataTypes.StringType).as("customer_id"),
        Columns.optional(b, "metadata.workspace_id", DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "email", DataTypes.StringType).as("email"),
        Columns.optional(b, "name", DataTypes.StringType).as("name"),
        timestamp_seconds(Columns.optional(b, "created", DataTypes.LongType)).as("created_at"),
        upper(Columns.optional(b, "currency", DataTypes.StringType)).as("currency"),
        Columns.optional(b, "invoice_settings.default_payment_method", DataTypes.StringType).as("default_payment_method"),
        coalesce(Columns.optional(b, "deleted", DataTypes.BooleanType), lit(false)).as("is_deleted"),
        updated.as("updated_at"),
        coalesce(updated, lit(0).cast(DataTypes.TimestampType)).as("_cursor")));
  }

  /**
   * {@code bronze.product_db_workspaces} -> workspace_id, name, plan, status, seats, owner_user_id,
   * region, created_at, cancelled_at, updated_at (local times as written by the source: configured
   * to convert), is_deleted (CDC delete marker), _cursor (= _ab_cdc_updated_at, UTC), lineage.
   */
  public static Dataset<Row> workspaces(Dataset<Row> b) {
    return b.select(concat(
        col("workspace_id").cast(DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "name", DataTypes.StringType).as("name"),
        Columns.optional(b, "plan", DataTypes.StringType).as("plan"),
        Columns.optional(b, "status", DataTypes.StringType).as("status"),
        Columns.optional(b, "seats", DataTypes.IntegerType).as("seats"),
        Columns.optional(b, "owner_user_id", DataTypes.StringType).as("owner_user_id"),
        Columns.optional(b, "region", DataTypes.StringType).as("region"),
        Columns.optional(b, "created_at", DataTypes.StringType).as("created_at"),
        Columns.optional(b, "cancelled_at", DataTypes.StringType).as("cancelled_at"),
        Columns.optional(b, "updated_at", DataTypes.StringType).as("updated_at"),
        cdcDeleted(b), cdcCursor(b)));
  }

  /**
   * {@code bronze.finance_fx_rates} (CSV text) -> date, currency, usd_per_unit decimal(18,8),
   * is_deleted (false), _cursor (the extract date), lineage.
   */
  public static Dataset<Row> fxRates(Dataset<Row> b) {
    return b.select(concat(
        to_date(col("date")).as("date"),
        upper(col("currency")).as("currency"),
        col("usd_per_unit").cast(DataTypes.createDecimalType(18, 8)).as("usd_per_unit"),
        lit(false).as("is_deleted"),
        col("_extract_date").cast(DataTypes.TimestampType).as("_cursor")));
  }

  /**
   * {@code bronze.product_db_users} -> user_id, workspace_id, email, ip_address, role, created_at
   * (Los Angeles local time as written: configured to convert), is_deleted (CDC delete marker),
   * _cursor (= _ab_cdc_updated_at, UTC), lineage.
   */
  public static Dataset<Row> users(Dataset<Row> b) {
    return b.select(concat(
        col("user_id").cast(DataTypes.StringType).as("user_id"),
        Columns.optional(b, "workspace_id", DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "email", DataTypes.StringType).as("email"),
        Columns.optional(b, "ip_address", DataTypes.StringType).as("ip_address"),
        Columns.optional(b, "role", DataTypes.StringType).as("role"),
        Columns.optional(b, "created_at", DataTypes.StringType).as("created_at"),
        cdcDeleted(b), cdcCursor(b)));
  }

  /**
   * {@code bronze.product_db_experiment_assignments} -> experiment_id, workspace_id, variant (lower case), assigned_at
   * (UTC, as written), is_deleted (CDC delete marker), _cursor (= _ab_cdc_updated_at, UTC), lineage.
   */
  public static Dataset<Row> experimentAssignments(Dataset<Row> b) {
    return b.select(concat(
        Columns.optional(b, "experiment_id", DataTypes.StringType).as("experiment_id"),
        Columns.optional(b, "workspace_id", DataTypes.StringType).as("workspace_id"),
        org.apache.spark.sql.functions.lower(org.apache.spark.sql.functions.trim(
            Columns.optional(b, "variant", DataTypes.StringType))).as("variant"),
        Columns.optional(b, "assigned_at", DataTypes.StringType).cast(DataTypes.TimestampType).as("assigned_at"),
        cdcDeleted(b), cdcCursor(b)));
  }

  /** Segment tracks that are not product activity (METRICS.md). */
  public static final java.util.List<String> NOT_ACTIVITY = java.util.List.of("session_start", "session_end", "heartbeat");

  /**
   * {@code bronze.segment_tracks} -> event_id (messageId), event_type, event, user_id,
   * anonymous_id, workspace_id, feature, occurred_at, event_date (partition), received_at, ip_address, is_activity,
   * is_deleted (false), _cursor (= received_at), lineage. A message delivered twice is one event.
   */
  public static Dataset<Row> events(Dataset<Row> b) {
    Column received = Columns.optional(b, "receivedAt", DataTypes.StringType).cast(DataTypes.TimestampType);
    Column event = Columns.optional(b, "event", DataTypes.StringType);
    Column occurred = Columns.optional(b, "timestamp", DataTypes.StringType).cast(DataTypes.TimestampType);
    return b.select(concat(
        col("messageId").cast(DataTypes.StringType).as("event_id"),
        Columns.optional(b, "type", DataTypes.StringType).as("event_type"),
        event.as("event"),
        Columns.optional(b, "userId", DataTypes.StringType).as("user_id"),
        Columns.optional(b, "anonymousId", DataTypes.StringType).as("anonymous_id"),
        Columns.optional(b, "properties.workspace_id", DataTypes.StringType).as("workspace_id"),
        Columns.optional(b, "properties.feature", DataTypes.StringType).as("feature"),
        occurred.as("occurred_at"),
        coalesce(to_date(occurred), to_date(received)).as("event_date"),
        received.as("received_at"),
        Columns.optional(b, "context.ip", DataTypes.StringType).as("ip_address"),
        coalesce(event.isin(NOT_ACTIVITY.toArray()).unary_$bang(), lit(false)).as("is_activity"),
        lit(false).as("is_deleted"),
        coalesce(received, lit(0).cast(DataTypes.TimestampType)).as("_cursor")));
  }

  /** Postgres CDC: a row with {@code _ab_cdc_deleted_at} set is a delete. */
  static Column cdcDeleted(Dataset<Row> b) {
    return Columns.optional(b, "_ab_cdc_deleted_at", DataTypes.StringType).isNotNull().as("is_deleted");
  }

  /** Postgres CDC: versions are ordered by {@code _ab_cdc_updated_at} (UTC). */
  static Column cdcCursor(Dataset<Row> b) {
    Column cdc = Columns.optional(b, "_ab_cdc_updated_at", DataTypes.StringType).cast(DataTypes.TimestampType);
    return coalesce(cdc, lit(0).cast(DataTypes.TimestampType)).as("_cursor");
  }

  private static Column[] concat(Column... columns) {
    return Columns.withLineage(columns);
  }
}
