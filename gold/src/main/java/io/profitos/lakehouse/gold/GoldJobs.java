package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.table.Watermarks;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The gold jobs built so far: each a table, its inputs, and the pure function that builds it. */
final class GoldJobs {
  private GoldJobs() {}

  /** A gold table given by its name, inputs, description and build function. */
  static final class Table extends GoldJob {
    private final TableName table;
    private final List<TableName> inputs;
    private final String description;
    private final java.util.function.Function<JobContext, Dataset<Row>> build;
    private final String configPath;

    Table(TableName table, List<TableName> inputs, String description, java.util.function.Function<JobContext, Dataset<Row>> build) {
      this(table, inputs, null, description, build);
    }

    /** A table whose output also depends on the configuration at {@code configPath} (a change rebuilds it). */
    Table(TableName table, List<TableName> inputs, String configPath, String description,
        java.util.function.Function<JobContext, Dataset<Row>> build) {
      this.table = table;
      this.inputs = List.copyOf(inputs);
      this.description = description;
      this.build = build;
      this.configPath = configPath;
    }

    @Override String configFingerprint(JobContext ctx) { return configPath == null ? "" : config(ctx, configPath); }

    @Override TableName table() { return table; }
    @Override List<TableName> reads() { return inputs; }
    @Override public String description() { return description; }
    @Override Dataset<Row> build(JobContext ctx) { return build.apply(ctx); }
  }

  static Dataset<Row> load(JobContext ctx, TableName t) {
    return ctx.spark().read().format("delta").load(ctx.catalog().location(t));
  }

  /** The dimensions and facts built from one or two silver tables each. */
  static List<GoldJob> star() {
    return List.of(
        new Table(GoldTables.DIM_PLAN, List.of(GoldTables.PRICES), "Stripe prices as plans (plan_key; -1 = unknown)",
            ctx -> StarTransforms.plans(load(ctx, GoldTables.PRICES))),
        new Table(GoldTables.DIM_ACCOUNT, List.of(GoldTables.ACCOUNTS), "Salesforce accounts (account_key; -1 = unknown)",
            ctx -> StarTransforms.accounts(load(ctx, GoldTables.ACCOUNTS))),
        new Table(GoldTables.DIM_SALES_REP, List.of(GoldTables.SALES_REPS), "Sales reps with segment, region and quota (rep_key; -1 = unknown)",
            ctx -> StarTransforms.salesReps(load(ctx, GoldTables.SALES_REPS))),
        new Table(GoldTables.DIM_CHANNEL, List.of(GoldTables.LEADS, GoldTables.OPPORTUNITIES, GoldTables.MARKETING_SPEND),
            "Lead sources and marketing channels, one name each (channel_key; -1 = unknown)",
            ctx -> StarTransforms.channels(load(ctx, GoldTables.LEADS), load(ctx, GoldTables.OPPORTUNITIES),
                load(ctx, GoldTables.MARKETING_SPEND))),
        new Table(GoldTables.DIM_CLOUD_SERVICE, List.of(GoldTables.INFRA_COSTS), "Cloud services of the AWS bill (service_key; -1 = unknown)",
            ctx -> StarTransforms.cloudServices(load(ctx, GoldTables.INFRA_COSTS))),
        new Table(GoldTables.FACT_INVOICE_LINE, List.of(GoldTables.INVOICE_LINES, GoldTables.CUSTOMERS, GoldTables.DIM_WORKSPACE,
                GoldTables.DIM_PLAN),
            "One invoice line with its invoice, workspace (at the invoice date), plan and USD amounts",
            ctx -> DimensionTransforms.withWorkspaceKey(
                StarTransforms.invoiceLines(load(ctx, GoldTables.INVOICE_LINES), load(ctx, GoldTables.CUSTOMERS),
                    load(ctx, GoldTables.DIM_PLAN)),
                load(ctx, GoldTables.DIM_WORKSPACE), col("invoice_created_at"))),
        new Table(GoldTables.FACT_SUPPORT_TICKET, List.of(GoldTables.TICKETS, GoldTables.DIM_WORKSPACE),
            "One support ticket with its workspace (at creation), resolution hours and satisfaction",
            ctx -> DimensionTransforms.withWorkspaceKey(StarTransforms.tickets(load(ctx, GoldTables.TICKETS)),
                load(ctx, GoldTables.DIM_WORKSPACE), col("created_at"))),
        new Table(GoldTables.FACT_INFRA_COST_DAILY, List.of(GoldTables.INFRA_COSTS, GoldTables.DIM_CLOUD_SERVICE),
            "Daily AWS cost by service, region, usage type and record type (is_usage: Usage records only)",
            ctx -> StarTransforms.infraCostDaily(load(ctx, GoldTables.INFRA_COSTS), load(ctx, GoldTables.DIM_CLOUD_SERVICE))),
        new Table(GoldTables.FACT_MARKETING_SPEND_MONTHLY, List.of(GoldTables.MARKETING_SPEND, GoldTables.DIM_CHANNEL),
            "Monthly marketing spend per channel",
            ctx -> StarTransforms.marketingSpendMonthly(load(ctx, GoldTables.MARKETING_SPEND), load(ctx, GoldTables.DIM_CHANNEL))),
        new Table(GoldTables.KPI_SUPPORT_MONTHLY, List.of(GoldTables.FACT_SUPPORT_TICKET),
            "Month: tickets, solved tickets, median resolution hours, CSAT",
            ctx -> StarTransforms.supportMonthly(load(ctx, GoldTables.FACT_SUPPORT_TICKET))));
  }

