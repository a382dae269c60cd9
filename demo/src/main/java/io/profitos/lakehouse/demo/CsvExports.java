package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.DemoManifest.Counter;
import io.profitos.lakehouse.demo.LandingOutput.OutFile;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The full-refresh CSV streams (aws_cost_explorer, finance): every extract holds the whole stream
 * up to its date. Planted: rows with a wrong column count, negative and absurd costs, and a
 * header-only file. Cost explorer exports use CRLF line ends; fields are quoted per RFC 4180.
 */
final class CsvExports {
  /** One CSV row, visible from {@code date} on (finance months: from the day after month end). */
  private record Row(LocalDate date, String[] fields, boolean wrongColumns, boolean negativeOrAbsurd) {}

  private static final String[][] SERVICES = {
      {"Amazon Elastic Compute Cloud - Compute", "us-east-1", "USE1-BoxUsage:m6i.xlarge", "0.36"},
      {"Amazon Elastic Compute Cloud - Compute", "eu-west-1", "EU-BoxUsage:m6i.xlarge", "0.12"},
      {"Amazon Relational Database Service", "us-east-1", "USE1-InstanceUsage:db.r6g.2xl", "0.17"},
      {"Amazon Simple Storage Service", "us-east-1", "USE1-TimedStorage-ByteHrs", "0.07"},
      {"Amazon Simple Storage Service", "eu-west-1", "EU-TimedStorage-ByteHrs", "0.03"},
      {"Amazon CloudFront", "global", "US-DataTransfer-Out-Bytes", "0.06"},
      {"AWS Lambda", "us-east-1", "USE1-Lambda-GB-Second", "0.04"},
      {"Amazon ElastiCache", "us-east-1", "USE1-NodeUsage:cache.r6g.large", "0.05"},
      {"Amazon Redshift", "us-east-1", "USE1-Node:ra3.xlplus", "0.07"},
      {"Elastic Load Balancing", "us-east-1", "USE1-LoadBalancerUsage", "0.03"}};

  private final Business b;
  private final LandingOutput out;
  private final DemoCalendar cal;
  private final List<Row> aws = new ArrayList<>();
  private final List<Row> fx = new ArrayList<>();
  private final List<Row> marketing = new ArrayList<>();
  private final List<Row> salesCosts = new ArrayList<>();
  private final List<Row> reportedArr = new ArrayList<>();
  private final List<Row> targets = new ArrayList<>();
  /** The plan finance landed: "metric|segment|YYYY-MM" -> target. */
  private final SortedMap<String, BigDecimal> targetTruth = new TreeMap<>();
  private final SortedMap<String, BigDecimal> gaps = new TreeMap<>();

  CsvExports(Business b, LandingOutput out) {
    this.b = b;
    this.out = out;
    this.cal = b.cal;
    buildAws();
    buildFx();
    buildMarketing();
    buildSalesCosts();
    buildReportedArr();
    buildTargets();
  }

  /** The plan in finance/targets, as landed. */
  SortedMap<String, BigDecimal> targets() {
    return targetTruth;
  }

  /** Months whose reported ARR differs from the truth, with the relative gap (reported / true - 1). */
  SortedMap<String, BigDecimal> gaps() {
    return gaps;
  }

  void write() throws IOException {
    for (LocalDate d : cal.fullRefreshDates()) {
      if (!out.writes(d)) {
        continue;
      }
      write(LandingStream.AWS_COST, d, new String[] {"time_period_start", "service", "region", "usage_type",
          "record_type", "unblended_cost", "currency"}, aws, true);
      write(LandingStream.FX_RATES, d, new String[] {"date", "currency", "usd_per_unit"}, fx, false);
      write(LandingStream.MARKETING_SPEND, d, new String[] {"month", "channel", "amount_usd"}, marketing, false);
      write(LandingStream.SALES_COSTS, d, new String[] {"month", "amount_usd"}, salesCosts, false);
      write(LandingStream.REPORTED_ARR, d, new String[] {"month", "arr_usd"}, reportedArr, false);
      write(LandingStream.TARGETS, d, new String[] {"month", "metric", "segment", "target"}, targets, false);
      if (d.equals(cal.backfillDate)) {
        // A header-only file next to the real export (an empty re-run of the job).
        byte[] header = (line(new String[] {"month", "channel", "amount_usd"}) + "\n").getBytes(StandardCharsets.UTF_8);
        out.writeBytes(LandingStream.MARKETING_SPEND, d, "marketing_spend-" + d + "-rerun.csv", header,
            mtime(d) + 1800);
        out.counts(LandingStream.MARKETING_SPEND, d).inc(Counter.EMPTY_FILES);
      }
    }
  }

