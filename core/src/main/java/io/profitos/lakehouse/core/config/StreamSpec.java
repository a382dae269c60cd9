package io.profitos.lakehouse.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One configured landing-zone stream ({@code lakehouse.sources.<source>.streams.<stream>}).
 *
 * @param source landing folder of the source system, e.g. {@code stripe}
 * @param stream landing folder of the stream, e.g. {@code subscriptions} or {@code Account}
 * @param format {@link Format} of the files
 * @param sync incremental or full_refresh
 * @param primaryKey fields that identify a record (a record without them is quarantined)
 * @param cursor field ordering versions of a record (incremental streams), or null
 * @param bronzeTable bronze table name without the layer, e.g. {@code stripe_subscriptions}
 * @param maxAge how old the newest extract may be at the run date before the stream counts as stopped
 */
public record StreamSpec(
    String source, String stream, Format format, Sync sync, List<String> primaryKey, String cursor, String bronzeTable,
    java.time.Duration maxAge) {

  public StreamSpec {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(sync, "sync");
    primaryKey = List.copyOf(primaryKey);
    Objects.requireNonNull(bronzeTable, "bronzeTable");
    Objects.requireNonNull(maxAge, "maxAge");
  }

  /** {@code <source>/<stream>}, the id used in logs, the ledger and the demo manifest. */
  public String id() {
    return source + "/" + stream;
  }

  /** Default bronze table name: {@code <source>_<stream>} in snake_case (Account -> account, OpportunityHistory -> opportunity_history). */
  public static String defaultTableName(String source, String stream) {
    return snake(source) + "_" + snake(stream);
  }

  static String snake(String name) {
    String s = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]+", "_");
    return s.toLowerCase(Locale.ROOT).replaceAll("^_+|_+$", "");
  }

  /** File formats of the landing contract. */
  public enum Format {
    AIRBYTE_JSONL("airbyte-jsonl"), JSONL("jsonl"), CSV("csv");

    private final String key;

    Format(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    public boolean isJson() {
      return this != CSV;
    }

    public static Format parse(String value) {
      for (Format f : values()) {
        if (f.key.equals(value)) {
          return f;
        }
      }
      return null;
    }
  }

  /** Sync semantics of the landing contract. */
  public enum Sync {
    INCREMENTAL("incremental"), FULL_REFRESH("full_refresh");

    private final String key;

    Sync(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    public static Sync parse(String value) {
      for (Sync s : values()) {
        if (s.key.equals(value)) {
          return s;
        }
      }
      return null;
    }
  }
}
