package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.DemoManifest.Counter;
import io.profitos.lakehouse.demo.LandingOutput.OutFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lands the incremental airbyte-jsonl streams. Record versions are routed by their cursor: up to the
 * end of the backfill date into one initial extract (versions collapsed to the latest per record,
 * except MRR-relevant subscription versions and a few records kept whole), later ones into one
 * extract per day. Line-level defects are planted here, always with the same random draws whatever
 * the window, so a windowed generation writes exactly the files of a full one.
 */
final class JsonLanding {
  /** Line-level defects of one stream. */
  record Plan(double malformed, double utf8, double duplicate, boolean lateFile, boolean extraEmpty,
              boolean extraZeroByte) {
    static final Plan NONE = new Plan(0, 0, 0, false, false, false);
  }

  private static final int DAILY_LINES_PER_FILE = 5_000;
  private static final int BACKFILL_LINES_PER_FILE = 250_000;
  private static final double KEEP_ALL_VERSIONS = 0.03;
  private static final double LATE_SHARE = 0.2;

  private final LandingOutput out;
  private final DemoCalendar cal;
  private final long seed;
  private final List<LocalDate> days;
  private final EnumMap<LandingStream, Plan> plans = new EnumMap<>(LandingStream.class);
  private final EnumMap<LandingStream, List<Rec>[]> daily = new EnumMap<>(LandingStream.class);
  private final EnumMap<LandingStream, ExtractWriter> backfill = new EnumMap<>(LandingStream.class);
  private final LinkedHashMap<String, List<Rec>> entity = new LinkedHashMap<>();
  /** Per stream: whether the forced duplicate / malformed / invalid UTF-8 line has been planted. */
  private final EnumMap<LandingStream, boolean[]> forcedDone = new EnumMap<>(LandingStream.class);

  JsonLanding(LandingOutput out, DemoCalendar cal, long seed) {
    this.out = out;
    this.cal = cal;
    this.seed = seed;
    this.days = cal.dailyDates();
    for (LandingStream s : LandingStream.values()) {
      if (s.format == LandingStream.Format.AIRBYTE_JSONL) {
        plans.put(s, Plan.NONE);
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Rec>[] perDay = new List[days.size()];
        for (int i = 0; i < perDay.length; i++) {
          perDay[i] = new ArrayList<>();
        }
        daily.put(s, perDay);
      }
    }
    plans.put(LandingStream.STRIPE_CUSTOMERS, new Plan(0, 0.002, 0.002, false, true, false));
    plans.put(LandingStream.STRIPE_SUBSCRIPTIONS, new Plan(0.002, 0, 0.003, false, false, false));
    plans.put(LandingStream.STRIPE_INVOICES, new Plan(0.001, 0, 0.003, true, false, false));
    plans.put(LandingStream.SF_ACCOUNT, new Plan(0, 0.002, 0, false, false, false));
    plans.put(LandingStream.SF_LEAD, new Plan(0.002, 0, 0, false, false, true));
    plans.put(LandingStream.SF_OPPORTUNITY, new Plan(0, 0.002, 0.003, true, false, false));
    plans.put(LandingStream.PRODUCT_WORKSPACES, new Plan(0, 0.002, 0, true, false, false));
    plans.put(LandingStream.PRODUCT_USERS, new Plan(0.001, 0, 0.002, false, false, false));
    plans.put(LandingStream.PRODUCT_EXPERIMENT_ASSIGNMENTS, new Plan(0.002, 0, 0.005, false, false, false));
    plans.put(LandingStream.ZENDESK_TICKETS, new Plan(0.002, 0, 0.003, true, false, false));
  }

  /** Takes one record version: dropped if after as-of, else held for the backfill or a daily extract. */
  void emit(Rec r) {
    if (r.cursorSec >= cal.endSec) {
      return;
    }
    if (r.cursorSec < cal.backfillEndSec) {
      entity.computeIfAbsent(r.stream.ordinal() + "|" + r.key, k -> new ArrayList<>(2)).add(r);
    } else {
      int idx = (int) ((r.cursorSec - cal.backfillEndSec) / DemoCalendar.DAY);
      daily.get(r.stream)[idx].add(r);
    }
  }

