package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.delta.tables.DeltaTable;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.DeltaTables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code lakehouse privacy forget}: the rows of one subject (a person by email, a workspace by id) in every table of every
 * layer. From configuration ({@code lakehouse.privacy.subjects}, {@code lakehouse.privacy.keys},
 * {@code lakehouse.privacy.raw-columns}):
 * <ul>
 *   <li>a subject's rows hold its value in one of its {@code columns} (in the clear, as bronze lands it) or its keyed hash
 *       in one of its {@code hashed-columns} (as silver's {@code privacy = hash} holds it);</li>
 *   <li>the keys the subject's own records carry (the subject's {@code keys}: a person's user, lead and sales-rep ids, a
 *       workspace's users, customers, accounts, subscriptions, ...) are the subject's too, and so is every row holding
 *       one of them. A key is read only from its {@code from} columns (the records that own it: a user's id from the
 *       users, not from events), so a key never spreads through a row that merely refers to it; it is looked for in
 *       its {@code columns} and its {@code from} columns. Keys are followed until no row adds one;</li>
 *   <li>raw lines no parser read (the quarantines) are the subject's when their text holds the value or one of the keys
 *       as a whole word.</li>
 * </ul>
 * A column is named alone (that column, exact case, in any table that has it) or as {@code <layer>.<table>.<column>}, a
 * path into a struct allowed ({@code bronze.stripe_customers.metadata.workspace_id}).
 */
final class PrivacyForget {
  static final String SUBJECTS = "lakehouse.privacy.subjects";
  static final String KEYS = "lakehouse.privacy.keys";
  static final String RAW = "lakehouse.privacy.raw-columns";
  /** Keys are followed at most this many rounds: a configuration that keeps adding keys is refused past it. */
  static final int MAX_ROUNDS = 12;
  /** Gold's unknown member: the key of every fact row its dimension could not match, so never one subject's key. */
  static final String UNKNOWN_MEMBER = String.valueOf(io.profitos.lakehouse.gold.DimensionTransforms.UNKNOWN);

  /** A column that holds a value: {@code path} in {@code table} ({@code layer.table}), or in any table when it is null. */
  record ColumnRef(String table, String path) {
    static ColumnRef parse(String entry, String key) {
      String[] parts = entry.split("\\.", -1);
      if (parts.length == 1) {
        return new ColumnRef(null, entry);
      }
      if (parts.length < 3 || java.util.Arrays.stream(parts).anyMatch(String::isEmpty)) {
        throw LakehouseException.usage(key + ": '" + entry + "' is neither a column name nor <layer>.<table>.<column>.");
      }
      return new ColumnRef(parts[0] + "." + parts[1], entry.substring(parts[0].length() + parts[1].length() + 2));
    }

    boolean appliesTo(Table t) {
      return (table == null || table.equals(t.name())) && has(t.schema(), path);
    }

    Column column() {
      StringBuilder quoted = new StringBuilder();
      for (String part : path.split("\\.")) {
        quoted.append(quoted.length() == 0 ? "" : ".").append('`').append(part.replace("`", "``")).append('`');
      }
      return col(quoted.toString());
    }

    private static boolean has(StructType schema, String path) {
      DataType type = schema;
      for (String part : path.split("\\.")) {
        if (!(type instanceof StructType struct)) {
          return false;
        }
        StructField field = java.util.Arrays.stream(struct.fields()).filter(f -> f.name().equals(part)).findFirst().orElse(null);
        if (field == null) {
          return false;
        }
        type = field.dataType();
      }
      return true;
    }
  }

  /** One key: the columns of the records that own it (where it is read from) and every column that holds it. */
  record Key(String name, List<ColumnRef> from, List<ColumnRef> columns, List<ColumnRef> erase) {
    List<ColumnRef> holders() {
      List<ColumnRef> all = new ArrayList<>(from);
      columns.stream().filter(c -> !from.contains(c)).forEach(all::add);
      return all;
    }
  }

  /** One kind of subject: where its value is held, in the clear and hashed, and the keys its rows lead to. */
  record Subject(String name, List<ColumnRef> columns, List<ColumnRef> hashedColumns, boolean ignoreCase, List<String> keys) {}

  /** A Delta table of the warehouse: its location, its name ({@code layer.table}; a staged output is its table's) and schema. */
  record Table(String location, String name, StructType schema) {}

  /** One table's share: the rows deleted, and the rows whose reference to the subject was set to null. */
  record Erased(String location, String name, long rows, long nulled) {}

  /** What a forget found and deleted: the keys followed, the tables and rows, the rounds it took. */
  record Result(Map<String, Set<String>> keys, List<Erased> erased, int rounds) {
    long rows() {
      return erased.stream().mapToLong(Erased::rows).sum();
    }

    long nulled() {
      return erased.stream().mapToLong(Erased::nulled).sum();
    }
  }

  private final Map<String, Subject> subjects;
  private final Map<String, Key> keys;
  private final List<ColumnRef> raw;

  private PrivacyForget(Map<String, Subject> subjects, Map<String, Key> keys, List<ColumnRef> raw) {
    this.subjects = subjects;
    this.keys = keys;
    this.raw = raw;
  }

  static PrivacyForget from(Config config) {
    try {
      Map<String, Key> keys = new LinkedHashMap<>();
      Config keyConfig = config.getConfig(KEYS);
      for (String k : new TreeSet<>(keyConfig.root().keySet())) {
        Config c = keyConfig.getConfig(k);
        List<ColumnRef> from = refs(c.getStringList("from"), KEYS + "." + k + ".from");
        if (from.isEmpty()) {
          throw LakehouseException.usage(KEYS + "." + k + ".from is empty: name the columns of the records that own the key "
              + "(e.g. silver.users.user_id).");
        }
        List<ColumnRef> erase = refs(c.hasPath("erase") ? c.getStringList("erase") : List.of(), KEYS + "." + k + ".erase");
        for (ColumnRef e : erase) {
          if (e.table() == null || e.path().contains(".")) {
            throw LakehouseException.usage(KEYS + "." + k + ".erase: '" + (e.table() == null ? "" : e.table() + ".") + e.path()
                + "' is not <layer>.<table>.<column> (a top-level column of one table).");
          }
        }
        keys.put(k, new Key(k, from, refs(c.hasPath("columns") ? c.getStringList("columns") : List.of(), KEYS + "." + k + ".columns"),
            erase));
      }
      Map<String, Subject> subjects = new LinkedHashMap<>();
      Config subjectConfig = config.getConfig(SUBJECTS);
      for (String s : new TreeSet<>(subjectConfig.root().keySet())) {
        Config c = subjectConfig.getConfig(s);
        String where = SUBJECTS + "." + s;
        List<String> followed = c.getStringList("keys");
        for (String k : followed) {
          if (!keys.containsKey(k)) {
            throw LakehouseException.usage(where + ".keys: '" + k + "' is not a key of " + KEYS + " (its keys are " + keys.keySet() + ").");
          }
        }
        subjects.put(s, new Subject(s, refs(c.getStringList("columns"), where + ".columns"),
            refs(c.hasPath("hashed-columns") ? c.getStringList("hashed-columns") : List.of(), where + ".hashed-columns"),
            c.hasPath("ignore-case") && c.getBoolean("ignore-case"), followed));
      }
      return new PrivacyForget(subjects, keys, refs(config.getStringList(RAW), RAW));
    } catch (ConfigException e) {
      throw LakehouseException.usage("Configuration error in lakehouse.privacy: " + e.getMessage()
          + " (subjects { <name> { columns = [..], hashed-columns = [..], ignore-case = true|false, keys = [..] } }, keys { <key> { from = [..], columns = [..] } },"
          + " raw-columns = [..]).");
    }
  }

  private static List<ColumnRef> refs(List<String> entries, String key) {
    return entries.stream().map(e -> ColumnRef.parse(e, key)).toList();
  }

  Set<String> subjectNames() {
    return subjects.keySet();
  }

  /** The table name a location under {@code warehouse} stands for: its last two folders ({@code layer/table}). */
  static String tableName(String warehouse, String location) {
    String[] parts = location.substring(warehouse.length()).replaceAll("^/+|/+$", "").split("/");
    return parts.length < 2 ? parts[0] : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }

  /**
   * Deletes the rows of {@code subject} {@code value} (its keyed hash {@code hash}) in {@code tables}, or only counts them
   * when {@code dryRun}; returns what it found. The files that held them stay until the caller vacuums.
   */
  Result forget(SparkSession spark, List<Table> tables, String subjectName, String value, String hash, boolean dryRun) {
    Subject subject = subjects.get(subjectName);
    if (subject == null) {
      throw LakehouseException.usage("'" + subjectName + "' is not a subject of " + SUBJECTS + " (its subjects are " + subjects.keySet() + ").");
    }
    Map<String, Set<String>> found = new LinkedHashMap<>();
    subject.keys().forEach(k -> found.put(k, new TreeSet<>()));
    // A table is read again only when a value set its condition uses has grown since it was last read.
    Map<String, List<Integer>> readWith = new HashMap<>();
    int rounds = 0;
    boolean grew = true;
    while (grew) {
      if (++rounds > MAX_ROUNDS) {
        throw LakehouseException.usage("Forgetting " + subjectName + " still finds new keys after " + MAX_ROUNDS + " rounds ("
            + sizes(found) + "): a key of " + SUBJECTS + "." + subjectName + ".keys leads to ever more rows; check " + KEYS + ".");
      }
      grew = false;
      for (Table t : tables) {
        List<Integer> signature = subject.keys().stream().map(k -> found.get(k).size()).toList();
        Column condition = condition(t, subject, value, hash, found);
        if (keySources(subject).noneMatch(r -> r.appliesTo(t)) || condition == null || signature.equals(readWith.get(t.location()))) {
          continue;
        }
        readWith.put(t.location(), signature);
        Dataset<Row> rows = spark.read().format("delta").load(t.location()).filter(condition);
        for (String k : subject.keys()) {
          for (ColumnRef ref : keys.get(k).from()) {
            if (ref.appliesTo(t)) {
              for (Row r : rows.select(ref.column().cast("string")).where(ref.column().isNotNull()).distinct().collectAsList()) {
                String key = r.getString(0);
                if (!key.isBlank() && !key.equals(UNKNOWN_MEMBER)) {
                  grew |= found.get(k).add(key);
                }
              }
            }
          }
        }
      }
    }
    // The records keys are read from go last: a run stopped part-way finds the same keys again when repeated.
    List<Table> order = new ArrayList<>(tables);
    order.sort(java.util.Comparator.comparing(t -> isSource(t, subject)));
    List<Erased> erased = new ArrayList<>();
    for (Table t : order) {
      Column condition = condition(t, subject, value, hash, found);
      // A row of someone else that refers to the subject (a workspace its owner left) keeps its row: the reference goes.
      long nulled = 0;
      for (String k : subject.keys()) {
        for (ColumnRef ref : keys.get(k).erase()) {
          if (!found.get(k).isEmpty() && ref.appliesTo(t)) {
            Column refers = isAnyOf(ref.column(), found.get(k), false);
            Column kept = condition == null ? refers : refers.and(org.apache.spark.sql.functions.not(condition));
            if (dryRun) {
              nulled += spark.read().format("delta").load(t.location()).filter(kept).count();
            } else {
              DataType type = t.schema().apply(ref.path()).dataType();
              nulled += changedRows(spark, t.location(), "numUpdatedRows",
                  table -> table.update(kept, Map.of(ref.path(), lit(null).cast(type))));
            }
          }
        }
      }
      if (condition == null && nulled == 0) {
        continue;
      }
      long n = condition == null ? 0
          : dryRun ? spark.read().format("delta").load(t.location()).filter(condition).count()
          : changedRows(spark, t.location(), "numDeletedRows", table -> table.delete(condition));
      erased.add(new Erased(t.location(), t.name(), n, nulled));
    }
    return new Result(found, erased, rounds);
  }

  /**
   * Runs one DELETE or UPDATE on the table at {@code location} and returns the rows it changed, from the commit's own
   * operation metrics (one pass over the table, not a count before it); 0 when nothing matched and Delta made no commit.
   */
  private static long changedRows(SparkSession spark, String location, String metric, java.util.function.Consumer<DeltaTable> change) {
    long before = DeltaTables.version(spark, location);
    change.accept(DeltaTable.forPath(spark, location));
    DeltaTables.Commit commit = DeltaTables.lastCommit(spark, location, null);
    if (commit.version() == before) {
      return 0;
    }
    String rows = commit.metrics().get(metric);
    if (rows == null) {
      throw new IllegalStateException("Delta recorded no " + metric + " for version " + commit.version() + " of " + location
          + " (its metrics: " + commit.metrics().keySet() + ").");
    }
    return Long.parseLong(rows);
  }

  /** The columns a subject's keys are read from: its keys' {@code from} columns. */
  private java.util.stream.Stream<ColumnRef> keySources(Subject subject) {
    return subject.keys().stream().flatMap(k -> keys.get(k).from().stream());
  }

  /** Whether {@code t} holds the subject's value or is a record a key of the subject is read from. */
  private boolean isSource(Table t, Subject subject) {
    return subject.columns().stream().anyMatch(r -> r.appliesTo(t)) || subject.hashedColumns().stream().anyMatch(r -> r.appliesTo(t))
        || keySources(subject).anyMatch(r -> r.appliesTo(t));
  }

  /** The configured {@code <layer>.<table>.<column>} entries that name no column of {@code tables}: a typo, or a table gone. */
  List<String> unmatched(List<Table> tables) {
    List<ColumnRef> all = new ArrayList<>(raw);
    subjects.values().forEach(s -> {
      all.addAll(s.columns());
      all.addAll(s.hashedColumns());
    });
    keys.values().forEach(k -> {
      all.addAll(k.holders());
      all.addAll(k.erase());
    });
    return all.stream().filter(r -> r.table() != null).distinct()
        .filter(r -> tables.stream().noneMatch(r::appliesTo) && tables.stream().anyMatch(t -> t.name().equals(r.table())))
        .map(r -> r.table() + "." + r.path()).sorted().toList();
  }

  /**
   * The rows of {@code t} that are the subject's, given the keys found so far; null when no column of {@code t} can hold
   * one. Values are compared inside functions ({@code is_subject}, {@code mentions_subject}) that hold them, so the
   * condition Delta records in the table's history (DESCRIBE HISTORY) names the columns, never a value.
   */
  Column condition(Table t, Subject subject, String value, String hash, Map<String, Set<String>> found) {
    List<Column> any = new ArrayList<>();
    for (ColumnRef ref : subject.columns()) {
      if (ref.appliesTo(t)) {
        any.add(subject.ignoreCase() ? isAnyOf(ref.column(), Set.of(value.strip().toLowerCase(Locale.ROOT)), true)
            : isAnyOf(ref.column(), Set.of(value), false));
      }
    }
    for (ColumnRef ref : subject.hashedColumns()) {
      if (ref.appliesTo(t)) {
        any.add(isAnyOf(ref.column(), Set.of(hash), false));
      }
    }
    for (String k : subject.keys()) {
      Set<String> values = found.get(k);
      for (ColumnRef ref : keys.get(k).holders()) {
        if (!values.isEmpty() && ref.appliesTo(t)) {
          any.add(isAnyOf(ref.column(), values, false));
        }
      }
    }
    // In raw text a key is looked for only where it cannot be a number of something else (a surrogate key, a count).
    List<String> words = new ArrayList<>();
    words.add(value.strip());
    words.add(hash);
    found.values().forEach(v -> v.stream().filter(w -> w.length() >= 4 && !w.matches("[0-9.\\-]+")).forEach(words::add));
    for (ColumnRef ref : raw) {
      if (ref.appliesTo(t)) {
        Pattern pattern = Pattern.compile(wholeWords(words));
        UDF1<String, Boolean> mentions = text -> text != null && pattern.matcher(text).find();
        any.add(udf(mentions, DataTypes.BooleanType).withName("mentions_subject").apply(ref.column().cast("string")));
      }
    }
    return any.stream().reduce(Column::or).map(c -> org.apache.spark.sql.functions.coalesce(c, lit(false))).orElse(null);
  }

  /** Whether {@code column} (as a string; trimmed and lower-cased when {@code ignoreCase}) is one of {@code values}. */
  private static Column isAnyOf(Column column, Set<String> values, boolean ignoreCase) {
    HashSet<String> set = new HashSet<>(values);
    UDF1<String, Boolean> is = ignoreCase ? v -> v != null && set.contains(v.strip().toLowerCase(Locale.ROOT))
        : v -> v != null && set.contains(v);
    return udf(is, DataTypes.BooleanType).withName("is_subject").apply(column.cast("string"));
  }

  /** Any of {@code words}, case-insensitively, not inside a longer identifier or address. */
  static String wholeWords(List<String> words) {
    List<String> quoted = words.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).map(Pattern::quote).toList();
    return "(?i)(?<![A-Za-z0-9_.@+-])(?:" + String.join("|", quoted) + ")(?![A-Za-z0-9_@+-]|\\.[A-Za-z0-9])";
  }

  private static String sizes(Map<String, Set<String>> found) {
    List<String> out = new ArrayList<>();
    found.forEach((k, v) -> out.add(v.size() + " " + k));
    return String.join(", ", out);
  }
}
