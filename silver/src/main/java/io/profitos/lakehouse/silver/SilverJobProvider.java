package io.profitos.lakehouse.silver;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The silver jobs: one current-state table per business entity (conforming rules from {@code
 * lakehouse.silver.tables}), the subscription version history, and the type-2 histories of
 * {@code lakehouse.silver.histories}.
 */
public final class SilverJobProvider implements JobProvider {
  /**
   * Schema versions of tables whose columns changed since the first release (absent: 1): a table
   * built with an older version is rebuilt by the next run. subscriptions 2: monthly amounts of
   * weekly and daily prices; sales_reps 2: segment renamed rep_segment, quarterly_quota quarterly_quota_usd.
   */
  static final Map<String, Integer> SCHEMA_VERSIONS = Map.of("subscriptions", 2, "sales_reps", 2, "opportunities", 2);

  @Override
  public String layer() {
    return "silver";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    Config config = settings.config();
    Map<String, SilverJob> entities = new LinkedHashMap<>();
    Entity e = (table, source, key, conform, description) ->
        entities.put(table, new SilverEntityJob("silver." + table, source, key, conform, false, description,
            SilverTableConfig.read(config, table), SCHEMA_VERSIONS.getOrDefault(table, 1)));
    Entity full = (table, source, key, conform, description) ->
        entities.put(table, new SilverEntityJob("silver." + table, source, key, conform, true, description,
            SilverTableConfig.read(config, table), SCHEMA_VERSIONS.getOrDefault(table, 1)));

    full.add("fx_rates", "bronze.finance_fx_rates", List.of("date", "currency"), EntityTransforms::fxRates,
        "Daily USD rates per currency from finance's newest full extract");
    e.add("customers", "bronze.stripe_customers", List.of("customer_id"), EntityTransforms::customers,
        "Stripe customers, newest version per id, email hashed, payment method redacted, deletes as tombstones");
    e.add("subscriptions", "bronze.stripe_subscriptions", List.of("subscription_id"), SubscriptionTransforms::conform,
        "Stripe subscriptions, newest version per id, typed items, monthly list amount");
    e.add("invoices", "bronze.stripe_invoices", List.of("invoice_id"), BillingTransforms::invoices,
        "Stripe invoices, newest version per id, amounts in major units and USD at the invoice date's rate");
    e.add("invoice_lines", "bronze.stripe_invoices", List.of("line_id"), BillingTransforms::invoiceLines,
        "Stripe invoice lines of each invoice's newest version, prorations flagged, amounts in major units and USD");
    e.add("prices", "bronze.stripe_prices", List.of("price_id"), BillingTransforms::prices,
        "Stripe prices, newest version per id, unit amount in major units");
    e.add("workspaces", "bronze.product_db_workspaces", List.of("workspace_id"), EntityTransforms::workspaces,
        "Product workspaces from CDC, newest version per id, Los Angeles local times to UTC, deletes as tombstones");
    e.add("users", "bronze.product_db_users", List.of("user_id"), EntityTransforms::users,
        "Product users from CDC, newest version per id, email hashed, IP truncated, Los Angeles local times to UTC");
    e.add("experiment_assignments", "bronze.product_db_experiment_assignments", List.of("experiment_id", "workspace_id"),
        EntityTransforms::experimentAssignments,
        "Product experiment assignments from CDC, one per experiment and workspace, variant in lower case, deletes as tombstones");
    e.add("events", "bronze.segment_tracks", List.of("event_id"), EntityTransforms::events,
        "Segment track events, one per messageId, IP truncated, product activity flagged, partitioned by event date");
    e.add("accounts", "bronze.salesforce_account", List.of("account_id"), CrmTransforms::accounts,
        "Salesforce accounts, newest version per id, IsDeleted as tombstones");
    e.add("leads", "bronze.salesforce_lead", List.of("lead_id"), CrmTransforms::leads,
        "Salesforce leads, newest version per id, email hashed, names dropped");
    e.add("opportunities", "bronze.salesforce_opportunity", List.of("opportunity_id"), CrmTransforms::opportunities,
        "Salesforce opportunities, newest version per id, amount typed even when sent as text, USD at the close date's rate");
    e.add("opportunity_stage_history", "bronze.salesforce_opportunity_history", List.of("history_id"),
        CrmTransforms::opportunityStageHistory, "Salesforce opportunity stage changes, one row per change");
    e.add("sales_reps", "bronze.salesforce_user", List.of("rep_id"), CrmTransforms::salesReps,
        "Salesforce users (sales reps) with segment, region and quarterly quota, email hashed");
    e.add("tickets", "bronze.zendesk_tickets", List.of("ticket_id"), OperationsTransforms::tickets,
        "Zendesk tickets, newest version per id, satisfaction score, future solve dates quarantined");
    full.add("infra_costs", "bronze.aws_cost_explorer_cost_and_usage",
        List.of("usage_date", "service", "region", "usage_type", "record_type"), OperationsTransforms::infraCosts,
        "AWS daily cost by service, region and usage type from the newest full extract, in USD");
    full.add("marketing_spend", "bronze.finance_marketing_spend", List.of("month", "channel"), OperationsTransforms::marketingSpend,
        "Monthly marketing spend per channel from finance's newest full extract");
    full.add("sales_costs", "bronze.finance_sales_costs", List.of("month"), OperationsTransforms::salesCosts,
        "Monthly sales salaries and tools from finance's newest full extract (blended CAC)");
    full.add("reported_arr", "bronze.finance_reported_arr", List.of("month"), OperationsTransforms::reportedArr,
        "Monthly ARR as finance reports it (the board number) from finance's newest full extract");
    full.add("targets", "bronze.finance_targets", List.of("month", "metric", "segment"), OperationsTransforms::targets,
        "Finance's plan: a target per month, metric contract and segment, from finance's newest full extract");

    io.profitos.lakehouse.quality.SuiteCatalog suites = io.profitos.lakehouse.quality.SuiteCatalog.from(config);
    for (SilverJob job : entities.values()) {
      io.profitos.lakehouse.quality.ExpectationSuite suite = suites.forTable(job.table());
      if (suite != null) {
        job.checkedAgainst(suite.referencedTables());
      }
    }
    List<LakehouseJob> jobs = new ArrayList<>(entities.values());
    jobs.add(new SilverSubscriptionHistoryJob());
    String histories = "lakehouse.silver.histories";
    if (config.hasPath(histories)) {
      for (String name : config.getObject(histories).keySet()) {
        Config h = config.getConfig(histories + "." + name);
        String from = h.hasPath("from") ? h.getString("from") : null;
        if (from == null || !entities.containsKey(from) || !h.hasPath("track")) {
          throw LakehouseException.usage("Configuration error: " + histories + "." + name + " needs from = <silver entity table> and "
              + "track = [columns]; known entities: " + String.join(", ", entities.keySet()) + ".");
        }
        jobs.add(new SilverHistoryJob("silver." + name, entities.get(from), h.getStringList("track")));
      }
    }
    return jobs;
  }

  @FunctionalInterface
  private interface Entity {
    void add(String table, String source, List<String> key, UnaryOperator<Dataset<Row>> conform, String description);
  }
}
