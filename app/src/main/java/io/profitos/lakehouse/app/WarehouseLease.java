package io.profitos.lakehouse.app;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.fs.CommitFence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease that lets one driver at a time write a warehouse. Every job writes the shared ops tables, and Delta's S3
 * log store is safe for one writing driver only, so a run holds the lease from before its Spark session starts until
 * it ends; parallelism happens inside one run (the runner), never across drivers.
 *
 * <p>The lease is a sequence of small JSON objects under {@code <warehouse>/_lease/}, one per acquisition, named by a
 * generation number: taking the lease is creating generation {@code n + 1} where {@code n} is the newest, with a
 * create that fails when the object exists (an atomic hard link on a local folder, a put with {@code If-None-Match: *}
 * on S3 or MinIO). Of two runs racing for it exactly one creates the object; the other reads who holds it. The newest
 * generation holds the lease unless it says it was released or its expiry has passed. The holder renews the expiry
 * every third of {@code lakehouse.lease.expiry} while it lives, so a crashed run's lease lapses after one expiry and the
 * next run takes it over. Nothing is ever deleted but generations older than the one just taken.
 *
 * <p>Fencing: while held, the lease is the process's {@link CommitFence} guard, asked right before every write to a
 * Delta log. A holder that missed a renewal (paused, say by SIGSTOP, or cut off from the store) looks at the store
 * before it commits again: when a newer generation exists, another run took the lease over, and this one refuses every
 * commit from then on (exit 5) and never writes the lease again; when none does, it renews (before the expiry) or takes
 * the lease again as a new generation, created only if absent (after it), and goes on. Within a third of the expiry of
 * its last renewal no other run can have taken it over (clocks agreeing to within that), so the check costs nothing then.
 */
