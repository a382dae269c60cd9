package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.profitos.lakehouse.core.job.JobContext;
import io.profitos.lakehouse.core.table.TableName;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The gold jobs: each a table, its inputs, and the pure function that builds it. */
final class GoldJobs {
  private GoldJobs() {}

  /** A gold table given by its name, inputs, description and build function. */
  static final class Table extends GoldJob {
    private final TableName table;
    private final List<TableName> inputs;
    private final String description;
    private final Function<JobContext, Dataset<Row>> build;
    private List<String> configPaths = List.of();
    private int schemaVersion = 1;
    private boolean emptyAllowed;

    Table(TableName table, List<TableName> inputs, String description, Function<JobContext, Dataset<Row>> build) {
      this.table = table;
      this.inputs = List.copyOf(inputs);
      this.description = description;
      this.build = build;
    }

    /** The output also depends on these configuration sections (a change rebuilds it). */
    Table config(String... paths) {
      this.configPaths = List.of(paths);
      return this;
    }

    /** The version of the table's columns (raised when they change: older tables are rebuilt). */
    Table schema(int version) {
      this.schemaVersion = version;
      return this;
    }

    Table emptyAllowed() {
      this.emptyAllowed = true;
      return this;
    }

    @Override List<String> configPaths() { return configPaths; }
    @Override int schemaVersion() { return schemaVersion; }
    @Override boolean mayBeEmpty() { return emptyAllowed; }
    @Override TableName table() { return table; }
    @Override List<TableName> reads() { return inputs; }
    @Override public String description() { return description; }
    @Override Dataset<Row> build(JobContext ctx) { return build.apply(ctx); }
  }

  private static Dataset<Row> load(JobContext ctx, TableName t) {
    return ctx.read(t);
  }

  /**
   * The mart with finance's targets for the metrics whose contract lives in {@code table} ({@code silver.targets},
   * when finance lands a plan; the job waits for it).
   */
  static Dataset<Row> withTargets(JobContext ctx, TableName table, Dataset<Row> mart, String segmentColumn) {
    Map<String, String> metrics = new LinkedHashMap<>();
    MetricContracts.from(ctx.settings().config()).contracts().stream().filter(c -> c.table().equals(table))
        .forEach(c -> metrics.put(c.metric(), c.column()));
    return TargetTransforms.withTargets(mart, ctx.exists(GoldTables.TARGETS) ? ctx.read(GoldTables.TARGETS) : null, metrics,
        segmentColumn);
  }

  private static LocalDate utcDate(java.sql.Timestamp t) {
    return t.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** The first month of the history: the month of the earliest value of {@code column}, or the run date's. */
  private static YearMonth firstMonth(JobContext ctx, Dataset<Row> rows, String column) {
    Row first = rows.agg(min(col(column).cast(DataTypes.DateType))).first();
    return first.isNullAt(0) ? YearMonth.from(ctx.runDate()) : YearMonth.from(first.getDate(0).toLocalDate());
  }

  /** The dimensions and facts built from one or two silver tables each. */
  static List<GoldJob> star() {
    return List.of(
        new Table(GoldTables.DIM_PLAN, List.of(GoldTables.PRICES), "Stripe prices as plans (plan_key; -1 = unknown)",
            ctx -> StarTransforms.plans(load(ctx, GoldTables.PRICES))),
        new Table(GoldTables.DIM_ACCOUNT, List.of(GoldTables.ACCOUNTS), "Salesforce accounts (account_key; -1 = unknown)",
            ctx -> StarTransforms.accounts(load(ctx, GoldTables.ACCOUNTS))),
        new Table(GoldTables.DIM_SALES_REP, List.of(GoldTables.SALES_REPS),
            "Sales reps with rep segment, region and quarterly quota (rep_key; -1 = unknown)",
            ctx -> StarTransforms.salesReps(load(ctx, GoldTables.SALES_REPS))).schema(2),
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
            ctx -> withTargets(ctx, GoldTables.KPI_SUPPORT_MONTHLY, StarTransforms.supportMonthly(load(ctx, GoldTables.FACT_SUPPORT_TICKET)),
                null)).config("lakehouse.gold.metrics").schema(2).waitsFor(List.of(GoldTables.TARGETS)));
  }

