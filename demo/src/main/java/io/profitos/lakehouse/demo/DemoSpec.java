package io.profitos.lakehouse.demo;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What the demo landing-zone generator writes: the business size ({@code scale}, 1 = about 4,200
 * paying workspaces), the seed, the output folder, the last simulated day ({@code asOf}), how many
 * days get daily extracts ({@code dailyDays}) and Segment events ({@code eventsDays}), and an
 * optional window of extract dates to write ({@code from}/{@code through}, inclusive, null =
 * unbounded). The simulated business never depends on the window, so extracts written by several
 * windowed calls into one folder equal one full call.
 */
public record DemoSpec(double scale, long seed, Path out, LocalDate asOf, int dailyDays, int eventsDays,
                       LocalDate from, LocalDate through) {

  /** The default last simulated day (fixed, so a seed always gives the same data). */
  public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2026, 11, 20);
  public static final int DEFAULT_DAILY_DAYS = 30;
  public static final int DEFAULT_EVENTS_DAYS = 60;

  public DemoSpec {
    if (!(scale > 0 && scale <= 100)) {
      throw new IllegalArgumentException("scale must be in (0, 100], was " + scale);
    }
    if (dailyDays < 1 || dailyDays > 365) {
      throw new IllegalArgumentException("dailyDays must be in 1..365, was " + dailyDays);
    }
    if (eventsDays < 1 || eventsDays > 365) {
      throw new IllegalArgumentException("eventsDays must be in 1..365, was " + eventsDays);
    }
    Objects.requireNonNull(out, "out must not be null");
    Objects.requireNonNull(asOf, "asOf must not be null");
    if (from != null && through != null && from.isAfter(through)) {
      throw new IllegalArgumentException("from (" + from + ") must not be after through (" + through + ")");
    }
  }

  /** Defaults: as-of 2026-11-20, 30 daily days, 60 event days, no window. */
  public static DemoSpec of(double scale, long seed, Path out) {
    return new DemoSpec(scale, seed, out, DEFAULT_AS_OF, DEFAULT_DAILY_DAYS, DEFAULT_EVENTS_DAYS, null, null);
  }

  /** This spec restricted to the extract dates {@code from..through} (inclusive; null = unbounded). */
  public DemoSpec withWindow(LocalDate from, LocalDate through) {
    return new DemoSpec(scale, seed, out, asOf, dailyDays, eventsDays, from, through);
  }

  /** This spec writing to another folder. */
  public DemoSpec withOut(Path out) {
    return new DemoSpec(scale, seed, out, asOf, dailyDays, eventsDays, from, through);
  }

  /** First day of the simulated history: 24 months ending at {@code asOf}. */
  public LocalDate historyStart() {
    return asOf.minusMonths(24).plusDays(1);
  }

  /** Whether extracts dated {@code date} are written by this call. */
  public boolean inWindow(LocalDate date) {
    return (from == null || !date.isBefore(from)) && (through == null || !date.isAfter(through));
  }
}
