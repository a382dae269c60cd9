package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.job.JobContext;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/** The ml layer's jobs: the shipped models' feature tables, and the facts their champions score. */
public final class MlJobProvider implements JobProvider {
  public static final TableName CHURN_FEATURES = TableName.of("ml", "churn_features");
  public static final TableName LEAD_FEATURES = TableName.of("ml", "lead_features");
  public static final TableName CHURN_SCORES = TableName.of("gold", "fact_churn_score_daily");
  public static final TableName LEAD_SCORES = TableName.of("gold", "fact_lead_score_daily");
  public static final TableName MODEL_PERFORMANCE = PerformanceJob.MODEL_PERFORMANCE;
  public static final TableName FACT_RENEWAL = RenewalJob.FACT_RENEWAL;
  public static final TableName CUSTOMER_HEALTH = RenewalJob.CUSTOMER_HEALTH;

  private static final TableName FACT_MRR = TableName.of("gold", "fact_mrr_monthly");
  private static final TableName DIM_WORKSPACE = TableName.of("gold", "dim_workspace");
  private static final TableName ACTIVITY = TableName.of("gold", "fact_workspace_activity_daily");
  private static final TableName TICKETS = TableName.of("gold", "fact_support_ticket");
  private static final TableName INVOICE_LINES = TableName.of("gold", "fact_invoice_line");
  private static final TableName INVOICES = TableName.of("silver", "invoices");
  private static final TableName CUSTOMERS = TableName.of("silver", "customers");
  private static final TableName LEADS = TableName.of("silver", "leads");
  private static final TableName SUBSCRIPTIONS = TableName.of("silver", "subscriptions");
  private static final TableName OPPORTUNITIES = TableName.of("silver", "opportunities");

  /**
   * The jobs that score {@code model} on a run date, in order: its feature table, then its scored fact. Fails with the
   * scored models' names when {@code model} is none of them.
   */
  public static List<String> scoringJobs(String model, com.typesafe.config.Config config) {
    Scores.Settings s = Scores.Settings.from(config);
    if (model.equals(s.churnModel())) {
      return List.of(CHURN_FEATURES.toString(), CHURN_SCORES.toString());
    }
    if (model.equals(s.leadModel())) {
      return List.of(LEAD_FEATURES.toString(), LEAD_SCORES.toString());
    }
    throw io.profitos.lakehouse.core.LakehouseException.usage("Model '" + model + "' has no scoring job: the scored models are "
        + s.churnModel() + " (lakehouse.ml.scoring.churn.model) and " + s.leadModel() + " (lakehouse.ml.scoring.lead.model).");
  }

  @Override
  public String layer() {
    return "ml";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    ChurnFeatures.Settings churn = ChurnFeatures.Settings.from(settings.config());
    LeadFeatures.Settings lead = LeadFeatures.Settings.from(settings.config());
    Scores.Settings scoring = Scores.Settings.from(settings.config());
    return List.of(
        new FeatureTableJob(CHURN_FEATURES, List.of(FACT_MRR, DIM_WORKSPACE, ACTIVITY, TICKETS, INVOICE_LINES, INVOICES, CUSTOMERS),
            "The churn model's rows: each paying workspace at each complete month end and on the run date, its features as of that day, churned within the horizon",
            "lakehouse.ml.features.churn", 2,
            ctx -> ChurnFeatures.build(ctx.read(FACT_MRR), ctx.read(DIM_WORKSPACE), ctx.read(ACTIVITY), ctx.read(TICKETS),
                ctx.read(INVOICE_LINES), ctx.read(INVOICES), ctx.read(CUSTOMERS), ctx.runDate(), churn)),
        new FeatureTableJob(LEAD_FEATURES, List.of(LEADS, OPPORTUNITIES, ACTIVITY),
            "The lead model's rows: each lead at the end of its early-engagement window, won within the horizon",
            "lakehouse.ml.features.lead", 1,
            ctx -> LeadFeatures.build(ctx.read(LEADS), ctx.read(OPPORTUNITIES), ctx.read(ACTIVITY), ctx.runDate(), lead)),
        new ScoreJob(CHURN_SCORES, CHURN_FEATURES, List.of(DIM_WORKSPACE), scoring.churnModel(),
            "Each paying workspace's churn probability on the run date (champion model), risk band, top reasons",
            new ScoreJob.Fact() {
              @Override public Dataset<Row> rowsOf(JobContext ctx, Dataset<Row> features) {
                return features.where(col("snapshot_date").equalTo(lit(java.sql.Date.valueOf(ctx.runDate()))));
              }

              @Override public Dataset<Row> fact(JobContext ctx, Dataset<Row> scored, String model, int version) {
                return Scores.churn(scored, ctx.read(DIM_WORKSPACE), ctx.runDate(), scoring, model, version);
              }
            }),
        new ScoreJob(LEAD_SCORES, LEAD_FEATURES, List.of(), scoring.leadModel(),
            "Each open lead's probability of a won opportunity on the run date (champion model), grade A-D, top reasons",
            new ScoreJob.Fact() {
              @Override public Dataset<Row> rowsOf(JobContext ctx, Dataset<Row> features) {
                return features.where(col("won_in_horizon").isNull());
              }

              @Override public Dataset<Row> fact(JobContext ctx, Dataset<Row> scored, String model, int version) {
                return Scores.leads(scored, ctx.runDate(), scoring, model, version);
              }
            }),
        new PerformanceJob(CHURN_SCORES, LEAD_SCORES, FACT_MRR, LEAD_FEATURES),
        new RenewalJob(CHURN_SCORES, CHURN_FEATURES, SUBSCRIPTIONS, TICKETS));
  }
}
