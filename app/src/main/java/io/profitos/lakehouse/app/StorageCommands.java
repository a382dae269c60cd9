package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code lakehouse storage init | upload-landing DIR | check}: the object-store housekeeping around {@code s3a://}
 * landing and warehouse locations, through the MinIO Java client (no Spark needed).
 */
final class StorageCommands {
  private StorageCommands() {}

  /**
   * Before a run on object storage: one cheap request per bucket, so that a wrong endpoint, bad credentials or a missing
   * bucket fail the run at once with the setting to fix, instead of inside the first job after s3a's retries.
   */
  static void preflight(LakehouseSettings settings) {
    List<ObjectStore.Location> remote = new ArrayList<>();
    for (String[] l : List.of(new String[] {settings.landing(), "lakehouse.landing"}, new String[] {settings.warehouse(), "lakehouse.warehouse"})) {
      if (l[0].startsWith("s3a://")) {
        remote.add(ObjectStore.Location.parse(l[0], l[1]));
      }
    }
    if (remote.isEmpty()) {
      return;
    }
    try (ObjectStore store = ObjectStore.connect(settings, System.getenv())) {
      for (ObjectStore.Location l : remote) {
        if (!store.bucketExists(l.bucket())) {
          throw LakehouseException.usage("Bucket '" + l.bucket() + "' of " + l + " does not exist at " + store.endpoint()
              + ". Run 'lakehouse storage init' (or check LAKEHOUSE_LANDING / LAKEHOUSE_WAREHOUSE).");
        }
      }
    }
  }

  static int storage(CliArgs a, PrintStream out) {
    if (a.help || a.positional.isEmpty()) {
      out.print(Help.STORAGE);
      return a.help ? 0 : LakehouseException.EXIT_USAGE;
    }
    String tool = a.positional.get(0);
    LakehouseSettings settings = Commands.settings(a);
    ObjectStore.Location landing = ObjectStore.Location.parse(settings.landing(), "lakehouse.landing");
    ObjectStore.Location warehouse = ObjectStore.Location.parse(settings.warehouse(), "lakehouse.warehouse");
    try (ObjectStore store = ObjectStore.connect(settings, System.getenv())) {
      return switch (tool) {
        case "init" -> {
          noMore(a, 1, "lakehouse storage init");
          yield init(store, landing, warehouse, out);
        }
        case "upload-landing" -> {
          if (a.positional.size() != 2) {
            throw LakehouseException.usage("'lakehouse storage upload-landing' takes the local landing folder, e.g. "
                + "'lakehouse storage upload-landing work-local/landing --env minio'.");
          }
          yield upload(store, Path.of(a.positional.get(1)), landing, out);
        }
        case "check" -> {
          noMore(a, 1, "lakehouse storage check");
          yield check(store, landing, warehouse, out);
        }
        default -> throw LakehouseException.usage("Unknown storage command '" + tool + "': init, upload-landing DIR or check.");
      };
    }
  }

  /** Creates the buckets that are missing and proves read and write access to both locations. */
  static int init(ObjectStore store, ObjectStore.Location landing, ObjectStore.Location warehouse, PrintStream out) {
    Set<String> buckets = new LinkedHashSet<>(List.of(landing.bucket(), warehouse.bucket()));
    for (String b : buckets) {
      if (store.bucketExists(b)) {
        out.printf(Locale.ROOT, "bucket %-30s exists%n", b);
      } else {
        store.makeBucket(b);
        out.printf(Locale.ROOT, "bucket %-30s created%n", b);
      }
    }
    for (ObjectStore.Location l : List.of(landing, warehouse)) {
      store.probe(l);
      out.printf(Locale.ROOT, "%-37s read and write: ok%n", l);
    }
    out.println("Object store ready at " + store.endpoint() + ".");
    return 0;
  }

  /**
   * Uploads every file under {@code dir} to the landing location, keeping its relative path. A file already there with
   * the same size is skipped, so a second upload of the same folder copies nothing (files in a landing zone never
   * change once written; a file of another size is uploaded again).
   */
  static int upload(ObjectStore store, Path dir, ObjectStore.Location landing, PrintStream out) {
    if (!Files.isDirectory(dir)) {
      throw LakehouseException.usage("The landing folder " + dir + " does not exist: give the folder 'lakehouse demo-data' wrote "
          + "(work-local/landing by default).");
    }
    if (!store.bucketExists(landing.bucket())) {
      throw LakehouseException.usage("Bucket '" + landing.bucket() + "' does not exist at " + store.endpoint()
          + ". Run 'lakehouse storage init' first.");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long uploaded = 0;
    long skipped = 0;
    long bytes = 0;
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      String key = landing.key(rel);
      long size = size(f);
      if (store.size(landing.bucket(), key) == size) {
        skipped++;
        continue;
      }
      store.upload(f, landing.bucket(), key);
      uploaded++;
      bytes += size;
    }
    out.printf(Locale.ROOT, "Uploaded %,d files (%,d bytes) from %s to %s; %,d already there.%n", uploaded, bytes, dir, landing, skipped);
    return 0;
  }

  /** What is there: objects and bytes per landing source and per warehouse layer. */
  static int check(ObjectStore store, ObjectStore.Location landing, ObjectStore.Location warehouse, PrintStream out) {
    out.println("Object store at " + store.endpoint());
    report(store, "landing", landing, out);
    report(store, "warehouse", warehouse, out);
    return 0;
  }

  private static void report(ObjectStore store, String name, ObjectStore.Location at, PrintStream out) {
    if (!store.bucketExists(at.bucket())) {
      throw LakehouseException.usage("The " + name + " bucket '" + at.bucket() + "' does not exist at " + store.endpoint()
          + ". Run 'lakehouse storage init'.");
    }
    Map<String, long[]> byTop = new TreeMap<>();
    for (Map.Entry<String, Long> o : store.list(at)) {
      String top = o.getKey().contains("/") ? o.getKey().substring(0, o.getKey().indexOf('/')) : o.getKey();
      long[] t = byTop.computeIfAbsent(top, k -> new long[2]);
      t[0]++;
      t[1] += o.getValue();
    }
    out.printf(Locale.ROOT, "%n%s %s: %s%n", name, at, byTop.isEmpty() ? "empty" : byTop.size() + " folders");
    List<String> lines = new ArrayList<>();
    byTop.forEach((k, v) -> lines.add(String.format(Locale.ROOT, "  %-34s %,10d objects %,16d bytes", k, v[0], v[1])));
    lines.forEach(out::println);
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void noMore(CliArgs a, int n, String command) {
    if (a.positional.size() != n) {
      throw LakehouseException.usage("'" + command + "' takes no arguments.");
    }
  }
}
