package io.profitos.lakehouse.demo;

import java.util.SplittableRandom;

/**
 * The four customer archetypes of the seed's segment table, sized for scale 1 (about 120 / 480 /
 * 1,800 / 1,800 paying workspaces at as-of). A workspace's segment is still decided by its MRR at
 * month end; the tier only sets where it starts and how it behaves.
 */
enum Tier {
  // segment, initial, arrivals/month, churn/month, sales-led, trial, month, year, quarter, joins/week,
  // tickets/week, health, payment failure, features
  ENTERPRISE(   "Enterprise", 60, 3.0, 0.008, 1.00, 0.20, 0.15, 0.70, 0.15, 0.90, 0.60, 0.62, 0.010, 7),
  MID_MARKET(   "Mid-Market", 250, 14.5, 0.013, 1.00, 0.50, 0.50, 0.50, 0.00, 0.35, 0.30, 0.58, 0.015, 5),
  SMB(          "SMB", 940, 60, 0.018, 0.30, 0.75, 0.70, 0.30, 0.00, 0.12, 0.12, 0.55, 0.030, 3),
  SELF_SERVE(   "Self-Serve", 950, 67, 0.024, 0.00, 0.85, 0.80, 0.20, 0.00, 0.04, 0.05, 0.50, 0.050, 2);

  final String segment;
  final double initial;
  final double arrivalsPerMonth;
  final double churnPerMonth;
  final double salesLed;
  final double trial;
  final double monthly;
  final double yearly;
  final double quarterly;
  final double joinsPerWeek;
  final double ticketsPerWeek;
  final double health;
  final double paymentFailure;
  final int features;

  Tier(String segment, double initial, double arrivalsPerMonth, double churnPerMonth, double salesLed, double trial,
       double monthly, double yearly, double quarterly, double joinsPerWeek, double ticketsPerWeek, double health,
       double paymentFailure, int features) {
    this.segment = segment;
    this.initial = initial;
    this.arrivalsPerMonth = arrivalsPerMonth;
    this.churnPerMonth = churnPerMonth;
    this.salesLed = salesLed;
    this.trial = trial;
    this.monthly = monthly;
    this.yearly = yearly;
    this.quarterly = quarterly;
    this.joinsPerWeek = joinsPerWeek;
    this.ticketsPerWeek = ticketsPerWeek;
    this.health = health;
    this.paymentFailure = paymentFailure;
    this.features = features;
  }

  /** A target MRR in USD for a new workspace of this tier (seats are derived from it). */
  double targetMrrUsd(SplittableRandom r) {
    double z = gaussian(r);
    return switch (this) {
      case ENTERPRISE -> Math.min(20_000, 5_000 + 700 * StrictMath.exp(0.7 * z));
      case MID_MARKET -> Math.min(4_800, 1_001 + 15 * StrictMath.exp(0.9 * z));
      case SMB -> Math.min(950, 200.5 + 10 * StrictMath.exp(0.9 * z));
      case SELF_SERVE -> Math.max(10, Math.min(185, 17 * StrictMath.exp(0.6 * z)));
    };
  }

  /** The segment of a workspace MRR per METRICS.md (Enterprise >= 5,000; Mid-Market >= 1,000; SMB >= 200). */
  static String segmentOf(java.math.BigDecimal mrrUsd) {
    if (mrrUsd.compareTo(java.math.BigDecimal.valueOf(5000)) >= 0) {
      return ENTERPRISE.segment;
    }
    if (mrrUsd.compareTo(java.math.BigDecimal.valueOf(1000)) >= 0) {
      return MID_MARKET.segment;
    }
    if (mrrUsd.compareTo(java.math.BigDecimal.valueOf(200)) >= 0) {
      return SMB.segment;
    }
    return SELF_SERVE.segment;
  }

  static double gaussian(SplittableRandom r) {
    // Box-Muller (one value): deterministic for a given random stream.
    double u1 = Math.max(1e-12, r.nextDouble());
    double u2 = r.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
  }

  static int poisson(SplittableRandom r, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return (int) Math.max(0, Math.round(mean + StrictMath.sqrt(mean) * gaussian(r)));
    }
    double l = StrictMath.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= r.nextDouble();
    } while (p > l);
    return k - 1;
  }
}
