package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.DemoManifest.Counter;
import io.profitos.lakehouse.demo.LandingOutput.OutFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * segment/tracks: one gzipped jsonl extract per event day, streamed (events are never all in
 * memory). Each day is generated from its own seeded streams, so any window writes identical
 * files. Active users emit one product event per active day plus a few extras and non-activity
 * events (session_start, heartbeat). Planted: corrupted copies (truncated JSON, invalid UTF-8),
 * re-delivered events in a separate file, device clocks in the future, and exactly one truncated
 * .gz file.
 */
final class SegmentEvents {
  private static final int LINES_PER_FILE = 200_000;
  private static final double MALFORMED = 2e-5;
  private static final double UTF8 = 2e-5;
  private static final double DUPLICATE = 2e-4;
  private static final double FUTURE = 1e-5;
  private static final double TO_TRUNCATED_FILE = 0.05;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEAD = ascii("{\"messageId\":\"");
  private static final byte[] AFTER_ID = ascii("\",\"type\":\"track\",\"event\":\"");
  private static final byte[] SESSION_START = ascii("session_start");
  private static final byte[] HEARTBEAT = ascii("heartbeat");
  private static final byte[] NULL = ascii("null");
  private static final byte[][] EVENT_NAMES = new byte[Catalog.FEATURES.length][];
  private static final byte[][] FEATURE_VALUES = new byte[Catalog.FEATURES.length][];

