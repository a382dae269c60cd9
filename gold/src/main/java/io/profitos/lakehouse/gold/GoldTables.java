package io.profitos.lakehouse.gold;

import io.profitos.lakehouse.core.table.TableName;

/** Names of the tables gold reads and writes. */
final class GoldTables {
  private GoldTables() {}

  static final TableName SUBSCRIPTION_HISTORY = TableName.of("silver", "subscription_history");
  static final TableName FX_RATES = TableName.of("silver", "fx_rates");
  static final TableName WORKSPACES = TableName.of("silver", "workspaces");
  static final TableName WORKSPACE_HISTORY = TableName.of("silver", "workspace_history");
  static final TableName INVOICE_LINES = TableName.of("silver", "invoice_lines");
  static final TableName REPORTED_ARR = TableName.of("silver", "reported_arr");

  static final TableName PRICES = TableName.of("silver", "prices");
  static final TableName ACCOUNTS = TableName.of("silver", "accounts");
  static final TableName SALES_REPS = TableName.of("silver", "sales_reps");
  static final TableName LEADS = TableName.of("silver", "leads");
  static final TableName OPPORTUNITIES = TableName.of("silver", "opportunities");
  static final TableName MARKETING_SPEND = TableName.of("silver", "marketing_spend");
  static final TableName INFRA_COSTS = TableName.of("silver", "infra_costs");
  static final TableName CUSTOMERS = TableName.of("silver", "customers");
  static final TableName TICKETS = TableName.of("silver", "tickets");
  static final TableName EVENTS = TableName.of("silver", "events");
  static final TableName OPPORTUNITY_STAGE_HISTORY = TableName.of("silver", "opportunity_stage_history");
  static final TableName SALES_COSTS = TableName.of("silver", "sales_costs");

  static final TableName DIM_PLAN = TableName.of("gold", "dim_plan");
  static final TableName DIM_ACCOUNT = TableName.of("gold", "dim_account");
  static final TableName DIM_SALES_REP = TableName.of("gold", "dim_sales_rep");
  static final TableName DIM_CHANNEL = TableName.of("gold", "dim_channel");
  static final TableName DIM_CLOUD_SERVICE = TableName.of("gold", "dim_cloud_service");
  static final TableName FACT_INVOICE_LINE = TableName.of("gold", "fact_invoice_line");
  static final TableName FACT_SUPPORT_TICKET = TableName.of("gold", "fact_support_ticket");
  static final TableName FACT_INFRA_COST_DAILY = TableName.of("gold", "fact_infra_cost_daily");
  static final TableName FACT_MARKETING_SPEND_MONTHLY = TableName.of("gold", "fact_marketing_spend_monthly");
  static final TableName KPI_SUPPORT_MONTHLY = TableName.of("gold", "kpi_support_monthly");
  static final TableName FACT_OPPORTUNITY = TableName.of("gold", "fact_opportunity");
  static final TableName FACT_PIPELINE_WEEKLY = TableName.of("gold", "fact_pipeline_weekly");
  static final TableName FACT_WORKSPACE_ACTIVITY_DAILY = TableName.of("gold", "fact_workspace_activity_daily");
  static final TableName FACT_USER_EVENT_DAILY = TableName.of("gold", "fact_user_event_daily");
  static final TableName KPI_SALES = TableName.of("gold", "kpi_sales");
  static final TableName KPI_PRODUCT_DAILY = TableName.of("gold", "kpi_product_daily");
  static final TableName KPI_COHORT_RETENTION = TableName.of("gold", "kpi_cohort_retention");
  static final TableName FACT_SUBSCRIPTION_CHANGE = TableName.of("gold", "fact_subscription_change");
  static final TableName KPI_EXPANSION_SIGNALS = TableName.of("gold", "kpi_expansion_signals");
  static final TableName EXPERIMENT_ASSIGNMENTS = TableName.of("silver", "experiment_assignments");
  static final TableName KPI_EXPERIMENT_RESULTS = TableName.of("gold", "kpi_experiment_results");
  static final TableName KPI_CHANNEL_MONTHLY = TableName.of("gold", "kpi_channel_monthly");
  static final TableName KPI_FORECAST_WEEKLY = TableName.of("gold", "kpi_forecast_weekly");
  static final TableName KPI_CRM_HYGIENE_WEEKLY = TableName.of("gold", "kpi_crm_hygiene_weekly");
  static final TableName TARGETS = TableName.of("silver", "targets");
  static final TableName KPI_FUNNEL_MONTHLY = TableName.of("gold", "kpi_funnel_monthly");
  static final TableName KPI_UNIT_ECONOMICS_MONTHLY = TableName.of("gold", "kpi_unit_economics_monthly");
  static final TableName KPI_SEGMENT_MONTHLY = TableName.of("gold", "kpi_segment_monthly");

  static final TableName DIM_DATE = TableName.of("gold", "dim_date");
  static final TableName DIM_WORKSPACE = TableName.of("gold", "dim_workspace");
  static final TableName FACT_MRR_MONTHLY = TableName.of("gold", "fact_mrr_monthly");
  static final TableName KPI_SAAS_MONTHLY = TableName.of("gold", "kpi_saas_monthly");
  static final TableName MRR_RECONCILIATION = TableName.of("gold", "mrr_reconciliation");
  static final TableName METRIC_CONTRACTS = TableName.of("gold", "metric_contracts");
  static final TableName KPI_EXCEPTIONS = TableName.of("gold", "kpi_exceptions");
  static final TableName KPI_SAAS_WEEKLY = TableName.of("gold", "kpi_saas_weekly");
  static final TableName KPI_SALES_WEEKLY = TableName.of("gold", "kpi_sales_weekly");
  static final TableName KPI_REP_QUARTERLY = TableName.of("gold", "kpi_rep_quarterly");

  static final TableName CHECK_RESULTS = TableName.of("quality", "check_results");
  /** Written by the ml layer's score jobs; the exceptions job reports shifted features. */
  static final TableName DRIFT_METRICS = TableName.of("ml", "drift_metrics");
  /** Written by the ml layer (the churn model's daily scores); the segment mart reads the month-end ones. */
  static final TableName FACT_CHURN_SCORE_DAILY = TableName.of("gold", "fact_churn_score_daily");
  /** Written by the ml layer (the renewal calendar); the weekly KPIs read its renewal risk. */
  static final TableName FACT_RENEWAL = TableName.of("gold", "fact_renewal");
  /** Written by the ml layer; the exceptions job reports degraded score dates. */
  static final TableName MODEL_PERFORMANCE = TableName.of("ml", "model_performance");
}