  private void write(LandingStream s, LocalDate d, String[] header, List<Row> rows, boolean crlf) throws IOException {
    ExtractCounts c = out.counts(s, d);
    OutFile f = out.open(s, d, s.stem() + "-" + d + ".csv", 0, mtime(d));
    put(f, line(header), crlf);
    for (Row row : rows) {
      if (row.date().isAfter(d)) {
        continue;
      }
      put(f, line(row.fields()), crlf);
      if (row.wrongColumns()) {
        c.inc(Counter.QUARANTINE_ROWS);
        c.inc(Counter.WRONG_COLUMN_COUNT);
      } else {
        c.inc(Counter.BRONZE_ROWS);
        if (row.negativeOrAbsurd()) {
          c.inc(Counter.NEGATIVE_OR_ABSURD_AMOUNTS);
        }
      }
    }
    f.close(c);
  }

  private static void put(OutFile f, String text, boolean crlf) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (crlf) {
      f.lineCrlf(bytes);
    } else {
      f.line(bytes);
    }
  }

  private static long mtime(LocalDate d) {
    return DemoCalendar.daySec(d.plusDays(1)) + 4 * 3600;
  }

  /** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
  static String line(String[] fields) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String f = fields[i] == null ? "" : fields[i];
      if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
        sb.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(f);
      }
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------------------------------

  private void buildAws() {
    SplittableRandom r = Ids.rng(b.seed, 0xAC);
    double fixed = 700 * Math.max(0.05, b.scale);
    LocalDate negativeDay = cal.historyStart.plusDays(200);
    LocalDate absurdDay = cal.historyStart.plusDays(400);
    LocalDate extraColumnDay = cal.historyStart.plusDays(300);
    LocalDate missingColumnDay = cal.historyStart.plusDays(500);
    double lastMonthUsage = 0;
    double monthUsage = 0;
    for (int i = 0; i < cal.historyDays; i++) {
      LocalDate d = cal.historyStart.plusDays(i);
      if (d.getDayOfMonth() == 1) {
        lastMonthUsage = monthUsage;
        monthUsage = 0;
        if (i < 365) {
          aws.add(row(d, SERVICES[0][0], SERVICES[0][1], "Credit-Activate", "Credit",
              money(-1500 * Math.max(0.05, b.scale) * (0.9 + 0.2 * r.nextDouble()), 6), false, false));
        }
        if (lastMonthUsage > 0) {
          aws.add(row(d, "Tax", "global", "Tax", "Tax", money(lastMonthUsage * 0.03, 6), false, false));
        }
      }
      double total = (fixed + 0.12 * b.dau[i]) * (1 + 0.05 * Tier.gaussian(r));
      for (String[] svc : SERVICES) {
        double cost = total * Double.parseDouble(svc[3]) * (0.9 + 0.2 * r.nextDouble());
        monthUsage += cost;
        aws.add(row(d, svc[0], svc[1], svc[2], "Usage", money(cost, 6), false, false));
      }
      if (r.nextDouble() < 0.01) {
        aws.add(row(d, SERVICES[3][0], SERVICES[3][1], SERVICES[3][2], "Refund", money(-total * 0.02, 6), false,
            false));
      }
      if (d.equals(negativeDay)) {
        aws.add(row(d, SERVICES[6][0], SERVICES[6][1], SERVICES[6][2], "Usage", money(-total * 0.04, 6), false, true));
      }
      if (d.equals(absurdDay)) {
        aws.add(row(d, SERVICES[2][0], SERVICES[2][1], SERVICES[2][2], "Usage", "98765432.100000", false, true));
      }
      if (d.equals(extraColumnDay)) {
        Row base = aws.get(aws.size() - 1);
        String[] f = java.util.Arrays.copyOf(base.fields(), base.fields().length + 1);
        f[f.length - 1] = "reprocessed";
        aws.add(new Row(d, f, true, false));
      }
      if (d.equals(missingColumnDay)) {
        Row base = aws.get(aws.size() - 1);
        aws.add(new Row(d, java.util.Arrays.copyOf(base.fields(), base.fields().length - 1), true, false));
      }
    }
  }

  private static Row row(LocalDate d, String service, String region, String usageType, String recordType,
                         String cost, boolean wrong, boolean negative) {
    return new Row(d, new String[] {d.toString(), service, region, usageType, recordType, cost, "USD"}, wrong,
        negative);
  }

  private void buildFx() {
    for (int i = 0; i < cal.historyDays; i++) {
      LocalDate d = cal.historyStart.plusDays(i);
      fx.add(new Row(d, new String[] {d.toString(), "USD", "1.000000"}, false, false));
      fx.add(new Row(d, new String[] {d.toString(), "EUR", b.fx.rate("eur", d).toPlainString()}, false, false));
      fx.add(new Row(d, new String[] {d.toString(), "GBP", b.fx.rate("gbp", d).toPlainString()}, false, false));
    }
  }

  /** Finance publishes a month on the first day after it ends. */
  private List<YearMonth> financeMonths() {
    List<YearMonth> months = new ArrayList<>();
    for (YearMonth m = YearMonth.from(cal.historyStart); !m.atEndOfMonth().isAfter(cal.asOf); m = m.plusMonths(1)) {
      months.add(m);
    }
    return months;
  }

  private void buildMarketing() {
    List<YearMonth> months = financeMonths();
    long[][] leads = b.sales.leadsByMonthSource;
    for (int i = 0; i < months.size(); i++) {
      YearMonth m = months.get(i);
      LocalDate visible = m.atEndOfMonth().plusDays(1);
      for (int s = 0; s < Catalog.LEAD_SOURCES.length; s++) {
        double noise = 0.9 + 0.2 * Ids.unit(Ids.hash(b.seed, 0x3A, i, s));
        double amount = (leads[i][s] * Catalog.COST_PER_LEAD[s] + b.signups[i][s] * Catalog.COST_PER_SIGNUP[s]) * noise
            + (s == 3 ? 1500 * Math.max(0.05, b.scale) : 0);
        marketing.add(new Row(visible, new String[] {m.toString(), Catalog.LEAD_SOURCES[s], money(amount, 2)}, false,
            false));
      }
      if (i == Math.min(months.size() - 1, 5)) {
        marketing.add(new Row(visible, new String[] {m.toString(), "Content", "1200.00", "USD"}, true, false));
      }
    }
  }

  private void buildSalesCosts() {
    for (YearMonth m : financeMonths()) {
      long start = DemoCalendar.monthStart(m);
      long end = DemoCalendar.monthStart(m.plusMonths(1));
      int reps = 0;
      for (Sales.Rep rep : b.sales.reps) {
        if (rep.startSec() < end && rep.endSec() > start) {
          reps++;
        }
      }
      double amount = reps * 11_500 + 2_500 * Math.max(0.2, b.scale);
      salesCosts.add(new Row(m.atEndOfMonth().plusDays(1), new String[] {m.toString(), money(amount, 2)}, false,
          false));
    }
  }

  private void buildReportedArr() {
    List<YearMonth> months = cal.months;
    SplittableRandom r = Ids.rng(b.seed, 0x3B);
    int[] gapIndex = new int[3];
    double[] gapSize = {0.003, -0.008, 0.015};
    for (int k = 0; k < 3; k++) {
      gapIndex[k] = months.size() <= 3 ? k : (k * months.size() / 3) + r.nextInt(Math.max(1, months.size() / 3 - 1));
    }
    for (int i = 0; i < months.size(); i++) {
      YearMonth m = months.get(i);
      BigDecimal arr = b.truth.mrr(i).multiply(BigDecimal.valueOf(12));
      BigDecimal reported = arr;
      for (int k = 0; k < 3; k++) {
        if (gapIndex[k] == i && arr.signum() > 0) {
          reported = arr.multiply(BigDecimal.valueOf(1 + gapSize[k])).setScale(2, RoundingMode.HALF_UP);
          gaps.put(m.toString(), reported.divide(arr, 6, RoundingMode.HALF_UP).subtract(BigDecimal.ONE));
        }
      }
      reportedArr.add(new Row(m.atEndOfMonth().plusDays(1), new String[] {m.toString(),
          reported.setScale(2, RoundingMode.HALF_UP).toPlainString()}, false, false));
    }
  }

  /**
   * Finance's plan for the last 12 complete months and the current one: MRR (all workspaces) growing 2% a month from
   * the MRR of the plan's first month, logo churn at 2% and blended CAC at 1,500 USD. One month's MRR target is missing
   * (a plan is never complete), so its mart shows no target rather than 0.
   */
  private void buildTargets() {
    List<YearMonth> months = cal.months;
    int first = Math.max(0, months.size() - 13);
    int missing = months.size() - 5;
    BigDecimal base = b.truth.mrr(first);
    for (int i = first; i < months.size(); i++) {
      String m = months.get(i).toString();
      if (i != missing && base.signum() > 0) {
        BigDecimal mrr = base.multiply(BigDecimal.valueOf(1.02).pow(i - first)).setScale(2, RoundingMode.HALF_UP);
        target(m, "mrr", "All", mrr);
      }
      target(m, "logo_churn_rate", "All", new BigDecimal("0.02"));
      target(m, "blended_cac", "All", new BigDecimal("1500.00"));
    }
  }

  private void target(String month, String metric, String segment, BigDecimal value) {
    targets.add(new Row(cal.months.get(0).atDay(1), new String[] {month, metric, segment, value.toPlainString()}, false, false));
    targetTruth.put(metric + "|" + segment + "|" + month, value);
  }

  private static String money(double v, int scale) {
    return BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP).toPlainString();
  }
}
