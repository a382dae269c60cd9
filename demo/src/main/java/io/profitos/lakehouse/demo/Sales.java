package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Salesforce: reps (User), leads whose conversion depends on source, company size and engagement,
 * accounts of sales-led workspaces, and opportunities (New Business, Expansion, Renewal) moving
 * through stages with one OpportunityHistory row per stage.
 */
final class Sales {
  static final String[] NB_STAGES = {"Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote",
      "Negotiation/Review"};
  static final int[] NB_PROB = {10, 20, 40, 60, 80};
  static final String[] NB_FORECAST = {"Pipeline", "Pipeline", "Pipeline", "Best Case", "Commit"};
  static final String[] SHORT_STAGES = {"Qualification", "Proposal/Price Quote", "Negotiation/Review"};
  static final int[] SHORT_PROB = {20, 60, 80};
  static final String[] SHORT_FORECAST = {"Pipeline", "Best Case", "Commit"};
  private static final String[] SEGMENTS = {"Enterprise", "Mid-Market", "SMB"};
  /** NextStep texts; an opportunity keeps one, or has none ({@link #NO_NEXT_STEP_SHARE} of them). */
  static final String[] NEXT_STEPS = {"Send proposal", "Schedule demo", "Security review", "Legal redlines",
      "Executive sponsor call"};
  static final double NO_NEXT_STEP_SHARE = 0.15;
  /** Loss_Reason__c of a closed-lost opportunity; missing on {@link #NO_LOSS_REASON_SHARE} of them. */
  static final String[] LOSS_REASONS = {"Price", "Competitor", "No decision", "Timing", "Missing feature"};
  static final double NO_LOSS_REASON_SHARE = 0.2;
  /** Renewal opportunities created less than 90 days before their renewal date (CRM hygiene rule 2). */
  static final double LATE_RENEWAL_SHARE = 0.12;
  private static final double[][] SOURCE_WEIGHTS = {
      {1, 0.5, 1.5, 3, 2, 0.5}, {2, 1.5, 1.2, 2, 1, 1}, {3, 2.5, 0.8, 0.7, 0.5, 1.5}};
  private static final double[] MEDIAN_EMPLOYEES = {4000, 450, 60};

  /** A sales rep. */
  record Rep(String id, String name, String email, String segment, String region, long startSec, long endSec,
             int index) {}

  /** A company (lead or account). */
  record Company(String name, Catalog.Country country, String industry, int employees, String domain) {}

  /** A Salesforce account, mutable across its versions. */
  static final class Account {
    String id;
    Company company;
    String ownerId;
    String workspaceId;
    String type;
    long createdSec;
    int health = 70;
    long lastModstamp;
    String leadSource = "Web";
  }

  /** A lead's features (what the conversion model reads). */
  static final class LeadX {
    int source;
    int employees;
    int webVisits;
    int emailEngagements;
  }

  private final Business b;
  final List<Rep> reps = new ArrayList<>();
  private long nAccount;
  private long nLead;
  private long nOpp;
  private long nHistory;
  /** Leads created per history month and source. */
  final long[][] leadsByMonthSource;
  private final YearMonth firstMonth;

  Sales(Business b) {
    this.b = b;
    this.firstMonth = YearMonth.from(b.cal.historyStart);
    this.leadsByMonthSource = new long[b.cal.months.size() + 2][Catalog.LEAD_SOURCES.length];
    buildReps();
  }

  // ------------------------------------------------------------------------------------------
  // reps

