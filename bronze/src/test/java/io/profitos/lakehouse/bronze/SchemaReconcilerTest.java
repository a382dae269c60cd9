package io.profitos.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SchemaReconcilerTest {
  private static StructType ddl(String ddl) {
    return StructType.fromDDL(ddl);
  }

  @Test
  void newTableTakesTheBatchSchema() {
    SchemaReconciler.Result r = SchemaReconciler.reconcile(null, ddl("id STRING, amount BIGINT"));
    assertThat(r.parseSchema()).isEqualTo(ddl("id STRING, amount BIGINT"));
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void addsTopLevelAndNestedFields() {
    SchemaReconciler.Result r = SchemaReconciler.reconcile(
        ddl("id STRING, metadata STRUCT<workspace_id: STRING>"),
        ddl("id STRING, metadata STRUCT<workspace_id: STRING, plan: STRING>, tax_exempt STRING"));
    assertThat(r.parseSchema()).isEqualTo(ddl("id STRING, metadata STRUCT<workspace_id: STRING, plan: STRING>, tax_exempt STRING"));
    assertThat(r.additions()).extracting(SchemaReconciler.Change::path).containsExactly("metadata.plan", "tax_exempt");
    assertThat(r.conflicts()).isEmpty();
  }

  @Test
  void typeChangeKeepsTheTableTypeAndIsReported() {
    SchemaReconciler.Result r = SchemaReconciler.reconcile(
        ddl("Id STRING, Amount DOUBLE, items STRUCT<data: ARRAY<STRUCT<quantity: BIGINT>>>"),
        ddl("Id STRING, Amount STRING, items STRUCT<data: ARRAY<STRUCT<quantity: STRING>>>"));
    assertThat(r.parseSchema()).isEqualTo(ddl("Id STRING, Amount DOUBLE, items STRUCT<data: ARRAY<STRUCT<quantity: BIGINT>>>"));
    assertThat(r.conflicts()).extracting(SchemaReconciler.Change::path).containsExactly("Amount", "items.data[].quantity");
    assertThat(r.conflicts().get(0).tableType()).isEqualTo("double");
    assertThat(r.conflicts().get(0).batchType()).isEqualTo("string");
    assertThat(r.conflicts().get(1).insideArray()).isTrue();
    assertThat(r.conflicts().get(1).topLevelField()).isEqualTo("items");
  }

  @Test
  void losslessReadsAreNotChanges() {
    SchemaReconciler.Result r = SchemaReconciler.reconcile(
        ddl("a STRING, b DOUBLE, c BIGINT"), ddl("a BIGINT, b BIGINT, c BIGINT"));
    assertThat(r.changes()).isEmpty();
    assertThat(SchemaReconciler.readsLosslessly(DataType.fromDDL("bigint"), DataType.fromDDL("double"))).isFalse();
  }
}
