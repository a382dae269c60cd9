package io.profitos.lakehouse.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A customer export as users bring them, generated from a known logistic model so every row's true churn probability
 * is known: a Yes/yes/No label, tenure as text with 3% blanks, charges as "$1,234.50" text with blanks, a contract
 * type, 40 cities with placeholders ("N/A", "unknown", blank), support calls, and an ID-like reference column.
 */
final class MessyCsv {
  static final String[] CONTRACTS = {"Month-to-month", "One year", "Two year"};

  /** The true probability of each customer id, and how many churned. */
  record Truth(Map<String, Double> probability, int positives, int rows) {}

  private MessyCsv() {}

  static Truth write(Path file, int rows, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, Double> truth = new HashMap<>();
    int positives = 0;
    StringBuilder b = new StringBuilder("customer_id,Churn,tenure,monthly_charges,contract,city,support_calls,signup_ref\n");
    for (int i = 0; i < rows; i++) {
      String id = String.format(Locale.ROOT, "C%05d", i);
      int tenure = r.nextInt(72);
      double charges = 20 + 100 * r.nextDouble();
      int contract = r.nextDouble() < 0.5 ? 0 : r.nextDouble() < 0.5 ? 1 : 2;
      int calls = (int) Math.floor(-Math.log(1 - r.nextDouble()) * 1.5);
      double logit = -2.6 + (contract == 0 ? 1.4 : contract == 1 ? 0.2 : -0.8) - 0.045 * tenure + 0.02 * (charges - 70)
          + 0.45 * calls;
      double p = 1 / (1 + Math.exp(-logit));
      boolean churn = r.nextDouble() < p;
      truth.put(id, p);
      positives += churn ? 1 : 0;
      String tenureText = r.nextDouble() < 0.03 ? "" : Integer.toString(tenure);
      String chargesText = r.nextDouble() < 0.02 ? " " : String.format(Locale.ROOT, "\"$%,.2f\"", charges);
      double u = r.nextDouble();
      String city = u < 0.04 ? "N/A" : u < 0.06 ? "unknown" : u < 0.07 ? "" : "City" + r.nextInt(40);
      b.append(id).append(',').append(churn ? (r.nextBoolean() ? "Yes" : "yes") : "No").append(',').append(tenureText)
          .append(',').append(chargesText).append(',').append(CONTRACTS[contract]).append(',').append(city).append(',')
          .append(calls).append(',').append(Long.toHexString(r.nextLong())).append('\n');
    }
    Files.writeString(file, b);
    return new Truth(truth, positives, rows);
  }
}