  private void buildReps() {
    SplittableRandom r = Ids.rng(b.seed, 0x5A);
    int n = Math.max(6, (int) Math.round(40 * b.scale));
    long hist = b.cal.historyStartSec;
    for (int i = 0; i < n; i++) {
      String segment = i < 3 ? SEGMENTS[i] : SEGMENTS[Catalog.pick(r, new double[] {0.25, 0.35, 0.4})];
      String region = i < 3 ? "NA" : new String[] {"NA", "EMEA", "APAC"}[Catalog.pick(r, new double[] {0.6, 0.3, 0.1})];
      long start = i < 3 || r.nextDouble() < 0.55 ? hist - (100 + r.nextInt(1100)) * DemoCalendar.DAY
          : hist + (long) (r.nextDouble() * (b.cal.historyDays - 30)) * DemoCalendar.DAY;
      start = start - Math.floorMod(start, DemoCalendar.DAY) + 16 * 3600;
      long end = Long.MAX_VALUE;
      if (i >= 3 && r.nextDouble() < 0.15) {
        end = Math.max(start + 120 * DemoCalendar.DAY, hist) + (long) (r.nextDouble() * 600) * DemoCalendar.DAY;
        end = end - Math.floorMod(end, DemoCalendar.DAY) + 18 * 3600;
      }
      String first = Catalog.FIRST[r.nextInt(Catalog.FIRST.length)];
      String last = Catalog.LAST[r.nextInt(Catalog.LAST.length)];
      String email = ascii(first) + "." + ascii(last) + i + "@cloudflow.example.com";
      Rep rep = new Rep(Ids.salesforce("005", i + 1), first + " " + last, email, segment, region, start, end, i);
      reps.add(rep);
      long quota = switch (segment) {
        case "Enterprise" -> 450_000;
        case "Mid-Market" -> 240_000;
        default -> 120_000;
      };
      quota = Math.round(quota * (0.9 + 0.2 * r.nextDouble()) / 5000.0) * 5000;
      emitUser(rep, start, true, quota);
      LocalDate fy = LocalDate.of(DemoCalendar.dateOf(start).getYear(), 2, 1);
      for (; !fy.isAfter(b.cal.asOf); fy = fy.plusYears(1)) {
        long t = DemoCalendar.daySec(fy) + 9 * 3600;
        if (t > start && t < end) {
          quota = Math.round(quota * 1.1 / 5000.0) * 5000;
          emitUser(rep, t, true, quota);
        }
      }
      if (end != Long.MAX_VALUE) {
        emitUser(rep, end, false, quota);
      }
      b.sink.endEntity();
    }
  }

