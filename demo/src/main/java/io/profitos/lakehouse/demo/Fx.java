package io.profitos.lakehouse.demo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Daily USD-per-unit rates for EUR and GBP (USD = 1) over the history, six decimals: the same
 * values are written to finance/fx_rates and used for the MRR truth (month-end rate).
 */
final class Fx {
  private final LocalDate start;
  private final BigDecimal[] eur;
  private final BigDecimal[] gbp;

  Fx(long seed, DemoCalendar cal) {
    this.start = cal.historyStart;
    int n = cal.historyDays;
    eur = new BigDecimal[n];
    gbp = new BigDecimal[n];
    SplittableRandom r = Ids.rng(seed, 0xF0);
    double e = 1.072 + 0.02 * r.nextDouble();
    double g = 1.255 + 0.03 * r.nextDouble();
    for (int i = 0; i < n; i++) {
      e = e + 0.03 * (1.09 - e) / 30 + 0.0038 * e * Tier.gaussian(r);
      g = g + 0.03 * (1.27 - g) / 30 + 0.0042 * g * Tier.gaussian(r);
      eur[i] = BigDecimal.valueOf(e).setScale(6, RoundingMode.HALF_UP);
      gbp[i] = BigDecimal.valueOf(g).setScale(6, RoundingMode.HALF_UP);
    }
  }

  /** USD per unit of {@code currency} (lower-case ISO code) on {@code date} (clamped to the history). */
  BigDecimal rate(String currency, LocalDate date) {
    if ("usd".equals(currency)) {
      return BigDecimal.ONE;
    }
    int i = (int) Math.max(0, Math.min(eur.length - 1, date.toEpochDay() - start.toEpochDay()));
    return "eur".equals(currency) ? eur[i] : gbp[i];
  }

  /** Approximate USD per unit (for sizing deals, not for truth). */
  double approx(String currency) {
    return "usd".equals(currency) ? 1.0 : "eur".equals(currency) ? 1.09 : 1.27;
  }
}
