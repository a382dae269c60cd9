package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import io.profitos.lakehouse.demo.Billing.Discount;
import io.profitos.lakehouse.demo.Billing.Invoice;
import io.profitos.lakehouse.demo.Billing.Item;
import io.profitos.lakehouse.demo.Billing.Sub;
import io.profitos.lakehouse.demo.Catalog.Coupon;
import io.profitos.lakehouse.demo.Catalog.Plan;
import io.profitos.lakehouse.demo.Catalog.Price;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One workspace's life as a discrete-event simulation on its own random stream: users joining and
 * leaving, engagement drifting, support tickets, a Stripe customer and subscriptions (trial,
 * renewals, past-due episodes, seat and plan changes with prorations, coupons, pauses, cancels,
 * reactivation) and the Salesforce account of a sales-led workspace. Every change is written as a
 * new version of the whole source record by {@link SourceRecords}; the month-end MRR truth comes
 * from {@link MrrTruth} over the simulation's own state.
 */
final class WorkspaceSim {
  private static final int WEEK = 0;
  private static final int MONTH_END = 1;
  private static final int AS_OF = 2;
  private static final int SUB_CREATE = 3;
  private static final int TRIAL_END = 4;
  private static final int RENEWAL = 5;
  private static final int RETRY = 6;
  private static final int UNPAID_END = 7;
  private static final int DISCOUNT_END = 8;
  private static final int CANCEL = 9;
  private static final int CANCEL_REVERT = 10;
  private static final int SEAT_UP = 11;
  private static final int PLAN_UP = 12;
  private static final int PAUSE = 13;
  private static final int PAUSE_END = 14;
  private static final int REACTIVATE = 15;
  private static final int CUSTOMER_DELETE = 16;
  private static final int FORCED_TOUCH = 17;
  private static final int MANUAL_INVOICE = 18;

  private static final long DAY = DemoCalendar.DAY;
  /** Shares of new self-serve subscriptions billed weekly and daily. */
  private static final double WEEKLY_SHARE = 0.05;
  private static final double DAILY_SHARE = 0.03;
  private static final long WEEK_SEC = 7 * DAY;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final MathContext MC = MathContext.DECIMAL128;
  /** Calibrates the weekly churn hazard so realised logo churn matches the tiers' monthly rates. */
  private static final double CHURN_CALIBRATION = 1.3;

  /** A product user. */
  static final class User {
    long n;
    String id;
    long created;
    long deleted = Long.MAX_VALUE;
    float propensity;
    String role;
    String email;
    String name;
    boolean nullIp;
    /** Cached Segment line fragments (user and context parts), built on first use. */
    byte[][] segmentParts;
  }

  private static final class Ev {
    final long t;
    final long seq;
    final int type;
    final int serial;
    final int token;
    final long arg;

    Ev(long t, long seq, int type, int serial, int token, long arg) {
      this.t = t;
      this.seq = seq;
      this.type = type;
      this.serial = serial;
      this.token = token;
      this.arg = arg;
    }
  }

  final Business b;
  final Business.WsPlan p;
  final int index;
  private final SplittableRandom r;
  private final PriorityQueue<Ev> queue = new PriorityQueue<>((x, y) -> x.t != y.t ? Long.compare(x.t, y.t)
      : Long.compare(x.seq, y.seq));
  private long seq;

  final String workspaceId;
  final Catalog.Country country;
  final String currency;
  final Sales.Company company;
  String plan;
  int seats;
  boolean cancelled;
  Long cancelledAt;
  private boolean deleted;
  long wsUpdated = Long.MIN_VALUE;
  final boolean nullRegion;
  private double engagement;
  private double health;
  private final double pain;
  private long lastBlocked = Long.MIN_VALUE;
  final List<User> users = new ArrayList<>();
  private int alive;
  private int featureCount;
  private final byte[] features;
  private float[] eventEngagement;

  String customerId;
  long customerCreated;
  long customerUpdated = Long.MIN_VALUE;
  boolean customerDeleted;
  String paymentMethod;
  final boolean nullCustomerName;
  Sub sub;
  private Sub lastSub;
  private Sales.Account account;
  private long paidSince = Long.MAX_VALUE;
  private final List<long[]> tickets = new ArrayList<>(); // time, kind (0 rated good,1 rated bad,2 urgent)
  private boolean forcedCritical;
  private boolean forcedFuture;

  private final SourceRecords records = new SourceRecords(this);

  WorkspaceSim(Business b, Business.WsPlan p, int index) {
    this.b = b;
    this.p = p;
    this.index = index;
    this.r = Ids.rng(b.seed, 0x57, index);
    this.workspaceId = Ids.plain("ws_", b.seed, 0x57, index);
    this.country = Catalog.country(r);
    this.currency = country.currency();
    this.company = Sales.company(r, p.tier(), country, index);
    this.nullRegion = r.nextDouble() < 0.01;
    this.nullCustomerName = r.nextDouble() < 0.01;
    double h = switch (p.kind()) {
      case Business.PAID -> p.tier().health + 0.15 * Tier.gaussian(r);
      case Business.TRIAL_FAIL -> 0.28 + 0.1 * Tier.gaussian(r);
      default -> 0.18 + 0.1 * Tier.gaussian(r);
    };
    this.health = clamp(h, 0.05, 0.95);
    this.engagement = health;
    this.pain = Math.min(0.95, -StrictMath.log(Math.max(1e-9, r.nextDouble())) * 0.2);
    this.features = new byte[Catalog.FEATURES.length];
    for (int i = 0; i < features.length; i++) {
      features[i] = (byte) i;
    }
    for (int i = features.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      byte t = features[i];
      features[i] = features[j];
      features[j] = t;
    }
    this.featureCount = p.kind() == Business.FREE ? 1 + r.nextInt(2)
        : Math.max(1, Math.min(features.length, p.tier().features + r.nextInt(3) - 1));
  }

  // ------------------------------------------------------------------------------------------
  // driver

