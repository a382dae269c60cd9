package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warehouse lease on a local folder (the object-store variant is exercised against MinIO by ObjectStoreIT). */
class WarehouseLeaseTest {
  private static final Instant T0 = Instant.parse("2026-12-05T07:00:00Z");
  private static final WarehouseLease.Settings FAIL_FAST = new WarehouseLease.Settings(Duration.ofMinutes(10), Duration.ZERO,
      Duration.ofMillis(20));

  @TempDir Path dir;

  private WarehouseLease.Store store() {
    return new WarehouseLease.LocalStore(dir.resolve("_lease"));
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);

    void advance(Duration d) {
      now.updateAndGet(i -> i.plus(d));
    }

    @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  }

  @Test
  void aSecondRunFailsFastNamingTheHolderAndWhenItStarted() {
    TestClock clock = new TestClock();
    try (WarehouseLease first = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run all", "run-one")) {
      assertThat(first.holder().generation()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(3));
      assertThatThrownBy(() -> WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run gold", "run-two"))
          .isInstanceOfSatisfying(LakehouseException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY).isEqualTo(5);
            assertThat(e.getMessage()).contains("The warehouse is in use: 'lakehouse run all' (run run-one) by "
                + WarehouseLease.holderName() + ", started 2026-12-05T07:00:00Z, lease renewed until 2026-12-05T07:10:00Z")
                .contains("lakehouse.lease.wait").contains(dir.resolve("_lease").toString());
          });
    }
    // Released: the next run takes it at once, as the next generation, and the old one is gone.
    try (WarehouseLease next = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run gold", "run-two")) {
      assertThat(next.holder().generation()).isEqualTo(2);
      assertThat(store().names()).containsExactly("000000000002.json");
    }
    WarehouseLease.Holder last = WarehouseLease.current(store()).orElseThrow();
    assertThat(last.command()).isEqualTo("lakehouse run gold");
    assertThat(last.releasedAt()).isEqualTo(T0.plus(Duration.ofMinutes(3)));
    assertThat(last.heldAt(clock.instant())).isFalse();
  }

  @Test
  void aLeaseThatWasNeverReleasedLapsesAfterItsExpiry() throws Exception {
    TestClock clock = new TestClock();
    // A run that died: its lease object stays, unreleased, and nothing renews it.
    Files.createDirectories(dir.resolve("_lease"));
    Files.writeString(dir.resolve("_lease/000000000007.json"), new WarehouseLease.Holder(7, "ops@other-host pid 42", "lakehouse run all",
        "dead-run", T0, T0.plus(Duration.ofMinutes(10)), null).toJson());
    clock.advance(Duration.ofMinutes(9));
    assertThatThrownBy(() -> WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run silver", "r"))
        .hasMessageContaining("by ops@other-host pid 42, started 2026-12-05T07:00:00Z")
        .hasMessageContaining("its lease lapses at 2026-12-05T07:10:00Z");
    clock.advance(Duration.ofMinutes(2));
    try (WarehouseLease taken = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run silver", "r")) {
      assertThat(taken.holder().generation()).isEqualTo(8);
      assertThat(taken.holder().startedAt()).isEqualTo(T0.plus(Duration.ofMinutes(11)));
    }
  }

  @Test
  void ofRunsRacingForTheLeaseExactlyOneGetsIt() throws Exception {
    int runs = 8;
    CyclicBarrier start = new CyclicBarrier(runs);
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    List<Future<WarehouseLease>> attempts = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String id = "run-" + i;
      attempts.add(pool.submit(() -> {
        start.await();
        try {
          return WarehouseLease.acquire(store(), FAIL_FAST, Clock.systemUTC(), "lakehouse run all", id);
        } catch (LakehouseException busy) {
          assertThat(busy.exitCode()).isEqualTo(5);
          return null;
        }
      }));
    }
    List<WarehouseLease> won = new ArrayList<>();
    for (Future<WarehouseLease> f : attempts) {
      if (f.get() != null) {
        won.add(f.get());
      }
    }
    pool.shutdown();
    assertThat(won).hasSize(1);
    assertThat(WarehouseLease.current(store()).orElseThrow().runId()).isEqualTo(won.get(0).holder().runId());
    won.get(0).close();
  }

  @Test
  void aWaitingRunTakesTheLeaseWhenTheHolderReleasesIt() throws Exception {
    WarehouseLease.Settings waiting = new WarehouseLease.Settings(Duration.ofMinutes(10), Duration.ofSeconds(30), Duration.ofMillis(50));
    WarehouseLease first = WarehouseLease.acquire(store(), FAIL_FAST, Clock.systemUTC(), "lakehouse run all", "first");
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(400);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      first.close();
    });
    releaser.start();
    try (WarehouseLease second = WarehouseLease.acquire(store(), waiting, Clock.systemUTC(), "lakehouse run gold", "second")) {
      assertThat(second.holder().generation()).isEqualTo(2);
      assertThat(WarehouseLease.current(store()).orElseThrow().releasedAt()).isNull();
    }
    releaser.join();
  }

  @Test
  void theHolderRenewsItsLeaseWhileItRuns() throws Exception {
    WarehouseLease.Settings shortLease = new WarehouseLease.Settings(Duration.ofMillis(1500), Duration.ZERO, Duration.ofMillis(20));
    try (WarehouseLease held = WarehouseLease.acquire(store(), shortLease, Clock.systemUTC(), "lakehouse run all", "long-run")) {
      Instant firstExpiry = held.holder().expiresAt();
      Thread.sleep(3500); // more than two expiries: without renewal the lease would have lapsed
      WarehouseLease.Holder now = WarehouseLease.current(store()).orElseThrow();
      assertThat(now.expiresAt()).isAfter(firstExpiry);
      assertThat(now.heldAt(Instant.now())).isTrue();
      assertThatThrownBy(() -> WarehouseLease.acquire(store(), shortLease, Clock.systemUTC(), "lakehouse run gold", "other"))
          .hasMessageContaining("(run long-run)");
    }
  }

  /**
   * Fencing: a holder that missed its renewals (paused past its expiry) and was taken over refuses every commit
   * afterwards, naming the run that took over, and never writes the lease again.
   */
  @Test
  void aHolderPausedPastItsExpiryAndTakenOverCommitsNothingAfterwards() {
    TestClock clock = new TestClock();
    WarehouseLease paused = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run all", "paused-run");
    try {
      paused.check("a commit");
      assertThat(paused.refusal()).isNull();
      clock.advance(Duration.ofMinutes(11)); // nothing renewed it meanwhile: it lapsed at 07:10
      try (WarehouseLease taker = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run gold", "taker-run")) {
        assertThat(taker.holder().generation()).isEqualTo(2);
        String takersLease = store().read("000000000002.json").orElseThrow();
        assertThatThrownBy(() -> paused.check("/wh/silver/x/_delta_log/00000000000000000003.json"))
            .isInstanceOfSatisfying(LakehouseException.class, e -> {
              assertThat(e.exitCode()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY);
              assertThat(e.getMessage()).startsWith("Refused to write /wh/silver/x/_delta_log/00000000000000000003.json: this run "
                  + "(paused-run) lost the warehouse lease: it was not renewed before 2026-12-05T07:10:00Z")
                  .contains("'lakehouse run gold' (run taker-run) by " + WarehouseLease.holderName() + ", started 2026-12-05T07:11:00Z took it over")
                  .contains("It committed nothing after that");
            });
        assertThat(paused.refusal()).contains("taker-run");
        // Refused for good, even once the clock says a renewal is not due.
        assertThatThrownBy(() -> paused.check("another commit")).hasMessageContaining("lost the warehouse lease");
        paused.close();
        assertThat(store().names()).containsExactly("000000000002.json");
        assertThat(store().read("000000000002.json")).contains(takersLease);
        assertThat(WarehouseLease.current(store()).orElseThrow().heldAt(clock.instant())).isTrue();
        // The taker's commits go on.
        taker.check("its commit");
        assertThat(io.profitos.lakehouse.core.fs.CommitFence.refusal()).isNull();
      }
    } finally {
      paused.close();
    }
  }

  /** A holder paused past its expiry whom no run took over renews at its next commit and goes on. */
  @Test
  void aHolderPausedPastItsExpiryButNotTakenOverRenewsAndCommits() {
    TestClock clock = new TestClock();
    try (WarehouseLease lease = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run all", "slow-run")) {
      clock.advance(Duration.ofMinutes(8)); // a renewal is overdue (due every 3 min 20 s), the lease not yet lapsed
      lease.check("a commit");
      assertThat(WarehouseLease.current(store()).orElseThrow().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(18)));
      assertThat(store().names()).containsExactly("000000000001.json");
      clock.advance(Duration.ofMinutes(25)); // lapsed, and nobody took it: taken again, as a new generation
      lease.check("a commit");
      assertThat(lease.refusal()).isNull();
      WarehouseLease.Holder now = WarehouseLease.current(store()).orElseThrow();
      assertThat(now.generation()).isEqualTo(2);
      assertThat(now.runId()).isEqualTo("slow-run");
      assertThat(now.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(43)));
      assertThat(store().names()).containsExactly("000000000002.json");
    }
    assertThat(WarehouseLease.current(store()).orElseThrow().releasedAt()).isEqualTo(T0.plus(Duration.ofMinutes(33)));
  }

  /** The lease store of {@link #store()} whose renewals take {@code slow} on the test clock, then run {@code meanwhile}. */
  private WarehouseLease.Store slowRenewals(TestClock clock, Duration slow, Runnable meanwhile) {
    WarehouseLease.Store s = store();
    return new WarehouseLease.Store() {
      public List<String> names() { return s.names(); }
      public java.util.Optional<String> read(String name) { return s.read(name); }
      public boolean createNew(String name, String content) { return s.createNew(name, content); }
      public void delete(String name) { s.delete(name); }
      public String where() { return s.where(); }
      public void replace(String name, String content) {
        clock.advance(slow);
        meanwhile.run();
        s.replace(name, content);
      }
    };
  }

  /**
   * A renewal that lands after the expiry it extends does not count: a run may have read the lease as lapsed meanwhile
   * and taken it over. Here one did, so the slow holder finds the newer generation and refuses the commit.
   */
  @Test
  void aRenewalLandingAfterTheExpiryWhileAnotherRunTakesOverRefusesTheCommit() {
    TestClock clock = new TestClock();
    WarehouseLease[] taker = new WarehouseLease[1];
    WarehouseLease.Store slow = slowRenewals(clock, Duration.ofSeconds(30), () -> {
      if (taker[0] == null) {
        taker[0] = WarehouseLease.acquire(store(), FAIL_FAST, clock, "lakehouse run gold", "taker-run");
      }
    });
    WarehouseLease late = WarehouseLease.acquire(slow, FAIL_FAST, clock, "lakehouse run all", "late-run");
    try {
      clock.advance(Duration.ofMinutes(9).plusSeconds(50)); // overdue; the renewal starts 10 s before the expiry
      assertThatThrownBy(() -> late.check("a commit")).isInstanceOfSatisfying(LakehouseException.class,
          e -> assertThat(e.exitCode()).isEqualTo(LakehouseException.EXIT_WAREHOUSE_BUSY));
      assertThat(late.refusal()).contains("taker-run");
      assertThat(taker[0].holder().generation()).isEqualTo(2);
      assertThat(WarehouseLease.current(store()).orElseThrow().runId()).isEqualTo("taker-run");
    } finally {
      late.close();
      if (taker[0] != null) {
        taker[0].close();
      }
    }
  }

  /** The same late renewal with no run taking over: the holder takes the lease again as the next generation. */
  @Test
  void aRenewalLandingAfterTheExpiryWithNoTakerTakesTheLeaseAgain() {
    TestClock clock = new TestClock();
    try (WarehouseLease late = WarehouseLease.acquire(slowRenewals(clock, Duration.ofSeconds(30), () -> {}), FAIL_FAST, clock,
        "lakehouse run all", "late-run")) {
      clock.advance(Duration.ofMinutes(9).plusSeconds(50));
      late.check("a commit");
      assertThat(late.refusal()).isNull();
      assertThat(late.holder().generation()).isEqualTo(2);
      assertThat(late.holder().expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(20).plusSeconds(20)));
      assertThat(store().names()).containsExactly("000000000002.json");
    }
  }

  @Test
  void holdersRoundTripThroughTheirJson() {
    WarehouseLease.Holder h = new WarehouseLease.Holder(3, "a \"quoted\" user@host pid 1", "lakehouse run all --from x", "id-1", T0,
        T0.plusSeconds(600), T0.plusSeconds(60));
    assertThat(WarehouseLease.Holder.parse(3, h.toJson())).isEqualTo(h);
  }
}
