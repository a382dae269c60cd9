package io.profitos.lakehouse.app.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessPolicyTest {
  private static final String HASH = PasswordHash.create("pw".toCharArray());

  private static SqlServerSettings settings(String body) {
    Config c = ConfigFactory.parseString("lakehouse.sql-server {" + body + "}")
        .withFallback(ConfigFactory.parseString("""
            lakehouse.sql-server {
              host = "127.0.0.1", port = 10000, transport = binary, http-path = cliservice,
              tls { keystore = "", keystore-password-env = X }, authentication = password,
              databases = [bronze, silver, gold, ops], refresh-interval = 30s, audit-flush-interval = 5s,
              users {}, roles {}, classifications = [],
              default-limits { max-runtime = 10 minutes, max-rows = 1000000, max-concurrent = 8 },
              result-cache { enabled = true, max-rows = 100, max-entries = 10 }
            }""")).resolve();
    return SqlServerSettings.from(c);
  }

  private static final String RULES = """
      roles {
        admin { read-only = false, databases = ["*"] }
        analyst { databases = [gold], deny-tables = ["gold.fact_invoice*"], deny-columns = ["gold.dim_workspace.name"], deny-classes = [pii] }
      }
      users {
        ana { role = analyst, password-hash = "%s" }
        root1 { role = admin, password-hash = "%s" }
      }
      classifications = [
        { columns = "*.*.*email*", class = PII }
        { columns = "gold.*.*_usd", class = FINANCIAL }
        { columns = "*.*.*", class = FINANCIAL }
      ]
      """.formatted(HASH, HASH);

  @Test
  void aRolesLimitsOverrideTheDefaultsKeyByKey() {
    SqlServerSettings s = settings("""
        roles {
          pm { databases = [gold], limits { max-runtime = 120 seconds, max-concurrent = 3 } }
          plain { databases = [gold] }
        }""");
    assertThat(s.roles().get("pm").limits()).isEqualTo(new SqlServerSettings.Limits(java.time.Duration.ofSeconds(120), 1_000_000, 3));
    assertThat(s.roles().get("plain").limits()).isEqualTo(new SqlServerSettings.Limits(java.time.Duration.ofMinutes(10), 1_000_000, 8));
  }

  @Test
  void aLimitThatIsNotPositiveOrNotALimitIsAConfigurationErrorNamingIt() {
    assertThatThrownBy(() -> settings("roles { pm { databases = [gold], limits { max-rows = 0 } } }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql-server.roles.pm.limits has max-runtime 600 s, max-rows 0, max-concurrent 8: each must be positive");
    assertThatThrownBy(() -> settings("roles { pm { databases = [gold], limits { max-runtim = 5s } } }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql-server.roles.pm.limits has unknown setting(s) [max-runtim]");
    assertThatThrownBy(() -> settings("roles { pm { databases = [gold], limits { max-runtime = soon } } }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("max-runtime is a duration such as 120 seconds");
  }

  @Test
  void aRoleReadsSingleTablesOfADatabaseItDoesNotList() {
    AccessPolicy p = new AccessPolicy(settings("""
        roles { pm { databases = [gold], tables = ["silver.events", "silver.experiment_*"] } }
        users { pam { role = pm, password-hash = "%s" } }""".formatted(HASH)));
    SqlServerSettings.Role pm = p.role("pam");
    assertThat(p.refuseTable(pm, "silver", "events")).isEmpty();
    assertThat(p.refuseTable(pm, "silver", "experiment_assignments")).isEmpty();
    assertThat(p.refuseTable(pm, "silver", "invoices")).contains("role pm may not read database silver "
        + "(lakehouse.sql-server.roles.pm.databases lists [gold], .tables lists [silver.events, silver.experiment_*]).");
    // It reads from silver (JDBC lists silver and those tables) but not the whole of it (SHOW TABLES IN silver is refused).
    assertThat(p.readsFrom(pm, "silver")).isTrue();
    assertThat(AccessPolicy.readsDatabase(pm, "silver")).isFalse();
    assertThat(p.readsFrom(pm, "bronze")).isFalse();
    assertThat(p.readsFrom(pm, "gold")).isTrue();
  }

  @Test
  void tablesAreAllowedByDatabaseAndDeniedByGlobWithTheRuleNamed() {
    AccessPolicy p = new AccessPolicy(settings(RULES));
    SqlServerSettings.Role analyst = p.role("ana");
    assertThat(p.refuseTable(analyst, "gold", "kpi_saas_monthly")).isEmpty();
    assertThat(p.refuseTable(analyst, "GOLD", "KPI_SAAS_MONTHLY")).isEmpty();
    assertThat(p.refuseTable(analyst, "silver", "customers")).contains(
        "role analyst may not read database silver (lakehouse.sql-server.roles.analyst.databases lists [gold]).");
    assertThat(p.refuseTable(analyst, "gold", "fact_invoice_line")).contains(
        "role analyst may not read gold.fact_invoice_line (lakehouse.sql-server.roles.analyst.deny-tables has 'gold.fact_invoice*').");
    // A database the server does not serve is refused for everyone, admin too.
    assertThat(p.refuseTable(p.role("root1"), "default", "t")).contains(
        "default.t is not served: the server serves the databases [bronze, silver, gold, ops].");
    assertThat(p.refuseTable(p.role("root1"), "bronze", "stripe_customers")).isEmpty();
  }

  @Test
  void columnsAreDeniedByNameOrByClassFirstMatchWins() {
    AccessPolicy p = new AccessPolicy(settings(RULES));
    SqlServerSettings.Role analyst = p.role("ana");
    assertThat(p.refuseColumn(analyst, "gold", "dim_workspace", "name")).contains(
        "role analyst may not read column gold.dim_workspace.name (lakehouse.sql-server.roles.analyst.deny-columns has 'gold.dim_workspace.name').");
    assertThat(p.refuseColumn(analyst, "gold", "dim_account", "Billing_Email")).contains(
        "role analyst may not read column gold.dim_account.billing_email, classified PII (lakehouse.sql-server.roles.analyst.deny-classes has PII).");
    // mrr_usd is FINANCIAL (the second rule), which the analyst may read.
    assertThat(p.settings().classify("gold", "kpi_saas_monthly", "mrr_usd")).isEqualTo("FINANCIAL");
    assertThat(p.refuseColumn(analyst, "gold", "kpi_saas_monthly", "mrr_usd")).isEmpty();
    // The first rule wins: an email column is PII even though the catch-all says FINANCIAL.
    assertThat(p.settings().classify("silver", "leads", "email_hash")).isEqualTo("PII");
    assertThat(p.settings().classify("silver", "leads", "company")).isEqualTo("FINANCIAL");
  }

  @Test
  void unknownUsersAndBadRoleSettingsAreRefusedClearly() {
    AccessPolicy p = new AccessPolicy(settings(RULES));
    assertThatThrownBy(() -> p.role("mallory")).isInstanceOf(AccessPolicy.Refusal.class)
        .hasMessage("Refused: user 'mallory' is not a user of this server (lakehouse.sql-server.users): ask an admin to add them.");
    assertThatThrownBy(() -> settings("roles { analyst { read-only = false } }")).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql-server.roles.analyst.read-only is false: only the admin role may write.");
    assertThatThrownBy(() -> settings("roles { analyst { deny-classes = [SECRET] } }"))
        .hasMessageContaining("deny-classes names 'SECRET'");
    assertThatThrownBy(() -> settings("roles { analyst { databses = [gold] } }"))
        .hasMessageContaining("unknown setting(s) [databses]");
    assertThatThrownBy(() -> settings("roles { analyst {} }, users { bob { role = nobody, password-hash = \"" + HASH + "\" } }"))
        .hasMessageContaining("lakehouse.sql-server.users.bob.role is 'nobody': give one of the roles [analyst].");
    assertThatThrownBy(() -> settings("roles { analyst {} }, users { bob { role = analyst, password = hunter2 } }"))
        .hasMessageContaining("clear passwords never go in configuration");
    assertThatThrownBy(() -> settings("transport = grpc")).hasMessageContaining("use binary or http");
    assertThatThrownBy(() -> settings("roles { analyst { deny-classes = [PII], masks { PII = hash } } }"))
        .hasMessageContaining("lakehouse.sql-server.roles.analyst both denies and masks PII");
    assertThatThrownBy(() -> settings("roles { analyst { masks { PII = scramble } } }"))
        .hasMessageContaining("lakehouse.sql-server.roles.analyst.masks has PII = scramble");
  }

  @Test
  void theShippedRolesKeepBronzeToAdminAndPiiFromTheProductManager() {
    Config shipped = ConfigLoader.load(Path.of("../conf"), "local", Map.of("lakehouse.sql-server.users.pm",
        "{ role = product_manager, password-hash = \"" + HASH + "\" }", "lakehouse.sql-server.users.fin",
        "{ role = finance, password-hash = \"" + HASH + "\" }", "lakehouse.sql-server.users.ana",
        "{ role = analyst, password-hash = \"" + HASH + "\" }", "lakehouse.sql-server.users.root1",
        "{ role = admin, password-hash = \"" + HASH + "\" }", "lakehouse.sql-server.users.bot",
        "{ role = automation, password-hash = \"" + HASH + "\" }"));
    AccessPolicy p = new AccessPolicy(SqlServerSettings.from(shipped));
    for (String user : new String[] {"pm", "fin", "ana", "bot"}) {
      assertThat(p.refuseTable(p.role(user), "bronze", "stripe_customers")).as(user + " on bronze").isPresent();
    }
    assertThat(p.refuseTable(p.role("root1"), "bronze", "stripe_customers")).isEmpty();
    // Finance sees billing detail; the product manager does not, nor CRM detail, nor PII.
    assertThat(p.refuseTable(p.role("fin"), "gold", "fact_invoice_line")).isEmpty();
    assertThat(p.refuseTable(p.role("fin"), "silver", "invoices")).isEmpty();
    assertThat(p.refuseTable(p.role("pm"), "gold", "fact_invoice_line")).isPresent();
    assertThat(p.refuseTable(p.role("pm"), "gold", "fact_opportunity")).isPresent();
    assertThat(p.refuseTable(p.role("pm"), "gold", "kpi_product_daily")).isEmpty();
    assertThat(p.refuseTable(p.role("pm"), "gold", "kpi_funnel_monthly")).isEmpty();
    assertThat(p.refuseColumn(p.role("pm"), "gold", "dim_sales_rep", "name")).isPresent();
    // The product events behind the self-service templates, without their PII; no other silver table.
    assertThat(p.refuseTable(p.role("pm"), "silver", "events")).isEmpty();
    assertThat(p.refuseColumn(p.role("pm"), "silver", "events", "ip_address")).isPresent();
    assertThat(p.refuseTable(p.role("pm"), "silver", "invoices")).isPresent();
    assertThat(p.refuseTable(p.role("pm"), "silver", "customers")).isPresent();
    // The seed's guardrails: two minutes, three statements at once.
    assertThat(p.role("pm").limits().maxRuntime()).isEqualTo(java.time.Duration.ofSeconds(120));
    assertThat(p.role("pm").limits().maxConcurrent()).isEqualTo(3);
    // The analyst reads PII hashed, finance reads PCI redacted; automation may not read PII at all.
    assertThat(p.refuseColumn(p.role("ana"), "silver", "users", "email_hash")).isEmpty();
    assertThat(p.mask(p.role("ana"), "gold", "dim_sales_rep", "name")).contains("hash");
    assertThat(p.mask(p.role("fin"), "silver", "customers", "default_payment_method")).contains("redact");
    assertThat(p.mask(p.role("fin"), "silver", "customers", "email_hash")).isEmpty();
    assertThat(p.refuseColumn(p.role("bot"), "gold", "dim_sales_rep", "name")).isPresent();
    assertThat(p.mask(p.role("bot"), "gold", "dim_sales_rep", "name")).isEmpty();
    assertThat(p.settings().classify("silver", "customers", "default_payment_method")).isEqualTo("PCI");
    assertThat(p.settings().roles().values()).filteredOn(r -> !r.readOnly()).extracting(SqlServerSettings.Role::name)
        .containsExactly("admin");
  }
}
