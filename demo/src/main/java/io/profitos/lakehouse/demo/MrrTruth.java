package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.core.money.BillingPeriod;
import io.profitos.lakehouse.demo.Billing.Discount;
import io.profitos.lakehouse.demo.Billing.Item;
import io.profitos.lakehouse.demo.Billing.Sub;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The truth the end-to-end tests hold gold to: a subscription's MRR per METRICS.md, computed from
 * the simulation's own state (never from the records it writes). Paying = active or past_due,
 * after trial_end, before ended_at; items normalised to a month by {@link BillingPeriod};
 * percent_off or amount_off in force (never a once coupon; amount_off per billing period); USD at
 * the given rate; minor units / 100.
 */
final class MrrTruth {
  private MrrTruth() {}

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final MathContext MC = MathContext.DECIMAL128;

  /** MRR in USD at {@code t} at {@code usdPerUnit} (0 when not paying). */
  static BigDecimal usd(Sub s, long t, BigDecimal usdPerUnit) {
    BigDecimal cents = paying(s, t) ? monthlyCents(s, t) : BigDecimal.ZERO;
    return cents.signum() == 0 ? BigDecimal.ZERO : cents.multiply(usdPerUnit).divide(HUNDRED, MC);
  }

  static boolean paying(Sub s, long t) {
    return s.paidState() && (s.trialEnd == null || t >= s.trialEnd) && (s.endedAt == null || t < s.endedAt);
  }

  /** The monthly amount at {@code t} in minor units of the subscription's currency, discount in force deducted, whatever the status. */
  static BigDecimal monthlyCents(Sub s, long t) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Item it : s.items) {
      sum = sum.add(BillingPeriod.monthly(BigDecimal.valueOf(it.price.unitAmount() * it.quantity), it.price.interval(),
          it.price.intervalCount()));
    }
    Discount d = s.discount;
    if (d != null && !d.coupon.once() && t >= d.start && (d.end == null || t < d.end)) {
      if (d.coupon.percentOff() != null) {
        sum = sum.multiply(HUNDRED.subtract(d.coupon.percentOff())).divide(HUNDRED, MC);
      } else if (d.coupon.amountOff() != null) {
        // An amount_off comes off every invoice: per billing period of the main item, normalised like a price.
        sum = sum.subtract(BillingPeriod.monthly(BigDecimal.valueOf(d.coupon.amountOff()), s.main().price.interval(),
            s.main().price.intervalCount())).max(BigDecimal.ZERO);
      }
    }
    return sum;
  }
}
