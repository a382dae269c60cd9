package io.profitos.lakehouse.demo;

/** The streams of LANDING.md: folder names, format, sync mode and the primary key bronze checks. */
enum LandingStream {
  STRIPE_CUSTOMERS("stripe", "customers", Format.AIRBYTE_JSONL, true, "id"),
  STRIPE_SUBSCRIPTIONS("stripe", "subscriptions", Format.AIRBYTE_JSONL, true, "id"),
  STRIPE_INVOICES("stripe", "invoices", Format.AIRBYTE_JSONL, true, "id"),
  STRIPE_PRICES("stripe", "prices", Format.AIRBYTE_JSONL, true, "id"),
  SF_ACCOUNT("salesforce", "Account", Format.AIRBYTE_JSONL, true, "Id"),
  SF_LEAD("salesforce", "Lead", Format.AIRBYTE_JSONL, true, "Id"),
  SF_OPPORTUNITY("salesforce", "Opportunity", Format.AIRBYTE_JSONL, true, "Id"),
  SF_OPPORTUNITY_HISTORY("salesforce", "OpportunityHistory", Format.AIRBYTE_JSONL, true, "Id"),
  SF_USER("salesforce", "User", Format.AIRBYTE_JSONL, true, "Id"),
  PRODUCT_WORKSPACES("product_db", "workspaces", Format.AIRBYTE_JSONL, true, "workspace_id"),
  PRODUCT_USERS("product_db", "users", Format.AIRBYTE_JSONL, true, "user_id"),
  PRODUCT_EXPERIMENT_ASSIGNMENTS("product_db", "experiment_assignments", Format.AIRBYTE_JSONL, true, "experiment_id"),
  SEGMENT_TRACKS("segment", "tracks", Format.JSONL, true, "messageId"),
  ZENDESK_TICKETS("zendesk", "tickets", Format.AIRBYTE_JSONL, true, "id"),
  AWS_COST("aws_cost_explorer", "cost_and_usage", Format.CSV, false, null),
  FX_RATES("finance", "fx_rates", Format.CSV, false, null),
  MARKETING_SPEND("finance", "marketing_spend", Format.CSV, false, null),
  SALES_COSTS("finance", "sales_costs", Format.CSV, false, null),
  REPORTED_ARR("finance", "reported_arr", Format.CSV, false, null),
  TARGETS("finance", "targets", Format.CSV, false, null);

  /** File formats of the landing zone, named as in the configuration. */
  enum Format {
    AIRBYTE_JSONL("airbyte-jsonl"), JSONL("jsonl"), CSV("csv");

    final String label;

    Format(String label) {
      this.label = label;
    }
  }

  final String source;
  final String stream;
  final Format format;
  final boolean incremental;
  final String primaryKey;

  LandingStream(String source, String stream, Format format, boolean incremental, String primaryKey) {
    this.source = source;
    this.stream = stream;
    this.format = format;
    this.incremental = incremental;
    this.primaryKey = primaryKey;
  }

  /** {@code source/stream}, the key used in the manifest. */
  String key() {
    return source + "/" + stream;
  }

  /** A short file-name stem. */
  String stem() {
    return stream.toLowerCase(java.util.Locale.ROOT);
  }
}
