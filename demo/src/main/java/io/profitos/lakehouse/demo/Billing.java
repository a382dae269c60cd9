package io.profitos.lakehouse.demo;

import io.profitos.lakehouse.demo.Catalog.Coupon;
import io.profitos.lakehouse.demo.Catalog.Plan;
import io.profitos.lakehouse.demo.Catalog.Price;
import java.util.ArrayList;
import java.util.List;

/** The simulated Stripe billing objects of a workspace: subscription items, discounts, subscriptions and invoices. */
final class Billing {
  private Billing() {}

  static final class Item {
    String id;
    Price price;
    int quantity;
  }

  static final class Discount {
    Coupon coupon;
    long start;
    Long end;
    int serial;
  }

  static final class Sub {
    String id;
    int serial;
    String currency;
    long created;
    Long trialStart;
    Long trialEnd;
    long periodStart;
    long periodEnd;
    boolean cancelAtPeriodEnd;
    Long cancelAt;
    Long canceledAt;
    Long endedAt;
    String status;
    final List<Item> items = new ArrayList<>();
    Discount discount;
    long updated = Long.MIN_VALUE;
    int token;
    boolean firstInvoiceDone;
    int pendingSeats = -1;
    Plan pendingPlan;
    boolean pendingAnnual;
    Invoice openInvoice;
    int discountSerial;

    Item main() {
      return items.get(0);
    }

    boolean isMonthly() {
      return main().price.isMonthly();
    }

    long periodEnd(long start) {
      return main().price.periodEnd(start);
    }

    boolean paidState() {
      return "active".equals(status) || "past_due".equals(status);
    }
  }

  static final class Invoice {
    String id;
    String subId;
    String reason;
    long created;
    long periodStart;
    long periodEnd;
    final List<long[]> lines = new ArrayList<>(); // amount, start, end, proration(0/1), quantity, discount
    final List<String> linePrices = new ArrayList<>();
    long subtotal;
    long discount;
    long amountDue;
    String status;
    int attempts;
    Long paidAt;
    long updated = Long.MIN_VALUE;
    int negativeOrAbsurd;
    String currency;
  }
}
