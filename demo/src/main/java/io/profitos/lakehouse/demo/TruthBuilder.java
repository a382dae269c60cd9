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

  TruthBuilder(DemoCalendar cal) {
    this.months = cal.months;
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
        List.copyOf(gaps.keySet()), gaps, tzBoundary, tzMisaligned, subscriptions, asOfInstant, experiments, targets);
  }
}
