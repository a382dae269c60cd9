package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.DemoManifest.Counter;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/** Mutable counters of one (stream, extract date) while it is written. */
final class ExtractCounts {
  private final long[] counts = new long[Counter.values().length];
  private final TreeSet<String> drift = new TreeSet<>();

  void add(Counter c, long v) {
    counts[c.ordinal()] += v;
  }

  void inc(Counter c) {
    counts[c.ordinal()]++;
  }

  long get(Counter c) {
    return counts[c.ordinal()];
  }

  void drift(String column) {
    drift.add(column);
  }

  /** Counts a clean (bronze) line and the defects planted in its record. */
  void cleanLine(Rec r) {
    inc(Counter.BRONZE_ROWS);
    if (r == null) {
      return;
    }
    add(Counter.UNKNOWN_ENUM_VALUES, r.unknownEnums);
    add(Counter.FUTURE_DATES, r.futureDates);
    add(Counter.NULL_NONCRITICAL, r.nulls);
    add(Counter.TYPE_CHANGED_VALUES, r.typeChanged);
    add(Counter.NEGATIVE_OR_ABSURD_AMOUNTS, r.negativeOrAbsurd);
    for (int i = 0; i < Rec.DRIFT_COLUMNS.length; i++) {
      if ((r.driftMask & (1 << i)) != 0) {
        drift.add(Rec.DRIFT_COLUMNS[i]);
      }
    }
  }

  DemoManifest.ExtractStats toStats() {
    TreeMap<String, Long> m = new TreeMap<>();
    for (Counter c : Counter.values()) {
      if (counts[c.ordinal()] != 0) {
        m.put(c.key, counts[c.ordinal()]);
      }
    }
    return new DemoManifest.ExtractStats(m, List.copyOf(drift));
  }
}