  static {
    for (int i = 0; i < Catalog.FEATURES.length; i++) {
      EVENT_NAMES[i] = ascii(Catalog.FEATURE_EVENTS[i]);
      FEATURE_VALUES[i] = ascii("\"" + Catalog.FEATURES[i] + "\"");
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static final String[] LIBRARIES = {"{\"name\":\"analytics.js\",\"version\":\"4.1.0\"}",
      "{\"name\":\"analytics-ios\",\"version\":\"4.1.8\"}", "{\"name\":\"analytics-android\",\"version\":\"4.11.3\"}"};

  private final LandingOutput out;
  private final DemoCalendar cal;
  private final long seed;
  private final List<Business.Activity> activity;
  private final List<LocalDate> days;

  SegmentEvents(LandingOutput out, DemoCalendar cal, long seed, List<Business.Activity> activity) {
    this.out = out;
    this.cal = cal;
    this.seed = seed;
    this.activity = activity;
    this.days = cal.eventDays();
  }

  /** The day that holds the single truncated .gz file. */
  LocalDate truncatedDay() {
    return days.get(Math.max(0, days.size() - 11));
  }

  private LocalDate designated(int back) {
    return days.get(Math.max(0, days.size() - 1 - back));
  }

  /** Writes the event days of the window; days are independent, so they are written in parallel. */
  void write() throws IOException {
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < days.size(); i++) {
      if (out.writes(days.get(i))) {
        todo.add(i);
        out.counts(LandingStream.SEGMENT_TRACKS, days.get(i));
      }
    }
    if (todo.isEmpty()) {
      return;
    }
    for (Business.Activity a : activity) {
      for (WorkspaceSim.User u : a.users) {
        userParts(u, a);
      }
    }
    int threads = Math.max(1, Math.min(Math.min(4, Runtime.getRuntime().availableProcessors()), todo.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
      Thread t = new Thread(task, "demo-segment-events");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int i : todo) {
        results.add(pool.submit(() -> {
          writeDay(days.get(i), i);
          return null;
        }));
      }
      for (Future<?> f : results) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException("writing segment events failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while writing segment events");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void writeDay(LocalDate day, int dayIndex) throws IOException {
    LandingStream s = LandingStream.SEGMENT_TRACKS;
    ExtractCounts c = out.counts(s, day);
    long epochDay = day.toEpochDay();
    long dayStart = DemoCalendar.daySec(day);
    long dayEnd = dayStart + DemoCalendar.DAY;
    long mtime = dayEnd + 3600;
    SplittableRandom defects = Ids.rng(seed, 0xED, epochDay);
    boolean truncatedDay = day.equals(truncatedDay());
    boolean forceMalformed = day.equals(designated(3));
    boolean forceUtf8 = day.equals(designated(4));
    boolean forceDuplicate = day.equals(designated(5));
    boolean forceFuture = day.equals(designated(6));
    double weekday = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0.2 : 1.0;
    List<byte[]> redelivered = new ArrayList<>();
    ByteArrayOutputStream truncated = truncatedDay ? new ByteArrayOutputStream() : null;
    long truncatedLines = 0;
    OutFile file = null;
    int fileIndex = 0;
    Line lb = new Line();
    for (Business.Activity a : activity) {
      float e = a.engagement[dayIndex];
      if (e <= 0) {
        continue;
      }
      SplittableRandom r = Ids.rng(seed, 0xE7, a.index, epochDay);
      byte[] planTail = (",\"plan\":\"" + a.plan + "\"}}").getBytes(StandardCharsets.US_ASCII);
      int k = 0;
      for (WorkspaceSim.User u : a.users) {
        if (u.created >= dayEnd || u.deleted <= dayStart) {
          continue;
        }
        double pActive = Math.min(0.97, e * u.propensity * weekday);
        if (r.nextDouble() >= pActive) {
          continue;
        }
        int product = 1 + (r.nextDouble() < 0.3 ? 1 : 0);
        boolean session = r.nextDouble() < 0.2;
        boolean heartbeat = r.nextDouble() < 0.08;
        int events = product + (session ? 1 : 0) + (heartbeat ? 1 : 0);
        for (int j = 0; j < events; j++) {
          byte[] name;
          byte[] feature;
          if (j < product) {
            int f = a.features[r.nextInt(Math.max(1, a.featureCount))];
            name = EVENT_NAMES[f];
            feature = FEATURE_VALUES[f];
          } else if (session && j == product) {
            name = SESSION_START;
            feature = NULL;
          } else {
            name = HEARTBEAT;
            feature = NULL;
          }
          double localHour = 8 + 10 * r.nextDouble();
          long tod = (long) (((localHour - a.utcOffsetHours) % 24 + 24) % 24 * 3600);
          tod = Math.max(10, Math.min(DemoCalendar.DAY - 40, tod));
          long millis = (dayStart + tod) * 1000 + r.nextInt(1000);
          long received = millis + 40 + r.nextInt(3000);
          long n = k++;
          long idHi = Ids.hash(seed, 0xE8, a.index, epochDay, n);
          long idLo = Ids.hash(seed, 0xE9, u.n, epochDay, n);
          boolean future = defects.nextDouble() < FUTURE || forceFuture;
          forceFuture = false;
          long shown = future ? millis + 366L * DemoCalendar.DAY * 1000 : millis;
          byte[] line = event(lb, idHi, idLo, name, u, a, shown, received, feature, planTail);
          boolean malformed = defects.nextDouble() < MALFORMED || forceMalformed;
          boolean utf8 = defects.nextDouble() < UTF8 || forceUtf8;
          boolean duplicate = defects.nextDouble() < DUPLICATE || forceDuplicate;
          boolean toTruncated = truncatedDay && defects.nextDouble() < TO_TRUNCATED_FILE && !future && !u.nullIp;
          forceMalformed = forceUtf8 = forceDuplicate = false;
          if (toTruncated) {
            truncated.write(line);
            truncated.write('\n');
            truncatedLines++;
            continue;
          }
          if (file == null || file.lines >= LINES_PER_FILE) {
            if (file != null) {
              file.close(c);
            }
            file = out.open(s, day, "tracks-" + day + "-" + String.format("%03d", fileIndex) + ".jsonl.gz",
                LandingOutput.fastGzip(), mtime + fileIndex * 60L);
            fileIndex++;
          }
          if (malformed) {
            file.line(JsonLanding.truncate(line, defects));
            c.inc(Counter.QUARANTINE_ROWS);
            c.inc(Counter.MALFORMED_LINES);
          }
          if (utf8) {
            file.line(invalidUtf8(line));
            c.inc(Counter.QUARANTINE_ROWS);
            c.inc(Counter.INVALID_UTF8_LINES);
          }
          file.line(line);
          c.inc(Counter.BRONZE_ROWS);
          if (future) {
            c.inc(Counter.FUTURE_DATES);
          }
          if (u.nullIp) {
            c.inc(Counter.NULL_NONCRITICAL);
          }
          if (duplicate) {
            redelivered.add(line);
            if (future) {
              c.inc(Counter.FUTURE_DATES);
            }
            if (u.nullIp) {
              c.inc(Counter.NULL_NONCRITICAL);
            }
          }
        }
      }
    }
    if (file == null) {
      // No event that day: the export still leaves a (gzipped, empty) file behind.
      file = out.open(s, day, "tracks-" + day + "-000.jsonl.gz", LandingOutput.fastGzip(), mtime);
      c.inc(Counter.EMPTY_FILES);
    }
    file.close(c);
    if (!redelivered.isEmpty()) {
      OutFile re = out.open(s, day, "tracks-" + day + "-redelivery.jsonl.gz", LandingOutput.fastGzip(), mtime + 1800);
      for (byte[] line : redelivered) {
        re.line(line);
      }
      re.close(c);
      c.add(Counter.BRONZE_ROWS, redelivered.size());
      c.add(Counter.DUPLICATE_DELIVERIES, redelivered.size());
    }
    if (truncated != null) {
      writeTruncated(s, day, c, truncated.toByteArray(), truncatedLines, mtime + 2 * 3600);
    }
  }

  /** Gzips the lines, cuts the compressed bytes at 60% and counts what a reader can still recover. */
  private void writeTruncated(LandingStream s, LocalDate day, ExtractCounts c, byte[] lines, long total, long mtime)
      throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (LandingOutput.LevelGzip z = new LandingOutput.LevelGzip(gz, 6)) {
      z.write(lines);
    }
    byte[] full = gz.toByteArray();
    byte[] cut = Arrays.copyOf(full, Math.max(11, (int) (full.length * 0.6)));
    out.writeBytes(s, day, "tracks-" + day + "-partial.jsonl.gz", cut, mtime);
    long recovered = completeLines(cut);
    c.add(Counter.BRONZE_ROWS, recovered);
    c.inc(Counter.QUARANTINE_ROWS);
    c.inc(Counter.TRUNCATED_GZ_FILES);
    c.add(Counter.TRUNCATED_GZ_LOST_RECORDS, total - recovered);
  }

  /** Complete (newline-terminated) lines a gzip reader returns before the end-of-stream error. */
  static long completeLines(byte[] gz) throws IOException {
    long lines = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
          }
        }
      }
    } catch (EOFException expected) {
      // the cut: everything decompressed before it has been counted
    }
    return lines;
  }

  /** The parts of an event line that only depend on the user (cached per user for the run). */
  private byte[][] userParts(WorkspaceSim.User u, Business.Activity a) {
    if (u.segmentParts == null) {
      String head = "\",\"userId\":\"" + u.id + "\",\"anonymousId\":\""
          + Ids.uuid(Ids.hash(seed, 0xA7, u.n), Ids.hash(seed, 0xA8, u.n)) + "\",\"timestamp\":\"";
      String ctx = "\",\"context\":{\"ip\":" + (u.nullIp ? "null" : "\"" + WorkspaceSim.ip(seed, u.n) + "\"")
          + ",\"library\":" + LIBRARIES[(int) (u.n % LIBRARIES.length)] + "},\"properties\":{\"workspace_id\":\""
          + a.workspaceId + "\",\"feature\":";
      u.segmentParts = new byte[][] {head.getBytes(StandardCharsets.US_ASCII), ctx.getBytes(StandardCharsets.US_ASCII)};
    }
    return u.segmentParts;
  }

  private byte[] event(Line b, long idHi, long idLo, byte[] name, WorkspaceSim.User u, Business.Activity a,
                       long millis, long receivedMillis, byte[] feature, byte[] planTail) {
    byte[][] parts = userParts(u, a);
    b.reset();
    b.bytes(HEAD).uuid(idHi, idLo).bytes(AFTER_ID).bytes(name);
    b.bytes(parts[0]).time(millis).ascii("\",\"receivedAt\":\"").time(receivedMillis).bytes(parts[1]);
    return b.bytes(feature).bytes(planTail).toArray();
  }

  /** A small reusable ASCII line builder with ISO-8601 millisecond timestamps. */
  static final class Line {
    private byte[] buf = new byte[1024];
    private int len;
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] datePrefix = new byte[11];

    void reset() {
      len = 0;
    }

    private void ensure(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    Line ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      return this;
    }

    Line bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, len, b.length);
      len += b.length;
      return this;
    }

    /** yyyy-MM-ddTHH:mm:ss.SSSZ (UTC). */
    Line time(long millis) {
      long sec = Math.floorDiv(millis, 1000L);
      long day = Math.floorDiv(sec, DemoCalendar.DAY);
      if (day != cachedDay) {
        byte[] p = (LocalDate.ofEpochDay(day) + "T").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(p, 0, datePrefix, 0, 11);
        cachedDay = day;
      }
      int tod = (int) (sec - day * DemoCalendar.DAY);
      int ms = (int) Math.floorMod(millis, 1000L);
      ensure(24);
      System.arraycopy(datePrefix, 0, buf, len, 11);
      len += 11;
      two(tod / 3600);
      buf[len++] = ':';
      two((tod / 60) % 60);
      buf[len++] = ':';
      two(tod % 60);
      buf[len++] = '.';
      buf[len++] = (byte) ('0' + ms / 100);
      buf[len++] = (byte) ('0' + (ms / 10) % 10);
      buf[len++] = (byte) ('0' + ms % 10);
      buf[len++] = 'Z';
      return this;
    }

    /** The version-4 UUID text of {@link Ids#uuid(long, long)}, written in place. */
    Line uuid(long hi, long lo) {
      hi = (hi & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
      lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
      ensure(36);
      hex(hi >>> 32, 8);
      buf[len++] = '-';
      hex(hi >>> 16, 4);
      buf[len++] = '-';
      hex(hi, 4);
      buf[len++] = '-';
      hex(lo >>> 48, 4);
      buf[len++] = '-';
      hex(lo, 12);
      return this;
    }

    private void hex(long v, int digits) {
      for (int i = digits - 1; i >= 0; i--) {
        buf[len++] = HEX[(int) ((v >>> (i * 4)) & 0xF)];
      }
    }

    private void two(int v) {
      buf[len++] = (byte) ('0' + v / 10);
      buf[len++] = (byte) ('0' + v % 10);
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }
  }

  /** A copy with C3 28 inserted after the opening quote of the event name. */
  private static byte[] invalidUtf8(byte[] line) {
    byte[] marker = "\"event\":\"".getBytes(StandardCharsets.US_ASCII);
    int at = -1;
    outer:
    for (int i = 0; i <= line.length - marker.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (line[i + j] != marker[j]) {
          continue outer;
        }
      }
      at = i + marker.length;
      break;
    }
    return JsonBytes.withInvalidUtf8(line, at < 0 ? line.length - 1 : at);
  }
}
