package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import io.profitos.lakehouse.core.money.BillingPeriod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fictional company's fixed reference data: Stripe prices (with two price changes during the
 * history), coupons, countries, lead sources, product features and name pools.
 */
final class Catalog {
  static final String[] CURRENCIES = {"usd", "eur", "gbp"};

  /** Paid plans (free has no Stripe price). */
  enum Plan {
    TEAM("team", "prod_team"), BUSINESS("business", "prod_business"), ENTERPRISE("enterprise", "prod_enterprise"),
    SSO_ADDON("sso_addon", "prod_sso_addon");

    final String label;
    final String product;

    Plan(String label, String product) {
      this.label = label;
      this.product = product;
    }
  }

  /** A Stripe price, valid from {@code createdSec} until {@code inactiveSec} (exclusive). */
  record Price(String id, Plan plan, String nickname, long unitAmount, String currency, String interval,
               int intervalCount, long createdSec, long inactiveSec) {
    /** Whether the price bills every month (the cadence upgrades to annual start from). */
    boolean isMonthly() {
      return "month".equals(interval) && intervalCount == 1;
    }

    /** The list price per month in major units, approximately (for sizing seats; MRR uses {@link BillingPeriod}). */
    double monthlyMajor() {
      return BillingPeriod.monthly(java.math.BigDecimal.valueOf(unitAmount), interval, intervalCount).doubleValue() / 100;
    }

    /** The end of the billing period that starts at {@code startSec}. */
    long periodEnd(long startSec) {
      return switch (interval) {
        case "day" -> startSec + DemoCalendar.DAY * intervalCount;
        case "week" -> startSec + 7 * DemoCalendar.DAY * intervalCount;
        case "year" -> DemoCalendar.plusMonths(startSec, 12L * intervalCount);
        default -> DemoCalendar.plusMonths(startSec, intervalCount);
      };
    }
  }

  /** A Stripe coupon. {@code durationInMonths} only for repeating. */
  record Coupon(String id, String name, BigDecimal percentOff, Long amountOff, String currency, String duration,
                Integer durationInMonths) {
    boolean once() {
      return "once".equals(duration);
    }
  }

  /** A country with its billing currency, product region, sales region and UTC offset of office hours. */
  record Country(String code, double weight, String currency, String productRegion, String salesRegion,
                 int utcOffsetHours, String companySuffix) {}

  static final List<Country> COUNTRIES = List.of(
      new Country("US", 30, "usd", "us-east-1", "NA", -5, " Inc."),
      new Country("US", 20, "usd", "us-west-2", "NA", -8, " Inc."),
      new Country("CA", 5, "usd", "us-east-1", "NA", -5, " Ltd."),
      new Country("GB", 5, "gbp", "eu-west-1", "EMEA", 0, " Ltd"),
      new Country("DE", 3, "eur", "eu-central-1", "EMEA", 1, " GmbH"),
      new Country("FR", 2.5, "eur", "eu-west-1", "EMEA", 1, " SAS"),
      new Country("NL", 1.5, "eur", "eu-west-1", "EMEA", 1, " B.V."),
      new Country("ES", 1, "eur", "eu-west-1", "EMEA", 1, " S.L."),
      new Country("SE", 1, "eur", "eu-north-1", "EMEA", 1, " AB"),
      new Country("IE", 1, "eur", "eu-west-1", "EMEA", 0, " Ltd"),
      new Country("AU", 4, "usd", "ap-southeast-2", "APAC", 10, " Pty Ltd"),
      new Country("SG", 2, "usd", "ap-southeast-1", "APAC", 8, " Pte. Ltd."),
      new Country("JP", 2, "usd", "ap-northeast-1", "APAC", 9, " K.K."),
      new Country("IN", 3, "usd", "ap-south-1", "APAC", 5, " Pvt Ltd"),
      new Country("BR", 2, "usd", "sa-east-1", "NA", -3, " Ltda."));

  /** Lead sources, which are also the marketing channels of finance/marketing_spend. */
  static final String[] LEAD_SOURCES = {"Web", "Paid Search", "Partner Referral", "Outbound", "Events, Webinars",
      "Content"};
  /** Effect of the source on lead conversion (log-odds). */
  static final double[] SOURCE_EFFECT = {0.0, -0.45, 0.9, -0.8, 0.35, -0.2};
  /** Marketing cost per lead (USD) by source. */
  static final double[] COST_PER_LEAD = {45, 140, 70, 25, 260, 35};
  /** Acquisition cost of a self-serve signup (USD) by channel. */
  static final double[] COST_PER_SIGNUP = {8, 22, 0, 0, 0, 5};

