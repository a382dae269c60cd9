package io.profitos.lakehouse.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Accumulates month-end MRR per METRICS.md from the simulation's own subscription model. */
final class TruthBuilder {
  private final List<YearMonth> months;
  private final BigDecimal[] mrr;
  private final long[] paying;
  private BigDecimal asOfMrr = BigDecimal.ZERO;
  private long asOfPaying;
  private final BigDecimal[] segMrr = new BigDecimal[Tier.values().length];
  private final long[] segCount = new long[Tier.values().length];
  long tzBoundary;
  long tzMisaligned;
  long subscriptions;
  /** Experiment -> variant -> workspaces assigned (deleted assignments excluded). */
  private final SortedMap<String, SortedMap<String, Long>> experiments = new TreeMap<>();

  /** CRM hygiene at as-of (see {@link #opportunity}), by rule. */
  private final SortedMap<String, Long> crmHygiene = new TreeMap<>();
  private final long endSec;
  private final java.time.LocalDate quarterStart;

  TruthBuilder(DemoCalendar cal) {
    this.months = cal.months;
    this.endSec = cal.endSec;
    java.time.LocalDate monday = cal.asOf.with(java.time.DayOfWeek.MONDAY);
    this.quarterStart = monday.withDayOfMonth(1).minusMonths((monday.getMonthValue() - 1) % 3);
    for (String rule : List.of("closed_lost_without_reason", "commit_close_outside_quarter", "commit_without_next_step",
        "renewals_created_late")) {
      crmHygiene.put(rule, 0L);
    }
    this.mrr = new BigDecimal[months.size()];
    this.paying = new long[months.size()];
    java.util.Arrays.fill(mrr, BigDecimal.ZERO);
    java.util.Arrays.fill(segMrr, BigDecimal.ZERO);
  }

  /** A workspace's MRR (USD, unrounded) at the end of month {@code index}. */
  void monthEnd(int index, BigDecimal workspaceMrrUsd) {
    if (workspaceMrrUsd.signum() > 0) {
      mrr[index] = mrr[index].add(workspaceMrrUsd);
      paying[index]++;
    }
  }

  void asOf(BigDecimal workspaceMrrUsd) {
    if (workspaceMrrUsd.signum() > 0) {
      asOfMrr = asOfMrr.add(workspaceMrrUsd);
      asOfPaying++;
      String seg = Tier.segmentOf(workspaceMrrUsd);
      for (Tier t : Tier.values()) {
        if (t.segment.equals(seg)) {
          segMrr[t.ordinal()] = segMrr[t.ordinal()].add(workspaceMrrUsd);
          segCount[t.ordinal()]++;
        }
      }
    }
  }

  void experimentAssigned(String experiment, String variant) {
    experiments.computeIfAbsent(experiment, k -> new TreeMap<>()).merge(variant, 1L, Long::sum);
  }

  /**
   * One opportunity as landed by as-of, for the CRM hygiene rules: closed lost by as-of without a loss reason; a renewal
   * created (by as-of) less than 90 days before its renewal date; and, when it is open at as-of in the Commit forecast
   * category ({@code openForecast}), without a next step, or with a close date outside the quarter of as-of's week
   * (the quarter of its Monday).
   */
  void opportunity(long createdSec, String openForecast, java.time.LocalDate closeDate, boolean won, String nextStep,
                   String lossReason, java.time.LocalDate renewalDate, boolean closedByAsOf) {
    if (createdSec >= endSec) {
      return;
    }
    if (closedByAsOf && !won && lossReason == null) {
      crmHygiene.merge("closed_lost_without_reason", 1L, Long::sum);
    }
    if (renewalDate != null && DemoCalendar.dateOf(createdSec).isAfter(renewalDate.minusDays(90))) {
      crmHygiene.merge("renewals_created_late", 1L, Long::sum);
    }
    if ("Commit".equals(openForecast)) {
      if (nextStep == null) {
        crmHygiene.merge("commit_without_next_step", 1L, Long::sum);
      }
      if (closeDate.isBefore(quarterStart) || !closeDate.isBefore(quarterStart.plusMonths(3))) {
        crmHygiene.merge("commit_close_outside_quarter", 1L, Long::sum);
      }
    }
  }

  /** MRR of month {@code index}, rounded to cents. */
  BigDecimal mrr(int index) {
    return mrr[index].setScale(2, RoundingMode.HALF_UP);
  }

  DemoManifest.Truth build(SortedMap<String, BigDecimal> gaps, SortedMap<String, BigDecimal> targets, String asOfInstant) {
    SortedMap<String, BigDecimal> byMonth = new TreeMap<>();
    SortedMap<String, Long> payingByMonth = new TreeMap<>();
    for (int i = 0; i < months.size(); i++) {
      byMonth.put(months.get(i).toString(), mrr(i));
      payingByMonth.put(months.get(i).toString(), paying[i]);
    }
    Map<String, DemoManifest.SegmentTruth> segs = new LinkedHashMap<>();
    for (Tier t : Tier.values()) {
      segs.put(t.segment, new DemoManifest.SegmentTruth(segCount[t.ordinal()],
          segMrr[t.ordinal()].setScale(2, RoundingMode.HALF_UP)));
    }
    return new DemoManifest.Truth(byMonth, asOfMrr.setScale(2, RoundingMode.HALF_UP), payingByMonth, asOfPaying, segs,
        List.copyOf(gaps.keySet()), gaps, tzBoundary, tzMisaligned, subscriptions, asOfInstant, experiments, targets,
        crmHygiene);
  }
}
