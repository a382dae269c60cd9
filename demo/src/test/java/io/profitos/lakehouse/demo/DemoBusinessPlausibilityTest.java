package io.profitos.lakehouse.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** At scale 0.1 the simulated company looks like a tenth of the seed's CloudFlow (segment table). */
class DemoBusinessPlausibilityTest {

  @Test
  void mrrAndSegmentsAtAsOfAreATenthOfTheSeedCompany(@TempDir Path out) throws IOException {
    DemoManifest m = DemoDataGenerator.generate(DemoSpec.of(0.1, 42, out));
    DemoManifest.Truth truth = m.truth();

    double mrr = truth.mrrUsdAtAsOf().doubleValue();
    assertTrue(mrr > 170_000 * 0.8 && mrr < 170_000 * 1.2, "MRR at as-of " + mrr + " should be 170,000 +-20%");
    assertTrue(truth.payingWorkspacesAtAsOf() > 300 && truth.payingWorkspacesAtAsOf() < 550,
        "paying workspaces " + truth.payingWorkspacesAtAsOf());

    Map<String, DemoManifest.SegmentTruth> seg = truth.segmentAtAsOf();
    assertEquals(List.of("Enterprise", "Mid-Market", "SMB", "Self-Serve"), List.copyOf(seg.keySet()));
    long workspaces = 0;
    BigDecimal sum = BigDecimal.ZERO;
    for (DemoManifest.SegmentTruth s : seg.values()) {
      assertTrue(s.workspaces() > 0, "every segment has workspaces");
      workspaces += s.workspaces();
      sum = sum.add(s.mrrUsd());
    }
    assertEquals(truth.payingWorkspacesAtAsOf(), workspaces);
    assertTrue(sum.subtract(truth.mrrUsdAtAsOf()).abs().doubleValue() < 0.05);
    // Seed table: Enterprise ~12 at ~$7,000, Mid-Market ~48 at ~$1,100, SMB ~180, Self-Serve ~180 at ~$46.
    assertBetween(avg(seg.get("Enterprise")), 5_000, 12_000, "Enterprise average MRR");
    assertBetween(avg(seg.get("Mid-Market")), 1_000, 2_000, "Mid-Market average MRR");
    assertBetween(avg(seg.get("SMB")), 200, 600, "SMB average MRR");
    assertBetween(avg(seg.get("Self-Serve")), 20, 90, "Self-Serve average MRR");
    assertBetween(seg.get("Enterprise").workspaces(), 5, 25, "Enterprise workspaces");
    assertBetween(seg.get("Mid-Market").workspaces(), 25, 80, "Mid-Market workspaces");
    assertBetween(seg.get("SMB").workspaces(), 120, 260, "SMB workspaces");
    assertBetween(seg.get("Self-Serve").workspaces(), 120, 260, "Self-Serve workspaces");

    // 24 months of growth: the first month-end is well below as-of, and month ends move a few % at most.
    List<BigDecimal> months = List.copyOf(truth.mrrUsdByMonth().values());
    assertEquals(24, months.size());
    assertTrue(months.get(0).doubleValue() < 0.75 * mrr, "the company grew over the history");
    for (int i = 1; i < months.size(); i++) {
      double change = months.get(i).doubleValue() / months.get(i - 1).doubleValue() - 1;
      assertTrue(change > -0.1 && change < 0.15, "month over month change " + change);
    }
    // finance reports the truth except in the planted gap months
    assertEquals(3, truth.reportedArrGapMonths().size());
    double share = (double) truth.tzBoundarySubscriptions() / truth.subscriptionsTotal();
    assertBetween(share, 0.08, 0.2, "share of subscriptions starting within 8 hours of a month boundary");
  }

  private static double avg(DemoManifest.SegmentTruth s) {
    return s.mrrUsd().doubleValue() / s.workspaces();
  }

  private static void assertBetween(double v, double lo, double hi, String what) {
    assertTrue(v >= lo && v <= hi, what + " = " + v + " not in [" + lo + ", " + hi + "]");
  }
}