  void run() {
    long created = p.createdSec();
    // A few old free workspaces are still on the retired "starter" plan (an enum value nobody lists).
    plan = p.kind() == Business.FREE && p.initial() && (p.anchor() || r.nextDouble() < 0.05) ? "starter" : "free";
    seats = 5;
    addUser(created, "owner");
    wsVersion(created);
    countSignup(created);
    assignExperiments(created);
    long firstWeek = Math.max(created, b.cal.historyStartSec) + (long) (r.nextDouble() * WEEK_SEC);
    schedule(DemoCalendar.safe(firstWeek), WEEK, 0, 0, 0);
    if (p.kind() != Business.FREE) {
      schedule(p.subSec(), SUB_CREATE, 0, 0, 0);
      for (int i = 0; i < b.cal.months.size(); i++) {
        long t = DemoCalendar.monthEndInstant(b.cal.months.get(i));
        if (t >= p.subSec()) {
          schedule(t, MONTH_END, 0, 0, i);
        }
      }
      schedule(b.cal.endSec - 1, AS_OF, 0, 0, 0);
    }
    if (p.anchor()) {
      schedule(b.customerDriftSec + DAY + 10 * 3600, FORCED_TOUCH, 0, 0, 0);
      if (p.tier() == Tier.ENTERPRISE) {
        schedule(b.cal.historyStartSec + 100 * DAY + 11 * 3600, MANUAL_INVOICE, 0, 0, 1);
        schedule(b.cal.historyStartSec + 101 * DAY + 11 * 3600, MANUAL_INVOICE, 0, 0, 2);
      }
      if (p.tier() == Tier.SMB && p.salesLed()) {
        schedule(b.cal.historyStartSec + 300 * DAY + 13 * 3600, PAUSE, 0, 0, 1);
      }
    }
    while (!queue.isEmpty()) {
      Ev ev = queue.poll();
      if (ev.t >= b.cal.endSec || deleted) {
        break;
      }
      handle(ev);
    }
    finish();
  }

  private void schedule(long t, int type, int serial, int token, long arg) {
    if (t < b.cal.endSec) {
      queue.add(new Ev(t, seq++, type, serial, token, arg));
    }
  }

  private boolean current(Ev ev) {
    return sub != null && ev.serial == sub.serial && ev.token == sub.token;
  }

  private void handle(Ev ev) {
    switch (ev.type) {
      case WEEK -> week(ev.t);
      case MONTH_END -> {
        BigDecimal mrr = mrrUsd(ev.t, DemoCalendar.dateOf(ev.t));
        b.truth.monthEnd((int) ev.arg, mrr);
        if (mrr.signum() > 0) {
          b.oracle.churn(workspaceId, DemoCalendar.dateOf(ev.t), churnHazard(ev.t));
        }
      }
      case AS_OF -> b.truth.asOf(mrrUsd(ev.t, b.cal.asOf));
      case SUB_CREATE -> createSubscription(ev.t, false);
      case TRIAL_END -> {
        if (current(ev)) {
          trialEnd(ev.t);
        }
      }
      case RENEWAL -> {
        if (current(ev)) {
          renewal(ev.t);
        }
      }
      case RETRY -> {
        if (current(ev)) {
          retry(ev.t, (int) ev.arg);
        }
      }
      case UNPAID_END -> {
        if (current(ev) && "unpaid".equals(sub.status)) {
          endSubscription(ev.t);
        }
      }
      case DISCOUNT_END -> {
        if (sub != null && ev.serial == sub.serial && sub.discount != null && sub.discount.serial == ev.arg
            && sub.endedAt == null) {
          sub.discount = null;
          subVersion(ev.t, true);
        }
      }
      case CANCEL -> {
        if (sub != null && ev.serial == sub.serial) {
          cancel(ev.t);
        }
      }
      case CANCEL_REVERT -> {
        if (sub != null && ev.serial == sub.serial && sub.cancelAtPeriodEnd && sub.endedAt == null) {
          sub.cancelAtPeriodEnd = false;
          sub.cancelAt = null;
          sub.canceledAt = null;
          subVersion(ev.t, true);
        }
      }
      case SEAT_UP -> {
        if (sub != null && ev.serial == sub.serial) {
          seatUp(ev.t, (int) ev.arg);
        }
      }
      case PLAN_UP -> {
        if (sub != null && ev.serial == sub.serial) {
          planUp(ev.t, Plan.values()[(int) ev.arg]);
        }
      }
      case PAUSE -> pause(ev.t);
      case PAUSE_END -> {
        if (current(ev) && "paused".equals(sub.status)) {
          resume(ev.t);
        }
      }
      case REACTIVATE -> reactivate(ev.t);
      case CUSTOMER_DELETE -> {
        if (customerId != null && (sub == null || sub.endedAt != null)) {
          customerDeleted = true;
          customerVersion(ev.t);
        }
      }
      case FORCED_TOUCH -> forcedTouch(ev.t);
      case MANUAL_INVOICE -> manualInvoice(ev.t, (int) ev.arg);
      default -> throw new IllegalStateException("event " + ev.type);
    }
  }

  // ------------------------------------------------------------------------------------------
  // weekly behaviour

  private void week(long t) {
    boolean paying = sub != null && sub.paidState() && sub.endedAt == null;
    boolean trialing = sub != null && "trialing".equals(sub.status);
    engagement = clamp(engagement + 0.12 * (health - engagement) + 0.04 * Tier.gaussian(r), 0.02, 0.98);
    double shock = r.nextDouble();
    if (shock < 0.006) {
      health *= 0.3 + 0.4 * r.nextDouble();
    } else if (shock < 0.012) {
      health = Math.min(0.95, health + 0.05 + 0.2 * r.nextDouble());
    }
    if (p.kind() == Business.TRIAL_FAIL && !trialing) {
      health = Math.min(health, 0.2);
    }
    double effective = cancelled ? 0 : engagement;
    recordEngagement(t, t + WEEK_SEC, (float) effective);
    int day0 = b.cal.dayIndex(t);
    for (int d = 0; d < 7; d++) {
      int day = day0 + d;
      if (day >= 0 && day < b.dau.length) {
        b.dau[day] += alive * effective * 0.55;
      }
    }
    // users
    double joins;
    if (cancelled) {
      joins = 0;
    } else if (trialing) {
      joins = p.kind() == Business.PAID ? 0.6 + 0.02 * seats : 0.15;
    } else if (paying) {
      joins = 0.0035 * seats * (0.4 + engagement) + 0.008;
    } else {
      joins = 0.01;
    }
    int nJoin = Tier.poisson(r, joins);
    for (int i = 0; i < nJoin; i++) {
      long tj = DemoCalendar.safe(t + (long) (r.nextDouble() * WEEK_SEC));
      if (alive < seats) {
        addUser(tj, null);
      } else {
        lastBlocked = Math.max(lastBlocked, tj);
      }
    }
    double leave = cancelled ? 0.01 : 0.0035 * (1.6 - engagement);
    for (int i = 1; i < users.size(); i++) {
      User u = users.get(i);
      if (u.deleted == Long.MAX_VALUE && r.nextDouble() < leave) {
        u.deleted = DemoCalendar.safe(t + (long) (r.nextDouble() * WEEK_SEC));
        alive--;
        userVersion(u, u.deleted);
      }
    }
    if (r.nextDouble() < 0.01 && featureCount < features.length && engagement > 0.5) {
      featureCount++;
    }
    // support
    boolean blocked = lastBlocked > t - 28 * DAY;
    double ticketRate = p.tier().ticketsPerWeek * (0.5 + 2.5 * pain) * (blocked ? 1.5 : 1)
        * (paying || trialing ? 1 : 0.1);
    int nTickets = Tier.poisson(r, ticketRate);
    for (int i = 0; i < nTickets; i++) {
      ticket(DemoCalendar.safe(t + (long) (r.nextDouble() * WEEK_SEC)), blocked);
    }
    // commercial decisions
    if (paying && !sub.cancelAtPeriodEnd) {
      double u1 = r.nextDouble();
      double u2 = r.nextDouble();
      double u3 = r.nextDouble();
      double u4 = r.nextDouble();
      long at = DemoCalendar.safe(t + (long) ((0.1 + 6.8 * r.nextDouble()) * DAY));
      if ((blocked && u1 < 0.25) || (alive >= 0.9 * seats && u1 < 0.03)) {
        int more = Math.max(1, (int) Math.round(seats * (0.05 + 0.15 * r.nextDouble())));
        schedule(at, SEAT_UP, sub.serial, 0, seats + more);
      } else if (alive < 0.5 * seats && u1 < 0.012 && !p.anchor()) {
        sub.pendingSeats = Math.max(1, alive + (int) Math.ceil(0.2 * alive));
      }
      Plan current = sub.main().price.plan();
      if (current == Plan.TEAM && u2 < 0.0008 * (engagement > 0.6 ? 2 : 1)) {
        schedule(DemoCalendar.safe(at + 3600), PLAN_UP, sub.serial, 0, Plan.BUSINESS.ordinal());
      } else if (current == Plan.BUSINESS && seats >= 80 && u2 < 0.0005) {
        schedule(DemoCalendar.safe(at + 3600), PLAN_UP, sub.serial, 0, Plan.ENTERPRISE.ordinal());
      } else if (current == Plan.BUSINESS && engagement < 0.3 && u2 < 0.004 && !p.anchor()) {
        sub.pendingPlan = Plan.TEAM;
      }
      if (sub.isMonthly() && engagement > 0.6 && u3 < 0.002) {
        sub.pendingAnnual = true;
      }
      if (!p.anchor() && t - paidSince > 30 * DAY) {
        double hazard = churnHazard(t);
        if (u4 < hazard) {
          schedule(DemoCalendar.safe(t + (long) (r.nextDouble() * WEEK_SEC)), CANCEL, sub.serial, 0, 0);
        } else if (sub.isMonthly() && u4 > 1 - 0.0005) {
          schedule(DemoCalendar.safe(at + 7200), PAUSE, sub.serial, 0, 0);
        }
      }
    }
    if (p.kind() != Business.PAID && !trialing && engagement < 0.08 && r.nextDouble() < 0.002
        && (sub == null || sub.endedAt != null)) {
      deleteWorkspace(DemoCalendar.safe(t + (long) (r.nextDouble() * WEEK_SEC)));
      return;
    }
    schedule(t + WEEK_SEC, WEEK, 0, 0, 0);
  }

