package io.profitos.lakehouse.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import io.profitos.lakehouse.core.testing.TestSettings;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobContextTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();
  private static final TableName T = TableName.of("silver", "things");

  private JobContext ctx(List<String> commits) {
    return ctx(commits, new ArrayList<>());
  }

  private JobContext ctx(List<String> commits, List<String> steps) {
    LakehouseSettings settings = TestSettings.settings(dir.resolve("landing"), dir.resolve("wh"), "");
    JobContext run = TestSettings.context(settings, LocalDate.of(2026, 3, 1)).withCommitListener((job, what) -> commits.add(what))
        .withStepListener((job, step, seconds) -> steps.add(job + " " + step + (seconds >= 0 ? "" : " negative")));
    return run.forJob(job(), Map.of("watermark:bronze.things", "b1"));
  }

  private static LakehouseJob job() {
    return new LakehouseJob() {
      public String name() { return "silver.things"; }
      public String layer() { return "silver"; }
      public String description() { return "things"; }
      public List<TableName> inputs() { return List.of(TableName.of("bronze", "things")); }
      public List<TableName> outputs() { return List.of(T); }
      public JobResult run(JobContext c) { return JobResult.succeeded(0, 0, "", Map.of()); }
    };
  }

  private Dataset<Row> rows(String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(id, v, version)");
  }

  private List<String> table(JobContext c) {
    return c.read(T).orderBy("id").collectAsList().stream().map(r -> r.getString(0) + "=" + r.getInt(1)).toList();
  }

  @Test
  void overwriteMergeAndReplaceWriteOneCommitEachAndReportTheirRows() {
    List<String> commits = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    JobContext c = ctx(commits, steps);
    JobContext.Published first = c.publish(T, rows("('a', 1, 1), ('b', 2, 1)"), Publish.overwrite());
    assertThat(first.rowsWritten()).isEqualTo(2);
    assertThat(first.version()).isZero();
    // A merge with newerBy: a and c are newer or new, b's stored version 1 is not replaced by version 0.
    JobContext.Published merged = c.publish(T, rows("('a', 10, 2), ('b', 20, 0), ('c', 3, 1)"),
        Publish.merge(List.of("id")).withNewerBy(List.of("version")));
    assertThat(merged.rowsWritten()).isEqualTo(2);
    assertThat(merged.version()).isEqualTo(1);
    assertThat(table(c)).containsExactly("a=10", "b=2", "c=3");
    c.publish(T, rows("('b', 7, 3)"), Publish.replaceWhere("id = 'b'"));
    assertThat(table(c)).containsExactly("a=10", "b=7", "c=3");
    assertThat(commits).containsExactly("silver.things overwrite", "silver.things merge", "silver.things replace_where");
    // The step listener of the run-level context reaches the job's context: each publish is one timed step.
    assertThat(steps).containsExactly("silver.things overwrite", "silver.things merge", "silver.things replace_where");
    assertThat(c.version(T)).isEqualTo(2);
    assertThat(c.version(TableName.of("silver", "absent"))).isEqualTo(-1);
    // Every commit of the job carries the job and the run, so lineage can tell who wrote which version.
    assertThat(io.delta.tables.DeltaTable.forPath(spark, c.catalog().location(T)).history().select("userMetadata")
        .collectAsList()).allSatisfy(r -> assertThat(r.getString(0)).contains("\"job\":\"silver.things\"").contains(c.runId()));
  }

  /**
   * A table created without a property the configuration now asks for gets it from its next publish (one commit, once),
   * and a merge into a table with deletion vectors marks the row it replaces instead of rewriting the file.
   */
  @Test
  void aPropertyTheTableLacksIsSetByItsNextPublish() {
    List<String> commits = new ArrayList<>();
    JobContext c = ctx(commits);
    c.publish(T, rows("('a', 1, 1), ('b', 2, 1), ('c', 3, 1)"), Publish.overwrite());
    Map<String, String> dv = Map.of("delta.enableDeletionVectors", "true");
    c.publish(T, rows("('a', 10, 2)"), Publish.merge(List.of("id")).withNewerBy(List.of("version")).withProperties(dv));
    c.publish(T, rows("('b', 20, 2)"), Publish.merge(List.of("id")).withNewerBy(List.of("version")).withProperties(dv));
    assertThat(commits).containsExactly("silver.things overwrite", "silver.things set_properties", "silver.things merge",
        "silver.things merge");
    assertThat(table(c)).containsExactly("a=10", "b=20", "c=3");
    String location = c.catalog().location(T);
    assertThat(io.profitos.lakehouse.core.table.DeltaTables.missingProperties(spark, location, dv)).isEmpty();
    // The last merge replaced one row of the three-row file by a deletion vector: the file stays, one row marked.
    List<Row> adds = spark.read().json(location + "/_delta_log/00000000000000000003.json").where("add IS NOT NULL")
        .select("add.deletionVector.cardinality").collectAsList();
    assertThat(adds).extracting(r -> r.isNullAt(0) ? null : r.getLong(0)).containsExactlyInAnyOrder(1L, null);
  }

  @Test
  void stateCarriesForwardAndAMissingInputSkipsTheJob() {
    JobContext c = ctx(new ArrayList<>());
    assertThat(c.watermark(TableName.of("bronze", "things"))).isEqualTo("b1");
    c.advance(TableName.of("bronze", "things"), "b2");
    c.record("fingerprint", "x");
    assertThat(c.nextState()).containsEntry("watermark:bronze.things", "b2").containsEntry("fingerprint", "x");
    assertThat(c.state("fingerprint")).isNull();
    assertThatThrownBy(() -> c.read(TableName.of("bronze", "things")))
        .isInstanceOfSatisfying(LakehouseException.class, e -> assertThat(e.isInputMissing()).isTrue())
        .hasMessageContaining("silver.things skipped: its input bronze.things does not exist yet");
    // The check without the read (a job comparing fingerprints first) skips the same way.
    assertThatThrownBy(() -> c.requireInputs(List.of(TableName.of("bronze", "things"))))
        .isInstanceOfSatisfying(LakehouseException.class, e -> assertThat(e.isInputMissing()).isTrue())
        .hasMessageContaining("its input bronze.things does not exist yet");
  }
}
