package io.profitos.lakehouse.demo;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated company: plans every workspace (initial customers, paying arrivals, failed trials,
 * free signups), simulates each one on its own seeded random stream, then the sales funnel around
 * the planned wins. Holds what the CSV exports need afterwards (daily active users, leads and
 * signups per month, the truth).
 */
final class Business {
  static final int PAID = 0;
  static final int TRIAL_FAIL = 1;
  static final int FREE = 2;

  /** One planned workspace. */
  record WsPlan(long seq, int kind, Tier tier, long createdSec, long subSec, boolean trial, boolean salesLed,
                boolean anchor, boolean initial, boolean preFree) {}

  final DemoSpec spec;
  final DemoCalendar cal;
  final long seed;
  final double scale;
  final JsonLanding sink;
  final JsonBytes json = new JsonBytes();
  final Catalog catalog;
  final Fx fx;
  final TruthBuilder truth;
  /** The generator's churn hazards and lead conversion probabilities (never landed). */
  final Oracle oracle = new Oracle();
  Sales sales;
  /** Schema drift and type change dates (inside the daily window). */
  final long customerDriftSec;
  final long accountDriftSec;
  final long typeChangeSec;
  /** Expected daily active users per history day (drives AWS cost). */
  final double[] dau;
  /** Self-serve signups per history month and channel (drives marketing spend). */
  final long[][] signups;
  final List<Activity> activity = new ArrayList<>();
  final List<Sales.DealSeed> dealSeeds = new ArrayList<>();
  long nCustomer;
  long nSub;
  long nInvoice;
  long nItem;
  long nUser;
  long nTicket;
  long workspaces;
  /** New subscriptions billed weekly and daily, and annual ones with an amount-off coupon, so far. */
  int weeklySubs;
  int quarterlySubs;
  int dailySubs;
  int annualAmountOff;

  Business(DemoSpec spec, DemoCalendar cal, JsonLanding sink) {
    this.spec = spec;
    this.cal = cal;
    this.seed = spec.seed();
    this.scale = spec.scale();
    this.sink = sink;
    this.catalog = new Catalog(seed, cal);
    this.fx = new Fx(seed, cal);
    this.truth = new TruthBuilder(cal);
    long span = Math.max(1, spec.dailyDays());
    this.customerDriftSec = DemoCalendar.daySec(cal.backfillDate.plusDays(Math.max(1, span / 2)));
    this.accountDriftSec = DemoCalendar.daySec(cal.backfillDate.plusDays(Math.max(1, span / 4)));
    this.typeChangeSec = DemoCalendar.daySec(cal.backfillDate.plusDays(Math.max(1, span / 3)));
    this.dau = new double[cal.historyDays];
    this.signups = new long[cal.months.size() + 2][Catalog.LEAD_SOURCES.length];
  }

  /** Product activity of one workspace over the event window (for Segment). */
  static final class Activity {
    int index;
    String workspaceId;
    String plan;
    int utcOffsetHours;
    byte[] features;
    int featureCount;
    float[] engagement;
    List<WorkspaceSim.User> users;
  }

  void run() {
    catalog.emitPrices(sink, json);
    sales = new Sales(this);
    List<WsPlan> plans = plan();
    workspaces = plans.size();
    for (int i = 0; i < plans.size(); i++) {
      new WorkspaceSim(this, plans.get(i), i).run();
      sink.endEntity();
    }
    sales.standalone(dealSeeds);
    sink.endEntity();
  }

