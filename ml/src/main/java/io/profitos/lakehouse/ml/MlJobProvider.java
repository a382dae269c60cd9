package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableName;
import java.util.List;

/** The ml layer's jobs: the shipped models' feature tables. */
public final class MlJobProvider implements JobProvider {
  public static final TableName CHURN_FEATURES = TableName.of("ml", "churn_features");
  public static final TableName LEAD_FEATURES = TableName.of("ml", "lead_features");

  private static final TableName FACT_MRR = TableName.of("gold", "fact_mrr_monthly");
  private static final TableName DIM_WORKSPACE = TableName.of("gold", "dim_workspace");
  private static final TableName ACTIVITY = TableName.of("gold", "fact_workspace_activity_daily");
  private static final TableName TICKETS = TableName.of("gold", "fact_support_ticket");
  private static final TableName INVOICE_LINES = TableName.of("gold", "fact_invoice_line");
  private static final TableName INVOICES = TableName.of("silver", "invoices");
  private static final TableName CUSTOMERS = TableName.of("silver", "customers");
  private static final TableName LEADS = TableName.of("silver", "leads");
  private static final TableName OPPORTUNITIES = TableName.of("silver", "opportunities");

  @Override
  public String layer() {
    return "ml";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    ChurnFeatures.Settings churn = ChurnFeatures.Settings.from(settings.config());
    LeadFeatures.Settings lead = LeadFeatures.Settings.from(settings.config());
    return List.of(
        new FeatureTableJob(CHURN_FEATURES, List.of(FACT_MRR, DIM_WORKSPACE, ACTIVITY, TICKETS, INVOICE_LINES, INVOICES, CUSTOMERS),
            "The churn model's rows: each paying workspace at each complete month end, its features as of that day, churned within the horizon",
            "lakehouse.ml.features.churn",
            ctx -> ChurnFeatures.build(ctx.read(FACT_MRR), ctx.read(DIM_WORKSPACE), ctx.read(ACTIVITY), ctx.read(TICKETS),
                ctx.read(INVOICE_LINES), ctx.read(INVOICES), ctx.read(CUSTOMERS), churn)),
        new FeatureTableJob(LEAD_FEATURES, List.of(LEADS, OPPORTUNITIES, ACTIVITY),
            "The lead model's rows: each lead at the end of its early-engagement window, won within the horizon",
            "lakehouse.ml.features.lead",
            ctx -> LeadFeatures.build(ctx.read(LEADS), ctx.read(OPPORTUNITIES), ctx.read(ACTIVITY), ctx.runDate(), lead)));
  }
}
