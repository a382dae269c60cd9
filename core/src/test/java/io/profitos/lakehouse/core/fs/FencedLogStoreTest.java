package io.profitos.lakehouse.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fenced log store: every write to a Delta log asks the fence first, and a refusal leaves the table as it was. */
class FencedLogStoreTest {
  @TempDir Path dir;
  private final SparkSession spark = SparkTestSession.get();

  /** A guard the test trips: it records what it was asked about, and refuses once tripped. */
  private static final class Switch implements CommitFence.Guard {
    volatile String refusal;
    final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void check(String what) {
      asked.add(what);
      if (refusal != null) {
        throw new LakehouseException(LakehouseException.EXIT_WAREHOUSE_BUSY, "Refused to write " + what + ": " + refusal);
      }
    }

    @Override
    public String refusal() {
      return refusal;
    }
  }

  private void append(String location, int n) {
    spark.createDataFrame(List.of(RowFactory.create(n)), new StructType().add("n", "int")).coalesce(1).write().format("delta")
        .mode(SaveMode.Append).save(location);
  }

  private static List<String> logFiles(String location) throws Exception {
    try (Stream<Path> s = Files.list(Path.of(location, "_delta_log"))) {
      return new ArrayList<>(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
    }
  }

  @Test
  void aTrippedFenceRefusesTheCommitAndTheTableStaysAtItsVersion() throws Exception {
    String location = dir.resolve("t").toString();
    Switch fence = new Switch();
    CommitFence.install(fence);
    try {
      append(location, 1);
      append(location, 2);
      assertThat(DeltaTables.version(spark, location)).isEqualTo(1);
      // Every commit asked the fence, about the log file it was about to write.
      assertThat(fence.asked).anyMatch(w -> w.endsWith("/t/_delta_log/00000000000000000000.json"))
          .anyMatch(w -> w.endsWith("/t/_delta_log/00000000000000000001.json"));
      List<String> before = logFiles(location);

      fence.refusal = "this run lost the warehouse lease";
      assertThat(CommitFence.refusal()).isEqualTo("this run lost the warehouse lease");
      assertThatThrownBy(() -> append(location, 3)).satisfies(e -> {
        Throwable t = e;
        while (!(t instanceof LakehouseException) && t.getCause() != null) {
          t = t.getCause();
        }
        assertThat(t).isInstanceOf(LakehouseException.class).hasMessageContaining("00000000000000000002.json")
            .hasMessageContaining("this run lost the warehouse lease");
        assertThat(((LakehouseException) t).exitCode()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY);
      });
      assertThat(logFiles(location)).as("no commit, checkpoint or checksum written").isEqualTo(before);
      assertThat(spark.read().format("delta").load(location).count()).isEqualTo(2);
    } finally {
      CommitFence.uninstall(fence);
    }
    // Without a guard (or once the lease is released) commits go through.
    assertThat(CommitFence.refusal()).isNull();
    append(location, 3);
    assertThat(DeltaTables.version(spark, location)).isEqualTo(2);
    assertThat(spark.read().format("delta").load(location).count()).isEqualTo(3);
  }

  @Test
  void uninstallingAnotherGuardLeavesTheInstalledOne() {
    Switch mine = new Switch();
    Switch other = new Switch();
    CommitFence.install(mine);
    try {
      CommitFence.uninstall(other);
      mine.refusal = "lost";
      assertThat(CommitFence.refusal()).isEqualTo("lost");
      assertThatThrownBy(() -> CommitFence.check("x")).hasMessageContaining("Refused to write x: lost");
    } finally {
      CommitFence.uninstall(mine);
    }
    CommitFence.check("x");
    assertThat(CommitFence.refusal()).isNull();
  }
}