  static final String[] FEATURES = {"dashboards", "reports", "exports", "alerts", "integrations", "sql_editor",
      "automation", "collaboration", "api", "sso"};
  static final String[] FEATURE_EVENTS = {"Dashboard Viewed", "Report Created", "Export Completed", "Alert Configured",
      "Integration Connected", "Query Run", "Workflow Automated", "Comment Added", "API Key Created", "SSO Configured"};

  static final String[] INDUSTRIES = {"Software", "Financial Services", "Healthcare", "Retail", "Manufacturing",
      "Education", "Media", "Logistics", "Professional Services", "Non-Profit"};
  static final String[] TITLES = {"Head of Data", "VP Finance", "Analytics Manager", "CFO", "Data Engineer",
      "Director of Operations", "Founder", "BI Lead", "Product Manager", "RevOps Manager"};
  private static final String[] NAME_A = {"North", "Blue", "Bright", "Silver", "Red", "Green", "Iron", "Clear",
      "Swift", "Summit", "Cedar", "Harbor", "Lumen", "Quantum", "Atlas", "Nova", "Polar", "Vertex", "Urban", "Golden",
      "Müller", "Société", "Ångström", "Peña", "Zürich", "Orbit", "Maple", "Pioneer", "Coastal", "Granite"};
  private static final String[] NAME_B = {"wind", "stone", "field", "bridge", "path", "works", "labs", "logic",
      "point", "scale", "wave", "forge", "stack", "grid", "metrics", "flow", "cloud", "leaf", "ridge", "line"};
  static final String[] FIRST = {"Ana", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hiro", "Isla", "Jonas",
      "Kai", "Lena", "Marco", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Will",
      "Xin", "Yara", "Zoe", "José", "Björn", "Aoife", "Raj"};
  static final String[] LAST = {"Smith", "Jones", "Müller", "Garcia", "Kim", "Patel", "Rossi", "Dubois", "Novak",
      "Silva", "Tanaka", "Brown", "Nguyen", "Larsen", "O'Brien", "Schmidt", "Lopez", "Wang", "Ivanova", "Cohen"};

  final List<Price> prices = new ArrayList<>();
  final List<Coupon> coupons = new ArrayList<>();
  final Coupon welcome50 = coupon("WELCOME50", "Welcome 50% first invoice", 50, null, null, "once", null);
  final Coupon launch20 = coupon("LAUNCH20", "Launch 20% for 3 months", 20, null, null, "repeating", 3);
  final Coupon save25 = coupon("SAVE25", "Retention 25% for 3 months", 25, null, null, "repeating", 3);
  final Coupon partner15 = coupon("PARTNER15", "Partner 15% forever", 15, null, null, "forever", null);
  final Coupon ramp30 = coupon("RAMP30", "Ramp deal 30% for 12 months", 30, null, null, "repeating", 12);

  /** Team seat prices per week and per day (minor units), usd/eur/gbp. */
  static final long[] WEEKLY_TEAM = {300, 275, 250};
  static final long[] DAILY_TEAM = {45, 40, 35};

  /** The first price change (USD Team) and the second (EUR Business, inside the daily window). */
  final long priceChange1;
  final long priceChange2;