  /** Every workspace of the history, ordered by creation. */
  List<WsPlan> plan() {
    SplittableRandom r = Ids.rng(seed, 0x91);
    List<WsPlan> out = new ArrayList<>();
    long hist = cal.historyStartSec;
    long seq = 0;
    int[] anchors = {1, 1, 2, 2};
    for (Tier tier : Tier.values()) {
      long n0 = Math.max(anchors[tier.ordinal()], Math.round(tier.initial * scale));
      for (int i = 0; i < n0; i++) {
        long sub = boundarySnap(r, hist - (long) ((20 + r.nextDouble() * 980) * DemoCalendar.DAY), false);
        boolean trial = r.nextDouble() < tier.trial;
        boolean salesLed = i == 0 && tier == Tier.SMB || r.nextDouble() < tier.salesLed;
        boolean preFree = !salesLed && r.nextDouble() < 0.2;
        long created = sub - (preFree ? (long) ((10 + r.nextDouble() * 290) * DemoCalendar.DAY) : 60 + r.nextInt(3000));
        out.add(new WsPlan(seq++, PAID, tier, created, sub, trial, salesLed, i < anchors[tier.ordinal()], true,
            preFree));
        if (salesLed) {
          dealSeeds.add(new Sales.DealSeed(tier, trial ? sub + 14 * DemoCalendar.DAY : sub, false, Catalog.country(r)));
        }
      }
      double perDay = tier.arrivalsPerMonth * scale * 12 / 365.25;
      double phase = r.nextDouble();
      double horizon = cal.historyDays + (tier.salesLed > 0 ? 120 : 0);
      for (int k = 0; ; k++) {
        double day = (k + phase + (r.nextDouble() - 0.5) * 0.4) / perDay;
        if (day >= horizon) {
          break;
        }
        day = Math.max(0, day);
        long sub = boundarySnap(r, DemoCalendar.safe(hist + (long) (day * DemoCalendar.DAY)), true);
        boolean trial = r.nextDouble() < tier.trial;
        boolean salesLed = r.nextDouble() < tier.salesLed;
        long close = trial ? sub + 14 * DemoCalendar.DAY : sub;
        if (sub >= cal.endSec) {
          if (salesLed) {
            dealSeeds.add(new Sales.DealSeed(tier, close, true, Catalog.country(r)));
          }
          continue;
        }
        boolean preFree = !salesLed && r.nextDouble() < 0.2;
        long created = sub - (preFree ? (long) ((10 + r.nextDouble() * 190) * DemoCalendar.DAY) : 60 + r.nextInt(3000));
        out.add(new WsPlan(seq++, PAID, tier, created, sub, trial, salesLed, false, false, preFree));
        if (salesLed) {
          dealSeeds.add(new Sales.DealSeed(tier, close, close >= cal.endSec, Catalog.country(r)));
        }
      }
      // Trials that never convert: about 1.3 per converting self-serve trial.
      double failPerDay = perDay * tier.trial * ((1 - tier.salesLed) * 1.3 + tier.salesLed * 0.4);
      double failPhase = r.nextDouble();
      for (int k = 0; failPerDay > 0; k++) {
        double day = (k + failPhase) / failPerDay;
        if (day >= cal.historyDays) {
          break;
        }
        long sub = boundarySnap(r, DemoCalendar.safe(hist + (long) (day * DemoCalendar.DAY)), true);
        boolean preFree = r.nextDouble() < 0.15;
        long created = sub - (preFree ? (long) ((10 + r.nextDouble() * 190) * DemoCalendar.DAY) : 60 + r.nextInt(3000));
        out.add(new WsPlan(seq++, TRIAL_FAIL, tier, created, sub, true, false, false, false, preFree));
      }
    }
    long free0 = Math.max(3, Math.round(900 * scale));
    for (int i = 0; i < free0; i++) {
      long created = DemoCalendar.safe(hist - (long) ((5 + r.nextDouble() * 1000) * DemoCalendar.DAY));
      out.add(new WsPlan(seq++, FREE, Tier.SELF_SERVE, created, 0, false, false, i == 0, true, false));
    }
    double freePerDay = 55 * scale * 12 / 365.25;
    double freePhase = r.nextDouble();
    for (int k = 0; ; k++) {
      double day = (k + freePhase) / freePerDay;
      if (day >= cal.historyDays) {
        break;
      }
      out.add(new WsPlan(seq++, FREE, Tier.SELF_SERVE, DemoCalendar.safe(hist + (long) (day * DemoCalendar.DAY)), 0,
          false, false, false, false, false));
    }
    out.sort(Comparator.comparingLong(WsPlan::createdSec).thenComparingLong(WsPlan::seq));
    return out;
  }

  /**
   * About 12% of subscriptions start on the first of a month before 07:00 UTC (contracts dated the
   * 1st, signed from EMEA): in Los Angeles local time they still belong to the previous month.
   */
  private static long boundarySnap(SplittableRandom r, long sec, boolean forward) {
    if (r.nextDouble() >= 0.12) {
      return DemoCalendar.safe(sec);
    }
    YearMonth m = DemoCalendar.monthOf(sec).plusMonths(forward && r.nextBoolean() ? 1 : 0);
    return DemoCalendar.monthStart(m) + 300 + r.nextInt(24_600);
  }

  int monthIndex(long sec) {
    return DemoCalendar.monthNumber(DemoCalendar.monthOf(sec))
        - DemoCalendar.monthNumber(YearMonth.from(cal.historyStart));
  }
}
