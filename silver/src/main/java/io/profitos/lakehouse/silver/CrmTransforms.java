package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.upper;

import io.profitos.lakehouse.core.money.Money;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Salesforce objects to silver columns: snake_case names, ISO timestamps to UTC timestamps,
 * {@code IsDeleted} to {@code is_deleted}, versions ordered by {@code SystemModstamp}.
 */
public final class CrmTransforms {
  private CrmTransforms() {}

  /**
   * {@code bronze.salesforce_account} -> account_id, name, account_type, industry,
   * number_of_employees, billing_country, owner_id, workspace_id, health_score (appears part-way
   * through history), created_at, is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> accounts(Dataset<Row> b) {
    Column updated = ts(b, "SystemModstamp");
    return b.select(Columns.withLineage(
        col("Id").cast(DataTypes.StringType).as("account_id"),
        str(b, "Name").as("name"),
        str(b, "Type").as("account_type"),
        str(b, "Industry").as("industry"),
        Columns.rescuedNumber(b, "NumberOfEmployees", DataTypes.IntegerType).as("number_of_employees"),
        str(b, "BillingCountry").as("billing_country"),
        str(b, "OwnerId").as("owner_id"),
        str(b, "Workspace_Id__c").as("workspace_id"),
        Columns.rescuedNumber(b, "Health_Score__c", DataTypes.IntegerType).as("health_score"),
        ts(b, "CreatedDate").as("created_at"),
        deleted(b),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  /**
   * {@code bronze.salesforce_lead} -> lead_id, first_name, last_name, email, company, title,
   * industry, number_of_employees, country, lead_source, status, is_converted, converted_date,
   * converted_account_id, converted_opportunity_id, web_visits, email_engagements,
   * trial_workspace_id, owner_id, created_at, is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> leads(Dataset<Row> b) {
    Column updated = ts(b, "SystemModstamp");
    return b.select(Columns.withLineage(
        col("Id").cast(DataTypes.StringType).as("lead_id"),
        str(b, "FirstName").as("first_name"),
        str(b, "LastName").as("last_name"),
        str(b, "Email").as("email"),
        str(b, "Company").as("company"),
        str(b, "Title").as("title"),
        str(b, "Industry").as("industry"),
        Columns.rescuedNumber(b, "NumberOfEmployees", DataTypes.IntegerType).as("number_of_employees"),
        str(b, "Country").as("country"),
        str(b, "LeadSource").as("lead_source"),
        str(b, "Status").as("status"),
        coalesce(Columns.optional(b, "IsConverted", DataTypes.BooleanType), lit(false)).as("is_converted"),
        to_date(str(b, "ConvertedDate")).as("converted_date"),
        str(b, "ConvertedAccountId").as("converted_account_id"),
        str(b, "ConvertedOpportunityId").as("converted_opportunity_id"),
        Columns.rescuedNumber(b, "Web_Visits__c", DataTypes.IntegerType).as("web_visits"),
        Columns.rescuedNumber(b, "Email_Engagements__c", DataTypes.IntegerType).as("email_engagements"),
        str(b, "Trial_Workspace_Id__c").as("trial_workspace_id"),
        str(b, "OwnerId").as("owner_id"),
        ts(b, "CreatedDate").as("created_at"),
        deleted(b),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  /**
   * {@code bronze.salesforce_opportunity} -> opportunity_id, account_id, owner_id, name,
   * opportunity_type, stage_name, amount (a number even when the source sent it as text),
   * currency, probability, close_date, created_at, is_closed, is_won, forecast_category,
   * lead_source, discount_percent, next_step, loss_reason, renewal_date (blank text as null), is_deleted, updated_at,
   * _cursor, lineage.
   */
  public static Dataset<Row> opportunities(Dataset<Row> b) {
    Column updated = ts(b, "SystemModstamp");
    return b.select(Columns.withLineage(
        col("Id").cast(DataTypes.StringType).as("opportunity_id"),
        str(b, "AccountId").as("account_id"),
        str(b, "OwnerId").as("owner_id"),
        str(b, "Name").as("name"),
        str(b, "Type").as("opportunity_type"),
        str(b, "StageName").as("stage_name"),
        Columns.rescuedNumber(b, "Amount", Money.MONEY).as("amount"),
        coalesce(upper(str(b, "CurrencyIsoCode")), lit("USD")).as("currency"),
        Columns.rescuedNumber(b, "Probability", DataTypes.DoubleType).as("probability"),
        to_date(str(b, "CloseDate")).as("close_date"),
        ts(b, "CreatedDate").as("created_at"),
        coalesce(Columns.optional(b, "IsClosed", DataTypes.BooleanType), lit(false)).as("is_closed"),
        coalesce(Columns.optional(b, "IsWon", DataTypes.BooleanType), lit(false)).as("is_won"),
        str(b, "ForecastCategoryName").as("forecast_category"),
        str(b, "LeadSource").as("lead_source"),
        Columns.rescuedNumber(b, "Discount__c", DataTypes.DoubleType).as("discount_percent"),
        text(b, "NextStep").as("next_step"),
        text(b, "Loss_Reason__c").as("loss_reason"),
        to_date(text(b, "Renewal_Date__c")).as("renewal_date"),
        deleted(b),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  /**
   * {@code bronze.salesforce_opportunity_history} -> history_id, opportunity_id, stage_name,
   * amount, close_date, probability, forecast_category, created_at (when the stage was entered),
   * is_deleted, _cursor (= created_at), lineage.
   */
  public static Dataset<Row> opportunityStageHistory(Dataset<Row> b) {
    Column created = ts(b, "CreatedDate");
    return b.select(Columns.withLineage(
        col("Id").cast(DataTypes.StringType).as("history_id"),
        str(b, "OpportunityId").as("opportunity_id"),
        str(b, "StageName").as("stage_name"),
        Columns.rescuedNumber(b, "Amount", Money.MONEY).as("amount"),
        to_date(str(b, "CloseDate")).as("close_date"),
        Columns.rescuedNumber(b, "Probability", DataTypes.DoubleType).as("probability"),
        str(b, "ForecastCategory").as("forecast_category"),
        created.as("created_at"),
        deleted(b),
        Columns.cursor(created)));
  }

  /**
   * {@code bronze.salesforce_user} -> rep_id, name, email, title, is_active, rep_segment (the rep's
   * Segment__c: not the MRR segment), region, quarterly_quota_usd, start_date, created_at, is_deleted, updated_at, _cursor, lineage.
   */
  public static Dataset<Row> salesReps(Dataset<Row> b) {
    Column updated = ts(b, "SystemModstamp");
    return b.select(Columns.withLineage(
        col("Id").cast(DataTypes.StringType).as("rep_id"),
        str(b, "Name").as("name"),
        str(b, "Email").as("email"),
        str(b, "Title").as("title"),
        coalesce(Columns.optional(b, "IsActive", DataTypes.BooleanType), lit(true)).as("is_active"),
        str(b, "Segment__c").as("rep_segment"),
        str(b, "Region__c").as("region"),
        Columns.rescuedNumber(b, "Quarterly_Quota__c", Money.MONEY).as("quarterly_quota_usd"),
        to_date(str(b, "StartDate")).as("start_date"),
        ts(b, "CreatedDate").as("created_at"),
        deleted(b),
        updated.as("updated_at"),
        Columns.cursor(updated)));
  }

  private static Column str(Dataset<Row> b, String field) {
    return Columns.optional(b, field, DataTypes.StringType);
  }

  /** A text field trimmed, blank as null (an emptied CRM field arrives as ""). */
  private static Column text(Dataset<Row> b, String field) {
    Column v = org.apache.spark.sql.functions.trim(str(b, field));
    return org.apache.spark.sql.functions.when(v.notEqual(""), v);
  }

  /** Salesforce ISO-8601 UTC text ({@code 2026-01-01T10:00:00.000Z}) to a timestamp. */
  private static Column ts(Dataset<Row> b, String field) {
    return str(b, field).cast(DataTypes.TimestampType);
  }

  private static Column deleted(Dataset<Row> b) {
    return coalesce(Columns.optional(b, "IsDeleted", DataTypes.BooleanType), lit(false)).as("is_deleted");
  }

}
