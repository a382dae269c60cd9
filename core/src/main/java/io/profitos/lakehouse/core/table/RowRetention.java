package io.profitos.lakehouse.core.table;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.profitos.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse.privacy.retention}: how long each table keeps its rows. {@code lakehouse maintain} deletes the rows
 * of a table whose {@code column} (a date or a timestamp) is older than {@code keep} before the run's date, then
 * maintains the table as usual, so the files that held them go at its vacuum once the maintenance retention has passed.
 * The first rule whose {@code tables} glob ({@code <layer>.<table>}) matches a table applies to it; a table no rule
 * matches keeps its rows.
 */
public final class RowRetention {
  /** Rows of the tables matching {@code tables} older than {@code keep} by {@code column} are deleted. */
  public record Rule(String tables, String column, Duration keep, Pattern pattern) {}

  public static final String KEY = "lakehouse.privacy.retention";
  private final List<Rule> rules;

  private RowRetention(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static RowRetention from(Config config) {
    List<Rule> rules = new ArrayList<>();
    try {
      for (Config r : config.getConfigList(KEY)) {
        String tables = r.getString("tables");
        if (tables.split("\\.", -1).length != 2) {
          throw LakehouseException.usage(KEY + ": '" + tables + "' is not <layer>.<table> (a glob, e.g. bronze._quarantine or silver.*).");
        }
        Duration keep = r.getDuration("keep");
        if (keep.toDays() < 1) {
          throw LakehouseException.usage(KEY + ": " + tables + " keeps its rows " + keep.toHours() + " hours: give at least 1 day.");
        }
        rules.add(new Rule(tables, r.getString("column"), keep, glob(tables)));
      }
    } catch (ConfigException e) {
      throw LakehouseException.usage("Configuration error in " + KEY + ": " + e.getMessage()
          + " (each rule is { tables = \"<layer>.<table>\", column = <date or timestamp column>, keep = <days> }).");
    }
    return new RowRetention(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The rule for {@code layer.table}, if any. */
  public Optional<Rule> ruleFor(String table) {
    String name = table.toLowerCase(Locale.ROOT);
    return rules.stream().filter(r -> r.pattern().matcher(name).matches()).findFirst();
  }

  /** The first day a table under {@code rule} keeps on {@code today}: rows before it are past the retention. */
  public static LocalDate firstKept(Rule rule, LocalDate today) {
    return today.minusDays(rule.keep().toDays());
  }

  /**
   * Deletes the rows of the table at {@code location} ({@code layer.table}) that its rule puts past the retention on
   * {@code today}; returns how many (0 when no rule applies).
   */
  public long apply(SparkSession spark, String location, String table, LocalDate today) {
    Optional<Rule> rule = ruleFor(table);
    if (rule.isEmpty()) {
      return 0;
    }
    String column = rule.get().column();
    String[] columns = spark.read().format("delta").load(location).columns();
    if (Arrays.stream(columns).noneMatch(c -> c.equalsIgnoreCase(column))) {
      throw LakehouseException.usage(KEY + ": " + table + " has no column '" + column + "' (rule for '" + rule.get().tables()
          + "'); its columns are " + Arrays.toString(columns) + ".");
    }
    String condition = "CAST(`" + column.replace("`", "``") + "` AS DATE) < DATE '" + firstKept(rule.get(), today) + "'";
    Row r = spark.sql("DELETE FROM delta.`" + location.replace("`", "``") + "` WHERE " + condition).first();
    return r.isNullAt(0) ? 0 : r.getLong(0);
  }

  private static Pattern glob(String glob) {
    List<String> parts = new ArrayList<>();
    for (String part : glob.toLowerCase(Locale.ROOT).split("\\*", -1)) {
      parts.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", parts));
  }
}
