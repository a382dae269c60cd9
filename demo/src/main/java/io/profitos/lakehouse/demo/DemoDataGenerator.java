package io.profitos.lakehouse.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The deterministic demo landing zone (LANDING.md): simulates 24 months of the fictional company
 * of the BI lead journey (about 4,200 paying workspaces at scale 1), writes every stream's raw
 * extracts under {@code spec.out()} with the defects a real landing zone has, and a
 * {@code _manifest.json} with the bronze row counts of what was written and the MRR ground truth.
 * The same spec always gives byte-identical files (no wall clock, seeded random streams, fixed
 * modification times). Plain Java: no Spark.
 */
public final class DemoDataGenerator {
  /** Bumped whenever the generated data changes for a given spec. */
  public static final int GENERATOR_VERSION = 4;

  private DemoDataGenerator() {}

  /** Writes the landing zone and the manifest (merged into an existing one) and returns the manifest. */
  public static DemoManifest generate(DemoSpec spec) throws IOException {
    Objects.requireNonNull(spec, "spec");
    Path root = spec.out().toAbsolutePath().normalize();
    Path file = root.resolve(DemoManifest.FILE_NAME);
    DemoManifest previous = Files.exists(file) ? DemoManifest.read(file) : null;
    if (previous != null) {
      // Fail before writing anything: extracts of two different generations must not mix.
      previous.checkSameGeneration(spec);
    }
    Files.createDirectories(root);
    DemoCalendar cal = new DemoCalendar(spec);
    LandingOutput out = new LandingOutput(spec);
    JsonLanding landing = new JsonLanding(out, cal, spec.seed());
    Business business = new Business(spec, cal, landing);
    business.run();
    landing.finish();
    new SegmentEvents(out, cal, spec.seed(), business.activity).write();
    CsvExports csv = new CsvExports(business, out);
    csv.write();

    SortedMap<String, DemoManifest.StreamStats> streams = new TreeMap<>(out.streamStats());
    for (LandingStream s : LandingStream.values()) {
      streams.computeIfAbsent(s.key(), k -> DemoManifest.StreamStats.of(s.format.label, new TreeMap<>()));
    }
    DemoManifest manifest = new DemoManifest(spec.seed(), spec.scale(), spec.asOf(), cal.historyStart,
        GENERATOR_VERSION, spec.dailyDays(), spec.eventsDays(), new DemoManifest.Window(spec.from(), spec.through()),
        streams, business.truth.build(csv.gaps(), csv.targets(), DemoCalendar.isoUtc(cal.endSec - 1)));
    if (previous != null) {
      manifest = previous.merge(manifest);
    }
    manifest.write(file);
    business.oracle.write(root, cal.endSec + 6 * 3600);
    LandingOutput.mtime(file, cal.endSec + 6 * 3600);
    return manifest;
  }

  /**
   * {@code java ... DemoDataGenerator <out> [scale] [seed] [from] [through]}: a small entry point for
   * timing runs (the lakehouse CLI's demo-data command is the supported one).
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: DemoDataGenerator <out> [scale=0.1] [seed=42] [from|-] [through|-]");
      System.exit(2);
    }
    double scale = args.length > 1 ? Double.parseDouble(args[1]) : 0.1;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    LocalDate from = args.length > 3 && !args[3].equals("-") ? LocalDate.parse(args[3]) : null;
    LocalDate through = args.length > 4 && !args[4].equals("-") ? LocalDate.parse(args[4]) : null;
    DemoSpec spec = DemoSpec.of(scale, seed, Paths.get(args[0])).withWindow(from, through);
    long t0 = System.nanoTime();
    DemoManifest m = generate(spec);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("wrote %s in %.1f s: MRR at as-of %s USD, %d paying workspaces%n", spec.out(), ms / 1000.0,
        m.truth().mrrUsdAtAsOf(), m.truth().payingWorkspacesAtAsOf());
  }
}
