package io.profitos.lakehouse.core.job;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link JobContext#publish} writes a table. Immutable; build one with a factory and refine it
 * with the {@code with*} methods.
 *
 * <ul>
 *   <li>{@link #overwrite()}: the rows replace the whole table (created on first publish, in one commit);
 *   <li>{@link #replaceFrom(String, LocalDate)}: the rows replace the table's rows with {@code column >= from};
 *   <li>{@link #replaceWhere(String)}: the rows replace the table's rows matching a predicate;
 *   <li>{@link #merge(List)}: upsert by key; with {@link #withNewerBy} a stored row is replaced only by a newer one;
 *   <li>{@link #mergeVersions(List, String, List)}: version rows of the given keys replace the stored
 *       versions of those keys (versions that no longer exist are deleted);
 *   <li>{@link #update(List, List)}: only the listed columns of matching rows change.
 * </ul>
 *
 * @param kind the write
 * @param keys match columns (merge kinds)
 * @param newerBy for {@link Kind#MERGE}: a matched row is updated only when these columns sort higher
 * @param prunePartitions for merges into a partitioned table: add the partition values of the rows as literals
 * @param partitionBy partition columns when the publish creates or rewrites the table
 * @param where for {@link Kind#REPLACE_WHERE}: the SQL predicate of the rows replaced; for merges, an extra
 *     condition on the stored ({@code t.}) rows, such as a partition literal
 * @param keyColumn for {@link Kind#MERGE_VERSIONS}: the entity key whose versions are replaced
 * @param touchedKeys for {@link Kind#MERGE_VERSIONS}: the entity keys being replaced
 * @param columns for {@link Kind#UPDATE}: the columns set from the rows; for {@link Kind#MERGE} with {@code newerBy}:
 *     the columns a row of the same version as the stored one sets (values restated in place)
 * @param properties Delta table properties: set when the table is created, and on an existing table that lacks one
 * @param allowEmpty an empty result is legitimate (otherwise it is a gate failure when an input has rows)
 * @param gated run the table's expectation suite before publishing
 */
public record Publish(Kind kind, List<String> keys, List<String> newerBy, List<String> prunePartitions,
    List<String> partitionBy, String where, String keyColumn, List<?> touchedKeys, List<String> columns,
    Map<String, String> properties, boolean allowEmpty, boolean gated) {

  /** The kinds of write. */
  public enum Kind { OVERWRITE, REPLACE_WHERE, MERGE, MERGE_VERSIONS, UPDATE }

  public Publish {
    Objects.requireNonNull(kind, "kind");
    keys = List.copyOf(keys);
    newerBy = List.copyOf(newerBy);
    prunePartitions = List.copyOf(prunePartitions);
    partitionBy = List.copyOf(partitionBy);
    touchedKeys = touchedKeys == null ? List.of() : List.copyOf(touchedKeys);
    columns = List.copyOf(columns);
    properties = Map.copyOf(properties);
  }

  private static Publish of(Kind kind, List<String> keys) {
    return new Publish(kind, keys, List.of(), List.of(), List.of(), null, null, List.of(), List.of(), Map.of(), false, true);
  }

  /** The rows are the whole table. */
  public static Publish overwrite() {
    return of(Kind.OVERWRITE, List.of());
  }

  /** The rows replace every stored row with {@code column >= from} (a partial rebuild). */
  public static Publish replaceFrom(String column, LocalDate from) {
    return replaceWhere(Objects.requireNonNull(column, "column") + " >= DATE'" + Objects.requireNonNull(from, "from") + "'");
  }

  /** The rows replace every stored row matching the SQL predicate {@code where}; rows outside it are not written. */
  public static Publish replaceWhere(String where) {
    return of(Kind.REPLACE_WHERE, List.of()).withWhere(Objects.requireNonNull(where, "where"));
  }

  /** Upsert by {@code keys}: matched rows are updated, new ones inserted. */
  public static Publish merge(List<String> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a merge needs key columns");
    }
    return of(Kind.MERGE, keys);
  }

  /**
   * The version rows of {@code touchedKeys} (values of {@code keyColumn}) replace the stored
   * versions of those keys, matched on {@code matchOn}; stored versions of those keys that are
   * not among the rows are deleted.
   */
  public static Publish mergeVersions(List<String> matchOn, String keyColumn, List<?> touchedKeys) {
    return new Publish(Kind.MERGE_VERSIONS, matchOn, List.of(), List.of(), List.of(), null,
        Objects.requireNonNull(keyColumn, "keyColumn"), touchedKeys, List.of(), Map.of(), false, true);
  }

  /** Matched rows get {@code columns} from the rows; nothing is inserted, and no gate runs (values are restated, not new). */
  public static Publish update(List<String> keys, List<String> columns) {
    return new Publish(Kind.UPDATE, keys, List.of(), List.of(), List.of(), null, null, List.of(), columns, Map.of(), false, false);
  }

  private Publish withWhere(String condition) {
    return new Publish(kind, keys, newerBy, prunePartitions, partitionBy, condition, keyColumn, touchedKeys, columns,
        properties, allowEmpty, gated);
  }

  /** For a merge: an extra SQL condition on the stored ({@code t.}) rows, such as a partition literal. */
  public Publish withTargetCondition(String condition) {
    return withWhere(condition);
  }

  /** For a merge: a stored row is replaced only by one whose {@code order} columns sort higher. */
  public Publish withNewerBy(List<String> order) {
    return new Publish(kind, keys, order, prunePartitions, partitionBy, where, keyColumn, touchedKeys, columns,
        properties, allowEmpty, gated);
  }

  /**
   * For a merge with {@link #withNewerBy}: a stored row matched by a row of the same version (the
   * stored row itself, with values recomputed) gets {@code restated} from it; a newer row still
   * replaces it whole, and an older one changes nothing.
   */
  public Publish withRestated(List<String> restated) {
    if (kind != Kind.MERGE || newerBy.isEmpty()) {
      throw new IllegalStateException("restated columns need a merge with newerBy");
    }
    return new Publish(kind, keys, newerBy, prunePartitions, partitionBy, where, keyColumn, touchedKeys, restated,
        properties, allowEmpty, gated);
  }

  /** For a merge into a table partitioned by {@code partitions}: only the partitions the rows touch are read. */
  public Publish withPrunedPartitions(List<String> partitions) {
    return new Publish(kind, keys, newerBy, partitions, partitionBy, where, keyColumn, touchedKeys, columns,
        properties, allowEmpty, gated);
  }

  /** Partition columns of the table when this publish creates or rewrites it. */
  public Publish withPartitionBy(List<String> partitions) {
    return new Publish(kind, keys, newerBy, prunePartitions, partitions, where, keyColumn, touchedKeys, columns,
        properties, allowEmpty, gated);
  }

  /** Delta table properties applied when the table is created, and to an existing table that lacks one of them. */
  public Publish withProperties(Map<String, String> props) {
    return new Publish(kind, keys, newerBy, prunePartitions, partitionBy, where, keyColumn, touchedKeys, columns,
        props, allowEmpty, gated);
  }

  /** An empty result is a legitimate outcome of this table (exceptions, breaches). */
  public Publish withEmptyAllowed() {
    return new Publish(kind, keys, newerBy, prunePartitions, partitionBy, where, keyColumn, touchedKeys, columns,
        properties, true, gated);
  }

  /** No expectation suite runs (technical tables such as the quarantine). */
  public Publish withoutGate() {
    return new Publish(kind, keys, newerBy, prunePartitions, partitionBy, where, keyColumn, touchedKeys, columns,
        properties, allowEmpty, false);
  }

  /** Whether the rows are the table's whole content after the publish (or its content where the predicate holds). */
  boolean replacesContent() {
    return kind == Kind.OVERWRITE || kind == Kind.REPLACE_WHERE;
  }
}
