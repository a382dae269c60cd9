package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code _manifest.json}: what a generation wrote (per stream: files, bronze rows, quarantine rows
 * and every planted defect, in total and per extract date) and the ground truth of the simulated
 * business (month-end MRR per METRICS.md, segments, planted finance gaps). Counts describe only the
 * files written; a generation into a folder that already has a manifest merges into it per extract
 * date (a re-written extract date replaces its old entry), so windowed generations add up to a full one.
 */
public record DemoManifest(long seed, double scale, LocalDate asOf, LocalDate historyStart, int generatorVersion,
                           int dailyDays, int eventsDays, Window window, SortedMap<String, StreamStats> streams,
                           Truth truth) {

  /** The file name inside the landing root. */
  public static final String FILE_NAME = "_manifest.json";

  public DemoManifest {
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(window, "window");
    streams = Collections.unmodifiableSortedMap(new TreeMap<>(streams));
    Objects.requireNonNull(truth, "truth");
  }

  /** The extract dates written (inclusive; null = unbounded). */
  public record Window(LocalDate from, LocalDate through) {}

  /** One stream: totals over {@link #byExtractDate()}, which holds the non-zero counters per extract date. */
  public record StreamStats(String format, long files, long zeroByteFiles, long emptyFiles, long gzFiles, long bytes,
                            long bronzeRows, long quarantineRows, Defects defects,
                            SortedMap<String, ExtractStats> byExtractDate) {
    public StreamStats {
      byExtractDate = Collections.unmodifiableSortedMap(new TreeMap<>(byExtractDate));
    }

    /** Totals recomputed from per-extract counters. */
    static StreamStats of(String format, SortedMap<String, ExtractStats> byExtractDate) {
      long[] sum = new long[Counter.values().length];
      TreeSet<String> drift = new TreeSet<>();
      for (ExtractStats e : byExtractDate.values()) {
        for (Counter c : Counter.values()) {
          sum[c.ordinal()] += e.count(c);
        }
        drift.addAll(e.driftColumns());
      }
      Defects d = new Defects(sum[Counter.MALFORMED_LINES.ordinal()], sum[Counter.INVALID_UTF8_LINES.ordinal()],
          sum[Counter.WRONG_COLUMN_COUNT.ordinal()], sum[Counter.TRUNCATED_GZ_FILES.ordinal()],
          sum[Counter.TRUNCATED_GZ_LOST_RECORDS.ordinal()], sum[Counter.DUPLICATE_DELIVERIES.ordinal()],
          sum[Counter.MULTI_VERSION_IN_EXTRACT.ordinal()], sum[Counter.LATE_FILES.ordinal()],
          sum[Counter.TYPE_CHANGED_VALUES.ordinal()], List.copyOf(drift), sum[Counter.UNKNOWN_ENUM_VALUES.ordinal()],
          sum[Counter.NEGATIVE_OR_ABSURD_AMOUNTS.ordinal()], sum[Counter.FUTURE_DATES.ordinal()],
          sum[Counter.NULL_NONCRITICAL.ordinal()]);
      return new StreamStats(format, sum[Counter.FILES.ordinal()], sum[Counter.ZERO_BYTE_FILES.ordinal()],
          sum[Counter.EMPTY_FILES.ordinal()], sum[Counter.GZ_FILES.ordinal()], sum[Counter.BYTES.ordinal()],
          sum[Counter.BRONZE_ROWS.ordinal()], sum[Counter.QUARANTINE_ROWS.ordinal()], d, byExtractDate);
    }
  }

  /** Planted defects of one stream, counted over the files written. */
  public record Defects(long malformedLines, long invalidUtf8Lines, long wrongColumnCount, long truncatedGzFiles,
                        long truncatedGzLostRecords, long duplicateDeliveries, long multiVersionInExtract,
                        long lateFiles, long typeChangedValues, List<String> driftColumns, long unknownEnumValues,
                        long negativeOrAbsurdAmounts, long futureDates, long nullNoncritical) {
    public Defects {
      driftColumns = List.copyOf(driftColumns);
    }
  }

  /** The non-zero counters of one extract date of one stream (keys as in {@link Counter#key}). */
  public record ExtractStats(SortedMap<String, Long> counts, List<String> driftColumns) {
    public ExtractStats {
      counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
      driftColumns = List.copyOf(driftColumns);
    }

    public long count(Counter c) {
      return counts.getOrDefault(c.key, 0L);
    }
  }

  /** Ground truth of the simulated business (computed from the generator's own model, not from the files). */
  public record Truth(SortedMap<String, BigDecimal> mrrUsdByMonth, BigDecimal mrrUsdAtAsOf,
                      SortedMap<String, Long> payingWorkspacesByMonth, long payingWorkspacesAtAsOf,
                      Map<String, SegmentTruth> segmentAtAsOf, List<String> reportedArrGapMonths,
                      SortedMap<String, BigDecimal> reportedArrGaps, long tzBoundarySubscriptions,
                      long tzMisalignedSubscriptions, long subscriptionsTotal, String asOfInstant,
                      SortedMap<String, SortedMap<String, Long>> experimentAssignments, SortedMap<String, BigDecimal> targets,
                      SortedMap<String, Long> crmHygiene) {
    public Truth {
      mrrUsdByMonth = Collections.unmodifiableSortedMap(new TreeMap<>(mrrUsdByMonth));
      payingWorkspacesByMonth = Collections.unmodifiableSortedMap(new TreeMap<>(payingWorkspacesByMonth));
      segmentAtAsOf = Collections.unmodifiableMap(new LinkedHashMap<>(segmentAtAsOf));
      reportedArrGapMonths = List.copyOf(reportedArrGapMonths);
      reportedArrGaps = Collections.unmodifiableSortedMap(new TreeMap<>(reportedArrGaps));
      SortedMap<String, SortedMap<String, Long>> copy = new TreeMap<>();
      experimentAssignments.forEach((k, v) -> copy.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
      experimentAssignments = Collections.unmodifiableSortedMap(copy);
      targets = Collections.unmodifiableSortedMap(new TreeMap<>(targets));
      crmHygiene = Collections.unmodifiableSortedMap(new TreeMap<>(crmHygiene));
    }
  }

  /** Workspaces and MRR of one MRR segment at as-of. */
  public record SegmentTruth(long workspaces, BigDecimal mrrUsd) {}

  /** Per-extract counters, in manifest key order. */
  public enum Counter {
    FILES("files"), ZERO_BYTE_FILES("zero_byte_files"), EMPTY_FILES("empty_files"), GZ_FILES("gz_files"),
    BYTES("bytes"), BRONZE_ROWS("bronze_rows"), QUARANTINE_ROWS("quarantine_rows"),
    MALFORMED_LINES("malformed_lines"), INVALID_UTF8_LINES("invalid_utf8_lines"),
    WRONG_COLUMN_COUNT("wrong_column_count"), TRUNCATED_GZ_FILES("truncated_gz_files"),
    TRUNCATED_GZ_LOST_RECORDS("truncated_gz_lost_records"), DUPLICATE_DELIVERIES("duplicate_deliveries"),
    MULTI_VERSION_IN_EXTRACT("multi_version_in_extract"), LATE_FILES("late_files"),
    TYPE_CHANGED_VALUES("type_changed_values"), UNKNOWN_ENUM_VALUES("unknown_enum_values"),
    NEGATIVE_OR_ABSURD_AMOUNTS("negative_or_absurd_amounts"), FUTURE_DATES("future_dates"),
    NULL_NONCRITICAL("null_noncritical");

    public final String key;

    Counter(String key) {
      this.key = key;
    }

    static Counter byKey(String key) {
      for (Counter c : values()) {
        if (c.key.equals(key)) {
          return c;
        }
      }
      return null;
    }
  }

  /** The stats of one stream ({@code source/stream}), or null if nothing of it was written. */
  public StreamStats stream(String key) {
    return streams.get(key);
  }

  /** Throws {@link IllegalStateException} unless {@code spec} generates the same business as this manifest. */
  public void checkSameGeneration(DemoSpec spec) {
    if (seed != spec.seed() || Double.compare(scale, spec.scale()) != 0 || !asOf.equals(spec.asOf())
        || dailyDays != spec.dailyDays() || eventsDays != spec.eventsDays()) {
      throw new IllegalStateException("the folder holds a landing zone of another generation (seed " + seed
          + ", scale " + scale + ", as-of " + asOf + ", daily days " + dailyDays + ", events days " + eventsDays
          + "); refusing to add seed " + spec.seed() + ", scale " + spec.scale() + ", as-of " + spec.asOf()
          + ", daily days " + spec.dailyDays() + ", events days " + spec.eventsDays());
    }
  }

  /** This manifest with {@code newer} merged in: extract dates of {@code newer} replace the same dates here. */
  public DemoManifest merge(DemoManifest newer) {
    if (seed != newer.seed || Double.compare(scale, newer.scale) != 0 || !asOf.equals(newer.asOf)
        || dailyDays != newer.dailyDays || eventsDays != newer.eventsDays) {
      throw new IllegalStateException("the folder holds a landing zone of another generation (seed " + seed
          + ", scale " + scale + ", as-of " + asOf + ", daily days " + dailyDays + ", events days " + eventsDays
          + "); refusing to merge seed " + newer.seed + ", scale " + newer.scale + ", as-of " + newer.asOf
          + ", daily days " + newer.dailyDays + ", events days " + newer.eventsDays);
    }
    SortedMap<String, StreamStats> merged = new TreeMap<>(streams);
    for (Map.Entry<String, StreamStats> e : newer.streams.entrySet()) {
      StreamStats old = merged.get(e.getKey());
      if (old == null) {
        merged.put(e.getKey(), e.getValue());
      } else {
        SortedMap<String, ExtractStats> dates = new TreeMap<>(old.byExtractDate());
        dates.putAll(e.getValue().byExtractDate());
        merged.put(e.getKey(), StreamStats.of(e.getValue().format(), dates));
      }
    }
    LocalDate from = window.from() == null || newer.window.from() == null ? null
        : min(window.from(), newer.window.from());
    LocalDate through = window.through() == null || newer.window.through() == null ? null
        : max(window.through(), newer.window.through());
    return new DemoManifest(seed, scale, asOf, historyStart, Math.max(generatorVersion, newer.generatorVersion),
        dailyDays, eventsDays, new Window(from, through), merged, newer.truth);
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }

  private static LocalDate max(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  private static final JsonNodeFactory NODES = new JsonNodeFactory(true);

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.setNodeFactory(NODES);
    m.enable(SerializationFeature.INDENT_OUTPUT);
    m.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    m.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return m;
  }

  /** Writes this manifest as pretty-printed JSON (deterministic key order). */
  public void write(Path file) throws IOException {
    byte[] bytes = toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** The manifest as pretty-printed JSON text ending with a newline. */
  public String toJson() {
    try {
      return mapper().writeValueAsString(toNode()) + "\n";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads a manifest written by {@link #write(Path)}. */
  public static DemoManifest read(Path file) throws IOException {
    JsonNode root = mapper().readTree(file.toFile());
    return fromNode(root);
  }

  private ObjectNode toNode() {
    ObjectNode root = NODES.objectNode();
    root.put("seed", seed);
    root.put("scale", scale);
    root.put("as_of", asOf.toString());
    root.put("history_start", historyStart.toString());
    root.put("generator_version", generatorVersion);
    root.put("daily_days", dailyDays);
    root.put("events_days", eventsDays);
    ObjectNode w = root.putObject("window");
    putDate(w, "from", window.from());
    putDate(w, "through", window.through());
    ObjectNode s = root.putObject("streams");
    for (Map.Entry<String, StreamStats> e : streams.entrySet()) {
      StreamStats st = e.getValue();
      ObjectNode n = s.putObject(e.getKey());
      n.put("format", st.format());
      n.put("files", st.files());
      n.put("zero_byte_files", st.zeroByteFiles());
      n.put("empty_files", st.emptyFiles());
      n.put("gz_files", st.gzFiles());
      n.put("bytes", st.bytes());
      n.put("bronze_rows", st.bronzeRows());
      n.put("quarantine_rows", st.quarantineRows());
      Defects d = st.defects();
      ObjectNode dn = n.putObject("defects");
      dn.put("malformed_lines", d.malformedLines());
      dn.put("invalid_utf8_lines", d.invalidUtf8Lines());
      dn.put("wrong_column_count", d.wrongColumnCount());
      dn.put("truncated_gz_files", d.truncatedGzFiles());
      dn.put("truncated_gz_lost_records", d.truncatedGzLostRecords());
      dn.put("duplicate_deliveries", d.duplicateDeliveries());
      dn.put("multi_version_in_extract", d.multiVersionInExtract());
      dn.put("late_files", d.lateFiles());
      dn.put("type_changed_values", d.typeChangedValues());
      ArrayNode drift = dn.putArray("drift_columns");
      d.driftColumns().forEach(drift::add);
      dn.put("unknown_enum_values", d.unknownEnumValues());
      dn.put("negative_or_absurd_amounts", d.negativeOrAbsurdAmounts());
      dn.put("future_dates", d.futureDates());
      dn.put("null_noncritical", d.nullNoncritical());
      ObjectNode by = n.putObject("by_extract_date");
      for (Map.Entry<String, ExtractStats> x : st.byExtractDate().entrySet()) {
        ObjectNode xn = by.putObject(x.getKey());
        for (Counter c : Counter.values()) {
          long v = x.getValue().count(c);
          if (v != 0) {
            xn.put(c.key, v);
          }
        }
        if (!x.getValue().driftColumns().isEmpty()) {
          ArrayNode xd = xn.putArray("drift_columns");
          x.getValue().driftColumns().forEach(xd::add);
        }
      }
    }
    ObjectNode t = root.putObject("truth");
    ObjectNode byMonth = t.putObject("mrr_usd_by_month");
    truth.mrrUsdByMonth().forEach(byMonth::put);
    t.put("mrr_usd_at_as_of", truth.mrrUsdAtAsOf());
    ObjectNode paying = t.putObject("paying_workspaces_by_month");
    truth.payingWorkspacesByMonth().forEach(paying::put);
    t.put("paying_workspaces_at_as_of", truth.payingWorkspacesAtAsOf());
    ObjectNode seg = t.putObject("segment_at_as_of");
    truth.segmentAtAsOf().forEach((k, v) -> {
      ObjectNode sn = seg.putObject(k);
      sn.put("workspaces", v.workspaces());
      sn.put("mrr_usd", v.mrrUsd());
    });
    ArrayNode gaps = t.putArray("reported_arr_gap_months");
    truth.reportedArrGapMonths().forEach(gaps::add);
    ObjectNode gapRel = t.putObject("reported_arr_gaps");
    truth.reportedArrGaps().forEach(gapRel::put);
    t.put("tz_boundary_subscriptions", truth.tzBoundarySubscriptions());
    t.put("tz_misaligned_subscriptions", truth.tzMisalignedSubscriptions());
    t.put("subscriptions_total", truth.subscriptionsTotal());
    t.put("as_of_instant", truth.asOfInstant());
    ObjectNode targetNode = t.putObject("targets");
    truth.targets().forEach(targetNode::put);
    ObjectNode experiments = t.putObject("experiment_assignments");
    truth.experimentAssignments().forEach((k, v) -> {
      ObjectNode xn = experiments.putObject(k);
      v.forEach(xn::put);
    });
    ObjectNode hygiene = t.putObject("crm_hygiene");
    truth.crmHygiene().forEach(hygiene::put);
    return root;
  }

  private static void putDate(ObjectNode n, String key, LocalDate d) {
    if (d == null) {
      n.putNull(key);
    } else {
      n.put(key, d.toString());
    }
  }

  private static LocalDate date(JsonNode n) {
    return n == null || n.isNull() ? null : LocalDate.parse(n.asText());
  }

  private static DemoManifest fromNode(JsonNode root) throws IOException {
    if (root == null || !root.isObject() || !root.has("streams") || !root.has("truth")) {
      throw new IOException("not a demo landing-zone manifest (needs 'streams' and 'truth')");
    }
    SortedMap<String, StreamStats> streams = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("streams").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode n = e.getValue();
      SortedMap<String, ExtractStats> dates = new TreeMap<>();
      JsonNode by = n.get("by_extract_date");
      if (by != null) {
        for (Iterator<Map.Entry<String, JsonNode>> di = by.fields(); di.hasNext(); ) {
          Map.Entry<String, JsonNode> de = di.next();
          SortedMap<String, Long> counts = new TreeMap<>();
          List<String> drift = new ArrayList<>();
          for (Iterator<Map.Entry<String, JsonNode>> ci = de.getValue().fields(); ci.hasNext(); ) {
            Map.Entry<String, JsonNode> ce = ci.next();
            if (ce.getKey().equals("drift_columns")) {
              ce.getValue().forEach(x -> drift.add(x.asText()));
            } else if (Counter.byKey(ce.getKey()) != null) {
              counts.put(ce.getKey(), ce.getValue().asLong());
            }
          }
          dates.put(de.getKey(), new ExtractStats(counts, drift));
        }
      }
      streams.put(e.getKey(), StreamStats.of(n.path("format").asText(), dates));
    }
    JsonNode t = root.get("truth");
    SortedMap<String, BigDecimal> mrr = new TreeMap<>();
    t.path("mrr_usd_by_month").fields().forEachRemaining(x -> mrr.put(x.getKey(), x.getValue().decimalValue()));
    SortedMap<String, Long> paying = new TreeMap<>();
    t.path("paying_workspaces_by_month").fields().forEachRemaining(x -> paying.put(x.getKey(), x.getValue().asLong()));
    Map<String, SegmentTruth> segs = new LinkedHashMap<>();
    t.path("segment_at_as_of").fields().forEachRemaining(x -> segs.put(x.getKey(),
        new SegmentTruth(x.getValue().path("workspaces").asLong(), x.getValue().path("mrr_usd").decimalValue())));
    List<String> gapMonths = new ArrayList<>();
    t.path("reported_arr_gap_months").forEach(x -> gapMonths.add(x.asText()));
    SortedMap<String, BigDecimal> gaps = new TreeMap<>();
    t.path("reported_arr_gaps").fields().forEachRemaining(x -> gaps.put(x.getKey(), x.getValue().decimalValue()));
    SortedMap<String, BigDecimal> targets = new TreeMap<>();
    t.path("targets").fields().forEachRemaining(x -> targets.put(x.getKey(), x.getValue().decimalValue()));
    SortedMap<String, SortedMap<String, Long>> experiments = new TreeMap<>();
    t.path("experiment_assignments").fields().forEachRemaining(x -> {
      SortedMap<String, Long> variants = new TreeMap<>();
      x.getValue().fields().forEachRemaining(v -> variants.put(v.getKey(), v.getValue().asLong()));
      experiments.put(x.getKey(), variants);
    });
    SortedMap<String, Long> hygiene = new TreeMap<>();
    t.path("crm_hygiene").fields().forEachRemaining(x -> hygiene.put(x.getKey(), x.getValue().asLong()));
    Truth truth = new Truth(mrr, t.path("mrr_usd_at_as_of").decimalValue(), paying,
        t.path("paying_workspaces_at_as_of").asLong(), segs, gapMonths, gaps,
        t.path("tz_boundary_subscriptions").asLong(), t.path("tz_misaligned_subscriptions").asLong(),
        t.path("subscriptions_total").asLong(), t.path("as_of_instant").asText(null), experiments, targets,
        hygiene);
    JsonNode w = root.path("window");
    return new DemoManifest(root.path("seed").asLong(), root.path("scale").asDouble(), date(root.get("as_of")),
        date(root.get("history_start")), root.path("generator_version").asInt(), root.path("daily_days").asInt(),
        root.path("events_days").asInt(), new Window(date(w.get("from")), date(w.get("through"))), streams, truth);
  }
}
