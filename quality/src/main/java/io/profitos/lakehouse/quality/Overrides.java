package io.profitos.lakehouse.quality;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Approved overrides ({@code lakehouse.quality.overrides}): a known, explained breach of one
 * expectation of one table is let through until a date, and the decision (who, why, until when)
 * is recorded with every check it covers. Thresholds are never edited for it.
 */
public final class Overrides {
  /**
   * One approved decision.
   *
   * @param table the checked table (layer.table)
   * @param expectation the expectation's name in the suite ({@code meta.name}, or the one generated from its type and kwargs)
   * @param approvedBy who approved it
   * @param reason why the breach is known and acceptable
   * @param until the last run date it applies to
   */
  public record Override(String table, String expectation, String approvedBy, String reason, LocalDate until) {}

  private final List<Override> all;

  Overrides(List<Override> all) {
    this.all = List.copyOf(all);
  }

  /** Reads and checks {@code lakehouse.quality.overrides}; an incomplete entry fails at start-up. */
  public static Overrides from(Config config) {
    List<Override> out = new ArrayList<>();
    int i = 0;
    for (Config c : config.getConfigList("lakehouse.quality.overrides")) {
      String where = "lakehouse.quality.overrides[" + i++ + "]";
      for (String key : List.of("table", "expectation", "approved-by", "reason", "until")) {
        if (!c.hasPath(key) || c.getString(key).isBlank()) {
          throw LakehouseException.usage(where + " has no '" + key + "': an override records table, expectation, approved-by, reason and until.");
        }
      }
      LocalDate until;
      try {
        until = LocalDate.parse(c.getString("until"));
      } catch (DateTimeParseException e) {
        throw LakehouseException.usage(where + ".until '" + c.getString("until") + "' is not a date (YYYY-MM-DD).");
      }
      out.add(new Override(c.getString("table"), c.getString("expectation"), c.getString("approved-by"), c.getString("reason"), until));
    }
    return new Overrides(out);
  }

  /**
   * The overrides of {@code table} in force on {@code runDate} that name none of {@code names} (the suite's
   * expectations): a typo, or a name from before the suite changed; they release nothing.
   */
  public List<Override> unmatched(String table, java.util.Collection<String> names, LocalDate runDate) {
    return all.stream().filter(o -> o.table().equals(table) && !runDate.isAfter(o.until()) && !names.contains(o.expectation())).toList();
  }

  /** The override for this table and expectation in force on {@code runDate}, or null (an expired one is not). */
  public Override find(String table, String expectation, LocalDate runDate) {
    return all.stream().filter(o -> o.table().equals(table) && o.expectation().equals(expectation) && !runDate.isAfter(o.until()))
        .findFirst().orElse(null);
  }
}