  /** The weekly probability that a paying workspace cancels at {@code t} (0 for anchors and the first 30 paid days). */
  private double churnHazard(long t) {
    if (p.anchor() || t - paidSince <= 30 * DAY) {
      return 0;
    }
    return p.tier().churnPerMonth / 4.345 * StrictMath.exp(2.5 * (p.tier().health - engagement)) * painMultiplier(t)
        * CHURN_CALIBRATION;
  }

  private double painMultiplier(long t) {
    int bad = 0;
    int rated = 0;
    int urgent = 0;
    for (long[] tk : tickets) {
      if (tk[0] <= t && tk[0] > t - 90 * DAY) {
        if (tk[1] == 2) {
          urgent++;
        } else {
          rated++;
          if (tk[1] == 1) {
            bad++;
          }
        }
      }
    }
    return 1 + 1.5 * bad / (rated + 2.0) + 0.15 * Math.min(4, urgent);
  }

  private void recordEngagement(long from, long to, float value) {
    long first = DemoCalendar.daySec(b.cal.firstEventDay);
    if (to <= first) {
      return;
    }
    if (eventEngagement == null) {
      eventEngagement = new float[(int) ((b.cal.endSec - first) / DAY)];
    }
    int d0 = (int) Math.max(0, Math.floorDiv(from - first, DAY));
    int d1 = (int) Math.min(eventEngagement.length, Math.floorDiv(to - first, DAY) + 1);
    for (int d = d0; d < d1; d++) {
      eventEngagement[d] = value;
    }
  }

  // ------------------------------------------------------------------------------------------
  // subscriptions