public final class WarehouseLease implements AutoCloseable, CommitFence.Guard {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseLease.class);
  static final String DIR = "_lease";
  private static final Pattern NAME = Pattern.compile("(\\d{12})\\.json");
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** Where the lease objects live: a local folder or an object-store prefix. */
  public interface Store extends AutoCloseable {
    /** The names of the lease objects (e.g. {@code 000000000003.json}). */
    List<String> names();

    /** An object's content, or empty when it is gone. */
    Optional<String> read(String name);

    /** Creates the object unless it exists; whether this call created it. */
    boolean createNew(String name, String content);

    /** Replaces an object this process created (renewal, release). */
    void replace(String name, String content);

    void delete(String name);

    /** The lease's location, for messages. */
    String where();

    @Override
    default void close() {}
  }

  /** One generation of the lease. */
  public record Holder(long generation, String holder, String command, String runId, Instant startedAt, Instant expiresAt,
      Instant releasedAt) {
    String toJson() {
      com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode().put("generation", generation).put("holder", holder)
          .put("command", command).put("run_id", runId).put("started_at", String.valueOf(startedAt))
          .put("expires_at", String.valueOf(expiresAt));
      if (releasedAt != null) {
        o.put("released_at", releasedAt.toString());
      }
      return o.toString() + "\n";
    }

    /** The holder a lease object names; one that cannot be read (not JSON, no expiry) holds nothing. */
    static Holder parse(long generation, String json) {
      com.fasterxml.jackson.databind.JsonNode o;
      try {
        o = JSON.readTree(json);
      } catch (java.io.IOException e) {
        o = JSON.createObjectNode();
      }
      return new Holder(generation, text(o, "holder"), text(o, "command"), text(o, "run_id"), instant(o, "started_at"),
          instant(o, "expires_at"), instant(o, "released_at"));
    }

    public boolean heldAt(Instant now) {
      return releasedAt == null && expiresAt != null && expiresAt.isAfter(now);
    }

    /** One line: who holds it, since when, until when. */
    public String describe() {
      return "'" + command + "' (run " + runId + ") by " + holder + ", started " + startedAt + ", lease renewed until " + expiresAt;
    }

    private static String text(com.fasterxml.jackson.databind.JsonNode o, String field) {
      return o.hasNonNull(field) ? o.get(field).asText() : null;
    }

    private static Instant instant(com.fasterxml.jackson.databind.JsonNode o, String field) {
      try {
        return o.hasNonNull(field) ? Instant.parse(o.get(field).asText()) : null;
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
  }

  private final Store store;
  private final Clock clock;
  private final Duration expiry;
  private final ScheduledExecutorService renewer;
  private volatile Holder held;
  /** Why this process may no longer commit (the generation that took the lease over), or null. */
  private volatile String lost;
  /** Closed: nothing renews the lease any more. */
  private volatile boolean closed;

  private WarehouseLease(Store store, Clock clock, Duration expiry, Holder held) {
    this.store = store;
    this.clock = clock;
    this.expiry = expiry;
    this.held = held;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lakehouse-lease");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1, expiry.toMillis() / 3);
    renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    CommitFence.install(this);
  }

  /** The lease settings ({@code lakehouse.lease}) of a configuration. */
  public record Settings(Duration expiry, Duration waitFor, Duration poll) {
    public static Settings of(LakehouseSettings settings) {
      Config c = settings.config().getConfig("lakehouse.lease");
      return new Settings(c.getDuration("expiry"), c.getDuration("wait"), c.getDuration("poll"));
    }
  }

  /** The lease store of a warehouse location: its {@code _lease} folder or prefix. */
  static Store storeFor(LakehouseSettings settings) {
    return storeFor(settings, System.getenv());
  }

  /** {@link #storeFor(LakehouseSettings)} with the object store's credentials from {@code environment}. */
  public static Store storeFor(LakehouseSettings settings, Map<String, String> environment) {
    String warehouse = settings.warehouse();
    if (warehouse.startsWith("s3a://")) {
      ObjectStore.Location at = ObjectStore.Location.parse(warehouse, "lakehouse.warehouse");
      return new ObjectLeaseStore(ObjectStore.connect(settings, environment), at);
    }
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw LakehouseException.usage("lakehouse.warehouse is " + warehouse + ": the warehouse lease (one writing driver at a time) "
          + "works on a local or shared folder and on s3a:// (S3, MinIO). Use one of those.");
    }
    return new LocalStore(Commands.localPath(warehouse, "lakehouse.warehouse").resolve(DIR));
  }

  /**
   * Takes the lease for {@code command}, waiting up to {@code settings.waitFor()} for a holder to release it; else fails
   * with exit 5 naming the holder and when it started.
   */
  public static WarehouseLease acquire(Store store, Settings settings, Clock clock, String command, String runId) {
    Instant deadline = clock.instant().plus(settings.waitFor());
    String me = holderName();
    while (true) {
      long newest = newest(store);
      Holder current = newest == 0 ? null : store.read(name(newest)).map(j -> Holder.parse(newest, j)).orElse(null);
      Instant now = clock.instant();
      if (newest > 0 && current == null) {
        sleep(Duration.ofMillis(20)); // cleaned up by the run that just took the next generation: look again
        continue;
      }
      if (current != null && current.heldAt(now)) {
        if (now.isBefore(deadline)) {
          sleep(settings.poll());
          continue;
        }
        throw new LakehouseException(LakehouseException.EXIT_WAREHOUSE_BUSY, "The warehouse is in use: " + current.describe()
            + ". One run writes a warehouse at a time (" + store.where() + "): wait for it to finish, or set lakehouse.lease.wait "
            + "to queue behind it. If that run is gone, its lease lapses at " + current.expiresAt() + ".");
      }
      Holder mine = new Holder(newest + 1, me, command, runId, now, now.plus(settings.expiry()), null);
      if (store.createNew(name(mine.generation()), mine.toJson())) {
        if (current != null && current.releasedAt() == null) {
          LOG.warn("Took over the warehouse lease of {}: it lapsed at {} without being released (that run died)",
              current.describe(), current.expiresAt());
        }
        for (String old : store.names()) {
          Matcher m = NAME.matcher(old);
          if (m.matches() && Long.parseLong(m.group(1)) < mine.generation()) {
            try {
              store.delete(old);
            } catch (RuntimeException e) {
              LOG.debug("could not delete the old lease {}: {}", old, e.toString());
            }
          }
        }
        return new WarehouseLease(store, clock, settings.expiry(), mine);
      }
      // Another run created that generation first: read who it is.
    }
  }

  /** The newest generation's holder, or empty when the lease was never taken. */
  public static Optional<Holder> current(Store store) {
    long newest = newest(store);
    return newest == 0 ? Optional.empty() : store.read(name(newest)).map(j -> Holder.parse(newest, j));
  }

  public Holder holder() {
    return held;
  }

  /** The renewer's tick: renews the lease, unless another run has taken it over (then it never writes it again). */
  private synchronized void renew() {
    extend(held, false);
  }

  /**
   * Renews the lease (the caller holds this object's monitor). A renewal counts only if it landed before the expiry it
   * extends: after that instant another run may have read the lease as lapsed and be taking it over. A lease that lapsed
   * (or a renewal that landed too late) is taken again as a new generation, created only if absent, so of this run and
   * one taking it over at the same time exactly one gets it. Before a commit, a lapsed lease that cannot be renewed
   * refuses the commit; the renewer only warns.
   */
  private void extend(Holder h, boolean beforeCommit) {
    if (h == null || h.releasedAt() != null || lost != null || closed) {
      return;
    }
    try {
      if (takenOver(h)) {
        return;
      }
      Instant now = clock.instant();
      if (now.isBefore(h.expiresAt())) {
        Holder renewed = new Holder(h.generation(), h.holder(), h.command(), h.runId(), h.startedAt(), now.plus(expiry), null);
        store.replace(name(h.generation()), renewed.toJson());
        if (clock.instant().isBefore(h.expiresAt())) {
          held = renewed;
          return;
        }
      }
      retake(h);
    } catch (RuntimeException e) {
      try {
        if (takenOver(h)) {
          return;
        }
      } catch (RuntimeException again) {
        LOG.debug("could not list the warehouse lease at {}: {}", store.where(), again.toString());
      }
      if (clock.instant().isBefore(h.expiresAt())) {
        LOG.warn("Renewing the warehouse lease at {} failed (retried; it lapses at {}): {}", store.where(), h.expiresAt(),
            e.getMessage());
      } else if (beforeCommit) {
        lost = "this run (" + h.runId() + ") could not renew the warehouse lease at " + store.where() + " before it lapsed at "
            + h.expiresAt() + " (" + e.getMessage() + "): it stops committing rather than risk writing beside another run. "
            + "Run again once the store is reachable.";
        LOG.error("{}", lost);
        renewer.shutdown();
      } else {
        LOG.warn("The warehouse lease lapsed at {} and renewing it at {} failed: the next commit tries again, and stops the run "
            + "if it fails too: {}", h.expiresAt(), store.where(), e.getMessage());
      }
    }
  }

  /** Takes a lapsed lease again as the next generation, or finds that another run took it. */
  private void retake(Holder h) {
    long next = h.generation() + 1;
    Instant now = clock.instant();
    Holder mine = new Holder(next, h.holder(), h.command(), h.runId(), h.startedAt(), now.plus(expiry), null);
    if (store.createNew(name(next), mine.toJson())) {
      held = mine;
      LOG.warn("The warehouse lease lapsed at {} (this process was paused or could not reach {}); no other run had taken it, "
          + "and this run took it again (generation {})", h.expiresAt(), store.where(), next);
      try {
        store.delete(name(h.generation()));
      } catch (RuntimeException e) {
        LOG.debug("could not delete the old lease {}: {}", name(h.generation()), e.toString());
      }
    } else if (!takenOver(h)) {
      throw new IllegalStateException("generation " + next + " of the lease exists but cannot be listed");
    }
  }

  /**
   * Whether a newer generation exists, that is, another run took the lease over after this one's lapsed; records why
   * this process may no longer commit when it does.
   */
  private boolean takenOver(Holder h) {
    long newest = newest(store);
    if (newest <= h.generation()) {
      return false;
    }
    Holder taker = store.read(name(newest)).map(j -> Holder.parse(newest, j)).orElse(null);
    lost = "this run (" + h.runId() + ") lost the warehouse lease: it was not renewed before " + h.expiresAt()
        + " (the process was paused or could not reach " + store.where() + "), and "
        + (taker == null ? "another run" : taker.describe().replaceFirst(", lease renewed until .*$", ""))
        + " took it over. It committed nothing after that; tables hold what the runs that held the lease committed. "
        + "Run again once that run has finished (lakehouse status shows it).";
    LOG.error("{}", lost);
    renewer.shutdown();
    return true;
  }

  @Override
  public String refusal() {
    return lost;
  }

  /**
   * Before a commit ({@link CommitFence}): passes at once while the last renewal is recent; when a renewal is overdue,
   * asks the store, and renews, takes the lease again, or refuses.
   */
  @Override
  public void check(String what) {
    if (lost == null) {
      Holder h = held;
      if (clock.instant().isBefore(h.expiresAt().minus(expiry.dividedBy(3)))) {
        return;
      }
      synchronized (this) {
        Holder now = held;
        if (!clock.instant().isBefore(now.expiresAt().minus(expiry.dividedBy(3)))) {
          extend(now, true);
        }
      }
    }
    if (lost != null) {
      throw new LakehouseException(LakehouseException.EXIT_WAREHOUSE_BUSY, "Refused to write " + what + ": " + lost);
    }
  }

  /** Releases the lease (the next run takes it at once) and stops renewing it. */
  @Override
  public void close() {
    synchronized (this) {
      // A renewal in flight finishes first; none starts after this.
      closed = true;
    }
    renewer.shutdownNow();
    CommitFence.uninstall(this);
    Holder h = held;
    if (lost != null || h.releasedAt() != null) {
      store.close(); // the lease is another run's now (or released already): nothing of it to release
      return;
    }
    try {
      Holder released = new Holder(h.generation(), h.holder(), h.command(), h.runId(), h.startedAt(), h.expiresAt(), clock.instant());
      store.replace(name(h.generation()), released.toJson());
      held = released;
    } catch (RuntimeException e) {
      LOG.warn("Releasing the warehouse lease at {} failed: it lapses at {}: {}", store.where(), h.expiresAt(), e.getMessage());
    } finally {
      store.close();
    }
  }

  static String name(long generation) {
    return String.format(java.util.Locale.ROOT, "%012d.json", generation);
  }

  private static long newest(Store store) {
    long newest = 0;
    for (String n : store.names()) {
      Matcher m = NAME.matcher(n);
      if (m.matches()) {
        newest = Math.max(newest, Long.parseLong(m.group(1)));
      }
    }
    return newest;
  }

  static String holderName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "unknown") + "@" + host + " pid " + ProcessHandle.current().pid();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(10, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Interrupted while waiting for the warehouse lease.");
    }
  }

  /** A local folder: a create is a hard link to a fully written temporary file, which fails if the name exists. */
  static final class LocalStore implements Store {
    private final Path dir;

    LocalStore(Path dir) {
      this.dir = dir;
    }

    @Override
    public List<String> names() {
      if (!Files.isDirectory(dir)) {
        return List.of();
      }
      try (java.util.stream.Stream<Path> s = Files.list(dir)) {
        return s.map(p -> p.getFileName().toString()).toList();
      } catch (NoSuchFileException e) {
        return List.of();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the warehouse lease at " + dir, e);
      }
    }

    @Override
    public Optional<String> read(String name) {
      try {
        return Optional.of(Files.readString(dir.resolve(name), StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the warehouse lease " + dir.resolve(name), e);
      }
    }

    @Override
    public boolean createNew(String name, String content) {
      try {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".new-", ".tmp");
        try {
          Files.writeString(tmp, content, StandardCharsets.UTF_8);
          Files.createLink(dir.resolve(name), tmp);
          return true;
        } catch (FileAlreadyExistsException taken) {
          return false;
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new LakehouseException(LakehouseException.EXIT_FAILURE, "Cannot take the warehouse lease in " + dir + ": " + e
            + ". Check that the warehouse folder is writable.", e);
      }
    }

    @Override
    public void replace(String name, String content) {
      try {
        Path tmp = Files.createTempFile(dir, ".renew-", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the warehouse lease " + dir.resolve(name), e);
      }
    }

    @Override
    public void delete(String name) {
      try {
        Files.deleteIfExists(dir.resolve(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String where() {
      return dir.toString();
    }
  }

  /** An S3 or MinIO prefix: a create is a put with {@code If-None-Match: *}, which the store refuses if the key exists. */
  static final class ObjectLeaseStore implements Store {
    private final ObjectStore store;
    private final ObjectStore.Location at;

    ObjectLeaseStore(ObjectStore store, ObjectStore.Location warehouse) {
      this.store = store;
      this.at = new ObjectStore.Location(warehouse.bucket(), warehouse.key(DIR));
    }

    @Override
    public List<String> names() {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, Long> e : store.list(at)) {
        out.add(e.getKey());
      }
      return out;
    }

    @Override
    public Optional<String> read(String name) {
      return store.read(at.bucket(), at.key(name));
    }

    @Override
    public boolean createNew(String name, String content) {
      return store.putIfAbsent(at.bucket(), at.key(name), content);
    }

    @Override
    public void replace(String name, String content) {
      store.put(at.bucket(), at.key(name), content);
    }

    @Override
    public void delete(String name) {
      store.delete(at.bucket(), at.key(name));
    }

    @Override
    public String where() {
      return at.toString();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
