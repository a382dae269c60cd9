package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.app.LeaseProbe;
import io.profitos.lakehouse.app.WarehouseLease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fencing with a real pause: a writer process holding the warehouse lease is stopped with SIGSTOP past its lease's
 * expiry, another run takes the lease over, and after SIGCONT the writer commits nothing more: its next commit is
 * refused, naming the run that took over, and it exits 5.
 */
class LeaseFencingIT {
  private static final Duration EXPIRY = Duration.ofSeconds(3);

  private static List<String> commits(Path table) throws Exception {
    try (Stream<Path> s = Files.list(table.resolve("_delta_log"))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json")).sorted().toList();
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal + " " + pid).isTrue();
  }

  private static boolean waitFor(Path log, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void aWriterPausedPastItsLeaseAndTakenOverCommitsNothingAfterItResumes() throws Exception {
    Path dir = Files.createTempDirectory(ProductionEnv.work("lease-fencing"), "run");
    Path warehouse = dir.resolve("warehouse");
    Path log = dir.resolve("logs/probe.log");
    List<String> command = Processes.java(List.of("-Xmx512m"), LeaseProbe.class.getName(),
        List.of(warehouse.toString(), Long.toString(EXPIRY.toMillis())));
    Process probe = Processes.start(command, Map.of(), dir, log);
    try {
      assertThat(waitFor(log, "committed 2", Duration.ofMinutes(2))).as("the probe commits\n" + Processes.read(log)).isTrue();

      signal("STOP", probe.pid());
      Thread.sleep(EXPIRY.toMillis() + 1500); // its lease lapses: nothing renews it while it is stopped
      Path table = warehouse.resolve("ops/probe");
      try (WarehouseLease taker = LeaseProbe.take(warehouse, Duration.ofMinutes(10), "taker-run")) {
        assertThat(taker.holder().generation()).isEqualTo(2);
        List<String> atTakeover = commits(table);
        Path leases = warehouse.resolve("_lease");
        String takersLease = Files.readString(leases.resolve("000000000002.json"));
        signal("CONT", probe.pid());

        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("the probe stops after it resumes\n" + Processes.read(log)).isTrue();
        String out = Processes.read(log);
        assertThat(probe.exitValue()).as(out).isEqualTo(5);
        assertThat(out).contains("refused: Refused to write ").contains("this run (probe-run) lost the warehouse lease")
            .contains("'lease probe' (run taker-run)");
        assertThat(commits(table)).as("commits after the takeover").isEqualTo(atTakeover);
        assertThat(out.lines().filter(l -> l.startsWith("committed ")).count()).isEqualTo(atTakeover.size());
        // The resumed writer wrote no lease: the taker's is the only one, as the taker wrote it.
        try (Stream<Path> s = Files.list(leases)) {
          assertThat(s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList())
              .containsExactly("000000000002.json");
        }
        assertThat(Files.readString(leases.resolve("000000000002.json"))).isEqualTo(takersLease);
      }
    } finally {
      if (probe.isAlive()) {
        signal("CONT", probe.pid());
        Processes.stop(probe);
      }
    }
  }
}
