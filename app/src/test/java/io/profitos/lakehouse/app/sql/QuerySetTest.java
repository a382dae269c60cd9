package io.profitos.lakehouse.app.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.ConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuerySetTest {
  private static final String SET = """
      lakehouse.sql {
        dashboards {
          overview {
            title = "Overview", audience = "Execs", role = finance
            queries {
              revenue = \"\"\"
                SELECT month, mrr_usd
                FROM gold.kpi_saas_monthly
                WHERE segment = 'All'
              \"\"\"
            }
          }
        }
        templates {
          adoption {
            title = "Adoption", description = "d", role = product_manager
            parameters {
              feature { type = string, example = "reports" }
              since { type = date, example = "2026-01-01" }
              top { type = integer, example = "10" }
              share { type = decimal, example = "0.5" }
              steps { type = string-list, example = "a, b" }
              metric { type = string, example = "dau", values = [dau, retention] }
            }
            sql = \"\"\"
              SELECT * FROM silver.events
              WHERE feature = ${feature} AND event_date >= ${since} AND event IN (${steps})
                AND ${metric} = 'dau' AND rand() < ${share}
              LIMIT ${top}
            \"\"\"
          }
        }
      }""";

  private static QuerySet set(String text) {
    return QuerySet.from(ConfigFactory.parseString(text).resolve());
  }

  private static Map<String, String> values(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aTemplateFillsInEachValueAsALiteralOfItsType() {
    QuerySet.Template t = set(SET).template("adoption");
    String sql = t.render(values("feature", "O'Brien\\x", "since", "2026-02-03", "top", "25", "share", "0.25", "steps",
        "Dashboard Viewed, Report Created", "metric", "retention"));
    assertThat(QuerySet.normalise(sql)).isEqualTo("SELECT * FROM silver.events WHERE feature = 'O\\'Brien\\\\x' AND event_date >= "
        + "DATE '2026-02-03' AND event IN ('Dashboard Viewed', 'Report Created') AND 'retention' = 'dau' AND rand() < 0.25 LIMIT 25");
    assertThat(QuerySet.normalise(t.example())).contains("feature = 'reports'", "DATE '2026-01-01'", "IN ('a', 'b')", "LIMIT 10");
  }

  @Test
  void aValueThatIsNotOfItsTypeOrAMissingOrUnknownParameterIsRefusedWithTheParameterNamed() {
    QuerySet.Template t = set(SET).template("adoption");
    Map<String, String> ok = values("feature", "x", "since", "2026-01-01", "top", "1", "share", "1", "steps", "a", "metric", "dau");
    Map<String, String> badDate = new LinkedHashMap<>(ok);
    badDate.put("since", "2026-13-01");
    assertThatThrownBy(() -> t.render(badDate)).isInstanceOf(LakehouseException.class)
        .hasMessage("Template adoption, parameter since (date): '2026-13-01' is not a date: give YYYY-MM-DD.");
    Map<String, String> injection = new LinkedHashMap<>(ok);
    injection.put("top", "1; DROP TABLE gold.dim_plan");
    assertThatThrownBy(() -> t.render(injection)).hasMessageContaining("parameter top (integer): '1; DROP TABLE gold.dim_plan' is not a whole number");
    Map<String, String> notAllowed = new LinkedHashMap<>(ok);
    notAllowed.put("metric", "revenue");
    assertThatThrownBy(() -> t.render(notAllowed)).hasMessageContaining("parameter metric (string): 'revenue' is not one of [dau, retention]");
    Map<String, String> missing = new LinkedHashMap<>(ok);
    missing.remove("feature");
    assertThatThrownBy(() -> t.render(missing)).hasMessage("Template adoption needs a value for 'feature' (string, e.g. reports).");
    Map<String, String> unknown = new LinkedHashMap<>(ok);
    unknown.put("colour", "red");
    assertThatThrownBy(() -> t.render(unknown)).hasMessageContaining("Template adoption has no parameter 'colour'");
  }

  @Test
  void theAuditNamesTheDashboardQueryOrTemplateAStatementIsAnInstanceOf() {
    QuerySet q = set(SET);
    // A dashboard query however it is laid out, with or without a semicolon, in any case.
    assertThat(q.nameOf("select month, mrr_usd from gold.kpi_saas_monthly\n\twhere segment = 'All';"))
        .contains("dashboards.overview.revenue");
    assertThat(q.nameOf("SELECT month, mrr_usd FROM gold.kpi_saas_monthly WHERE segment = 'SMB'")).isEmpty();
    // A template with any values of the right types, including a string holding quotes and SQL.
    QuerySet.Template t = q.template("adoption");
    assertThat(q.nameOf(t.example())).contains("templates.adoption");
    String other = t.render(values("feature", "x' OR '1'='1", "since", "2025-05-05", "top", "3", "share", "0.1", "steps", "a, b, c",
        "metric", "dau"));
    assertThat(q.nameOf(other)).contains("templates.adoption");
    assertThat(QuerySet.isTemplate(q.nameOf(other).orElseThrow())).isTrue();
    // Changed SQL around the values is custom SQL.
    assertThat(q.nameOf(t.example().replace("LIMIT 10", "LIMIT 10 OFFSET 5"))).isEmpty();
    assertThat(q.nameOf(t.example().replace("DATE '2026-01-01'", "current_date()"))).isEmpty();
    assertThat(q.nameOf("SELECT 1")).isEqualTo(Optional.empty());
  }

  @Test
  void aTemplateMustDeclareExactlyTheParametersItsSqlUses() {
    assertThatThrownBy(() -> set(SET.replace("LIMIT ${top}", "LIMIT ${tops}"))).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql.templates.adoption: its SQL uses the parameters [feature, metric, share, since, steps, tops] "
            + "but it declares [feature, metric, share, since, steps, top]");
    assertThatThrownBy(() -> set(SET.replace("type = decimal", "type = money"))).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql.templates.adoption.parameters.share.type is 'money'");
    assertThatThrownBy(() -> set(SET.replace("example = \"2026-01-01\"", "example = \"soon\""))).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("parameter since (date): 'soon' is not a date");
    assertThatThrownBy(() -> set(SET.replace("WHERE segment = 'All'", "WHERE segment = ${segment}"))).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql.dashboards.overview.queries.revenue has a ${...} parameter");
  }

  @Test
  void theShippedQuerySetLoadsAndEachDashboardAndTemplateRunsAsAConfiguredRole() {
    Config config = ConfigLoader.load(Path.of("..", "conf"), "local", Map.of());
    QuerySet q = QuerySet.from(config);
    assertThat(q.dashboards()).extracting(QuerySet.Dashboard::name).containsExactlyInAnyOrder("saas_overview", "product_usage", "funnel",
        "customer_health", "infrastructure_costs", "board_report", "pipeline_health");
    assertThat(q.templates()).extracting(QuerySet.Template::name).containsExactlyInAnyOrder("feature_adoption_by_cohort",
        "funnel_drop_off", "ab_test_results");
    SqlServerSettings sql = SqlServerSettings.from(config);
    q.dashboards().forEach(d -> assertThat(sql.roles()).as(d.name()).containsKey(d.role()));
    q.templates().forEach(t -> {
      assertThat(sql.roles()).as(t.name()).containsKey(t.role());
      assertThat(q.nameOf(t.example())).contains(t.qualifiedName());
    });
    q.dashboards().forEach(d -> d.queries().forEach(query -> assertThat(q.nameOf(query.sql())).contains(query.qualifiedName())));
  }
}
