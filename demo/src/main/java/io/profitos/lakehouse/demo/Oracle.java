package io.profitos.lakehouse.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The generator's own probabilities, for the models to be compared against (an oracle AUC): they come from the
 * simulation's hidden state, which no model reads. Written beside the manifest under {@value #FOLDER}/.
 *
 * <p><b>Churn.</b> A paying workspace (not a long-standing anchor account, paying for more than 30 days) cancels in a
 * week with probability {@code h = churn/month / 4.345 x exp(2.5 x (tier health - engagement)) x pain x 1.3}, where
 * {@code pain = 1 + 1.5 x bad ratings / (ratings + 2) + 0.15 x min(4, urgent tickets)} over the last 90 days
 * ({@code WorkspaceSim}). At each month end the oracle records {@code h} and {@code 1 - (1 - h)^13}, the chance of
 * a cancellation in the next 13 weeks were the hazard to stay as it is (engagement and support change, and a
 * cancellation ends the MRR at the end of the paid period, so this is the generator's view, not an exact
 * probability of the label). Anchors and new payers record 0.
 *
 * <p><b>Leads.</b> {@code p = logistic(-3 + source effect + 0.5 x log10(employees) + 0.07 x web visits + 0.15 x
 * email engagements)}, source effects Web 0, Paid Search -0.45, Partner Referral 0.9, Outbound -0.8, Events and
 * Webinars 0.35, Content -0.2 ({@code Sales.conversionProbability}). The outcome of a lead (converted or not) is drawn
 * first and its features accepted with {@code p} or {@code 1 - p}, so the features carry exactly this signal; trials
 * and deal outcomes are decided apart from it.
 */
final class Oracle {
  static final String FOLDER = "_truth";
  static final String CHURN_FILE = "churn_probability.csv";
  static final String LEAD_FILE = "lead_conversion.csv";
  /** The weeks the churn oracle looks ahead (90 days). */
  static final int WEEKS = 13;

  private final StringBuilder churn = new StringBuilder("workspace_id,month_end,weekly_hazard,churn_probability_90d\n");
  private final StringBuilder leads = new StringBuilder("lead_id,conversion_probability\n");

  void churn(String workspaceId, java.time.LocalDate monthEnd, double weeklyHazard) {
    double h = Math.min(1, Math.max(0, weeklyHazard));
    churn.append(workspaceId).append(',').append(monthEnd).append(',').append(String.format(Locale.ROOT, "%.8f", h)).append(',')
        .append(String.format(Locale.ROOT, "%.8f", 1 - Math.pow(1 - h, WEEKS))).append('\n');
  }

  void lead(String leadId, double conversionProbability) {
    leads.append(leadId).append(',').append(String.format(Locale.ROOT, "%.8f", conversionProbability)).append('\n');
  }

  /** Writes both files, each with modification time {@code mtimeSec} (the same bytes and times for the same spec). */
  void write(Path root, long mtimeSec) throws IOException {
    Path dir = Files.createDirectories(root.resolve(FOLDER));
    for (Path f : List.of(Files.writeString(dir.resolve(CHURN_FILE), churn, StandardCharsets.UTF_8),
        Files.writeString(dir.resolve(LEAD_FILE), leads, StandardCharsets.UTF_8))) {
      LandingOutput.mtime(f, mtimeSec);
    }
  }
}