  /** Sales, product usage, cohorts, unit economics and segments: facts and KPI marts over the star. */
  static List<GoldJob> growth() {
    return List.of(
        new Table(GoldTables.FACT_OPPORTUNITY, List.of(GoldTables.OPPORTUNITIES, GoldTables.OPPORTUNITY_STAGE_HISTORY,
                GoldTables.LEADS, GoldTables.DIM_ACCOUNT, GoldTables.DIM_SALES_REP, GoldTables.DIM_CHANNEL),
            "Opportunity accumulating snapshot: keys, first-touch channel, rep segment, amounts in USD, outcome, sales cycle, stage entry dates",
            ctx -> SalesTransforms.opportunities(load(ctx, GoldTables.OPPORTUNITIES), load(ctx, GoldTables.OPPORTUNITY_STAGE_HISTORY),
                load(ctx, GoldTables.LEADS), load(ctx, GoldTables.DIM_ACCOUNT), load(ctx, GoldTables.DIM_SALES_REP),
                load(ctx, GoldTables.DIM_CHANNEL), SalesTransforms.Stages.from(ctx.settings().config()))).config("lakehouse.gold.sales").schema(4),
        new Table(GoldTables.FACT_PIPELINE_WEEKLY, List.of(GoldTables.OPPORTUNITY_STAGE_HISTORY, GoldTables.FACT_OPPORTUNITY),
            "Weekly snapshot of open pipeline: each opportunity open at the week's end with its stage, amount and close date then",
            ctx -> {
              Dataset<Row> opportunities = load(ctx, GoldTables.FACT_OPPORTUNITY);
              Row first = opportunities.agg(min("created_at")).first();
              LocalDate firstWeek = first.isNullAt(0) ? ctx.runDate() : utcDate(first.getTimestamp(0));
              return SalesTransforms.pipelineWeekly(ctx.spark(), load(ctx, GoldTables.OPPORTUNITY_STAGE_HISTORY), opportunities,
                  SalesTransforms.Stages.from(ctx.settings().config()), firstWeek, ctx.runDate());
            }).config("lakehouse.gold.sales").schema(3).emptyAllowed(),
        new Table(GoldTables.KPI_REP_QUARTERLY, List.of(GoldTables.FACT_OPPORTUNITY, GoldTables.DIM_SALES_REP),
            "Rep x quarter: bookings, the quarter's quota, quota attainment and ramp (reps who left keep their quota where they sold)",
            ctx -> SalesTransforms.repQuarterly(load(ctx, GoldTables.FACT_OPPORTUNITY), load(ctx, GoldTables.DIM_SALES_REP),
                ctx.runDate())).schema(2).emptyAllowed(),
        new Table(GoldTables.KPI_FORECAST_WEEKLY, List.of(GoldTables.FACT_PIPELINE_WEEKLY, GoldTables.FACT_OPPORTUNITY,
                GoldTables.DIM_SALES_REP),
            "Week x rep: commit and best-case pipeline against the bookings that followed, slippage, past-due close dates, new pipeline, win rate by discount",
            ctx -> ForecastTransforms.forecastWeekly(load(ctx, GoldTables.FACT_PIPELINE_WEEKLY), load(ctx, GoldTables.FACT_OPPORTUNITY),
                load(ctx, GoldTables.DIM_SALES_REP), ForecastTransforms.Forecast.from(ctx.settings().config()), ctx.runDate()))
            .config("lakehouse.gold.forecast").emptyAllowed(),
        new Table(GoldTables.KPI_CRM_HYGIENE_WEEKLY, List.of(GoldTables.FACT_PIPELINE_WEEKLY, GoldTables.FACT_OPPORTUNITY,
                GoldTables.DIM_SALES_REP),
            "Week x rep: CRM hygiene rules broken (commit without a next step or outside the quarter, renewals created late, lost without a reason)",
            ctx -> HygieneTransforms.crmHygieneWeekly(load(ctx, GoldTables.FACT_PIPELINE_WEEKLY), load(ctx, GoldTables.FACT_OPPORTUNITY),
                load(ctx, GoldTables.DIM_SALES_REP), ForecastTransforms.Forecast.from(ctx.settings().config()),
                HygieneTransforms.Hygiene.from(ctx.settings().config()), ctx.runDate()))
            .config("lakehouse.gold.forecast", "lakehouse.gold.crm-hygiene").emptyAllowed(),
        new Table(GoldTables.KPI_SALES, List.of(GoldTables.FACT_OPPORTUNITY, GoldTables.LEADS, GoldTables.DIM_SALES_REP,
                GoldTables.FACT_PIPELINE_WEEKLY, GoldTables.KPI_REP_QUARTERLY),
            "Month x rep segment: bookings, win rate, deal size, discount, sales cycle, stage conversion, pipeline coverage, quota attainment, lead conversion",
            ctx -> {
              Dataset<Row> opportunities = load(ctx, GoldTables.FACT_OPPORTUNITY);
              return SalesTransforms.monthly(ctx.spark(), opportunities, load(ctx, GoldTables.LEADS), load(ctx, GoldTables.DIM_SALES_REP),
                  load(ctx, GoldTables.FACT_PIPELINE_WEEKLY), load(ctx, GoldTables.KPI_REP_QUARTERLY),
                  SalesTransforms.Stages.from(ctx.settings().config()), firstMonth(ctx, opportunities, "created_at"), ctx.runDate());
            }).config("lakehouse.gold.sales").schema(2),
        new Table(GoldTables.KPI_SALES_WEEKLY, List.of(GoldTables.FACT_OPPORTUNITY, GoldTables.DIM_SALES_REP),
            "Week x rep segment: trailing win rate against its baseline, and sales cycle over consecutive windows",
            ctx -> {
              Dataset<Row> opportunities = load(ctx, GoldTables.FACT_OPPORTUNITY);
              Row first = opportunities.agg(min("close_date")).first();
              LocalDate from = first.isNullAt(0) ? ctx.runDate() : first.getDate(0).toLocalDate();
              return WeeklyTransforms.salesWeekly(opportunities, MrrTransforms.weeks(ctx.spark(), from, ctx.runDate()),
                  load(ctx, GoldTables.DIM_SALES_REP).where(col("rep_key").notEqual(DimensionTransforms.UNKNOWN)),
                  WeeklyTransforms.SalesWindows.from(ctx.settings().config()));
            }).config("lakehouse.gold.sales").emptyAllowed(),
        new FactWorkspaceActivityDaily(),
        new FactUserEventDaily(),
        new KpiProductDaily(),
        new Table(GoldTables.KPI_COHORT_RETENTION, List.of(GoldTables.DIM_WORKSPACE, GoldTables.FACT_MRR_MONTHLY,
                GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY),
            "Signup cohort x months since: cohort size, logo retention (activity), paying and revenue retention (MRR)",
            ctx -> ProductTransforms.cohortRetention(load(ctx, GoldTables.DIM_WORKSPACE), load(ctx, GoldTables.FACT_MRR_MONTHLY),
                load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY),
                ctx.settings().config().getStringList("lakehouse.gold.product.cohort-excluded-plans"), ctx.runDate()))
            .config("lakehouse.gold.product").schema(2),
        new Table(GoldTables.KPI_FUNNEL_MONTHLY, List.of(GoldTables.DIM_WORKSPACE, GoldTables.EVENTS, GoldTables.FACT_MRR_MONTHLY),
            "Signup cohort: signups, activated, converted and expanded workspaces, each step's rate from the step before",
            ctx -> FunnelTransforms.funnelMonthly(load(ctx, GoldTables.DIM_WORKSPACE), load(ctx, GoldTables.EVENTS),
                load(ctx, GoldTables.FACT_MRR_MONTHLY), ctx.settings().config().getStringList("lakehouse.gold.product.cohort-excluded-plans"),
                FunnelTransforms.Funnel.from(ctx.settings().config()), ctx.runDate()))
            .config("lakehouse.gold.funnel", "lakehouse.gold.product").emptyAllowed(),
        new Table(GoldTables.FACT_SUBSCRIPTION_CHANGE, List.of(GoldTables.SUBSCRIPTION_HISTORY, GoldTables.DIM_WORKSPACE),
            "Subscription change: plan upgrade, seat addition, downgrade, seat removal, cancel or reactivation, with its MRR delta",
            ctx -> ExpansionTransforms.subscriptionChanges(load(ctx, GoldTables.SUBSCRIPTION_HISTORY), load(ctx, GoldTables.DIM_WORKSPACE)))
            .emptyAllowed(),
        new Table(GoldTables.KPI_EXPANSION_SIGNALS, List.of(GoldTables.FACT_SUBSCRIPTION_CHANGE, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY),
            "Month: expansions, the share that followed a hit seat limit, and their workspaces' feature breadth before",
            ctx -> ExpansionTransforms.expansionSignals(load(ctx, GoldTables.FACT_SUBSCRIPTION_CHANGE),
                load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY), ExpansionTransforms.Signals.from(ctx.settings().config())))
            .config("lakehouse.gold.expansion-signals").emptyAllowed(),
        new Table(GoldTables.KPI_EXPERIMENT_RESULTS, List.of(GoldTables.EXPERIMENT_ASSIGNMENTS, GoldTables.EVENTS),
            "Experiment x variant: 90-day retention, DAU and features in days 61-90, each treatment's lift over control with its interval",
            ctx -> ExperimentTransforms.experimentResults(load(ctx, GoldTables.EXPERIMENT_ASSIGNMENTS), load(ctx, GoldTables.EVENTS),
                ExperimentTransforms.Experiments.from(ctx.settings().config()), ctx.runDate()))
            .config("lakehouse.gold.experiments").emptyAllowed(),
        new Table(GoldTables.KPI_UNIT_ECONOMICS_MONTHLY, List.of(GoldTables.KPI_SAAS_MONTHLY,
                GoldTables.FACT_MARKETING_SPEND_MONTHLY, GoldTables.SALES_COSTS, GoldTables.FACT_INFRA_COST_DAILY,
                GoldTables.KPI_SUPPORT_MONTHLY, GoldTables.KPI_PRODUCT_DAILY),
            "Month: S&M spend, CAC, gross margin, LTV, LTV:CAC, CAC payback, S&M ratio, infrastructure cost per active user",
            ctx -> withTargets(ctx, GoldTables.KPI_UNIT_ECONOMICS_MONTHLY, BusinessTransforms.unitEconomics(
                load(ctx, GoldTables.KPI_SAAS_MONTHLY).drop("targets", "target_gaps"), load(ctx, GoldTables.FACT_MARKETING_SPEND_MONTHLY),
                load(ctx, GoldTables.SALES_COSTS), load(ctx, GoldTables.FACT_INFRA_COST_DAILY),
                load(ctx, GoldTables.KPI_SUPPORT_MONTHLY).drop("targets", "target_gaps"),
                load(ctx, GoldTables.KPI_PRODUCT_DAILY), BusinessTransforms.UnitEconomics.from(ctx.settings().config())), null))
            .config("lakehouse.gold.unit-economics", "lakehouse.gold.metrics").schema(3).waitsFor(List.of(GoldTables.TARGETS)),
        new Table(GoldTables.KPI_CHANNEL_MONTHLY, List.of(GoldTables.FACT_OPPORTUNITY, GoldTables.LEADS,
                GoldTables.FACT_MARKETING_SPEND_MONTHLY, GoldTables.DIM_CHANNEL, GoldTables.KPI_UNIT_ECONOMICS_MONTHLY),
            "Month x first-touch channel: leads, pipeline created, bookings, win rate, new customers, marketing spend, CAC and payback",
            ctx -> ChannelTransforms.channelMonthly(load(ctx, GoldTables.FACT_OPPORTUNITY), load(ctx, GoldTables.LEADS),
                load(ctx, GoldTables.FACT_MARKETING_SPEND_MONTHLY), load(ctx, GoldTables.DIM_CHANNEL),
                load(ctx, GoldTables.KPI_UNIT_ECONOMICS_MONTHLY), ctx.runDate())).emptyAllowed(),
        new Table(GoldTables.KPI_SEGMENT_MONTHLY, List.of(GoldTables.FACT_MRR_MONTHLY, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY,
                GoldTables.KPI_SAAS_MONTHLY),
            "Month x segment: paying workspaces, MRR, ARPA, activity, logo churn, usage churn risk, month-end churn scores",
            ctx -> BusinessTransforms.withMonthEndScores(BusinessTransforms.segmentMonthly(load(ctx, GoldTables.FACT_MRR_MONTHLY),
                load(ctx, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY), load(ctx, GoldTables.KPI_SAAS_MONTHLY),
                ctx.settings().config().getInt("lakehouse.gold.product.usage-churn-risk-days")), load(ctx, GoldTables.FACT_MRR_MONTHLY),
                ctx.exists(GoldTables.FACT_CHURN_SCORE_DAILY) ? load(ctx, GoldTables.FACT_CHURN_SCORE_DAILY) : null))
            .config("lakehouse.gold.product").schema(3).waitsFor(List.of(GoldTables.FACT_CHURN_SCORE_DAILY)));
  }

  /**
   * {@code gold.dim_date}: the calendar. It covers every date the facts carry (the earliest and
   * latest dates of the silver tables they come from, whichever exist) and at least the
   * configured first day, whole years, through the end of the year {@code years-ahead} after the
   * run date; it is rebuilt only when that range or the calendar configuration changes.
   */
  static final class DimDate extends GoldJob {
    /** The silver tables and columns facts take their dates from. */
    static final Map<TableName, List<String>> DATE_SOURCES = dateSources();

    private static Map<TableName, List<String>> dateSources() {
      Map<TableName, List<String>> m = new LinkedHashMap<>();
      m.put(GoldTables.SUBSCRIPTION_HISTORY, List.of("valid_from"));
      m.put(GoldTables.WORKSPACES, List.of("created_at"));
      m.put(GoldTables.INVOICE_LINES, List.of("invoice_created_at"));
      m.put(GoldTables.OPPORTUNITIES, List.of("created_at", "close_date"));
      m.put(GoldTables.LEADS, List.of("created_at"));
      m.put(GoldTables.TICKETS, List.of("created_at"));
      m.put(GoldTables.EVENTS, List.of("event_date"));
      m.put(GoldTables.INFRA_COSTS, List.of("usage_date"));
      m.put(GoldTables.MARKETING_SPEND, List.of("month"));
      return m;
    }

    DimDate() {
      waitsFor(List.copyOf(DATE_SOURCES.keySet()));
    }

    @Override TableName table() { return GoldTables.DIM_DATE; }
    @Override List<TableName> reads() { return List.of(); }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.calendar"); }
    @Override int schemaVersion() { return 2; }
    @Override public String description() {
      return "One row per calendar day covering every fact date (date_key yyyymmdd, month, quarter, week start, fiscal year)";
    }

    /** The range the fingerprint of this thread's run computed, reused by its build (one scan of the sources per run). */
    private final ThreadLocal<LocalDate[]> computed = new ThreadLocal<>();

    @Override
    Map<String, String> fingerprint(JobContext ctx) {
      LocalDate[] range = range(ctx);
      computed.set(range);
      return Map.of("range", range[0] + ".." + range[1]);
    }

    /**
     * First and last day of the calendar. Each source column's bounds come from its table's file
     * statistics when every file has them (no scan); the columns without are scanned together.
     */
    LocalDate[] range(JobContext ctx) {
      var c = ctx.settings().config().getConfig("lakehouse.gold.calendar");
      List<Dataset<Row>> scans = new ArrayList<>();
      List<java.sql.Date> los = new ArrayList<>();
      List<java.sql.Date> his = new ArrayList<>();
      for (Map.Entry<TableName, List<String>> s : DATE_SOURCES.entrySet()) {
        if (!ctx.exists(s.getKey())) {
          continue;
        }
        for (String column : s.getValue()) {
          java.sql.Date[] known = io.profitos.lakehouse.core.table.DeltaTables.dateBounds(ctx.spark(),
              ctx.catalog().location(s.getKey()), column);
          if (known != null) {
            los.add(known[0]);
            his.add(known[1]);
          } else {
            scans.add(ctx.read(s.getKey()).agg(min(col(column).cast(DataTypes.DateType)).as("lo"),
                max(col(column).cast(DataTypes.DateType)).as("hi")));
          }
        }
      }
      if (!scans.isEmpty()) {
        Row r = scans.stream().reduce(Dataset::unionByName).orElseThrow().agg(min("lo"), max("hi")).first();
        los.add(r.getDate(0));
        his.add(r.getDate(1));
      }
      LocalDate first = c.getString("first-day").isBlank() ? null : LocalDate.parse(c.getString("first-day"));
      LocalDate last = ctx.runDate().plusYears(c.getInt("years-ahead")).withMonth(12).withDayOfMonth(31);
      LocalDate lo = los.stream().filter(java.util.Objects::nonNull).map(java.sql.Date::toLocalDate).min(LocalDate::compareTo).orElse(null);
      LocalDate hi = his.stream().filter(java.util.Objects::nonNull).map(java.sql.Date::toLocalDate).max(LocalDate::compareTo).orElse(null);
      if (lo != null && (first == null || lo.isBefore(first))) {
        first = lo;
      }
      if (hi != null && hi.isAfter(last)) {
        last = hi.withMonth(12).withDayOfMonth(31);
      }
      if (first == null) {
        first = ctx.runDate();
      }
      return new LocalDate[] {first.withDayOfYear(1), last};
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      LocalDate[] range = computed.get() != null ? computed.get() : range(ctx);
      computed.remove();
      return DimensionTransforms.dates(ctx.spark(), range[0], range[1],
          ctx.settings().config().getInt("lakehouse.gold.calendar.fiscal-year-start-month"));
    }
  }

  /** {@code gold.dim_workspace}: type 2 on plan, seats and status, with surrogate keys and an unknown member. */
  static final class DimWorkspace extends GoldJob {
    @Override TableName table() { return GoldTables.DIM_WORKSPACE; }
    @Override List<TableName> reads() { return List.of(GoldTables.WORKSPACE_HISTORY, GoldTables.WORKSPACES); }
    @Override public String description() { return "Workspaces, type 2 on plan, seats and status (surrogate workspace_key; -1 = unknown)"; }

    @Override
    Dataset<Row> build(JobContext ctx) {
      return DimensionTransforms.workspaces(ctx.read(GoldTables.WORKSPACE_HISTORY), ctx.read(GoldTables.WORKSPACES));
    }
  }

  /**
   * {@code gold.fact_mrr_monthly}: workspace x month MRR and its movement. Rewritten from the
   * earliest month a change can reach: a subscription version, an FX rate or a workspace version
   * that differs from the previous run's (both versions compared), and never later than the month
   * before the run date's. Changed segments rebuild it whole.
   */
  static final class FactMrrMonthly extends Partial {
    /** The subscription history columns MRR depends on (besides the key and validity). */
    static final List<String> MRR_COLUMNS = List.of("workspace_id", "status", "items", "trial_end_at", "ended_at", "currency",
        "discount_percent_off", "discount_amount_off", "discount_duration", "discount_start_at", "discount_end_at", "is_deleted");

    @Override TableName table() { return GoldTables.FACT_MRR_MONTHLY; }
    @Override List<TableName> reads() {
      return List.of(GoldTables.SUBSCRIPTION_HISTORY, GoldTables.FX_RATES, GoldTables.DIM_WORKSPACE);
    }
    @Override public String description() {
      return "Workspace x month: mrr_usd, previous_mrr_usd, movement (new, expansion, contraction, churn, reactivation), segment";
    }
    @Override String monthColumn() { return "month"; }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.segments"); }
    @Override int schemaVersion() { return 2; }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      if (input.equals(GoldTables.DIM_WORKSPACE)) {
        return Effect.from(month(firstChangedWorkspaceDay(ctx, oldVersion, List.of("workspace_key", "is_deleted"))));
      }
      Effect mrr = mrrInputAffectedFrom(ctx, input, oldVersion);
      return mrr != null ? mrr : super.affectedFrom(ctx, input, oldVersion);
    }

    /**
     * The first month a change of the subscription history or the FX rates can reach in any MRR
     * measured at an instant (month ends, week starts and ends); null for any other input.
     */
    static Effect mrrInputAffectedFrom(JobContext ctx, TableName input, long oldVersion) {
      if (input.equals(GoldTables.SUBSCRIPTION_HISTORY)) {
        Changes.Sides changed = Changes.sides(ctx, input, oldVersion);
        return Effect.from(month(Changes.firstChangedDay(changed.before(), changed.after(), List.of("subscription_id"),
            "valid_from", "valid_to", MRR_COLUMNS)));
      }
      if (input.equals(GoldTables.FX_RATES)) {
        Dataset<Row> before = ctx.readVersion(input, oldVersion);
        Dataset<Row> after = ctx.read(input);
        LocalDate changed = Changes.firstChangedDate(before, after, "date", List.of("currency", "usd_per_unit", "is_deleted"));
        if (changed == null) {
          return Effect.NONE;
        }
        // A currency's first rate also converts every earlier month: a change there reaches back to the start.
        Row first = before.unionByName(after).agg(min("date")).first();
        return !changed.isAfter(first.getDate(0).toLocalDate()) ? Effect.WHOLE : Effect.from(changed.withDayOfMonth(1));
      }
      return null;
    }

    private static LocalDate month(LocalDate day) {
      return day == null ? null : day.withDayOfMonth(1);
    }

    /**
     * From {@code from} on, only those months' ends are priced and their movements continue the
     * published fact's earlier months (carried, not recomputed). The earlier rows are part of the
     * output, so the gate checks the seam (previous_mrr_usd of {@code from} against the month
     * before); the publish writes only the months from {@code from}.
     */
    @Override
    Dataset<Row> build(JobContext ctx, LocalDate from) {
      Dataset<Row> history = ctx.read(GoldTables.SUBSCRIPTION_HISTORY);
      Dataset<Row> earlier = null;
      if (from != null) {
        // A version that ended before the first month began is valid at none of the month ends priced.
        history = history.where(col("valid_to").isNull()
            .or(col("valid_to").gt(lit(java.sql.Timestamp.from(from.atStartOfDay(ZoneOffset.UTC).toInstant())))));
        earlier = ctx.read(GoldTables.FACT_MRR_MONTHLY).where(col("month").lt(lit(java.sql.Date.valueOf(from))));
      }
      Dataset<Row> months = MrrTransforms.months(ctx.spark(), from == null ? firstMonth(ctx, history, "valid_from") : YearMonth.from(from),
          ctx.runDate());
      Dataset<Row> subscriptionMrr = MrrTransforms.subscriptionMrr(history, MrrTransforms.monthEnds(months),
          ctx.read(GoldTables.FX_RATES));
      Dataset<Row> fact = MrrTransforms.movements(MrrTransforms.workspaceMrr(subscriptionMrr, "month"), months,
          Segments.from(ctx.settings().config()), earlier == null ? null : earlier.select("workspace_id", "month", "mrr_usd"));
      Dataset<Row> withEnd = fact.join(months.select("month", "month_end", "month_end_date"), MrrTransforms.usingColumns("month"));
      Dataset<Row> rows = DimensionTransforms.withWorkspaceKey(withEnd, ctx.read(GoldTables.DIM_WORKSPACE), col("month_end"))
          .select(col("month"), DimensionTransforms.dateKey(col("month_end_date")).as("date_key"), col("workspace_id"),
              col("workspace_key"), col("segment"), col("previous_segment"), col("mrr_usd"), col("previous_mrr_usd"),
              col("movement_type"), col("movement_amount_usd"), col("is_complete"));
      return earlier == null ? rows : earlier.unionByName(rows);
    }
  }

  private static LocalDate earlier(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }

  /** The first day on which {@code gold.dim_workspace}'s versions differ from those of {@code oldVersion} on {@code compared}, or null. */
  private static LocalDate firstChangedWorkspaceDay(JobContext ctx, long oldVersion, List<String> compared) {
    Changes.Sides changed = Changes.sides(ctx, GoldTables.DIM_WORKSPACE, oldVersion);
    return Changes.firstChangedDay(changed.before(), changed.after(), List.of("workspace_id"), "valid_from", "valid_to", compared);
  }

  /** A table built for partial rebuilds: {@link #build(JobContext, LocalDate)} is the build, from null the whole table. */
  abstract static class Partial extends GoldJob {
    @Override
    final Dataset<Row> build(JobContext ctx) {
      return build(ctx, null);
    }

    @Override
    abstract Dataset<Row> build(JobContext ctx, LocalDate from);
  }

  /**
   * A table of days computed from {@code silver.events}: a change of the events reaches from its
   * first changed day, and no row depends on the run date, so a run starts no later than the
   * previous run's date.
   */
  abstract static class EventDays extends Partial {
    @Override String monthColumn() { return "activity_date"; }
    @Override LocalDate latestFrom(LocalDate runDate, LocalDate previousRun) { return earlier(runDate, previousRun); }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      return input.equals(GoldTables.EVENTS) ? Effect.from(firstChangedActivityDay(ctx, oldVersion))
          : super.affectedFrom(ctx, input, oldVersion);
    }
  }

  /** The first event_date whose activity rows differ between two versions of {@code silver.events}, or null. */
  private static LocalDate firstChangedActivityDay(JobContext ctx, long oldVersion) {
    Changes.Sides changed = Changes.sides(ctx, GoldTables.EVENTS, oldVersion);
    return Changes.firstChangedDate(ProductTransforms.activityColumns(changed.before()), ProductTransforms.activityColumns(changed.after()),
        "event_date", List.of("workspace_id", "user_id", "feature", "is_activity", "is_deleted"));
  }

  /**
   * {@code gold.fact_workspace_activity_daily}. A day's row depends only on the events of the
   * adoption window up to it and on the workspace version valid that day (not on the run date), so
   * a daily run rebuilds the days from the first one a changed event or workspace version reaches
   * (never later than the previous run's date), reading only the events of the window before it.
   */
  static final class FactWorkspaceActivityDaily extends EventDays {
    @Override TableName table() { return GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY; }
    @Override List<TableName> reads() { return List.of(GoldTables.EVENTS, GoldTables.DIM_WORKSPACE); }
    @Override public String description() {
      return "Workspace x day with activity: active users, events, features used and adopted, seat utilisation, hit seat limit";
    }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.product"); }
    @Override int schemaVersion() { return 3; }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      if (input.equals(GoldTables.DIM_WORKSPACE)) {
        return Effect.from(firstChangedWorkspaceDay(ctx, oldVersion, List.of("workspace_key", "seats", "is_deleted")));
      }
      return super.affectedFrom(ctx, input, oldVersion);
    }

    @Override
    Dataset<Row> build(JobContext ctx, LocalDate from) {
      int window = ctx.settings().config().getInt("lakehouse.gold.product.adoption-days");
      Dataset<Row> events = ctx.read(GoldTables.EVENTS);
      if (from == null) {
        return ProductTransforms.workspaceActivityDaily(events, ctx.read(GoldTables.DIM_WORKSPACE), window);
      }
      Dataset<Row> recent = events.where(col("event_date").geq(lit(java.sql.Date.valueOf(from.minusDays(window - 1L)))));
      return ProductTransforms.workspaceActivityDaily(recent, ctx.read(GoldTables.DIM_WORKSPACE), window)
          .where(col("activity_date").geq(lit(java.sql.Date.valueOf(from))));
    }
  }

  /**
   * {@code gold.fact_user_event_daily}. A day's rows depend on that day's events alone (not on the run date), so a daily
   * run rebuilds the days from the first one a changed event reaches (never later than the previous run's date),
   * reading only the events from it.
   */
  static final class FactUserEventDaily extends Partial {
    @Override TableName table() { return GoldTables.FACT_USER_EVENT_DAILY; }
    @Override List<TableName> reads() { return List.of(GoldTables.EVENTS); }
    @Override public String description() {
      return "User x event x day: the first time and the count of each event (the funnel template reads it instead of every event)";
    }
    @Override String monthColumn() { return "event_date"; }
    @Override LocalDate latestFrom(LocalDate runDate, LocalDate previousRun) { return earlier(runDate, previousRun); }
    /** A folder per month: a query over a window of days reads the months it overlaps, not the table. */
    @Override List<String> partitionBy() { return List.of("event_month"); }
    @Override int schemaVersion() { return 2; }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      Changes.Sides changed = Changes.sides(ctx, GoldTables.EVENTS, oldVersion);
      return Effect.from(Changes.firstChangedDate(ProductTransforms.userEventColumns(changed.before()),
          ProductTransforms.userEventColumns(changed.after()), "event_date",
          List.of("user_id", "workspace_id", "event", "occurred_at", "is_deleted")));
    }

    @Override
    Dataset<Row> build(JobContext ctx, LocalDate from) {
      Dataset<Row> events = ctx.read(GoldTables.EVENTS);
      return ProductTransforms.userEventDaily(from == null ? events
          : events.where(col("event_date").geq(lit(java.sql.Date.valueOf(from)))));
    }
  }

  /**
   * {@code gold.kpi_product_daily}. A day's row depends on its month's events (MAU, average DAU)
   * and its own activity rows, so a daily run rebuilds the months from the first one a changed
   * event or activity row reaches (never later than the previous run's month).
   */
  static final class KpiProductDaily extends EventDays {
    @Override TableName table() { return GoldTables.KPI_PRODUCT_DAILY; }
    @Override List<TableName> reads() { return List.of(GoldTables.EVENTS, GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY); }
    @Override public String description() { return "Day: DAU, active workspaces, MAU and DAU/MAU of the month, feature adoption"; }
    @Override LocalDate periodFrom(LocalDate day) { return day.withDayOfMonth(1); }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      if (input.equals(GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY)) {
        Changes.Sides changed = Changes.sides(ctx, input, oldVersion);
        return Effect.from(Changes.firstChangedDate(changed.before(), changed.after(), "activity_date",
            List.of("workspace_id", "features_adopted", "adopted_features")));
      }
      return super.affectedFrom(ctx, input, oldVersion);
    }

    @Override
    Dataset<Row> build(JobContext ctx, LocalDate from) {
      Dataset<Row> events = ctx.read(GoldTables.EVENTS);
      Dataset<Row> activity = ctx.read(GoldTables.FACT_WORKSPACE_ACTIVITY_DAILY);
      if (from != null) {
        events = events.where(col("event_date").geq(lit(java.sql.Date.valueOf(from))));
        activity = activity.where(col("activity_date").geq(lit(java.sql.Date.valueOf(from))));
      }
      return ProductTransforms.productDaily(events, activity);
    }
  }

  /** {@code gold.kpi_saas_monthly}: the monthly SaaS KPIs, for all workspaces and per segment. */
  static final class KpiSaasMonthly extends GoldJob {
    /** Finance's targets, when there are any: the job waits for them. */
    KpiSaasMonthly() {
      waitsFor(List.of(GoldTables.TARGETS));
    }

    @Override TableName table() { return GoldTables.KPI_SAAS_MONTHLY; }
    @Override List<TableName> reads() { return List.of(GoldTables.FACT_MRR_MONTHLY); }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.metrics"); }
    @Override int schemaVersion() { return 3; }
    @Override public String description() {
      return "Month x segment: MRR, ARR, movements, paying workspaces, ARPA, logo and MRR churn, NDR and GRR (t12m)";
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      return withTargets(ctx, GoldTables.KPI_SAAS_MONTHLY, SaasKpis.monthly(ctx.read(GoldTables.FACT_MRR_MONTHLY)), "segment");
    }
  }

  /**
   * {@code gold.kpi_saas_weekly}: weekly logo churn, MRR at each week's first and last instant, and the renewal risk
   * of the week's newest renewal calendar.
   * Each week depends only on the history and rates at its own two instants, so a daily run
   * rebuilds only the weeks from the first one a changed subscription version or FX rate can
   * reach (never later than the week of the first day of the month before the run date's).
   */
  static final class KpiSaasWeekly extends Partial {
    /** The renewal risk comes from the ml layer's renewal calendar, when there is one: the job waits for it. */
    KpiSaasWeekly() {
      waitsFor(List.of(GoldTables.FACT_RENEWAL));
    }

    @Override TableName table() { return GoldTables.KPI_SAAS_WEEKLY; }
    @Override int schemaVersion() { return 2; }
    @Override List<TableName> reads() { return List.of(GoldTables.SUBSCRIPTION_HISTORY, GoldTables.FX_RATES); }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.segments"); }
    @Override public String description() {
      return "Week x segment (at the week's start): paying workspaces at its start, those not paying at its end, weekly logo churn, renewal risk";
    }
    @Override String monthColumn() { return "week_start"; }
    @Override LocalDate periodFrom(LocalDate month) { return month.with(java.time.DayOfWeek.MONDAY); }

    @Override
    Effect affectedFrom(JobContext ctx, TableName input, long oldVersion) {
      Effect mrr = FactMrrMonthly.mrrInputAffectedFrom(ctx, input, oldVersion);
      return mrr != null ? mrr : super.affectedFrom(ctx, input, oldVersion);
    }

    @Override
    Dataset<Row> build(JobContext ctx, LocalDate from) {
      Dataset<Row> history = ctx.read(GoldTables.SUBSCRIPTION_HISTORY);
      Dataset<Row> fx = ctx.read(GoldTables.FX_RATES);
      Dataset<Row> weeks = MrrTransforms.weeks(ctx.spark(), from != null ? from : firstMonth(ctx, history, "valid_from").atDay(1),
          ctx.runDate());
      Dataset<Row> start = MrrTransforms.workspaceMrr(MrrTransforms.subscriptionMrr(history, weeks.select(col("week_start"),
          col("start_at").as("at"), col("start_at").cast(DataTypes.DateType).as("at_date")), fx), "week_start");
      Dataset<Row> end = MrrTransforms.workspaceMrr(MrrTransforms.subscriptionMrr(history, weeks.select(col("week_start"),
          col("end_at").as("at"), col("end_date").as("at_date")), fx), "week_start");
      return WeeklyTransforms.withRenewalRisk(WeeklyTransforms.saasWeekly(start, end, weeks, Segments.from(ctx.settings().config())),
          ctx.exists(GoldTables.FACT_RENEWAL) ? ctx.read(GoldTables.FACT_RENEWAL) : null);
    }
  }

  /** {@code gold.mrr_reconciliation}: MRR against invoice MRR, ARR against finance's reported ARR. */
  static final class MrrReconciliation extends GoldJob {
    @Override TableName table() { return GoldTables.MRR_RECONCILIATION; }
    @Override List<TableName> reads() {
      return List.of(GoldTables.KPI_SAAS_MONTHLY, GoldTables.INVOICE_LINES, GoldTables.REPORTED_ARR, GoldTables.FX_RATES);
    }
    @Override int schemaVersion() { return 2; }
    @Override public String description() { return "Month: MRR vs invoice MRR and ARR vs reported ARR, with the gaps"; }

    @Override
    Dataset<Row> build(JobContext ctx) {
      Dataset<Row> kpis = ctx.read(GoldTables.KPI_SAAS_MONTHLY);
      Dataset<Row> months = MrrTransforms.months(ctx.spark(), firstMonth(ctx, kpis, "month"), ctx.runDate());
      Dataset<Row> invoiceMrr = ReconciliationTransforms.invoiceMrr(ctx.read(GoldTables.INVOICE_LINES), months,
          ctx.read(GoldTables.FX_RATES));
      return ReconciliationTransforms.reconciliation(kpis, invoiceMrr, ctx.read(GoldTables.REPORTED_ARR));
    }
  }

  /**
   * {@code gold.metric_contracts}: every metric contract of the configuration, one row per table
   * that publishes it, readable beside the numbers. Before any job runs, the contracts are checked
   * against the ones last published: a definition may change only with a new version.
   */
  static final class MetricContractsTable extends GoldJob {
    static final StructType SCHEMA = new StructType()
        .add("metric", DataTypes.StringType, false).add("version", DataTypes.IntegerType).add("approved_by", DataTypes.StringType)
        .add("effective_date", DataTypes.DateType).add("definition_hash", DataTypes.StringType)
        .add("title", DataTypes.StringType).add("definition", DataTypes.StringType)
        .add("table_name", DataTypes.StringType).add("column_name", DataTypes.StringType).add("grain", DataTypes.StringType)
        .add("sources", DataTypes.createArrayType(DataTypes.StringType)).add("inclusions", DataTypes.StringType)
        .add("exclusions", DataTypes.StringType).add("owner", DataTypes.StringType).add("steward", DataTypes.StringType)
        .add("refresh", DataTypes.StringType).add("confidence", DataTypes.StringType).add("unit", DataTypes.StringType)
        .add("thresholds", DataTypes.createArrayType(new StructType().add("name", DataTypes.StringType)
            .add("test", DataTypes.StringType).add("below", DataTypes.DoubleType).add("above", DataTypes.DoubleType)
            .add("severity", DataTypes.StringType).add("action", DataTypes.StringType)));

    @Override TableName table() { return GoldTables.METRIC_CONTRACTS; }
    @Override List<TableName> reads() { return List.of(); }
    @Override int schemaVersion() { return 2; }
    @Override public String description() {
      return "The metric contracts (definition, version, approver, grain, sources, owner, thresholds) of conf/metrics.conf";
    }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.metrics"); }

    @Override
    public void preflight(JobContext ctx) {
      if (!ctx.exists(table())) {
        return;
      }
      Dataset<Row> published = ctx.read(table());
      if (!List.of(published.columns()).contains("definition_hash")) {
        return; // published by a version without contract versions: nothing to compare with
      }
      Map<String, Map.Entry<Integer, String>> before = new LinkedHashMap<>();
      for (Row r : published.select("metric", "version", "definition_hash").distinct().collectAsList()) {
        before.put(r.getString(0), Map.entry(r.getInt(1), r.getString(2)));
      }
      MetricContracts.from(ctx.settings().config()).checkAgainst(before);
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      List<Row> rows = new ArrayList<>();
      for (MetricContracts.Contract c : MetricContracts.from(ctx.settings().config()).contracts()) {
        List<Row> thresholds = c.thresholds().stream()
            .map(t -> RowFactory.create(t.name(), t.test(), t.below(), t.above(), t.severity(), t.action())).toList();
        for (TableName t : c.tables()) {
          rows.add(RowFactory.create(c.metric(), c.version(), c.approvedBy(), java.sql.Date.valueOf(c.effectiveDate()),
              c.definitionHash(), c.title(), c.definition(), t.toString(), c.column(), t.equals(c.table()) ? c.grain() : t + " grain",
              scala.collection.JavaConverters.asScalaBuffer(c.sources()).toSeq(), c.inclusions(), c.exclusions(), c.owner(),
              c.steward(), c.refresh(), c.confidence(), c.unit(),
              scala.collection.JavaConverters.asScalaBuffer(t.equals(c.table()) ? thresholds : List.<Row>of()).toSeq()));
        }
      }
      return ctx.spark().createDataFrame(rows, SCHEMA);
    }
  }

  /**
   * {@code gold.kpi_exceptions}: every threshold breach of the contracts, red or amber, and every
   * publish a quality gate blocked, for the weekly pre-read. It runs after every other gold job,
   * on what is published (a blocked table's last published version), and on whichever KPI
   * tables exist.
   */
  static final class KpiExceptions extends GoldJob {
    @Override TableName table() { return GoldTables.KPI_EXCEPTIONS; }
    @Override List<TableName> reads() { return List.of(); }
    @Override int schemaVersion() { return 3; }
    @Override boolean mayBeEmpty() { return true; }
    @Override public boolean runsOnPublished() { return true; }
    @Override public String description() {
      return "Threshold breaches of the metric contracts and blocked publishes: metric, period, breakdown, value, severity, action";
    }
    @Override List<String> configPaths() { return List.of("lakehouse.gold.metrics", "lakehouse.gold.exceptions"); }

    /**
     * The versions of the KPI tables, and of the gates' results only what this job reads from
     * them: which publishes are blocked now. (Its own gate appends to quality.check_results, so
     * that table's version changes with every run of this job.)
     */
    @Override
    Map<String, String> fingerprint(JobContext ctx) {
      Map<String, String> fp = new LinkedHashMap<>();
      super.fingerprint(ctx).forEach((k, v) -> {
        if (!k.equals("version:" + GoldTables.CHECK_RESULTS)) {
          fp.put(k, v);
        }
      });
      String blocked = "";
      if (ctx.exists(GoldTables.CHECK_RESULTS)) {
        blocked = String.join(";", ExceptionTransforms.blockedPublishes(ctx.read(GoldTables.CHECK_RESULTS), "")
            .select("table_name", "threshold_name", "period").orderBy("table_name", "threshold_name").collectAsList()
            .stream().map(Row::toString).toList());
      }
      fp.put("blocked", io.profitos.lakehouse.core.config.ConfigHash.sha256(blocked));
      return fp;
    }

    @Override
    Dataset<Row> build(JobContext ctx) {
      List<Dataset<Row>> parts = new ArrayList<>();
      LocalDate from = ctx.runDate().withDayOfMonth(1)
          .minusMonths(ctx.settings().config().getInt("lakehouse.gold.exceptions.lookback-months"));
      for (MetricContracts.Contract c : MetricContracts.from(ctx.settings().config()).contracts()) {
        if (c.thresholds().isEmpty() || !ctx.exists(c.table())) {
          continue;
        }
        parts.add(ExceptionTransforms.breaches(ctx.read(c.table()), c, c.table().toString(), from));
      }
      if (ctx.exists(GoldTables.CHECK_RESULTS)) {
        parts.add(ExceptionTransforms.blockedPublishes(ctx.read(GoldTables.CHECK_RESULTS),
            ctx.settings().config().getString("lakehouse.gold.exceptions.gate-owner")));
      }
      String modelOwner = ctx.settings().config().getString("lakehouse.gold.exceptions.model-owner");
      if (ctx.exists(GoldTables.DRIFT_METRICS)) {
        parts.add(ExceptionTransforms.modelDrift(ctx.read(GoldTables.DRIFT_METRICS), from, modelOwner));
      }
      if (ctx.exists(GoldTables.MODEL_PERFORMANCE)) {
        parts.add(ExceptionTransforms.modelPerformance(ctx.read(GoldTables.MODEL_PERFORMANCE), from, modelOwner));
      }
      return parts.stream().reduce(Dataset::unionByName)
          .orElseGet(() -> ctx.spark().createDataFrame(List.of(), ExceptionTransforms.SCHEMA))
          .orderBy("period", "metric", "breakdown_value");
    }
  }
}