  private void createSubscription(long t, boolean reactivation) {
    if (customerId == null) {
      customerId = Ids.stripe("cus", b.seed, 0xC0, ++b.nCustomer);
      customerCreated = t;
      paymentMethod = Ids.stripe("pm", b.seed, 0xC1, b.nCustomer * 8);
      customerVersion(t);
    }
    Tier tier = p.tier();
    boolean trialFail = p.kind() == Business.TRIAL_FAIL;
    boolean trial = !reactivation && p.trial();
    Plan planChoice;
    String interval = "month";
    int count = 1;
    if (reactivation && lastSub != null) {
      planChoice = lastSub.main().price.plan();
    } else {
      planChoice = switch (tier) {
        case ENTERPRISE -> Plan.ENTERPRISE;
        case MID_MARKET -> r.nextDouble() < 0.7 ? Plan.BUSINESS : Plan.ENTERPRISE;
        case SMB -> r.nextDouble() < 0.55 ? Plan.BUSINESS : Plan.TEAM;
        default -> Plan.TEAM;
      };
      double u = r.nextDouble();
      if (u < tier.yearly) {
        interval = "year";
      } else if (u < tier.yearly + tier.quarterly) {
        count = 3;
      } else if (planChoice == Plan.BUSINESS && b.quarterlySubs == 0) {
        // The first Business subscription bills every three months (enterprise tiers also choose quarterly).
        count = 3;
        b.quarterlySubs++;
      } else if (tier == Tier.SELF_SERVE && (b.weeklySubs == 0 || u >= 1 - WEEKLY_SHARE)) {
        // Some self-serve teams pay by the week or by the day; the first new ones always do, so
        // every scale has both cadences (the truth test covers every billing interval).
        interval = "week";
        b.weeklySubs++;
      } else if (tier == Tier.SELF_SERVE && (b.dailySubs == 0 || u >= 1 - WEEKLY_SHARE - DAILY_SHARE)) {
        interval = "day";
        b.dailySubs++;
      }
    }
    Price price = b.catalog.price(planChoice, currency, interval, count, t);
    Coupon coupon = reactivation ? null : chooseCoupon(tier, trialFail, price);
    double target = (reactivation && lastSub != null ? lastMrrCurrency() * (0.6 + 0.4 * r.nextDouble())
        : tier.targetMrrUsd(r) / b.fx.approx(currency));
    boolean addon = !reactivation && !trialFail && (tier == Tier.ENTERPRISE && r.nextDouble() < 0.4
        || tier == Tier.MID_MARKET && r.nextDouble() < 0.1);
    Price addonPrice = addon ? b.catalog.price(Plan.SSO_ADDON, currency, interval, count, t) : null;
    double perSeat = price.monthlyMajor();
    double factor = coupon != null && coupon.percentOff() != null && !coupon.once()
        ? 1 - coupon.percentOff().doubleValue() / 100 : 1;
    double addonMonthly = addon ? addonPrice.monthlyMajor() : 0;
    if (addon && target / factor < 3 * addonMonthly) {
      addon = false;
      addonMonthly = 0;
      addonPrice = null;
    }
    int qty = (int) Math.max(1, Math.ceil((target / factor - addonMonthly) / perSeat));
    if (tier == Tier.SELF_SERVE && !reactivation) {
      qty = Math.min(qty, 13);
    }
    if (trialFail) {
      qty = 1 + r.nextInt(5);
    }
    Sub s = new Sub();
    s.serial = (lastSub == null ? 0 : lastSub.serial) + 1;
    s.id = Ids.stripe("sub", b.seed, 0x5B, ++b.nSub);
    s.currency = currency;
    s.created = t;
    Item item = new Item();
    item.id = Ids.stripe("si", b.seed, 0x51, ++b.nItem);
    item.price = price;
    item.quantity = qty;
    s.items.add(item);
    if (addonPrice != null) {
      Item a = new Item();
      a.id = Ids.stripe("si", b.seed, 0x51, ++b.nItem);
      a.price = addonPrice;
      a.quantity = 1;
      s.items.add(a);
    }
    if (coupon != null) {
      s.discount = newDiscount(s, coupon, t);
    }
    sub = s;
    lastSub = s;
    b.truth.subscriptions++;
    YearMonth startMonth = DemoCalendar.monthOf(t);
    if (t - DemoCalendar.monthStart(startMonth) < 8 * 3600
        || DemoCalendar.monthStart(startMonth.plusMonths(1)) - t < 8 * 3600) {
      b.truth.tzBoundary++;
    }
    if (!DemoCalendar.laMonth(t).equals(DemoCalendar.monthOf(t))) {
      b.truth.tzMisaligned++;
    }
    seats = qty;
    plan = planChoice.label;
    cancelled = false;
    cancelledAt = null;
    if (trial) {
      s.status = "trialing";
      s.trialStart = t;
      s.trialEnd = t + 14 * DAY;
      s.periodStart = t;
      s.periodEnd = s.trialEnd;
      subVersion(t, true);
      wsVersion(t + 1);
      invoice(s, t + 2, "subscription_create", true, s.periodStart, s.periodEnd, false);
      schedule(s.trialEnd, TRIAL_END, s.serial, s.token, 0);
      if (trialFail && tier.ordinal() <= Tier.SMB.ordinal() && r.nextDouble() < 0.3) {
        Sales.LeadX x = Sales.leadFeatures(r, tier, company, false);
        long created = t + (long) ((0.1 + 2 * r.nextDouble()) * DAY);
        Sales.Rep rep = b.sales.owner(tier, country.salesRegion(), created, r.nextLong());
        b.sales.lead(r, tier, company, x, workspaceId, created, 0, null, null, rep.id());
      }
    } else {
      boolean incomplete = tier == Tier.SELF_SERVE && !reactivation && r.nextDouble() < 0.08;
      s.periodStart = t;
      s.periodEnd = s.periodEnd(t);
      if (incomplete) {
        s.status = "incomplete";
        subVersion(t, true);
        s.status = "active";
        subVersion(DemoCalendar.safe(t + 60 + r.nextInt(1500)), true);
      } else {
        s.status = "active";
        subVersion(t, true);
      }
      paidSince = Math.min(paidSince, t);
      wsVersion(t + 1);
      firstInvoice(s, t + 2, "subscription_create");
      schedule(s.periodEnd, RENEWAL, s.serial, s.token, 0);
      if (p.salesLed() && !reactivation) {
        closeDeal(t);
      }
    }
    if (s.discount != null && s.discount.end != null) {
      schedule(s.discount.end, DISCOUNT_END, s.serial, 0, s.discount.serial);
    }
    int target0 = p.kind() == Business.PAID ? Math.max(1, (int) Math.round(qty * (0.55 + 0.35 * r.nextDouble())))
        : Math.min(qty, 1 + r.nextInt(3));
    long spreadEnd = p.initial() ? Math.max(t + DAY, Math.min(b.cal.historyStartSec, t + 300 * DAY)) : t + 10 * DAY;
    while (alive < target0) {
      addUser(DemoCalendar.safe(t + (long) (r.nextDouble() * (spreadEnd - t))), null);
    }
    if (p.salesLed() && !reactivation && p.kind() == Business.PAID && !trial && p.tier() != Tier.SMB
        && r.nextDouble() < 0.3) {
      schedule(t + DAY + 3600, MANUAL_INVOICE, 0, 0, 0);
    }
  }

  private Coupon chooseCoupon(Tier tier, boolean trialFail, Price price) {
    double u = r.nextDouble();
    boolean monthly = price.isMonthly();
    if (trialFail) {
      return u < 0.08 ? b.catalog.welcome50 : null;
    }
    return switch (tier) {
      case SELF_SERVE -> u < 0.08 ? b.catalog.welcome50 : u < 0.16 ? b.catalog.launch20
          : u < 0.20 && monthly ? b.catalog.amountOff(1000, currency, "repeating", 6) : null;
      case SMB -> !monthly && b.annualAmountOff == 0 ? annualAmountOff()
          : u < 0.08 ? b.catalog.launch20 : u < 0.13 ? b.catalog.partner15
          : u < 0.15 ? (monthly ? b.catalog.amountOff(2000, currency, "forever", null) : annualAmountOff())
          : u < 0.18 ? b.catalog.welcome50 : null;
      case MID_MARKET -> u < 0.30 ? b.catalog.deal(5 * (1 + r.nextInt(4))) : u < 0.36 ? b.catalog.ramp30 : null;
      case ENTERPRISE -> u < 0.55 ? b.catalog.deal(5 * (1 + r.nextInt(5))) : u < 0.65 ? b.catalog.ramp30 : null;
    };
  }

  /** 200 off every annual invoice, forever (the first annual SMB subscription always gets one). */
  private Coupon annualAmountOff() {
    b.annualAmountOff++;
    return b.catalog.amountOff(20_000, currency, "forever", null);
  }

  private Discount newDiscount(Sub s, Coupon c, long t) {
    Discount d = new Discount();
    d.coupon = c;
    d.start = t;
    d.end = "repeating".equals(c.duration()) ? DemoCalendar.plusMonths(t, c.durationInMonths()) : null;
    d.serial = ++s.discountSerial;
    return d;
  }

  private void trialEnd(long t) {
    if (p.kind() == Business.TRIAL_FAIL) {
      sub.status = "canceled";
      sub.canceledAt = t;
      sub.endedAt = t;
      subVersion(t, true);
      plan = "free";
      seats = 5;
      wsVersion(t + 1);
      return;
    }
    sub.status = "active";
    sub.periodStart = t;
    sub.periodEnd = sub.periodEnd(t);
    subVersion(t, true);
    paidSince = Math.min(paidSince, t);
    firstInvoice(sub, t + 2, "subscription_cycle");
    schedule(sub.periodEnd, RENEWAL, sub.serial, sub.token, 0);
    if (p.salesLed()) {
      closeDeal(t);
    }
  }

