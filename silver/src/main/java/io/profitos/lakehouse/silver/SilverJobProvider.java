package io.profitos.lakehouse.silver;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import java.util.List;

/** The silver tables built so far. */
public final class SilverJobProvider implements JobProvider {
  @Override
  public String layer() {
    return "silver";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    return List.of(
        new SilverEntityJob("silver.customers", "bronze.stripe_customers", List.of("customer_id"), EntityTransforms::customers,
            false, "Stripe customers, newest version per id, email hashed, payment method redacted, deletes as tombstones"),
        new SilverEntityJob("silver.workspaces", "bronze.product_db_workspaces", List.of("workspace_id"), EntityTransforms::workspaces,
            false, "Product workspaces from CDC, newest version per id, Los Angeles local times to UTC, deletes as tombstones"),
        new SilverEntityJob("silver.fx_rates", "bronze.finance_fx_rates", List.of("date", "currency"), EntityTransforms::fxRates,
            true, "Daily USD rates per currency from finance's newest full extract"),
        new SilverEntityJob("silver.subscriptions", "bronze.stripe_subscriptions", List.of("subscription_id"),
            SubscriptionTransforms::conform, false, "Stripe subscriptions, newest version per id, typed items, monthly list amount"),
        new SilverSubscriptionHistoryJob(),
        new SilverEntityJob("silver.users", "bronze.product_db_users", List.of("user_id"), EntityTransforms::users,
            false, "Product users from CDC, newest version per id, email hashed, IP truncated, Los Angeles local times to UTC"),
        new SilverEntityJob("silver.events", "bronze.segment_tracks", List.of("event_id"), EntityTransforms::events,
            false, "Segment track events, one per messageId, IP truncated, product activity flagged"));
  }
}