  /** Ends one simulated entity (a workspace, a lead...): its backfill versions are collapsed and written. */
  void endEntity() {
    if (entity.isEmpty()) {
      return;
    }
    try {
      for (List<Rec> versions : entity.values()) {
        versions.sort((a, b) -> Long.compare(a.cursorSec, b.cursorSec));
        Rec last = versions.get(versions.size() - 1);
        ExtractWriter w = backfillWriter(last.stream);
        boolean keepAll = versions.size() > 1
            && Ids.unit(Ids.hash(seed, 0x4B, last.stream.ordinal(), last.key.hashCode())) < KEEP_ALL_VERSIONS;
        int kept = 0;
        for (int i = 0; i < versions.size(); i++) {
          Rec v = versions.get(i);
          if (v == last || keepAll || v.mrrRelevant) {
            w.write(v);
            kept++;
          }
        }
        if (kept > 1) {
          w.multiVersion();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entity.clear();
  }

  private ExtractWriter backfillWriter(LandingStream s) throws IOException {
    ExtractWriter w = backfill.get(s);
    if (w == null) {
      w = new ExtractWriter(s, cal.backfillDate, true, BACKFILL_LINES_PER_FILE, -1);
      backfill.put(s, w);
    }
    return w;
  }

  /** Writes the backfill remainder and every daily extract. */
  void finish() throws IOException {
    endEntity();
    for (LandingStream s : daily.keySet()) {
      ExtractWriter b = backfillWriter(s);
      List<Line> carry = b.close();
      List<Rec>[] perDay = daily.get(s);
      for (int i = 0; i < days.size(); i++) {
        List<Rec> recs = perDay[i];
        int n = recs.size() + carry.size();
        int files = Math.max(1, Math.min(3, (n + DAILY_LINES_PER_FILE - 1) / DAILY_LINES_PER_FILE));
        ExtractWriter w = new ExtractWriter(s, days.get(i), false, (n + files - 1) / Math.max(1, files), files);
        w.dayIndex = i;
        for (Line d : carry) {
          w.duplicate(d);
        }
        for (Rec r : recs) {
          w.write(r);
        }
        carry = w.close();
        perDay[i] = null; // release memory as we go
      }
    }
  }

  /** An exact copy of a clean line, delivered again in the next extract. */
  private record Line(byte[] bytes, Rec rec) {}

  /** Writes one extract (one stream, one extract date), planting line-level defects. */
  private final class ExtractWriter {
    private final LandingStream stream;
    private final LocalDate date;
    private final boolean isBackfill;
    private final boolean writing;
    private final Plan plan;
    private final SplittableRandom rng;
    private final int linesPerFile;
    private final int maxFiles;
    private final long extractedAtBase;
    private final long epochDay;
    private final List<Line> duplicates = new ArrayList<>();
    private final HashMap<String, Integer> versions = new HashMap<>();
    private final ExtractCounts counts;
    private int dayIndex = -1;
    private OutFile current;
    private OutFile late;
    private int fileIndex;
    private long seq;
    private boolean forceMalformed;
    private boolean forceUtf8;
    private boolean forceDuplicate;
    private boolean lateExtract;

    ExtractWriter(LandingStream stream, LocalDate date, boolean isBackfill, int linesPerFile, int maxFiles) {
      this.stream = stream;
      this.date = date;
      this.isBackfill = isBackfill;
      this.writing = out.writes(date);
      this.plan = plans.getOrDefault(stream, Plan.NONE);
      this.epochDay = date.toEpochDay();
      this.rng = Ids.rng(seed, 0xE1, stream.ordinal(), epochDay);
      this.linesPerFile = Math.max(1, linesPerFile);
      this.maxFiles = maxFiles;
      this.extractedAtBase = (DemoCalendar.daySec(date.plusDays(1)) + 600) * 1000L;
      this.counts = writing ? out.counts(stream, date) : null;
    }

    /**
     * Whether the forced defect {@code kind} (0 duplicate, 1 malformed, 2 invalid UTF-8, 3 late file) is
     * due: each stream gets one of each on a fixed daily extract, or the first later one with records.
     */
    private boolean due(int kind) {
      int target = kind == 3 ? Math.min(days.size() - 1, days.size() / 3)
          : Math.min(days.size() - 1, kind + stream.ordinal() % 5);
      boolean[] done = forcedDone.computeIfAbsent(stream, k -> new boolean[4]);
      if (isBackfill || dayIndex < target || done[kind]) {
        return false;
      }
      done[kind] = true;
      return true;
    }

    void duplicate(Line d) throws IOException {
      if (writing) {
        target(false).line(d.bytes);
        counts.cleanLine(d.rec);
        counts.inc(Counter.DUPLICATE_DELIVERIES);
      }
    }

    void write(Rec r) throws IOException {
      if (seq == 0 && !isBackfill) {
        forceMalformed = plan.malformed > 0 && due(1);
        forceUtf8 = plan.utf8 > 0 && due(2);
        forceDuplicate = plan.duplicate > 0 && due(0);
        lateExtract = plan.lateFile && due(3);
      }
      long n = seq++;
      byte[] line = envelope(r, n);
      if (plan.malformed > 0 && (rng.nextDouble() < plan.malformed || forceMalformed)) {
        forceMalformed = false;
        byte[] bad = truncate(line, rng);
        if (writing) {
          target(false).line(bad);
          counts.inc(Counter.QUARANTINE_ROWS);
          counts.inc(Counter.MALFORMED_LINES);
        }
      }
      if (plan.utf8 > 0 && (rng.nextDouble() < plan.utf8 || forceUtf8)) {
        forceUtf8 = false;
        byte[] bad = invalidUtf8(line);
        if (writing) {
          target(false).line(bad);
          counts.inc(Counter.QUARANTINE_ROWS);
          counts.inc(Counter.INVALID_UTF8_LINES);
        }
      }
      // The late file of a stream: part of one daily extract's records, delivered days later.
      boolean toLate = lateExtract && (n == 0 || rng.nextDouble() < LATE_SHARE);
      if (writing) {
        target(toLate).line(line);
        counts.cleanLine(r);
      }
      if (!isBackfill) {
        versions.merge(r.key, 1, Integer::sum);
      }
      if (plan.duplicate > 0 && (rng.nextDouble() < plan.duplicate || forceDuplicate)) {
        forceDuplicate = false;
        duplicates.add(new Line(line, r));
      }
    }

    void multiVersion() {
      if (writing) {
        counts.inc(Counter.MULTI_VERSION_IN_EXTRACT);
      }
    }

    private OutFile target(boolean toLate) throws IOException {
      if (toLate) {
        if (late == null) {
          long lateMtime = Math.min(DemoCalendar.daySec(date.plusDays(6)), cal.endSec) + 5 * 3600;
          late = out.open(stream, date, stream.stem() + "-" + date + "-late-000.jsonl", 0, lateMtime);
          counts.inc(Counter.LATE_FILES);
        }
        return late;
      }
      if (current == null || (current.lines >= linesPerFile && (maxFiles < 0 || fileIndex < maxFiles))) {
        closeCurrent();
        current = out.open(stream, date, fileName(fileIndex), 0, mtime(fileIndex));
        fileIndex++;
      }
      return current;
    }

    private String fileName(int i) {
      return stream.stem() + "-" + date + (isBackfill ? "-backfill-" : "-") + String.format("%03d", i) + ".jsonl";
    }

    private long mtime(int i) {
      return DemoCalendar.daySec(date.plusDays(1)) + (isBackfill ? 3 : 2) * 3600 + i * 60L;
    }

    private void closeCurrent() throws IOException {
      if (current != null) {
        current.close(counts);
        current = null;
      }
    }

    /** Closes the files and returns the lines to deliver again in the next extract. */
    List<Line> close() throws IOException {
      if (writing) {
        if (fileIndex == 0 && late == null) {
          // Nothing changed that day: the connector still leaves an (empty) file behind.
          out.open(stream, date, fileName(0), 0, mtime(0)).close(counts);
        }
        closeCurrent();
        if (late != null) {
          late.close(counts);
        }
        for (Integer v : versions.values()) {
          if (v > 1) {
            counts.inc(Counter.MULTI_VERSION_IN_EXTRACT);
          }
        }
        if (!isBackfill && plan.extraEmpty && dayIndex == Math.min(days.size() - 1, 2)) {
          out.writeBytes(stream, date, stream.stem() + "-" + date + "-empty.jsonl", new byte[] {'\n'}, mtime(9));
          counts.inc(Counter.EMPTY_FILES);
        }
        if (!isBackfill && plan.extraZeroByte && dayIndex == Math.min(days.size() - 1, 3)) {
          out.writeBytes(stream, date, stream.stem() + "-" + date + "-zero.jsonl", new byte[0], mtime(9));
        }
      }
      return duplicates;
    }

    private byte[] envelope(Rec r, long n) {
      String rawId = Ids.uuid(Ids.hash(seed, 0xA1, stream.ordinal(), epochDay, n),
          Ids.hash(seed, 0xA2, stream.ordinal(), epochDay, n));
      long extractedAt = extractedAtBase + n * 3;
      byte[] head = ("{\"_airbyte_raw_id\":\"" + rawId + "\",\"_airbyte_extracted_at\":" + extractedAt
          + ",\"_airbyte_data\":").getBytes(StandardCharsets.US_ASCII);
      byte[] line = new byte[head.length + r.data.length + 1];
      System.arraycopy(head, 0, line, 0, head.length);
      System.arraycopy(r.data, 0, line, head.length, r.data.length);
      line[line.length - 1] = '}';
      return line;
    }
  }

  /** A truncated copy of a JSON line (a proper prefix of one object is never valid JSON). */
  static byte[] truncate(byte[] line, SplittableRandom rng) {
    int cut = Math.max(1, (int) (line.length * (0.3 + 0.5 * rng.nextDouble())));
    cut = Math.min(cut, line.length - 2);
    return java.util.Arrays.copyOf(line, Math.max(1, cut));
  }

  /** A copy of a JSON line with the invalid UTF-8 sequence C3 28 inside a string value of the record. */
  static byte[] invalidUtf8(byte[] line) {
    int start = indexOf(line, "\"_airbyte_data\":".getBytes(StandardCharsets.US_ASCII), 0);
    int from = start < 0 ? 0 : start + 16;
    int at = -1;
    int found = 0;
    for (int i = from; i + 2 < line.length; i++) {
      if (line[i] == '"' && line[i + 1] == ':' && line[i + 2] == '"') {
        at = i + 3;
        if (++found == 2) {
          break;
        }
      }
    }
    return JsonBytes.withInvalidUtf8(line, at < 0 ? line.length - 1 : at);
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