  /** The first paid invoice; a once coupon is consumed by it and removed from the subscription. */
  private void firstInvoice(Sub s, long t, String reason) {
    invoice(s, t, reason, false, s.periodStart, s.periodEnd, true);
    s.firstInvoiceDone = true;
    if (s.discount != null && s.discount.coupon.once()) {
      s.discount = null;
      subVersion(t + 3, true);
    }
  }

  private void closeDeal(long t) {
    BigDecimal mrr = mrrCurrency(sub, t + 10);
    BigDecimal pct = sub.discount != null && sub.discount.coupon.percentOff() != null
        && !sub.discount.coupon.once() ? sub.discount.coupon.percentOff() : null;
    account = b.sales.newBusiness(r, p.tier(), company, workspaceId, p.trial() ? sub.trialStart : null, t, true,
        mrr.multiply(BigDecimal.valueOf(12)).setScale(2, RoundingMode.HALF_UP), currency, pct);
  }

  private void renewal(long t) {
    Sub s = sub;
    if (s.cancelAtPeriodEnd) {
      endSubscription(t);
      return;
    }
    boolean changed = false;
    if (s.pendingPlan != null && s.pendingPlan != s.main().price.plan()) {
      s.main().price = b.catalog.priceLike(s.pendingPlan, currency, s.main().price, t);
      plan = s.pendingPlan.label;
      changed = true;
    }
    if (s.pendingAnnual && s.isMonthly()) {
      for (Item it : s.items) {
        it.price = b.catalog.price(it.price.plan(), currency, "year", 1, t);
      }
      if (s.discount != null && s.discount.coupon.amountOff() != null) {
        s.discount = null; // a monthly amount-off coupon does not carry over to the annual plan
      }
      changed = true;
    }
    if (s.pendingSeats > 0 && s.pendingSeats < s.main().quantity) {
      s.main().quantity = s.pendingSeats;
      seats = s.pendingSeats;
      changed = true;
    }
    s.pendingPlan = null;
    s.pendingAnnual = false;
    s.pendingSeats = -1;
    s.periodStart = t;
    s.periodEnd = s.periodEnd(t);
    subVersion(t, changed);
    if (changed) {
      wsVersion(t + 1);
    }
    boolean fail = t >= b.cal.historyStartSec && r.nextDouble() < p.tier().paymentFailure * (1.6 - engagement);
    invoice(s, t + 2, "subscription_cycle", false, s.periodStart, s.periodEnd, !fail);
    if (fail) {
      s.status = "past_due";
      subVersion(t + 3605, true);
      schedule(t + 3 * DAY, RETRY, s.serial, s.token, 1);
    }
    schedule(s.periodEnd, RENEWAL, s.serial, s.token, 0);
    if (account != null && s.main().price.interval().equals("year")) {
      b.sales.renewal(r, account, t - 90 * DAY, t, t, true, arr(s, t + 10), currency);
    }
  }

  private void retry(long t, int attempt) {
    Sub s = sub;
    if (!"past_due".equals(s.status) || s.openInvoice == null) {
      return;
    }
    Invoice inv = s.openInvoice;
    inv.attempts++;
    if (r.nextDouble() < 0.55) {
      inv.status = "paid";
      inv.paidAt = t;
      invoiceVersion(inv, t);
      s.openInvoice = null;
      s.status = "active";
      subVersion(t + 1, true);
      if (r.nextDouble() < 0.5) {
        paymentMethod = Ids.stripe("pm", b.seed, 0xC1, b.nCustomer * 8 + attempt + index * 16L);
        customerVersion(t + 2);
      }
    } else if (attempt < 3) {
      invoiceVersion(inv, t);
      schedule(t + 4 * DAY, RETRY, s.serial, s.token, attempt + 1);
    } else {
      inv.status = "uncollectible";
      invoiceVersion(inv, t);
      s.openInvoice = null;
      s.status = "unpaid";
      subVersion(t + 1, true);
      schedule(t + 7 * DAY, UNPAID_END, s.serial, s.token, 0);
    }
  }

  private void cancel(long t) {
    Sub s = sub;
    if (s.endedAt != null || s.cancelAtPeriodEnd || "trialing".equals(s.status) || "paused".equals(s.status)
        || "unpaid".equals(s.status)) {
      return;
    }
    if (s.discount == null && p.tier() != Tier.ENTERPRISE && r.nextDouble() < 0.2) {
      // A retention offer saves the customer for now.
      s.discount = newDiscount(s, b.catalog.save25, t);
      subVersion(t, true);
      schedule(s.discount.end, DISCOUNT_END, s.serial, 0, s.discount.serial);
      health = Math.min(0.95, health + 0.15);
      engagement = Math.min(0.98, engagement + 0.1);
      return;
    }
    boolean immediate = "past_due".equals(s.status) || s.isMonthly() && r.nextDouble() < 0.3;
    if (immediate) {
      s.canceledAt = t;
      endSubscription(t);
      return;
    }
    s.cancelAtPeriodEnd = true;
    s.canceledAt = t;
    s.cancelAt = s.periodEnd;
    subVersion(t, true);
    if (r.nextDouble() < 0.1 && s.periodEnd - t > 3 * DAY) {
      long revert = t + DAY + (long) (r.nextDouble() * Math.min(20 * DAY, s.periodEnd - t - 2 * DAY));
      schedule(DemoCalendar.safe(revert), CANCEL_REVERT, s.serial, 0, 0);
    }
    if (account != null && s.main().price.interval().equals("year")) {
      b.sales.renewal(r, account, Math.min(s.periodEnd - 90 * DAY, t - 7 * DAY), t, s.periodEnd, false, arr(s, t - 10),
          currency);
    }
  }

  private void endSubscription(long t) {
    Sub s = sub;
    s.status = "canceled";
    s.endedAt = t;
    if (s.canceledAt == null) {
      s.canceledAt = t;
    }
    s.token++;
    subVersion(t, true);
    cancelled = true;
    cancelledAt = t;
    wsVersion(t + 1);
    recordEngagement(t, b.cal.endSec, 0f);
    if (account != null) {
      account.type = "Former Customer";
      b.sales.accountVersion(account, t + 600);
    }
    if (p.kind() == Business.PAID && r.nextDouble() < 0.15 * (health > 0.45 ? 1.3 : 0.7)) {
      schedule(DemoCalendar.safe(t + (long) ((60 + 90 * r.nextDouble()) * DAY)), REACTIVATE, 0, 0, 0);
    } else if (r.nextDouble() < 0.1) {
      schedule(DemoCalendar.safe(t + (long) ((30 + 170 * r.nextDouble()) * DAY)), CUSTOMER_DELETE, 0, 0, 0);
    }
  }

