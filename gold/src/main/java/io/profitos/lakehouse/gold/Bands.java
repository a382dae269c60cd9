package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.profitos.lakehouse.core.LakehouseException;
import java.util.List;
import org.apache.spark.sql.Column;

/** Bands by their lower bounds, as configured: bounds [b1, b2] give three bands, below b1, from b1 below b2, b2 and up. */
final class Bands {
  private Bands() {}

  /** Checks that {@code bounds} (at {@code key}) increase and are positive; {@code what} names them in the message. */
  static void check(String key, List<Integer> bounds, String what) {
    for (int i = 0; i < bounds.size(); i++) {
      if (bounds.get(i) < 1 || (i > 0 && bounds.get(i) <= bounds.get(i - 1))) {
        throw LakehouseException.usage(key + " must be increasing " + what + " of at least 1 (each the lower bound of a "
            + "band), got " + bounds + ".");
      }
    }
  }

  /** The name of {@code value}'s band: {@code names} holds one name per band, lowest first (bounds + 1 of them). */
  static Column of(Column value, List<Integer> bounds, List<String> names) {
    Column band = lit(names.get(names.size() - 1));
    for (int i = bounds.size() - 1; i >= 0; i--) {
      band = when(value.lt(bounds.get(i)), names.get(i)).otherwise(band);
    }
    return band;
  }
}
