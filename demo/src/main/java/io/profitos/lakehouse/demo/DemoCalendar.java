package io.profitos.lakehouse.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The dates of one generation (history start, backfill date, daily, full-refresh and event extract
 * dates) and fast timestamp formatting. All instants are epoch seconds (or millis where named).
 */
final class DemoCalendar {
  static final long DAY = 86_400L;
  static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
  private static final ZoneRules LA_RULES = LOS_ANGELES.getRules();

  final LocalDate asOf;
  final LocalDate historyStart;
  /** The initial backfill extract date: everything up to the end of this day. */
  final LocalDate backfillDate;
  final LocalDate firstEventDay;
  final long historyStartSec;
  /** End of the simulated time (exclusive): as-of + 1 day, 00:00 UTC. */
  final long endSec;
  /** End of the backfill (exclusive). */
  final long backfillEndSec;
  final int historyDays;
  /** Months whose month end falls inside the history: the truth's months. */
  final List<YearMonth> months;

  DemoCalendar(DemoSpec spec) {
    this.asOf = spec.asOf();
    this.historyStart = spec.historyStart();
    this.backfillDate = asOf.minusDays(spec.dailyDays());
    this.firstEventDay = asOf.minusDays(spec.eventsDays() - 1L);
    this.historyStartSec = daySec(historyStart);
    this.endSec = daySec(asOf.plusDays(1));
    this.backfillEndSec = daySec(backfillDate.plusDays(1));
    this.historyDays = (int) ((endSec - historyStartSec) / DAY);
    List<YearMonth> ms = new ArrayList<>();
    // Every month whose last day is inside the history (the month of as-of only if as-of ends it).
    for (YearMonth m = YearMonth.from(historyStart); !m.atEndOfMonth().isAfter(asOf); m = m.plusMonths(1)) {
      ms.add(m);
    }
    this.months = List.copyOf(ms);
  }

  /** Daily extract dates: the day after the backfill through as-of. */
  List<LocalDate> dailyDates() {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = backfillDate.plusDays(1); !d.isAfter(asOf); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  /** Full-refresh extract dates: the backfill date, then every 7 days back from as-of (ascending). */
  List<LocalDate> fullRefreshDates() {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = asOf; d.isAfter(backfillDate); d = d.minusDays(7)) {
      out.add(0, d);
    }
    out.add(0, backfillDate);
    return out;
  }

  /** Segment event days (daily extracts). */
  List<LocalDate> eventDays() {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = firstEventDay; !d.isAfter(asOf); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  static long daySec(LocalDate d) {
    return d.toEpochDay() * DAY;
  }

  static LocalDate dateOf(long sec) {
    return LocalDate.ofEpochDay(Math.floorDiv(sec, DAY));
  }

  /** Index of the history day containing {@code sec} (0 = history start), may be negative. */
  int dayIndex(long sec) {
    return (int) Math.floorDiv(sec - historyStartSec, DAY);
  }

  /** The last second of a month (UTC): the instant month-end MRR is taken at. */
  static long monthEndInstant(YearMonth m) {
    return daySec(m.plusMonths(1).atDay(1)) - 1;
  }

  /** Seconds of the first instant of a month (UTC). */
  static long monthStart(YearMonth m) {
    return daySec(m.atDay(1));
  }

  /** A month as a running number (year * 12 + month - 1). */
  static int monthNumber(YearMonth m) {
    return m.getYear() * 12 + m.getMonthValue() - 1;
  }

  static YearMonth monthOf(long sec) {
    return YearMonth.from(dateOf(sec));
  }

  /** {@code sec} plus {@code n} calendar months (UTC), keeping the time of day (Stripe's billing anchor). */
  static long plusMonths(long sec, long n) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC).plusMonths(n);
    return t.toEpochSecond(ZoneOffset.UTC);
  }

  /** Moves an instant away from the minute around midnight UTC, so no change ever sits on a month boundary. */
  static long safe(long sec) {
    long tod = Math.floorMod(sec, DAY);
    if (tod < 60) {
      return sec + (60 - tod);
    }
    if (tod > DAY - 120) {
      return sec - (tod - (DAY - 120));
    }
    return sec;
  }

  // ------------------------------------------------------------------------------------------
  // formatting

  /** ISO-8601 UTC with seconds: 2026-11-20T12:34:56Z. */
  static String isoUtc(long sec) {
    StringBuilder sb = new StringBuilder(20);
    appendDateTime(sb, LocalDate.ofEpochDay(Math.floorDiv(sec, DAY)), (int) Math.floorMod(sec, DAY));
    return sb.append('Z').toString();
  }

  /** ISO-8601 UTC with milliseconds: 2026-11-20T12:34:56.789Z. */
  static String isoUtcMillis(long millis) {
    StringBuilder sb = new StringBuilder(24);
    appendIsoUtcMillis(sb, millis);
    return sb.toString();
  }

  static void appendIsoUtcMillis(StringBuilder sb, long millis) {
    long sec = Math.floorDiv(millis, 1000L);
    int ms = (int) Math.floorMod(millis, 1000L);
    appendDateTime(sb, LocalDate.ofEpochDay(Math.floorDiv(sec, DAY)), (int) Math.floorMod(sec, DAY));
    sb.append('.');
    pad(sb, ms, 3);
    sb.append('Z');
  }

  /** Salesforce style: 2026-11-20T12:34:56.000Z. */
  static String sfDateTime(long sec) {
    return isoUtcMillis(sec * 1000L);
  }

  /** Postgres {@code timestamp without time zone} in Los Angeles local time: 2026-11-20T04:34:56. */
  static String laLocal(long sec) {
    int offset = LA_RULES.getOffset(Instant.ofEpochSecond(sec)).getTotalSeconds();
    long local = sec + offset;
    StringBuilder sb = new StringBuilder(19);
    appendDateTime(sb, LocalDate.ofEpochDay(Math.floorDiv(local, DAY)), (int) Math.floorMod(local, DAY));
    return sb.toString();
  }

  /** The Los Angeles local month of an instant. */
  static YearMonth laMonth(long sec) {
    int offset = LA_RULES.getOffset(Instant.ofEpochSecond(sec)).getTotalSeconds();
    return YearMonth.from(LocalDate.ofEpochDay(Math.floorDiv(sec + offset, DAY)));
  }

  private static void appendDateTime(StringBuilder sb, LocalDate d, int tod) {
    pad(sb, d.getYear(), 4);
    sb.append('-');
    pad(sb, d.getMonthValue(), 2);
    sb.append('-');
    pad(sb, d.getDayOfMonth(), 2);
    sb.append('T');
    pad(sb, tod / 3600, 2);
    sb.append(':');
    pad(sb, (tod / 60) % 60, 2);
    sb.append(':');
    pad(sb, tod % 60, 2);
  }

  private static void pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
  }
}