  private void reactivate(long t) {
    if (sub != null && sub.endedAt == null || customerDeleted) {
      return;
    }
    health = Math.max(health, 0.5);
    engagement = Math.max(engagement, 0.5);
    createSubscription(t, true);
    recordEngagement(t, t + WEEK_SEC, (float) engagement);
    if (account != null) {
      account.type = "Customer";
      b.sales.accountVersion(account, t + 600);
    }
  }

  private void seatUp(long t, int newSeats) {
    Sub s = sub;
    boolean trialing = "trialing".equals(s.status);
    if (s.endedAt != null || s.cancelAtPeriodEnd || !(s.paidState() || trialing) || newSeats <= s.main().quantity) {
      return;
    }
    Item main = s.main();
    BigDecimal before = arr(s, t);
    int oldQty = main.quantity;
    main.quantity = newSeats;
    seats = newSeats;
    s.pendingSeats = -1;
    subVersion(t, true);
    wsVersion(t + 1);
    if (!trialing) {
      proration(s, t + 2, main.price, oldQty, main.price, newSeats);
      if (account != null) {
        b.sales.expansion(r, account, t, arr(s, t).subtract(before), currency);
      }
    }
  }

  private void planUp(long t, Plan to) {
    Sub s = sub;
    if (s.endedAt != null || s.cancelAtPeriodEnd || !s.paidState()) {
      return;
    }
    Item main = s.main();
    Price old = main.price;
    if (old.plan() == to) {
      return;
    }
    BigDecimal before = arr(s, t);
    main.price = b.catalog.priceLike(to, currency, old, t);
    plan = to.label;
    s.pendingPlan = null;
    subVersion(t, true);
    wsVersion(t + 1);
    proration(s, t + 2, old, main.quantity, main.price, main.quantity);
    if (account != null) {
      b.sales.expansion(r, account, t, arr(s, t).subtract(before), currency);
    }
  }

  private void pause(long t) {
    if (sub == null || !"active".equals(sub.status) || sub.cancelAtPeriodEnd || sub.endedAt != null
        || sub.trialEnd != null && t < sub.trialEnd) {
      return;
    }
    sub.status = "paused";
    sub.token++;
    subVersion(t, true);
    schedule(DemoCalendar.safe(t + (long) ((30 + 30 * r.nextDouble()) * DAY)), PAUSE_END, sub.serial, sub.token, 0);
  }

  private void resume(long t) {
    sub.status = "active";
    sub.periodStart = t;
    sub.periodEnd = sub.periodEnd(t);
    subVersion(t, true);
    invoice(sub, t + 2, "subscription_cycle", false, sub.periodStart, sub.periodEnd, true);
    schedule(sub.periodEnd, RENEWAL, sub.serial, sub.token, 0);
  }

  private void forcedTouch(long t) {
    // Anchors guarantee a few late versions so drift columns show up even at tiny scales.
    if (customerId != null && !customerDeleted) {
      paymentMethod = Ids.stripe("pm", b.seed, 0xC2, index);
      customerVersion(t);
    }
    if (account != null) {
      account.health = (int) Math.round(100 * engagement);
      b.sales.accountVersion(account, Math.max(t, b.accountDriftSec + DAY + 9 * 3600));
    }
  }

  /** The workspace's MRR in USD at {@code t}, at {@code fxDate}'s rate ({@link MrrTruth}). */
  private BigDecimal mrrUsd(long t, LocalDate fxDate) {
    return sub == null ? BigDecimal.ZERO : MrrTruth.usd(sub, t, b.fx.rate(sub.currency, fxDate));
  }

  /** Monthly amount in the subscription's currency (major units), ignoring status: for deal sizes. */
  private static BigDecimal mrrCurrency(Sub s, long t) {
    return MrrTruth.monthlyCents(s, t).divide(HUNDRED, MC);
  }

  private BigDecimal arr(Sub s, long t) {
    return mrrCurrency(s, t).multiply(BigDecimal.valueOf(12)).setScale(2, RoundingMode.HALF_UP);
  }

  private double lastMrrCurrency() {
    return mrrCurrency(lastSub, lastSub.periodStart).doubleValue();
  }

  // ------------------------------------------------------------------------------------------
  // invoices

  private void invoice(Sub s, long t, String reason, boolean zero, long ps, long pe, boolean paid) {
    if (t < b.cal.historyStartSec) {
      return; // invoices before the history are not part of the landing zone
    }
    Invoice inv = newInvoice(s.id, reason, t, ps, pe);
    Discount d = s.discount;
    boolean discountApplies = d != null && t >= d.start && (d.end == null || t < d.end)
        && (!d.coupon.once() || !s.firstInvoiceDone);
    long amountOffLeft = discountApplies && d.coupon.amountOff() != null ? d.coupon.amountOff() : 0;
    for (Item it : s.items) {
      long amount = zero ? 0 : it.price.unitAmount() * it.quantity;
      long disc = 0;
      if (!zero && discountApplies) {
        if (d.coupon.percentOff() != null) {
          disc = BigDecimal.valueOf(amount).multiply(d.coupon.percentOff()).divide(HUNDRED, 0, RoundingMode.HALF_UP)
              .longValue();
        } else {
          disc = Math.min(amount, amountOffLeft);
          amountOffLeft -= disc;
        }
      }
      inv.lines.add(new long[] {amount, ps, pe, 0, it.quantity, disc});
      inv.linePrices.add(it.price.id());
    }
    settle(s, inv, t, paid, zero);
  }

  private void proration(Sub s, long t, Price oldPrice, int oldQty, Price newPrice, int newQty) {
    if (t < b.cal.historyStartSec) {
      return;
    }
    double f = (double) (s.periodEnd - t) / Math.max(1, s.periodEnd - s.periodStart);
    f = clamp(f, 0, 1);
    long credit = -Math.round(oldPrice.unitAmount() * (long) oldQty * f);
    long charge = Math.round(newPrice.unitAmount() * (long) newQty * f);
    Invoice inv = newInvoice(s.id, "subscription_update", t, t, s.periodEnd);
    inv.lines.add(new long[] {credit, t, s.periodEnd, 1, oldQty, 0});
    inv.linePrices.add(oldPrice.id());
    inv.lines.add(new long[] {charge, t, s.periodEnd, 1, newQty, 0});
    inv.linePrices.add(newPrice.id());
    settle(s, inv, t, true, false);
  }