  Catalog(long seed, DemoCalendar cal) {
    long created = DemoCalendar.daySec(cal.historyStart.minusYears(3).withDayOfMonth(10)) + 15 * 3600;
    this.priceChange1 = DemoCalendar.daySec(cal.historyStart.plusMonths(9).withDayOfMonth(1)) + 17 * 3600;
    long mid = Math.max(1, (cal.asOf.toEpochDay() - cal.backfillDate.toEpochDay()) / 2);
    this.priceChange2 = DemoCalendar.daySec(cal.backfillDate.plusDays(mid)) + 16 * 3600 + 7 * 60;
    long[][] amounts = {
        // month, year, quarter (business, enterprise and add-on) per plan, per currency usd/eur/gbp
        // (Team also bills weekly and daily: see WEEKLY_TEAM and DAILY_TEAM)
        {1200, 12000, 0, 1100, 11000, 0, 1000, 9600, 0},
        {2500, 24000, 7200, 2300, 22800, 6600, 2000, 19200, 5700},
        {6000, 60000, 17100, 5500, 55200, 15600, 4800, 48000, 13500},
        {50000, 540000, 144000, 46000, 496800, 131100, 40000, 432000, 114000}};
    int n = 0;
    for (Plan p : Plan.values()) {
      for (int c = 0; c < 3; c++) {
        String cur = CURRENCIES[c];
        for (int k = 0; k < 3; k++) {
          long amount = amounts[p.ordinal()][c * 3 + k];
          if (amount == 0) {
            continue;
          }
          String interval = k == 1 ? "year" : "month";
          int count = k == 2 ? 3 : 1;
          long inactive = Long.MAX_VALUE;
          if (p == Plan.TEAM && c == 0 && k < 2) {
            inactive = priceChange1;
          } else if (p == Plan.BUSINESS && c == 1 && k == 0) {
            inactive = priceChange2;
          }
          prices.add(new Price(Ids.stripe("price", seed, 0x70, n++), p, nickname(p, interval, count, cur), amount, cur,
              interval, count, created + n * 60L, inactive));
        }
      }
    }
    // Self-serve Team seats billed every week and every day (small teams that pay as they go).
    for (int c = 0; c < 3; c++) {
      String cur = CURRENCIES[c];
      prices.add(new Price(Ids.stripe("price", seed, 0x70, n++), Plan.TEAM, nickname(Plan.TEAM, "week", 1, cur),
          WEEKLY_TEAM[c], cur, "week", 1, created + n * 60L, Long.MAX_VALUE));
      prices.add(new Price(Ids.stripe("price", seed, 0x70, n++), Plan.TEAM, nickname(Plan.TEAM, "day", 1, cur),
          DAILY_TEAM[c], cur, "day", 1, created + n * 60L, Long.MAX_VALUE));
    }
    prices.add(new Price(Ids.stripe("price", seed, 0x70, n++), Plan.TEAM, nickname(Plan.TEAM, "month", 1, "usd")
        + " 2025", 1400, "usd", "month", 1, priceChange1, Long.MAX_VALUE));
    prices.add(new Price(Ids.stripe("price", seed, 0x70, n++), Plan.TEAM, nickname(Plan.TEAM, "year", 1, "usd")
        + " 2025", 14400, "usd", "year", 1, priceChange1 + 60, Long.MAX_VALUE));
    prices.add(new Price(Ids.stripe("price", seed, 0x70, n), Plan.BUSINESS, nickname(Plan.BUSINESS, "month", 1, "eur")
        + " v2", 2500, "eur", "month", 1, priceChange2, Long.MAX_VALUE));
    coupons.addAll(List.of(welcome50, launch20, save25, partner15, ramp30));
  }

  private static String nickname(Plan p, String interval, int count, String cur) {
    String cadence = switch (interval) {
      case "year" -> "annual";
      case "week" -> "weekly";
      case "day" -> "daily";
      default -> count == 3 ? "quarterly" : "monthly";
    };
    return Character.toUpperCase(p.label.charAt(0)) + p.label.substring(1).replace('_', ' ') + " " + cadence + " ("
        + cur.toUpperCase(java.util.Locale.ROOT) + ")";
  }

  private static Coupon coupon(String id, String name, int pct, Long amountOff, String cur, String duration,
                               Integer months) {
    return new Coupon(id, name, pct > 0 ? BigDecimal.valueOf(pct).setScale(1) : null, amountOff, cur, duration, months);
  }

  /** An amount-off coupon in a currency: the amount comes off every invoice (METRICS.md: per billing period). */
  Coupon amountOff(long cents, String currency, String duration, Integer months) {
    String id = "OFF" + cents / 100 + "_" + currency.toUpperCase(java.util.Locale.ROOT)
        + ("forever".equals(duration) ? "_FOREVER" : "_" + months + "M");
    for (Coupon c : coupons) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    Coupon c = new Coupon(id, (cents / 100) + " " + currency.toUpperCase(java.util.Locale.ROOT) + " off", null, cents,
        currency, duration, months);
    coupons.add(c);
    return c;
  }

  /** A negotiated sales discount, percent off forever. */
  Coupon deal(int pct) {
    String id = "DEAL" + pct;
    for (Coupon c : coupons) {
      if (c.id().equals(id)) {
        return c;
      }
    }
    Coupon c = coupon(id, "Negotiated " + pct + "% forever", pct, null, null, "forever", null);
    coupons.add(c);
    return c;
  }

  /**
   * The price of {@code plan} on the cadence of {@code like} (a plan change keeps the billing period),
   * or its monthly price when the plan is not sold on that cadence (Team's weekly and daily prices,
   * Business's quarterly one).
   */
  Price priceLike(Plan plan, String currency, Price like, long at) {
    for (Price p : prices) {
      if (p.plan() == plan && p.currency().equals(currency) && p.interval().equals(like.interval())
          && p.intervalCount() == like.intervalCount()) {
        return price(plan, currency, like.interval(), like.intervalCount(), at);
      }
    }
    return price(plan, currency, "month", 1, at);
  }

