package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonGenerator;
import io.profitos.lakehouse.demo.Billing.Invoice;
import io.profitos.lakehouse.demo.Billing.Item;
import io.profitos.lakehouse.demo.Billing.Sub;
import io.profitos.lakehouse.demo.WorkspaceSim.User;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The source-record writers of one simulated workspace: every change of its product-database
 * workspace and users, Stripe customer, subscription and invoices is emitted as a new version of
 * the whole record, in the shape LANDING.md gives (Airbyte CDC and Stripe API objects), with the
 * defect markers the manifest counts. Reads the simulation's state; changes only the version stamps.
 */
final class SourceRecords {
  private final WorkspaceSim w;

  SourceRecords(WorkspaceSim w) {
    this.w = w;
  }

  void workspace(long t, Long deletedAt) {
    long stamp = Math.max(t, w.wsUpdated + 1);
    w.wsUpdated = stamp;
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("workspace_id", w.workspaceId);
      g.writeStringField("name", w.company.name());
      g.writeStringField("plan", w.plan);
      g.writeStringField("status", w.cancelled ? "cancelled" : "active");
      g.writeNumberField("seats", w.seats);
      g.writeStringField("owner_user_id", w.users.get(0).id);
      JsonBytes.str(g, "region", w.nullRegion ? null : w.country.productRegion());
      g.writeStringField("created_at", DemoCalendar.laLocal(w.p.createdSec()));
      JsonBytes.str(g, "cancelled_at", w.cancelledAt == null ? null : DemoCalendar.laLocal(w.cancelledAt));
      g.writeStringField("updated_at", DemoCalendar.laLocal(stamp));
      g.writeStringField("_ab_cdc_updated_at", DemoCalendar.isoUtcMillis(stamp * 1000));
      JsonBytes.str(g, "_ab_cdc_deleted_at", deletedAt == null ? null : DemoCalendar.isoUtcMillis(deletedAt * 1000));
      Rec rec = new Rec(LandingStream.PRODUCT_WORKSPACES, w.workspaceId, stamp, w.b.json.end());
      rec.unknownEnums = (byte) ("starter".equals(w.plan) ? 1 : 0);
      rec.nulls = (byte) (w.nullRegion ? 1 : 0);
      w.b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void user(User u, long t) {
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("user_id", u.id);
      g.writeStringField("workspace_id", w.workspaceId);
      g.writeStringField("email", u.email);
      g.writeStringField("full_name", u.name);
      JsonBytes.str(g, "ip_address", u.nullIp ? null : WorkspaceSim.ip(w.b.seed, u.n));
      g.writeStringField("role", u.role);
      g.writeStringField("created_at", DemoCalendar.laLocal(u.created));
      g.writeStringField("_ab_cdc_updated_at", DemoCalendar.isoUtcMillis(t * 1000));
      JsonBytes.str(g, "_ab_cdc_deleted_at", u.deleted == Long.MAX_VALUE ? null
          : DemoCalendar.isoUtcMillis(u.deleted * 1000));
      Rec rec = new Rec(LandingStream.PRODUCT_USERS, u.id, t, w.b.json.end());
      rec.nulls = (byte) (u.nullIp ? 1 : 0);
      w.b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One version of a workspace's assignment to an experiment; {@code deleted} writes the CDC delete. */
  void experimentAssignment(String experiment, String variant, long assignedAt, long stamp, boolean deleted) {
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("experiment_id", experiment);
      g.writeStringField("workspace_id", w.workspaceId);
      g.writeStringField("variant", variant);
      g.writeStringField("assigned_at", DemoCalendar.isoUtcMillis(assignedAt * 1000));
      g.writeStringField("_ab_cdc_updated_at", DemoCalendar.isoUtcMillis(stamp * 1000));
      JsonBytes.str(g, "_ab_cdc_deleted_at", deleted ? DemoCalendar.isoUtcMillis(stamp * 1000) : null);
      w.b.sink.emit(new Rec(LandingStream.PRODUCT_EXPERIMENT_ASSIGNMENTS, experiment + "|" + w.workspaceId, stamp, w.b.json.end()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void customer(long t) {
    long stamp = Math.max(t, w.customerUpdated + 1);
    w.customerUpdated = stamp;
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("id", w.customerId);
      g.writeStringField("object", "customer");
      g.writeStringField("email", w.users.get(0).email);
      JsonBytes.str(g, "name", w.nullCustomerName ? null : w.company.name());
      g.writeNumberField("created", w.customerCreated);
      g.writeStringField("currency", w.currency);
      g.writeBooleanField("deleted", w.customerDeleted);
      g.writeObjectFieldStart("metadata");
      g.writeStringField("workspace_id", w.workspaceId);
      g.writeEndObject();
      g.writeObjectFieldStart("invoice_settings");
      g.writeStringField("default_payment_method", w.paymentMethod);
      g.writeEndObject();
      g.writeObjectFieldStart("address");
      g.writeStringField("country", w.country.code());
      g.writeEndObject();
      boolean drift = stamp >= w.b.customerDriftSec;
      if (drift) {
        g.writeStringField("tax_exempt", "eur".equals(w.currency) && w.index % 7 == 0 ? "reverse" : "none");
      }
      g.writeNumberField("updated", stamp);
      Rec rec = new Rec(LandingStream.STRIPE_CUSTOMERS, w.customerId, stamp, w.b.json.end());
      rec.nulls = (byte) (w.nullCustomerName ? 1 : 0);
      rec.driftMask = (byte) (drift ? 1 : 0);
      w.b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void subscription(long t, boolean relevant) {
    Sub s = w.sub;
    long stamp = Math.max(t, s.updated + 1);
    s.updated = stamp;
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("id", s.id);
      g.writeStringField("object", "subscription");
      g.writeStringField("customer", w.customerId);
      g.writeStringField("status", s.status);
      g.writeNumberField("created", s.created);
      g.writeNumberField("start_date", s.created);
      JsonBytes.num(g, "trial_start", s.trialStart);
      JsonBytes.num(g, "trial_end", s.trialEnd);
      g.writeNumberField("current_period_start", s.periodStart);
      g.writeNumberField("current_period_end", s.periodEnd);
      g.writeBooleanField("cancel_at_period_end", s.cancelAtPeriodEnd);
      JsonBytes.num(g, "cancel_at", s.cancelAt);
      JsonBytes.num(g, "canceled_at", s.canceledAt);
      JsonBytes.num(g, "ended_at", s.endedAt);
      g.writeStringField("currency", s.currency);
      g.writeStringField("collection_method", "charge_automatically");
      g.writeObjectFieldStart("items");
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (Item it : s.items) {
        g.writeStartObject();
        g.writeStringField("id", it.id);
        g.writeStringField("object", "subscription_item");
        g.writeObjectFieldStart("price");
        Catalog.writePriceObject(g, it.price);
        g.writeEndObject();
        g.writeNumberField("quantity", it.quantity);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      if (s.discount == null) {
        g.writeNullField("discount");
      } else {
        g.writeObjectFieldStart("discount");
        g.writeStringField("id", "di_" + s.id.substring(4) + "_" + s.discount.serial);
        Catalog.writeCoupon(g, s.discount.coupon);
        g.writeNumberField("start", s.discount.start);
        JsonBytes.num(g, "end", s.discount.end);
        g.writeStringField("subscription", s.id);
        g.writeEndObject();
      }
      g.writeObjectFieldStart("metadata");
      g.writeStringField("workspace_id", w.workspaceId);
      g.writeEndObject();
      g.writeNumberField("updated", stamp);
      Rec rec = new Rec(LandingStream.STRIPE_SUBSCRIPTIONS, s.id, stamp, w.b.json.end());
      rec.mrrRelevant = relevant;
      rec.unknownEnums = (byte) ("paused".equals(s.status) ? 1 : 0);
      w.b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void invoice(Invoice inv, long t) {
    long stamp = Math.max(t, inv.updated + 1);
    inv.updated = stamp;
    try {
      JsonGenerator g = w.b.json.begin();
      g.writeStringField("id", inv.id);
      g.writeStringField("object", "invoice");
      g.writeStringField("customer", w.customerId);
      JsonBytes.str(g, "subscription", inv.subId);
      g.writeStringField("status", inv.status);
      g.writeNumberField("amount_due", inv.amountDue);
      long paid = "paid".equals(inv.status) ? inv.amountDue : 0;
      g.writeNumberField("amount_paid", paid);
      g.writeNumberField("amount_remaining", "paid".equals(inv.status) || "void".equals(inv.status) ? 0
          : inv.amountDue);
      g.writeNumberField("subtotal", inv.subtotal);
      g.writeNumberField("total", inv.amountDue);
      g.writeArrayFieldStart("total_discount_amounts");
      if (inv.discount != 0) {
        g.writeStartObject();
        g.writeNumberField("amount", inv.discount);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("currency", inv.currency);
      g.writeNumberField("created", inv.created);
      g.writeNumberField("period_start", inv.periodStart);
      g.writeNumberField("period_end", inv.periodEnd);
      g.writeStringField("billing_reason", inv.reason);
      g.writeNumberField("attempt_count", inv.attempts);
      g.writeBooleanField("paid", "paid".equals(inv.status));
      g.writeObjectFieldStart("status_transitions");
      JsonBytes.num(g, "paid_at", inv.paidAt);
      g.writeEndObject();
      g.writeObjectFieldStart("lines");
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (int i = 0; i < inv.lines.size(); i++) {
        long[] l = inv.lines.get(i);
        g.writeStartObject();
        g.writeStringField("id", "il_" + inv.id.substring(3) + "_" + i);
        g.writeNumberField("amount", l[0]);
        g.writeStringField("currency", inv.currency);
        g.writeObjectFieldStart("period");
        g.writeNumberField("start", l[1]);
        g.writeNumberField("end", l[2]);
        g.writeEndObject();
        g.writeBooleanField("proration", l[3] == 1);
        g.writeNumberField("quantity", l[4]);
        String priceId = inv.linePrices.get(i);
        if (priceId == null) {
          g.writeNullField("price");
        } else {
          g.writeObjectFieldStart("price");
          g.writeStringField("id", priceId);
          g.writeEndObject();
        }
        g.writeArrayFieldStart("discount_amounts");
        if (l[5] != 0) {
          g.writeStartObject();
          g.writeNumberField("amount", l[5]);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeNumberField("updated", stamp);
      Rec rec = new Rec(LandingStream.STRIPE_INVOICES, inv.id, stamp, w.b.json.end());
      rec.negativeOrAbsurd = (byte) inv.negativeOrAbsurd;
      w.b.sink.emit(rec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