  private void manualInvoice(long t, int kind) {
    if (customerId == null || t < b.cal.historyStartSec) {
      return;
    }
    Invoice inv = newInvoice(sub == null ? null : sub.id, "manual", t, t, t);
    long amount = switch (kind) {
      case 1 -> -50_000; // a negative "credit" typed as an invoice
      case 2 -> 99_999_999_999L; // an absurd amount, left as draft
      default -> (p.tier() == Tier.ENTERPRISE ? 500_000 : 150_000) + 10_000L * r.nextInt(10);
    };
    inv.lines.add(new long[] {amount, t, t, 0, 1, 0});
    inv.linePrices.add(null);
    inv.subtotal = amount;
    inv.amountDue = amount;
    inv.negativeOrAbsurd = kind == 0 ? 0 : 1;
    if (kind == 1) {
      inv.status = "open";
      invoiceVersion(inv, t);
      inv.status = "void";
      invoiceVersion(inv, t + 3600);
    } else if (kind == 2) {
      inv.status = "draft";
      invoiceVersion(inv, t);
    } else {
      inv.status = "open";
      invoiceVersion(inv, t);
      inv.status = "paid";
      inv.paidAt = t + 2 * DAY;
      invoiceVersion(inv, inv.paidAt);
    }
  }

  private Invoice newInvoice(String subId, String reason, long t, long ps, long pe) {
    Invoice inv = new Invoice();
    inv.id = Ids.stripe("in", b.seed, 0x1A, ++b.nInvoice);
    inv.subId = subId;
    inv.reason = reason;
    inv.created = t;
    inv.periodStart = ps;
    inv.periodEnd = pe;
    inv.currency = currency;
    return inv;
  }

  private void settle(Sub s, Invoice inv, long t, boolean paid, boolean zero) {
    long subtotal = 0;
    long disc = 0;
    for (long[] l : inv.lines) {
      subtotal += l[0];
      disc += l[5];
    }
    inv.subtotal = subtotal;
    inv.discount = disc;
    inv.amountDue = subtotal - disc;
    inv.status = "open";
    inv.attempts = zero || inv.amountDue <= 0 ? 0 : 1;
    if (zero || inv.amountDue <= 0) {
      inv.status = "paid";
      inv.paidAt = t;
      invoiceVersion(inv, t);
      return;
    }
    invoiceVersion(inv, t);
    if (paid) {
      inv.status = "paid";
      inv.paidAt = t + 5 + r.nextInt(900);
      invoiceVersion(inv, inv.paidAt);
    } else {
      s.openInvoice = inv;
    }
  }

  // ------------------------------------------------------------------------------------------
  // users and tickets

  private void addUser(long t, String role) {
    User u = new User();
    u.n = ++b.nUser;
    u.id = Ids.plain("usr_", b.seed, 0x55, u.n);
    u.created = t;
    u.propensity = (float) (0.4 + 0.9 * r.nextDouble());
    u.role = role != null ? role : r.nextDouble() < 0.1 ? "admin" : r.nextDouble() < 0.9 ? "member" : "viewer";
    String first = Catalog.FIRST[r.nextInt(Catalog.FIRST.length)];
    String last = Catalog.LAST[r.nextInt(Catalog.LAST.length)];
    u.name = first + " " + last;
    u.email = Sales.ascii(first) + "." + Sales.ascii(last) + (u.n % 100) + "@" + company.domain();
    u.nullIp = r.nextDouble() < 0.02;
    users.add(u);
    alive++;
    userVersion(u, t);
  }

  static String ip(long seed, long userN) {
    long h = Ids.hash(seed, 0x1B, userN);
    int a = 11 + (int) Math.floorMod(h, 180L);
    if (a == 127 || a == 100 || a == 169 || a == 172) {
      a++;
    }
    return a + "." + ((h >>> 8) & 0xFF) + "." + ((h >>> 16) & 0xFF) + "." + (1 + ((h >>> 24) & 0xFD));
  }

  private void ticket(long t, boolean blocked) {
    long id = 10_000 + ++b.nTicket;
    double u = r.nextDouble();
    double urgentP = 0.06 + 0.15 * pain;
    boolean showcase = p.anchor() && p.tier() == Tier.ENTERPRISE;
    boolean forceCritical = showcase && !forcedCritical && t > b.cal.historyStartSec + 400 * DAY;
    boolean forceFuture = showcase && !forcedFuture && t > b.cal.historyStartSec + 500 * DAY;
    forcedCritical |= forceCritical;
    forcedFuture |= forceFuture;
    String priority = u < 0.005 || forceCritical ? "critical" : u < 0.005 + urgentP ? "urgent"
        : u < 0.25 + urgentP ? "high" : u < 0.75 ? "normal" : "low";
    String[] categories = {"seat_limit", "billing", "bug", "how_to", "performance", "sso", "export", "upgrade"};
    double[] weights = {blocked ? 3 : 0.2, sub != null && "past_due".equals(sub.status) ? 3 : 0.8, 1 + 3 * pain, 2,
        0.5 + 2 * pain, p.tier() == Tier.ENTERPRISE ? 1 : 0.1, 0.6, engagement > 0.6 ? 0.8 : 0.2};
    int cat = Catalog.pick(r, weights);
    String[] subjects = {"Cannot invite more users (seat limit reached)", "Question about our latest invoice",
        "Dashboard fails to load", "How do I schedule a report?", "Queries are very slow since yesterday",
        "SAML SSO setup with Okta", "CSV export times out", "Upgrade to a bigger plan?"};
    String subject = r.nextDouble() < 0.01 ? null : subjects[cat];
    String type = cat == 2 || cat == 4 ? "incident" : cat == 3 ? "question" : "task";
    double hours = switch (priority) {
      case "critical", "urgent" -> 3;
      case "high" -> 10;
      case "normal" -> 30;
      default -> 60;
    } * StrictMath.exp(0.7 * Tier.gaussian(r)) * (1 + pain);
    long open = t + (long) ((0.3 + 5.7 * r.nextDouble()) * 3600);
    long solved = Math.max(open + 600, t + (long) (hours * 3600));
    boolean pending = r.nextDouble() < 0.3;
    boolean unoffered = r.nextDouble() < 0.1;
    boolean responds = !unoffered && r.nextDouble() < 0.65;
    double badP = 0.06 + 0.45 * pain + ("urgent".equals(priority) ? 0.1 : 0) + (hours > 48 ? 0.05 : 0);
    boolean bad = r.nextDouble() < badP;
    long rated = solved + (long) ((1 + 71 * r.nextDouble()) * 3600);
    long closed = solved + 4 * DAY;
    boolean future = r.nextDouble() < 0.003 || forceFuture;
    // A solve date past the end of the history (a clock error in the source): in the future for any run date.
    long solvedShown = future ? Math.max(solved, b.cal.endSec) + 400 * DAY : solved;
    User requester = users.get(r.nextInt(users.size()));
    List<String> tags = new ArrayList<>();
    tags.add(categories[cat]);
    tags.add("plan_" + plan);
    if (p.tier() == Tier.ENTERPRISE && p.kind() == Business.PAID) {
      tags.add("vip");
    }
    ticketVersion(id, t, t, null, "new", priority, type, subject, requester, unoffered ? "unoffered" : "offered", tags,
        false);
    ticketVersion(id, t, open, null, "open", priority, type, subject, requester, unoffered ? "unoffered" : "offered",
        tags, false);
    if (pending) {
      ticketVersion(id, t, open + (solved - open) / 2, null, "pending", priority, type, subject, requester,
          unoffered ? "unoffered" : "offered", tags, false);
    }
    ticketVersion(id, t, solved, solvedShown, "solved", priority, type, subject, requester,
        unoffered ? "unoffered" : "offered", tags, future);
    String finalScore = unoffered ? "unoffered" : "offered";
    if (responds) {
      finalScore = bad ? "bad" : "good";
      ticketVersion(id, t, rated, solvedShown, "solved", priority, type, subject, requester, finalScore, tags, future);
      tickets.add(new long[] {rated, bad ? 1 : 0});
    }
    ticketVersion(id, t, Math.max(closed, rated + 60), solvedShown, "closed", priority, type, subject, requester,
        finalScore, tags, future);
    if ("urgent".equals(priority) || "critical".equals(priority)) {
      tickets.add(new long[] {t, 2});
    }
  }