  private void emitUser(Rep rep, long t, boolean active, long quota) {
    try {
      JsonGenerator g = b.json.begin();
      g.writeStringField("Id", rep.id());
      g.writeStringField("Username", rep.email());
      g.writeStringField("Name", rep.name());
      g.writeStringField("Email", rep.email());
      g.writeStringField("Title", "Account Executive");
      g.writeBooleanField("IsActive", active);
      g.writeStringField("Segment__c", rep.segment());
      g.writeStringField("Region__c", rep.region());
      g.writeNumberField("Quarterly_Quota__c", BigDecimal.valueOf(quota).setScale(2));
      g.writeStringField("StartDate", DemoCalendar.dateOf(rep.startSec()).toString());
      g.writeStringField("CreatedDate", DemoCalendar.sfDateTime(rep.startSec()));
      g.writeStringField("SystemModstamp", DemoCalendar.sfDateTime(t));
      b.sink.emit(new Rec(LandingStream.SF_USER, rep.id(), t, b.json.end()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rep owning a deal of a tier's segment and a country's region at an instant. */
  Rep owner(Tier tier, String region, long at, long h) {
    String segment = SEGMENTS[Math.min(2, tier.ordinal())];
    List<Rep> c = new ArrayList<>();
    for (Rep rep : reps) {
      if (rep.segment().equals(segment) && rep.region().equals(region) && rep.startSec() <= at && at < rep.endSec()) {
        c.add(rep);
      }
    }
    if (c.isEmpty()) {
      for (Rep rep : reps) {
        if (rep.segment().equals(segment) && rep.startSec() <= at && at < rep.endSec()) {
          c.add(rep);
        }
      }
    }
    if (c.isEmpty()) {
      c.add(reps.get(Math.min(2, tier.ordinal())));
    }
    return c.get((int) Math.floorMod(h, (long) c.size()));
  }

  // ------------------------------------------------------------------------------------------
  // companies and leads

  static Company company(SplittableRandom r, Tier tier, Catalog.Country country, long n) {
    String name = Catalog.companyName(r, country);
    int t = Math.min(2, tier.ordinal());
    int employees = (int) Math.max(3, Math.round(MEDIAN_EMPLOYEES[t] * StrictMath.exp(0.8 * Tier.gaussian(r))));
    String industry = Catalog.INDUSTRIES[r.nextInt(Catalog.INDUSTRIES.length)];
    return new Company(name, country, industry, employees, Catalog.domain(name, n));
  }

  static double conversionProbability(LeadX x) {
    double logit = -3.0 + Catalog.SOURCE_EFFECT[x.source] + 0.5 * StrictMath.log10(Math.max(1, x.employees))
        + 0.07 * x.webVisits + 0.15 * x.emailEngagements;
    return 1 / (1 + StrictMath.exp(-logit));
  }

  /**
   * Lead features drawn from the prior, accepted with the conversion probability (converted leads)
   * or its complement (not converted), so the landed leads carry the model's signal.
   */
  static LeadX leadFeatures(SplittableRandom r, Tier tier, Company c, boolean converted) {
    int t = Math.min(2, tier.ordinal());
    LeadX x = new LeadX();
    for (int tries = 0; tries < 100; tries++) {
      x.source = Catalog.pick(r, SOURCE_WEIGHTS[t]);
      x.employees = c.employees();
      x.webVisits = geometric(r, 7);
      x.emailEngagements = geometric(r, 3);
      double p = conversionProbability(x);
      if (r.nextDouble() < (converted ? p : 1 - p)) {
        break;
      }
    }
    return x;
  }

  private static int geometric(SplittableRandom r, double mean) {
    double u = Math.max(1e-12, r.nextDouble());
    return (int) StrictMath.floor(StrictMath.log(u) / StrictMath.log(mean / (mean + 1)));
  }

  /**
   * Emits a lead: open, then working, then converted (to the given account and opportunity) or not.
   * Returns the lead id.
   */
  String lead(SplittableRandom r, Tier tier, Company c, LeadX x, String trialWorkspaceId, long created,
              long convertedAt, String accountId, String oppId, String ownerId) {
    String id = Ids.salesforce("00Q", ++nLead);
    b.oracle.lead(id, conversionProbability(x));
    String first = Catalog.FIRST[r.nextInt(Catalog.FIRST.length)];
    String last = Catalog.LAST[r.nextInt(Catalog.LAST.length)];
    boolean nullTitle = r.nextDouble() < 0.05;
    boolean nullIndustry = r.nextDouble() < 0.03;
    String title = nullTitle ? null : Catalog.TITLES[r.nextInt(Catalog.TITLES.length)];
    String email = ascii(first) + "." + ascii(last) + "@" + c.domain();
    long working = created + (long) ((0.2 + 3 * r.nextDouble()) * DemoCalendar.DAY);
    boolean converted = accountId != null;
    long closed = converted ? convertedAt : created + (long) ((7 + 70 * r.nextDouble()) * DemoCalendar.DAY);
    if (working >= closed) {
      working = created + (closed - created) / 2;
    }
    boolean staysOpen = !converted && r.nextDouble() < 0.25;
    countLead(created, x.source);
    int nulls = (nullTitle ? 1 : 0) + (nullIndustry ? 1 : 0);
    emitLead(id, c, x, first, last, title, email, nullIndustry, trialWorkspaceId, created, created,
        "Open - Not Contacted", false, null, null, null, ownerId, nulls);
    emitLead(id, c, x, first, last, title, email, nullIndustry, trialWorkspaceId, created, working,
        "Working - Contacted", false, null, null, null, ownerId, nulls);
    if (converted) {
      emitLead(id, c, x, first, last, title, email, nullIndustry, trialWorkspaceId, created, closed,
          "Closed - Converted", true, DemoCalendar.dateOf(closed).toString(), accountId, oppId, ownerId, nulls);
    } else if (!staysOpen) {
      emitLead(id, c, x, first, last, title, email, nullIndustry, trialWorkspaceId, created, closed,
          "Closed - Not Converted", false, null, null, null, ownerId, nulls);
    }
    return id;
  }

  private void countLead(long created, int source) {
    int m = DemoCalendar.monthNumber(DemoCalendar.monthOf(created)) - DemoCalendar.monthNumber(firstMonth);
    if (m >= 0 && m < leadsByMonthSource.length && created < b.cal.endSec) {
      leadsByMonthSource[m][source]++;
    }
  }

  private void emitLead(String id, Company c, LeadX x, String first, String last, String title, String email,
                        boolean nullIndustry, String trialWs, long created, long t, String status, boolean converted,
                        String convertedDate, String accountId, String oppId, String ownerId, int nulls) {
    try {
      JsonGenerator g = b.json.begin();
      g.writeStringField("Id", id);
      g.writeStringField("FirstName", first);
      g.writeStringField("LastName", last);
      g.writeStringField("Company", c.name());
      JsonBytes.str(g, "Title", title);
      g.writeStringField("Email", email);
      JsonBytes.str(g, "Industry", nullIndustry ? null : c.industry());
      g.writeNumberField("NumberOfEmployees", x.employees);
      g.writeStringField("Country", c.country().code());
      g.writeStringField("LeadSource", Catalog.LEAD_SOURCES[x.source]);
      g.writeStringField("Status", status);
      g.writeBooleanField("IsConverted", converted);
      JsonBytes.str(g, "ConvertedDate", convertedDate);
      JsonBytes.str(g, "ConvertedAccountId", accountId);
      JsonBytes.str(g, "ConvertedOpportunityId", oppId);
      g.writeNumberField("Web_Visits__c", x.webVisits);
      g.writeNumberField("Email_Engagements__c", x.emailEngagements);
      JsonBytes.str(g, "Trial_Workspace_Id__c", trialWs);
      JsonBytes.str(g, "OwnerId", ownerId);
      g.writeStringField("CreatedDate", DemoCalendar.sfDateTime(created));
      g.writeBooleanField("IsDeleted", false);
      g.writeStringField("SystemModstamp", DemoCalendar.sfDateTime(t));
      Rec rec = new Rec(LandingStream.SF_LEAD, id, t, b.json.end());
      rec.nulls = (byte) nulls;
      b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // accounts and opportunities

  /**
   * A new-business deal: a converted lead, an account and an opportunity closing at {@code closeSec}
   * (won or lost; versions after as-of are dropped by the landing, so future closes stay open).
   */
  Account newBusiness(SplittableRandom r, Tier tier, Company c, String workspaceId, Long trialStartSec, long closeSec,
                      boolean won, BigDecimal arr, String currency, BigDecimal discountPct) {
    long cycleDays = switch (tier) {
      case ENTERPRISE -> 60 + r.nextInt(90);
      case MID_MARKET -> 30 + r.nextInt(45);
      default -> 14 + r.nextInt(26);
    };
    long leadCreated;
    long oppCreated;
    if (trialStartSec != null) {
      leadCreated = trialStartSec + (long) ((0.1 + 1.5 * r.nextDouble()) * DemoCalendar.DAY);
      oppCreated = Math.min(closeSec - 3600, leadCreated + (long) ((0.5 + 3 * r.nextDouble()) * DemoCalendar.DAY));
    } else {
      oppCreated = closeSec - cycleDays * DemoCalendar.DAY + (long) (r.nextDouble() * 8 * 3600);
      leadCreated = oppCreated - (long) ((3 + 40 * r.nextDouble()) * DemoCalendar.DAY);
    }
    Rep rep = owner(tier, c.country().salesRegion(), oppCreated, r.nextLong());
    Account a = new Account();
    a.id = Ids.salesforce("001", ++nAccount);
    a.company = c;
    a.ownerId = rep.id();
    a.type = "Prospect";
    a.createdSec = oppCreated;
    a.workspaceId = trialStartSec != null && won ? workspaceId : null;
    String oppId = Ids.salesforce("006", ++nOpp);
    LeadX x = leadFeatures(r, tier, c, true);
    a.leadSource = Catalog.LEAD_SOURCES[x.source];
    lead(r, tier, c, x, trialStartSec != null ? workspaceId : null, leadCreated, oppCreated, a.id, oppId, rep.id());
    accountVersion(a, oppCreated);
    opportunity(r, oppId, a, rep.id(), "New Business", oppCreated, closeSec, won, arr, currency, discountPct,
        Catalog.LEAD_SOURCES[x.source], null);
    if (won) {
      a.type = "Customer";
      a.workspaceId = workspaceId;
      accountVersion(a, closeSec + 120);
    }
    return a;
  }

  /** An expansion (seat or plan upgrade) closed won at {@code closeSec}. */
  void expansion(SplittableRandom r, Account a, long closeSec, BigDecimal deltaArr, String currency) {
    long created = closeSec - (long) ((5 + 25 * r.nextDouble()) * DemoCalendar.DAY);
    opportunity(r, Ids.salesforce("006", ++nOpp), a, a.ownerId, "Expansion", created, closeSec, true, deltaArr,
        currency, null, a.leadSource, null);
  }

  /**
   * A renewal opportunity for the renewal at {@code renewalSec}, closing at {@code closeSec} (won, lost, or still open if
   * after as-of). {@link #LATE_RENEWAL_SHARE} of them are created 30 to 85 days before the renewal instead of at
   * {@code createdSec}, where that is still a week before the close.
   */
  void renewal(SplittableRandom r, Account a, long createdSec, long closeSec, long renewalSec, boolean won, BigDecimal arr,
               String currency) {
    String id = Ids.salesforce("006", ++nOpp);
    long created = createdSec;
    if (Ids.unit(Ids.hash(b.seed, 0x2D, id.hashCode())) < LATE_RENEWAL_SHARE) {
      long late = renewalSec - (long) ((30 + 55 * Ids.unit(Ids.hash(b.seed, 0x2E, id.hashCode()))) * DemoCalendar.DAY);
      if (late > created && late < closeSec - 7 * DemoCalendar.DAY) {
        created = late;
      }
    }
    opportunity(r, id, a, a.ownerId, "Renewal", created, closeSec, won, arr, currency, null, a.leadSource,
        DemoCalendar.dateOf(renewalSec));
  }

  /** A new version of an account (type, workspace or health change). */
  void accountVersion(Account a, long t) {
    long stamp = Math.max(t, a.lastModstamp + 1);
    a.lastModstamp = stamp;
    boolean nullIndustry = Ids.unit(Ids.hash(b.seed, 0x1D, a.id.hashCode())) < 0.02;
    try {
      JsonGenerator g = b.json.begin();
      g.writeStringField("Id", a.id);
      g.writeStringField("Name", a.company.name());
      g.writeStringField("Type", a.type);
      JsonBytes.str(g, "Industry", nullIndustry ? null : a.company.industry());
      g.writeNumberField("NumberOfEmployees", a.company.employees());
      g.writeStringField("BillingCountry", a.company.country().code());
      g.writeStringField("OwnerId", a.ownerId);
      JsonBytes.str(g, "Workspace_Id__c", a.workspaceId);
      g.writeStringField("CreatedDate", DemoCalendar.sfDateTime(a.createdSec));
      g.writeBooleanField("IsDeleted", false);
      g.writeStringField("SystemModstamp", DemoCalendar.sfDateTime(stamp));
      boolean drift = stamp >= b.accountDriftSec;
      if (drift) {
        g.writeNumberField("Health_Score__c", a.health);
      }
      Rec rec = new Rec(LandingStream.SF_ACCOUNT, a.id, stamp, b.json.end());
      rec.nulls = (byte) (nullIndustry ? 1 : 0);
      rec.driftMask = (byte) (drift ? 2 : 0);
      b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void opportunity(SplittableRandom r, String id, Account a, String ownerId, String type, long created,
                           long close, boolean won, BigDecimal amount, String currency, BigDecimal discount,
                           String leadSource, java.time.LocalDate renewalDate) {
    boolean nb = type.equals("New Business");
    String[] stages = nb ? NB_STAGES : SHORT_STAGES;
    int[] probs = nb ? NB_PROB : SHORT_PROB;
    String[] forecast = nb ? NB_FORECAST : SHORT_FORECAST;
    int reached = won ? stages.length : 1 + r.nextInt(stages.length);
    double[] u = new double[reached];
    for (int i = 1; i < reached; i++) {
      u[i] = r.nextDouble() * 0.95;
    }
    Arrays.sort(u);
    String name = a.company.name() + " - " + type + " " + DemoCalendar.dateOf(close).getYear();
    String cur = currency.toUpperCase(java.util.Locale.ROOT);
    String closeDate = DemoCalendar.dateOf(close).toString();
    BigDecimal estimate = amount.multiply(BigDecimal.valueOf(0.8 + 0.5 * r.nextDouble()))
        .divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).multiply(BigDecimal.valueOf(100)).setScale(2);
    String nextStep = Ids.unit(Ids.hash(b.seed, 0x2B, id.hashCode())) < NO_NEXT_STEP_SHARE ? null
        : NEXT_STEPS[(int) Math.floorMod(Ids.hash(b.seed, 0x2F, id.hashCode()), (long) NEXT_STEPS.length)];
    String lossReason = won || Ids.unit(Ids.hash(b.seed, 0x2C, id.hashCode())) < NO_LOSS_REASON_SHARE ? null
        : LOSS_REASONS[(int) Math.floorMod(Ids.hash(b.seed, 0x30, id.hashCode()), (long) LOSS_REASONS.length)];
    Hygiene hygiene = new Hygiene(nextStep, null, renewalDate);
    String openForecast = null;
    long last = 0;
    for (int i = 0; i < reached; i++) {
      long t = Math.max(last + 60, created + (long) (u[i] * (close - created)));
      last = t;
      BigDecimal amt = i < (nb ? 3 : 1) ? estimate : amount;
      oppVersion(id, a, ownerId, name, type, stages[i], probs[i], forecast[i], false, false, amt, cur, closeDate,
          created, t, leadSource, discount, hygiene);
      history(id, stages[i], amt, closeDate, probs[i], forecast[i], t);
      if (t < b.cal.endSec) {
        openForecast = forecast[i];
      }
    }
    long t = Math.max(last + 60, close);
    String stage = won ? "Closed Won" : "Closed Lost";
    oppVersion(id, a, ownerId, name, type, stage, won ? 100 : 0, won ? "Closed" : "Omitted", true, won, amount, cur,
        closeDate, created, t, leadSource, discount, new Hygiene(nextStep, lossReason, renewalDate));
    history(id, stage, amount, closeDate, won ? 100 : 0, won ? "Closed" : "Omitted", t);
    b.truth.opportunity(created, t < b.cal.endSec ? null : openForecast, DemoCalendar.dateOf(close), won, hygiene.nextStep(),
        lossReason, renewalDate, t < b.cal.endSec);
  }

  /** The CRM hygiene fields of an opportunity version: NextStep, Loss_Reason__c (closed lost), Renewal_Date__c (renewals). */
  private record Hygiene(String nextStep, String lossReason, java.time.LocalDate renewalDate) {}

  private void oppVersion(String id, Account a, String ownerId, String name, String type, String stage, int prob,
                          String forecast, boolean closed, boolean won, BigDecimal amount, String cur,
                          String closeDate, long created, long t, String leadSource, BigDecimal discount,
                          Hygiene hygiene) {
    boolean asString = t >= b.typeChangeSec && Ids.unit(Ids.hash(b.seed, 0x0A, id.hashCode())) < 0.6;
    try {
      JsonGenerator g = b.json.begin();
      g.writeStringField("Id", id);
      g.writeStringField("AccountId", a.id);
      g.writeStringField("OwnerId", ownerId);
      g.writeStringField("Name", name);
      g.writeStringField("Type", type);
      g.writeStringField("StageName", stage);
      if (asString) {
        g.writeStringField("Amount", amount.setScale(2, RoundingMode.HALF_UP).toPlainString());
      } else {
        g.writeNumberField("Amount", amount.setScale(2, RoundingMode.HALF_UP));
      }
      g.writeStringField("CurrencyIsoCode", cur);
      g.writeNumberField("Probability", prob);
      g.writeStringField("CloseDate", closeDate);
      g.writeStringField("CreatedDate", DemoCalendar.sfDateTime(created));
      g.writeBooleanField("IsClosed", closed);
      g.writeBooleanField("IsWon", won);
      g.writeStringField("ForecastCategoryName", forecast);
      g.writeStringField("LeadSource", leadSource);
      JsonBytes.dec(g, "Discount__c", discount);
      JsonBytes.str(g, "NextStep", hygiene.nextStep());
      JsonBytes.str(g, "Loss_Reason__c", hygiene.lossReason());
      JsonBytes.str(g, "Renewal_Date__c", hygiene.renewalDate() == null ? null : hygiene.renewalDate().toString());
      g.writeBooleanField("IsDeleted", false);
      g.writeStringField("SystemModstamp", DemoCalendar.sfDateTime(t));
      Rec rec = new Rec(LandingStream.SF_OPPORTUNITY, id, t, b.json.end());
      rec.typeChanged = (byte) (asString ? 1 : 0);
      b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void history(String oppId, String stage, BigDecimal amount, String closeDate, int prob, String forecast,
                       long t) {
    String id = Ids.salesforce("008", ++nHistory);
    try {
      JsonGenerator g = b.json.begin();
      g.writeStringField("Id", id);
      g.writeStringField("OpportunityId", oppId);
      g.writeStringField("StageName", stage);
      g.writeNumberField("Amount", amount.setScale(2, RoundingMode.HALF_UP));
      g.writeStringField("CloseDate", closeDate);
      g.writeNumberField("Probability", prob);
      g.writeStringField("ForecastCategory", forecast);
      g.writeStringField("CreatedDate", DemoCalendar.sfDateTime(t));
      g.writeBooleanField("IsDeleted", false);
      b.sink.emit(new Rec(LandingStream.SF_OPPORTUNITY_HISTORY, id, t, b.json.end()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------------------------------
  // deals without a paying workspace

  /** A planned sales-led win (also after as-of: then it is open pipeline). */
  record DealSeed(Tier tier, long closeSec, boolean future, Catalog.Country country) {}

  /**
   * Lost deals, leads that never convert, and deals still in the pipeline at as-of, generated around
   * each planned win so the funnel's volumes follow the business.
   */
  void standalone(List<DealSeed> seeds) {
    double[] lostMean = {2.0, 1.6, 1.2};
    double[] nonConverted = {3.0, 3.5, 4.0};
    for (int i = 0; i < seeds.size(); i++) {
      DealSeed s = seeds.get(i);
      SplittableRandom r = Ids.rng(b.seed, 0x5B, i);
      int t = Math.min(2, s.tier().ordinal());
      if (s.future()) {
        Company c = company(r, s.tier(), s.country(), nAccount + 1);
        BigDecimal arr = BigDecimal.valueOf(
            Math.round(s.tier().targetMrrUsd(r) * 12 / b.fx.approx(s.country().currency()))).setScale(2);
        newBusiness(r, s.tier(), c, null, null, s.closeSec(), true, arr, s.country().currency(), null);
        b.sink.endEntity();
      }
      int lost = geometric(r, lostMean[t]);
      for (int k = 0; k < lost; k++) {
        Catalog.Country country = Catalog.country(r);
        Company c = company(r, s.tier(), country, nAccount + 1);
        long close = DemoCalendar.safe(s.closeSec() + (long) ((r.nextDouble() * 120 - 60) * DemoCalendar.DAY));
        BigDecimal arr = BigDecimal.valueOf(
            Math.round(s.tier().targetMrrUsd(r) * 12 / b.fx.approx(country.currency()))).setScale(2);
        newBusiness(r, s.tier(), c, null, null, close, false, arr, country.currency(), null);
        b.sink.endEntity();
      }
      int non = Tier.poisson(r, nonConverted[t]);
      for (int k = 0; k < non; k++) {
        Catalog.Country country = Catalog.country(r);
        Company c = company(r, s.tier(), country, nLead + 7);
        long created = s.closeSec() - (long) ((20 + r.nextDouble() * 150) * DemoCalendar.DAY);
        LeadX x = leadFeatures(r, s.tier(), c, false);
        Rep rep = owner(s.tier(), country.salesRegion(), created, r.nextLong());
        lead(r, s.tier(), c, x, null, created, 0, null, null, rep.id());
        b.sink.endEntity();
      }
    }
  }

  static String ascii(String s) {
    String n = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n.length(); i++) {
      char c = Character.toLowerCase(n.charAt(i));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
