package io.profitos.lakehouse.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRegistryTest {
  private static LakehouseJob job(String name, String layer, List<String> in, List<String> out) {
    return new LakehouseJob() {
      public String name() { return name; }
      public String layer() { return layer; }
      public String description() { return name; }
      public List<TableName> inputs() { return in.stream().map(TableName::parse).toList(); }
      public List<TableName> outputs() { return out.stream().map(TableName::parse).toList(); }
      public JobResult run(JobContext ctx) { throw new AssertionError("not run here"); }
    };
  }

  private final JobRegistry registry = new JobRegistry(List.of(
      job("silver.b", "silver", List.of("silver.a"), List.of("silver.b")),
      job("silver.a", "silver", List.of("bronze.x"), List.of("silver.a")),
      job("bronze.x", "bronze", List.of(), List.of("bronze.x"))));

  @Test
  void ordersLayersAndDependencies() {
    assertThat(registry.all()).extracting(LakehouseJob::name).containsExactly("bronze.x", "silver.a", "silver.b");
    assertThat(registry.resolve("silver")).extracting(LakehouseJob::name).containsExactly("silver.a", "silver.b");
    assertThat(registry.resolve("silver.b")).extracting(LakehouseJob::name).containsExactly("silver.b");
    assertThat(registry.layers()).containsExactly("bronze", "silver");
  }

  @Test
  void aJobReportingOnALaterLayersTableRunsAfterItsWriterInARunOfEverything() {
    LakehouseJob exceptions = new LakehouseJob() {
      public String name() { return "gold.exceptions"; }
      public String layer() { return "gold"; }
      public String description() { return name(); }
      public List<TableName> inputs() { return List.of(); }
      public List<TableName> orderAfter() { return List.of(TableName.parse("gold.fact"), TableName.parse("ml.drift")); }
      public List<TableName> outputs() { return List.of(TableName.parse("gold.exceptions")); }
      public JobResult run(JobContext ctx) { throw new AssertionError("not run here"); }
    };
    JobRegistry r = new JobRegistry(List.of(exceptions,
        job("ml.score", "ml", List.of("ml.features"), List.of("ml.scores", "ml.drift")),
        job("ml.features", "ml", List.of("gold.fact"), List.of("ml.features")),
        job("gold.fact", "gold", List.of("silver.a"), List.of("gold.fact")),
        job("ml.report", "ml", List.of("ml.scores"), List.of("ml.report")),
        job("silver.a", "silver", List.of(), List.of("silver.a"))));
    // the drift's writer and what it needs move before the exceptions; the rest of ml stays after gold
    assertThat(r.all()).extracting(LakehouseJob::name).containsExactly("silver.a", "gold.fact", "ml.features", "ml.score",
        "gold.exceptions", "ml.report");
    // a layer alone is unchanged: its jobs only
    assertThat(r.resolve("gold")).extracting(LakehouseJob::name).containsExactly("gold.fact", "gold.exceptions");
  }

  @Test
  void unknownTargetsAreUsageErrors() {
    assertThatThrownBy(() -> registry.resolve("gold")).hasMessageContaining("Layer 'gold' has no jobs yet");
    assertThatThrownBy(() -> registry.resolve("silver.zz")).hasMessageContaining("Unknown job, layer or group 'silver.zz'")
        .hasMessageContaining("lakehouse jobs");
  }

  @Test
  void severalTargetsAndRunGroupsRunTheirUnionInDependencyOrder() {
    JobRegistry r = new JobRegistry(List.of(
        job("silver.b", "silver", List.of("silver.a"), List.of("silver.b")),
        job("silver.a", "silver", List.of("bronze.x"), List.of("silver.a")),
        job("bronze.y", "bronze", List.of(), List.of("bronze.y")),
        job("bronze.x", "bronze", List.of(), List.of("bronze.x"))),
        java.util.Map.of("refresh", List.of("silver.b", "bronze.x"), "all-silver", List.of("silver")));
    // listed out of order, run in the order of a run of everything
    assertThat(r.resolve("silver.b,bronze.x")).extracting(LakehouseJob::name).containsExactly("bronze.x", "silver.b");
    assertThat(r.resolve("refresh")).extracting(LakehouseJob::name).containsExactly("bronze.x", "silver.b");
    assertThat(r.resolve("all-silver, bronze.y")).extracting(LakehouseJob::name).containsExactly("bronze.y", "silver.a", "silver.b");
    // overlapping items run each job once
    assertThat(r.resolve("refresh,silver")).extracting(LakehouseJob::name).containsExactly("bronze.x", "silver.a", "silver.b");
    assertThat(r.groups()).containsOnlyKeys("all-silver", "refresh");
    assertThatThrownBy(() -> r.resolve("silver.b,,bronze.x")).hasMessageContaining("Empty item in the run target");
    assertThatThrownBy(() -> r.resolve("refresh,nope")).hasMessageContaining("Unknown job, layer or group 'nope'")
        .hasMessageContaining("groups: [all-silver, refresh]");
  }

  @Test
  void aRunGroupMustNameJobsOrLayersAndNotReuseTheirNames() {
    List<LakehouseJob> jobs = List.of(job("bronze.x", "bronze", List.of(), List.of("bronze.x")));
    assertThatThrownBy(() -> new JobRegistry(jobs, java.util.Map.of("hourly", List.of("bronze.x", "bronze.zz"))).resolve("hourly"))
        .hasMessageContaining("lakehouse.run-groups.hourly names 'bronze.zz', which is neither a job nor a layer");
    assertThatThrownBy(() -> new JobRegistry(jobs, java.util.Map.of("silver", List.of("bronze.x"))))
        .hasMessageContaining("lakehouse.run-groups.silver: 'silver' is already a job or layer name");
    assertThatThrownBy(() -> new JobRegistry(jobs, java.util.Map.of("empty", List.of())))
        .hasMessageContaining("lakehouse.run-groups.empty is empty");
  }

  @Test
  void exitCodeSeverity() {
    assertThat(JobRunner.moreSevere(0, 4)).isEqualTo(4);
    assertThat(JobRunner.moreSevere(4, 3)).isEqualTo(3);
    assertThat(JobRunner.moreSevere(1, 3)).isEqualTo(1);
  }

  @Test
  void tableNamesAreValidated() {
    assertThat(TableName.parse("bronze._quarantine").table()).isEqualTo("_quarantine");
    assertThatThrownBy(() -> TableName.parse("platinum.x")).hasMessageContaining("Unknown layer 'platinum'");
    assertThatThrownBy(() -> TableName.parse("bronze")).hasMessageContaining("use <layer>.<table>");
  }
}