  private void ticketVersion(long id, long created, long t, Long solvedAt, String status, String priority,
                             String type, String subject, User requester, String score, List<String> tags,
                             boolean future) {
    try {
      JsonGenerator g = b.json.begin();
      g.writeNumberField("id", id);
      g.writeStringField("url", "https://cloudflow.zendesk.com/api/v2/tickets/" + id + ".json");
      g.writeStringField("created_at", DemoCalendar.isoUtc(created));
      g.writeStringField("updated_at", DemoCalendar.isoUtc(t));
      JsonBytes.str(g, "solved_at", solvedAt == null ? null : DemoCalendar.isoUtc(solvedAt));
      g.writeStringField("status", status);
      g.writeStringField("priority", priority);
      g.writeStringField("type", type);
      JsonBytes.str(g, "subject", subject);
      g.writeNumberField("requester_id", 360_000_000_000L + requester.n);
      g.writeStringField("external_workspace_id", workspaceId);
      g.writeObjectFieldStart("satisfaction_rating");
      g.writeStringField("score", score);
      g.writeEndObject();
      g.writeArrayFieldStart("tags");
      for (String tag : tags) {
        g.writeString(tag);
      }
      g.writeEndArray();
      Rec rec = new Rec(LandingStream.ZENDESK_TICKETS, Long.toString(id), t, b.json.end());
      rec.unknownEnums = (byte) ("critical".equals(priority) ? 1 : 0);
      rec.nulls = (byte) (subject == null ? 1 : 0);
      rec.futureDates = (byte) (future && solvedAt != null ? 1 : 0);
      b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void deleteWorkspace(long t) {
    deleted = true;
    for (User u : users) {
      if (u.deleted == Long.MAX_VALUE) {
        u.deleted = t;
        alive--;
        userVersion(u, t);
      }
    }
    wsVersion(t, t);
    recordEngagement(t, b.cal.endSec, 0f);
  }

  /**
   * Enrols a new workspace in every experiment running when it is created: a variant drawn on the workspace's own
   * experiment stream (its simulation stream stays as it was), a few minutes after signup; a non-control variant of an
   * experiment with an effect raises the workspace's health. A few assignments are deleted a day later.
   */
  private void assignExperiments(long created) {
    for (int e = 0; e < DemoExperiments.ALL.size(); e++) {
      DemoExperiments.Experiment x = DemoExperiments.ALL.get(e);
      long from = DemoCalendar.daySec(b.cal.asOf.minusDays(x.fromDaysBeforeAsOf()));
      long to = DemoCalendar.daySec(b.cal.asOf.minusDays(x.toDaysBeforeAsOf()));
      if (created < from || created >= to || created < b.cal.historyStartSec) {
        continue;
      }
      SplittableRandom xr = Ids.rng(b.seed, 0xEA, index, e);
      String variant = x.variants().get(xr.nextInt(x.variants().size()));
      long at = created + 60 + xr.nextInt(600);
      String written = xr.nextDouble() < DemoExperiments.TITLE_CASE
          ? Character.toUpperCase(variant.charAt(0)) + variant.substring(1) : variant;
      records.experimentAssignment(x.id(), written, at, at, false);
      if (xr.nextDouble() < DemoExperiments.DELETED) {
        records.experimentAssignment(x.id(), written, at, at + DAY, true);
        continue;
      }
      b.truth.experimentAssigned(x.id(), variant);
      if (x.treatmentHealthBoost() > 0 && !DemoExperiments.CONTROL.equals(variant)) {
        health = clamp(health + x.treatmentHealthBoost(), 0.05, 0.95);
        engagement = Math.max(engagement, health);
      }
    }
  }

  private void countSignup(long created) {
    if (p.salesLed() || created < b.cal.historyStartSec) {
      return;
    }
    int m = b.monthIndex(created);
    if (m >= 0 && m < b.signups.length) {
      int channel = Catalog.pick(r, new double[] {5, 3, 0, 0, 0, 2});
      b.signups[m][channel]++;
    }
  }

  // ------------------------------------------------------------------------------------------
  // record versions

  private void wsVersion(long t) {
    records.workspace(t, null);
  }

  private void wsVersion(long t, Long deletedAt) {
    records.workspace(t, deletedAt);
  }

  private void userVersion(User u, long t) {
    records.user(u, t);
  }

  private void customerVersion(long t) {
    records.customer(t);
  }

  private void subVersion(long t, boolean relevant) {
    records.subscription(t, relevant);
  }

  private void invoiceVersion(Invoice inv, long t) {
    records.invoice(inv, t);
  }

  // ------------------------------------------------------------------------------------------

  private void finish() {
    if (account != null && sub != null && sub.endedAt == null && !sub.cancelAtPeriodEnd
        && sub.main().price.interval().equals("year") && sub.periodEnd >= b.cal.endSec
        && sub.periodEnd - 90 * DAY < b.cal.endSec) {
      // Renewal pipeline: created 90 days before the renewal, still open at as-of.
      b.sales.renewal(r, account, sub.periodEnd - 90 * DAY, sub.periodEnd, sub.periodEnd, true, arr(sub, b.cal.endSec - 1),
          currency);
    }
    if (eventEngagement != null) {
      long first = DemoCalendar.daySec(b.cal.firstEventDay);
      List<User> window = new ArrayList<>();
      for (User u : users) {
        if (u.deleted > first && u.created < b.cal.endSec) {
          u.email = null;
          u.name = null;
          window.add(u);
        }
      }
      if (!window.isEmpty()) {
        Business.Activity a = new Business.Activity();
        a.index = index;
        a.workspaceId = workspaceId;
        a.plan = plan;
        a.utcOffsetHours = country.utcOffsetHours();
        a.features = features;
        a.featureCount = featureCount;
        a.engagement = eventEngagement;
        a.users = window;
        b.activity.add(a);
      }
    }
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
