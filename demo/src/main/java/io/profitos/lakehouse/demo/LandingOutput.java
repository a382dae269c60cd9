package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.DemoManifest.Counter;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The landing root of one generation: which extract dates are written (the window), where files
 * go, their deterministic modification times, and the counters of everything written.
 */
final class LandingOutput {
  final DemoSpec spec;
  final Path root;
  private final EnumMap<LandingStream, TreeMap<LocalDate, ExtractCounts>> stats = new EnumMap<>(LandingStream.class);

  LandingOutput(DemoSpec spec) {
    this.spec = spec;
    this.root = spec.out().toAbsolutePath().normalize();
  }

  /** Whether extracts dated {@code date} are written by this generation. */
  boolean writes(LocalDate date) {
    return spec.inWindow(date);
  }

  /** The counters of an extract (created on first use; only for written extracts). */
  synchronized ExtractCounts counts(LandingStream s, LocalDate date) {
    return stats.computeIfAbsent(s, k -> new TreeMap<>()).computeIfAbsent(date, k -> new ExtractCounts());
  }

  /** {@code <root>/<source>/<stream>/extract_date=YYYY-MM-DD/<name>}, with its folders created. */
  Path file(LandingStream s, LocalDate date, String name) throws IOException {
    Path dir = root.resolve(s.source).resolve(s.stream).resolve("extract_date=" + date);
    Path p = dir.resolve(name).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalStateException("refusing to write outside the landing root: " + p);
    }
    Files.createDirectories(dir);
    return p;
  }

  /** Opens a file of an extract; {@code gzipLevel} 0 = plain. */
  OutFile open(LandingStream s, LocalDate date, String name, int gzipLevel, long mtimeSec) throws IOException {
    return new OutFile(file(s, date, name), gzipLevel, mtimeSec);
  }

  /** Writes a whole file at once and counts it (files, bytes, zero-byte, gz). */
  Path writeBytes(LandingStream s, LocalDate date, String name, byte[] bytes, long mtimeSec) throws IOException {
    Path p = file(s, date, name);
    Files.write(p, bytes);
    mtime(p, mtimeSec);
    ExtractCounts c = counts(s, date);
    c.inc(Counter.FILES);
    c.add(Counter.BYTES, bytes.length);
    if (bytes.length == 0) {
      c.inc(Counter.ZERO_BYTE_FILES);
    }
    if (name.endsWith(".gz")) {
      c.inc(Counter.GZ_FILES);
    }
    return p;
  }

  static void mtime(Path p, long epochSec) throws IOException {
    Files.setLastModifiedTime(p, FileTime.fromMillis(epochSec * 1000L));
  }

  /** The manifest view of everything written, per stream. */
  SortedMap<String, DemoManifest.StreamStats> streamStats() {
    SortedMap<String, DemoManifest.StreamStats> out = new TreeMap<>();
    for (Map.Entry<LandingStream, TreeMap<LocalDate, ExtractCounts>> e : stats.entrySet()) {
      SortedMap<String, DemoManifest.ExtractStats> dates = new TreeMap<>();
      e.getValue().forEach((d, c) -> dates.put(d.toString(), c.toStats()));
      out.put(e.getKey().key(), DemoManifest.StreamStats.of(e.getKey().format.label, dates));
    }
    return out;
  }

  /** One open landing file: lines in, bytes counted, modification time set on close. */
  static final class OutFile implements Closeable {
    final Path path;
    private final Counting raw;
    private final OutputStream out;
    private final long mtimeSec;
    private final boolean gz;
    long lines;

    OutFile(Path path, int gzipLevel, long mtimeSec) throws IOException {
      this.path = path;
      this.mtimeSec = mtimeSec;
      this.raw = new Counting(Files.newOutputStream(path));
      this.gz = gzipLevel > 0;
      this.out = gz ? new LevelGzip(new BufferedOutputStream(raw, 1 << 16), gzipLevel)
          : new BufferedOutputStream(raw, 1 << 16);
    }

    void line(byte[] bytes) throws IOException {
      out.write(bytes);
      out.write('\n');
      lines++;
    }

    void lineCrlf(byte[] bytes) throws IOException {
      out.write(bytes);
      out.write('\r');
      out.write('\n');
      lines++;
    }

    /** Closes, sets the modification time and adds the file to {@code c}; returns the file size. */
    long close(ExtractCounts c) throws IOException {
      close();
      c.inc(Counter.FILES);
      c.add(Counter.BYTES, raw.count);
      if (raw.count == 0) {
        c.inc(Counter.ZERO_BYTE_FILES);
      }
      if (gz) {
        c.inc(Counter.GZ_FILES);
      }
      return raw.count;
    }

    @Override
    public void close() throws IOException {
      out.close();
      mtime(path, mtimeSec);
    }
  }

  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** GZIP with a chosen deflate level (the JDK header has no timestamp, so output is reproducible). */
  static final class LevelGzip extends GZIPOutputStream {
    LevelGzip(OutputStream out, int level) throws IOException {
      super(out, 1 << 16);
      def.setLevel(level);
    }
  }

  static int fastGzip() {
    return Deflater.BEST_SPEED;
  }
}