  /** Sales, product usage, cohorts, unit economics and segments: facts and KPI marts over the star. */
  static List<GoldJob> growth() {
    return List.of(
        new Table(GoldTables.FACT_OPPORTUNITY, List.of(GoldTables.OPPORTUNITIES, GoldTables.OPPORTUNITY_STAGE_HISTORY,
                GoldTables.DIM_ACCOUNT, GoldTables.DIM_SALES_REP, GoldTables.DIM_CHANNEL), "lakehouse.gold.sales",
            "Opportunity accumulating snapshot: keys, segment (the rep's), amounts in USD, outcome, sales cycle, stage entry dates",
            ctx -> SalesTransforms.opportunities(load(ctx, GoldTables.OPPORTUNITIES), load(ctx, GoldTables.OPPORTUNITY_STAGE_HISTORY),
                load(ctx, GoldTables.DIM_ACCOUNT), load(ctx, GoldTables.DIM_SALES_REP), load(ctx, GoldTables.DIM_CHANNEL),
                SalesTransforms.Stages.from(ctx.settings().config()))),
        new Table(GoldTables.FACT_PIPELINE_WEEKLY, List.of(GoldTables.OPPORTUNITY_STAGE_HISTORY, GoldTables.FACT_OPPORTUNITY),
            "lakehouse.gold.sales", "Weekly snapshot of open pipeline: each opportunity open at the week's end with its stage, amount and close date then",
            ctx -> SalesTransforms.pipelineWeekly(ctx.spark(), load(ctx, GoldTables.OPPORTUNITY_STAGE_HISTORY),
                load(ctx, GoldTables.FACT_OPPORTUNITY), SalesTransforms.Stages.from(ctx.settings().config()), ctx.runDate())),
        new Table(GoldTables.KPI_SALES, List.of(GoldTables.FACT_OPPORTUNITY, GoldTables.OPPORTUNITY_STAGE_HISTORY,
                GoldTables.LEADS, GoldTables.DIM_SALES_REP, GoldTables.FACT_PIPELINE_WEEKLY), "lakehouse.gold.sales",
            "Month x segment: bookings, win rate, deal size, discount, sales cycle, stage conversion, pipeline coverage, quota attainment, lead conversion",
            ctx -> SalesTransforms.monthly(ctx.spark(), load(ctx, GoldTables.FACT_OPPORTUNITY), load(ctx, GoldTables.OPPORTUNITY_STAGE_HISTORY),
                load(ctx, GoldTables.LEADS), load(ctx, GoldTables.DIM_SALES_REP), load(ctx, GoldTables.FACT_PIPELINE_WEEKLY),
                SalesTransforms.Stages.from(ctx.settings().config()), ctx.runDate())),
        new Table(GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY, List.of(GoldTables.EVENTS, GoldTables.DIM_WORKSPACE),
            "lakehouse.gold.product", "Workspace x day with activity: active users, events, features used and adopted, seat utilisation",
            ctx -> ProductTransforms.workspaceActivityDaily(load(ctx, GoldTables.EVENTS), load(ctx, GoldTables.DIM_WORKSPACE),
                ctx.settings().config().getInt("lakehouse.gold.product.adoption-days"))),
        new Table(GoldTables.KPI_PRODUCT_DAILY, List.of(GoldTables.EVENTS, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY),
            "Day: DAU, active workspaces, MAU and DAU/MAU of the month, feature adoption",
            ctx -> ProductTransforms.productDaily(load(ctx, GoldTables.EVENTS), load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY))),
        new Table(GoldTables.KPI_COHORT_RETENTION, List.of(GoldTables.DIM_WORKSPACE, GoldTables.FACT_MRR_MONTHLY,
                GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY), "lakehouse.gold.product",
            "Signup cohort x months since: cohort size, logo retention (activity), paying and revenue retention (MRR)",
            ctx -> ProductTransforms.cohortRetention(load(ctx, GoldTables.DIM_WORKSPACE), load(ctx, GoldTables.FACT_MRR_MONTHLY),
                load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY),
                ctx.settings().config().getStringList("lakehouse.gold.product.cohort-excluded-plans"), ctx.runDate())),
        new Table(GoldTables.KPI_UNIT_ECONOMICS_MONTHLY, List.of(GoldTables.KPI_SAAS_MONTHLY,
                GoldTables.FACT_MARKETING_SPEND_MONTHLY, GoldTables.SALES_COSTS, GoldTables.FACT_INFRA_COST_DAILY,
                GoldTables.KPI_SUPPORT_MONTHLY, GoldTables.KPI_PRODUCT_DAILY), "lakehouse.gold.unit-economics",
            "Month: S&M spend, CAC, gross margin, LTV, LTV:CAC, CAC payback, S&M ratio, infrastructure cost per active user",
            ctx -> BusinessTransforms.unitEconomics(load(ctx, GoldTables.KPI_SAAS_MONTHLY), load(ctx, GoldTables.FACT_MARKETING_SPEND_MONTHLY),
                load(ctx, GoldTables.SALES_COSTS), load(ctx, GoldTables.FACT_INFRA_COST_DAILY), load(ctx, GoldTables.KPI_SUPPORT_MONTHLY),
                load(ctx, GoldTables.KPI_PRODUCT_DAILY), BusinessTransforms.UnitEconomics.from(ctx.settings().config()))),
        new Table(GoldTables.KPI_SEGMENT_MONTHLY, List.of(GoldTables.FACT_MRR_MONTHLY, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY,
                GoldTables.KPI_SAAS_MONTHLY), "lakehouse.gold.product",
            "Month x segment: paying workspaces, MRR, average MRR, activity, logo churn, usage churn risk",
            ctx -> BusinessTransforms.segmentMonthly(load(ctx, GoldTables.FACT_MRR_MONTHLY),
                load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY), load(ctx, GoldTables.KPI_SAAS_MONTHLY),
                ctx.settings().config().getInt("lakehouse.gold.product.usage-churn-risk-days"))));
  }

  /** {@code gold.dim_date}: the calendar of {@code lakehouse.gold.calendar}. */
  static final class DimDate extends GoldJob {
    @Override TableName table() { return GoldTables.DIM_DATE; }
    @Override List<TableName> reads() { return List.of(); }
    @Override public String description() { return "One row per calendar day (date_key yyyymmdd, month, quarter, week start)"; }
    @Override String configFingerprint(JobContext ctx) { return config(ctx, "lakehouse.gold.calendar"); }

    @Override
    Dataset<Row> build(JobContext ctx) {
      var c = ctx.settings().config().getConfig("lakehouse.gold.calendar");
      LocalDate first = LocalDate.parse(c.getString("first-day"));
      LocalDate last = ctx.runDate().plusYears(c.getInt("years-ahead")).withMonth(12).withDayOfMonth(31);
      return DimensionTransforms.dates(ctx.spark(), first, last);
    }
  }

  /** {@code gold.dim_workspace}: type 2 on plan, seats and status, with surrogate keys and an unknown member. */
  static final class DimWorkspace extends GoldJob {
    @Override TableName table() { return GoldTables.DIM_WORKSPACE; }
    @Override List<TableName> reads() { return List.of(GoldTables.WORKSPACE_HISTORY, GoldTables.WORKSPACES); }
    @Override public String description() { return "Workspaces, type 2 on plan, seats and status (surrogate workspace_key; -1 = unknown)"; }

    @Override
    Dataset<Row> build(JobContext ctx) {
      return DimensionTransforms.workspaces(read(ctx, GoldTables.WORKSPACE_HISTORY), read(ctx, GoldTables.WORKSPACES));
    }
  }

  /**
   * {@code gold.fact_mrr_monthly}: workspace x month MRR and its movement. Rebuilt from the
   * first month a changed subscription version can affect (its valid_from), and always from the
   * month before the run date's (the current month is month-to-date).
   */
  static final class FactMrrMonthly extends GoldJob {
    @Override TableName table() { return GoldTables.FACT_MRR_MONTHLY; }
    @Override List<TableName> reads() {
      return List.of(GoldTables.SUBSCRIPTION_HISTORY, GoldTables.FX_RATES, GoldTables.DIM_WORKSPACE);
    }
    @Override public String description() {
      return "Workspace x month: mrr, previous_mrr, movement (new, expansion, contraction, churn, reactivation), segment";
    }
    @Override String monthColumn() { return "month"; }
    @Override String configFingerprint(JobContext ctx) { return config(ctx, "lakehouse.gold.segments"); }

    @Override
    Dataset<Row> build(JobContext ctx) {
      Dataset<Row> history = read(ctx, GoldTables.SUBSCRIPTION_HISTORY);
      Row first = history.agg(min("valid_from")).first();
      YearMonth from = first.isNullAt(0) ? YearMonth.from(ctx.runDate())
          : YearMonth.from(first.getTimestamp(0).toInstant().atZone(java.time.ZoneOffset.UTC));
      Dataset<Row> months = MrrTransforms.months(ctx.spark(), from, ctx.runDate());
      Dataset<Row> subscriptionMrr = MrrTransforms.subscriptionMrr(history, months, read(ctx, GoldTables.FX_RATES));
      Dataset<Row> fact = MrrTransforms.movements(MrrTransforms.workspaceMrr(subscriptionMrr), months,
          Segments.from(ctx.settings().config()));
      Dataset<Row> withEnd = fact.join(months.select("month", "month_end", "month_end_date"), MrrTransforms.usingColumns("month"));
      return DimensionTransforms.withWorkspaceKey(withEnd, read(ctx, GoldTables.DIM_WORKSPACE), col("month_end"))
          .select(col("month"), DimensionTransforms.dateKey(col("month_end_date")).as("date_key"), col("workspace_id"),
              col("workspace_key"), col("segment"), col("mrr"), col("previous_mrr"), col("movement_type"),
              col("movement_amount"), col("is_complete"));
    }

    @Override
    LocalDate affectedFrom(JobContext ctx) {
      LocalDate from = ctx.runDate().withDayOfMonth(1).minusMonths(1);
      String watermark = new Watermarks(ctx.spark(), ctx.catalog()).get(name(), GoldTables.SUBSCRIPTION_HISTORY);
      if (watermark == null) {
        return null;
      }
      Row changed = read(ctx, GoldTables.SUBSCRIPTION_HISTORY).where(col("_batch_id").gt(watermark)).agg(min("valid_from")).first();
      if (!changed.isNullAt(0)) {
        LocalDate earliest = changed.getTimestamp(0).toInstant().atZone(java.time.ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        from = earliest.isBefore(from) ? earliest : from;
      }
      return from;
    }

    @Override
    void published(JobContext ctx) {
      Row newest = read(ctx, GoldTables.SUBSCRIPTION_HISTORY).agg(max("_batch_id")).first();
      if (!newest.isNullAt(0)) {
        new Watermarks(ctx.spark(), ctx.catalog()).advance(name(), GoldTables.SUBSCRIPTION_HISTORY, newest.getString(0),
            ctx.runId(), ctx.clock().instant());
      }
    }
  }

  /** {@code gold.kpi_saas_monthly}: the monthly SaaS KPIs, for all workspaces and per segment. */
  static final class KpiSaasMonthly extends GoldJob {
    @Override TableName table() { return GoldTables.KPI_SAAS_MONTHLY; }
    @Override List<TableName> reads() { return List.of(GoldTables.FACT_MRR_MONTHLY); }
    @Override public String description() {
      return "Month x segment: MRR, ARR, movements, paying workspaces, ARPA, logo and MRR churn, NDR and GRR (t12m)";
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      return SaasKpis.monthly(read(ctx, GoldTables.FACT_MRR_MONTHLY));
    }
  }

  /** {@code gold.mrr_reconciliation}: MRR against invoice MRR, ARR against finance's reported ARR. */
  static final class MrrReconciliation extends GoldJob {
    @Override TableName table() { return GoldTables.MRR_RECONCILIATION; }
    @Override List<TableName> reads() {
      return List.of(GoldTables.KPI_SAAS_MONTHLY, GoldTables.INVOICE_LINES, GoldTables.REPORTED_ARR, GoldTables.FX_RATES);
    }
    @Override public String description() { return "Month: MRR vs invoice MRR and ARR vs reported ARR, with the gaps"; }

    @Override
    Dataset<Row> build(JobContext ctx) {
      Dataset<Row> kpis = read(ctx, GoldTables.KPI_SAAS_MONTHLY);
      Row first = kpis.agg(min("month")).first();
      YearMonth from = first.isNullAt(0) ? YearMonth.from(ctx.runDate()) : YearMonth.from(first.getDate(0).toLocalDate());
      Dataset<Row> months = MrrTransforms.months(ctx.spark(), from, ctx.runDate());
      Dataset<Row> invoiceMrr = ReconciliationTransforms.invoiceMrr(read(ctx, GoldTables.INVOICE_LINES), months,
          read(ctx, GoldTables.FX_RATES));
      return ReconciliationTransforms.reconciliation(kpis, invoiceMrr, read(ctx, GoldTables.REPORTED_ARR));
    }
  }

  /** {@code gold.metric_contracts}: every metric contract of the configuration, readable beside the numbers. */
  static final class MetricContractsTable extends GoldJob {
    static final StructType SCHEMA = new StructType()
        .add("metric", DataTypes.StringType, false).add("title", DataTypes.StringType).add("definition", DataTypes.StringType)
        .add("table_name", DataTypes.StringType).add("column_name", DataTypes.StringType).add("grain", DataTypes.StringType)
        .add("sources", DataTypes.createArrayType(DataTypes.StringType)).add("inclusions", DataTypes.StringType)
        .add("exclusions", DataTypes.StringType).add("owner", DataTypes.StringType).add("steward", DataTypes.StringType)
        .add("refresh", DataTypes.StringType).add("confidence", DataTypes.StringType).add("unit", DataTypes.StringType)
        .add("thresholds", DataTypes.createArrayType(new StructType().add("name", DataTypes.StringType)
            .add("test", DataTypes.StringType).add("below", DataTypes.DoubleType).add("above", DataTypes.DoubleType)
            .add("severity", DataTypes.StringType).add("action", DataTypes.StringType)));

    @Override TableName table() { return GoldTables.METRIC_CONTRACTS; }
    @Override List<TableName> reads() { return List.of(); }
    @Override public String description() { return "The metric contracts (definition, grain, sources, owner, thresholds) of conf/metrics.conf"; }
    @Override String configFingerprint(JobContext ctx) { return config(ctx, "lakehouse.gold.metrics"); }

    @Override
    Dataset<Row> build(JobContext ctx) {
      List<Row> rows = new ArrayList<>();
      for (MetricContracts.Contract c : MetricContracts.from(ctx.settings().config()).contracts()) {
        List<Row> thresholds = c.thresholds().stream()
            .map(t -> RowFactory.create(t.name(), t.test(), t.below(), t.above(), t.severity(), t.action())).toList();
        rows.add(RowFactory.create(c.metric(), c.title(), c.definition(), c.table().toString(), c.column(), c.grain(),
            scala.collection.JavaConverters.asScalaBuffer(c.sources()).toSeq(), c.inclusions(), c.exclusions(), c.owner(),
            c.steward(), c.refresh(), c.confidence(), c.unit(), scala.collection.JavaConverters.asScalaBuffer(thresholds).toSeq()));
      }
      return ctx.spark().createDataFrame(rows, SCHEMA);
    }
  }

  /** {@code gold.kpi_exceptions}: every threshold breach of the contracts, red or amber, for the weekly pre-read. */
  static final class KpiExceptions extends GoldJob {
    @Override TableName table() { return GoldTables.KPI_EXCEPTIONS; }
    @Override List<TableName> reads() {
      return List.of(GoldTables.KPI_SAAS_MONTHLY, GoldTables.MRR_RECONCILIATION, GoldTables.KPI_SUPPORT_MONTHLY,
          GoldTables.KPI_SALES, GoldTables.KPI_UNIT_ECONOMICS_MONTHLY);
    }
    @Override public String description() { return "Threshold breaches of the metric contracts: metric, period, segment, value, severity, action"; }
    @Override String configFingerprint(JobContext ctx) {
      return config(ctx, "lakehouse.gold.metrics") + config(ctx, "lakehouse.gold.exceptions");
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      List<Dataset<Row>> parts = new ArrayList<>();
      for (MetricContracts.Contract c : MetricContracts.from(ctx.settings().config()).contracts()) {
        if (c.thresholds().isEmpty() || !reads().contains(c.table())) {
          continue;
        }
        parts.add(ExceptionTransforms.breaches(read(ctx, c.table()), c, ctx.runDate().withDayOfMonth(1)
            .minusMonths(ctx.settings().config().getInt("lakehouse.gold.exceptions.lookback-months"))));
      }
      return parts.stream().reduce(Dataset::unionByName)
          .orElseGet(() -> ctx.spark().createDataFrame(List.of(), ExceptionTransforms.SCHEMA))
          .orderBy("period", "metric", "segment");
    }
  }
}
