package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableName;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricContractsTest {
  private static String contract(String name, String definition, int version, String table, String column) {
    return "lakehouse.gold.metrics." + name + " { title = t, definition = \"" + definition + "\", table = " + table + ", column = "
        + column + ", grain = month, unit = usd, sources = [silver.x], owner = o, steward = s, refresh = daily, confidence = high, "
        + "version = " + version + ", approved-by = \"Head of BI\", effective-date = \"2026-12-01\", "
        + "also-published-in = [gold.kpi_segment_monthly] }\n";
  }

  @Test
  void aContractIsFoundByTableAndColumnIncludingWhereElseItIsPublished() {
    MetricContracts c = MetricContracts.from(ConfigFactory.parseString(contract("mrr", "sum", 1, "gold.kpi_saas_monthly", "mrr_usd")));
    assertThat(c.of(TableName.parse("gold.kpi_saas_monthly"), "mrr_usd").metric()).isEqualTo("mrr");
    assertThat(c.of(TableName.parse("gold.kpi_segment_monthly"), "mrr_usd").metric()).isEqualTo("mrr");
    assertThat(c.of(TableName.parse("gold.kpi_unit_economics_monthly"), "mrr_usd")).isNull();
    assertThat(c.of(TableName.parse("gold.kpi_saas_monthly"), "arr_usd")).isNull();
  }

  @Test
  void twoContractsCannotClaimOneColumn() {
    assertThatThrownBy(() -> MetricContracts.from(ConfigFactory.parseString(contract("a", "x", 1, "gold.kpi_saas_monthly", "mrr_usd")
        + contract("b", "y", 1, "gold.kpi_segment_monthly", "mrr_usd"))))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("a and b both claim gold.kpi_segment_monthly.mrr_usd");
  }

  @Test
  void aDefinitionChangesOnlyWithANewVersion() {
    MetricContracts v1 = MetricContracts.from(ConfigFactory.parseString(contract("mrr", "sum of MRR", 1, "gold.kpi_saas_monthly", "mrr_usd")));
    String published = v1.contracts().get(0).definitionHash();
    // The same definition, or an owner or wording change outside the definition, passes.
    v1.checkAgainst(Map.of("mrr", Map.entry(1, published)));
    MetricContracts changed = MetricContracts.from(ConfigFactory.parseString(
        contract("mrr", "sum of MRR less credits", 1, "gold.kpi_saas_monthly", "mrr_usd")));
    assertThatThrownBy(() -> changed.checkAgainst(Map.of("mrr", Map.entry(1, published))))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("mrr changed its definition")
        .hasMessageContaining("raise lakehouse.gold.metrics.mrr.version to 2");
    MetricContracts bumped = MetricContracts.from(ConfigFactory.parseString(
        contract("mrr", "sum of MRR less credits", 2, "gold.kpi_saas_monthly", "mrr_usd")));
    bumped.checkAgainst(Map.of("mrr", Map.entry(1, published)));
    assertThatThrownBy(() -> v1.checkAgainst(Map.of("mrr", Map.entry(2, "x"))))
        .hasMessageContaining("mrr is at version 1 but version 2 was published");
  }
}