  /** The active price of a plan in a currency and cadence at an instant. */
  Price price(Plan plan, String currency, String interval, int count, long at) {
    Price best = null;
    for (Price p : prices) {
      if (p.plan() == plan && p.currency().equals(currency) && p.interval().equals(interval)
          && p.intervalCount() == count && p.createdSec() <= at && at < p.inactiveSec()) {
        best = p;
      }
    }
    if (best == null) {
      // Before the catalogue existed (initial customers): the original price.
      for (Price p : prices) {
        if (p.plan() == plan && p.currency().equals(currency) && p.interval().equals(interval)
            && p.intervalCount() == count) {
          return p;
        }
      }
      throw new IllegalStateException("no price for " + plan + " " + currency + " " + interval + "/" + count);
    }
    return best;
  }

  /** Emits every price version (created; deactivated) into the landing. */
  void emitPrices(JsonLanding sink, JsonBytes json) {
    for (Price p : prices) {
      sink.emit(new Rec(LandingStream.STRIPE_PRICES, p.id(), p.createdSec(), priceJson(json, p, true, p.createdSec())));
      if (p.inactiveSec() != Long.MAX_VALUE) {
        sink.emit(new Rec(LandingStream.STRIPE_PRICES, p.id(), p.inactiveSec(),
            priceJson(json, p, false, p.inactiveSec())));
      }
      sink.endEntity();
    }
  }

  static void writePriceObject(JsonGenerator g, Price p) throws IOException {
    g.writeStringField("id", p.id());
    g.writeNumberField("unit_amount", p.unitAmount());
    g.writeStringField("currency", p.currency());
    g.writeObjectFieldStart("recurring");
    g.writeStringField("interval", p.interval());
    g.writeNumberField("interval_count", p.intervalCount());
    g.writeEndObject();
    g.writeStringField("product", p.plan().product);
  }

  private static byte[] priceJson(JsonBytes json, Price p, boolean active, long updated) {
    try {
      JsonGenerator g = json.begin();
      g.writeStringField("id", p.id());
      g.writeStringField("object", "price");
      g.writeStringField("product", p.plan().product);
      g.writeStringField("nickname", p.nickname());
      g.writeNumberField("unit_amount", p.unitAmount());
      g.writeStringField("currency", p.currency());
      g.writeObjectFieldStart("recurring");
      g.writeStringField("interval", p.interval());
      g.writeNumberField("interval_count", p.intervalCount());
      g.writeStringField("usage_type", "licensed");
      g.writeEndObject();
      g.writeStringField("type", "recurring");
      g.writeStringField("billing_scheme", "per_unit");
      g.writeBooleanField("active", active);
      g.writeNumberField("created", p.createdSec());
      g.writeNumberField("updated", updated);
      return json.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeCoupon(JsonGenerator g, Coupon c) throws IOException {
    g.writeObjectFieldStart("coupon");
    g.writeStringField("id", c.id());
    g.writeStringField("name", c.name());
    JsonBytes.dec(g, "percent_off", c.percentOff());
    JsonBytes.num(g, "amount_off", c.amountOff());
    JsonBytes.str(g, "currency", c.currency());
    g.writeStringField("duration", c.duration());
    if (c.durationInMonths() == null) {
      g.writeNullField("duration_in_months");
    } else {
      g.writeNumberField("duration_in_months", c.durationInMonths());
    }
    g.writeEndObject();
  }

  static Country country(SplittableRandom r) {
    double total = 0;
    for (Country c : COUNTRIES) {
      total += c.weight();
    }
    double x = r.nextDouble() * total;
    for (Country c : COUNTRIES) {
      x -= c.weight();
      if (x < 0) {
        return c;
      }
    }
    return COUNTRIES.get(0);
  }

  static String companyName(SplittableRandom r, Country c) {
    return NAME_A[r.nextInt(NAME_A.length)] + NAME_B[r.nextInt(NAME_B.length)] + c.companySuffix();
  }

  static String domain(String company, long n) {
    StringBuilder sb = new StringBuilder();
    String base = java.text.Normalizer.normalize(company, java.text.Normalizer.Form.NFD);
    for (int i = 0; i < base.length() && sb.length() < 14; i++) {
      char ch = Character.toLowerCase(base.charAt(i));
      if (ch == ' ' || ch == '.') {
        break;
      }
      if (ch >= 'a' && ch <= 'z') {
        sb.append(ch);
      }
    }
    return sb.append(n % 997).append(".example.com").toString();
  }

  static int pick(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
