package io.profitos.lakehouse.ml;

import io.profitos.lakehouse.core.LakehouseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The features a model uses, resolved from its configuration, the source's schema and a profile of its values:
 * which columns are numbers (and whether they are stored as text), which are categories and the levels each keeps,
 * and which were left out and why. Saved with every model version, so scoring encodes rows exactly as training did.
 *
 * @param numeric feature columns read as numbers, in order
 * @param numericFromText the numeric columns stored as text
 * @param categorical feature columns read as categories, each with the levels it keeps (the rest: "(other)")
 * @param excluded columns left out, with the reason
 */
public record FeaturePlan(List<String> numeric, Set<String> numericFromText, Map<String, List<String>> categorical,
    Map<String, String> excluded) {

  /** A text share above this parses as numbers: the column is numeric (the rest are typos or placeholders). */
  static final double NUMERIC_TEXT_SHARE = 0.95;

  /** What one profiling pass learned of a candidate column. */
  public record ColumnProfile(long nonBlank, long numericParsable, long distinct, List<String> levels) {}

  public FeaturePlan {
    numeric = List.copyOf(numeric);
    numericFromText = Set.copyOf(numericFromText);
    categorical = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(categorical));
    excluded = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(excluded));
  }

  /** The feature names in the order the model sees them (for importance and explanations). */
  public List<String> features() {
    List<String> all = new ArrayList<>(numeric);
    all.addAll(categorical.keySet());
    return all;
  }

  /**
   * The candidate feature columns and whether each is an explicit number (true), an explicit category (false) or left to
   * its type and values (null), after checking that every named column exists and can be encoded. Fails with one line
   * naming the key and the fix.
   */
  static Map<String, Boolean> candidates(ModelSpec spec, StructType schema) {
    String at = "Model '" + spec.name() + "' (" + spec.file() + ")";
    Set<String> columns = new LinkedHashSet<>(List.of(schema.fieldNames()));
    for (Map.Entry<String, String> named : spec.namedColumns().entrySet()) {
      if (!columns.contains(named.getKey())) {
        throw LakehouseException.usage(at + ": " + named.getValue() + " names column '" + named.getKey() + "', which "
            + spec.source().describe() + " does not have. Its columns: " + String.join(", ", columns) + ".");
      }
    }
    Map<String, Boolean> candidates = new LinkedHashMap<>();
    for (String f : spec.features().numeric()) {
      DataType t = schema.apply(f).dataType();
      if (!(t instanceof NumericType || t instanceof BooleanType || t instanceof StringType)) {
        throw LakehouseException.usage(at + ": features.numeric names '" + f + "' of type " + t.simpleString()
            + ", which cannot be encoded as a number; remove it, or derive a number from it in source.sql.");
      }
      candidates.put(f, true);
    }
    for (String f : spec.features().categorical()) {
      DataType t = schema.apply(f).dataType();
      if (!encodable(t) || t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType) {
        throw LakehouseException.usage(at + ": features.categorical names '" + f + "' of type " + t.simpleString()
            + ", which cannot be encoded as a category; remove it, or derive a text value from it in source.sql.");
      }
      if (candidates.containsKey(f)) {
        throw LakehouseException.usage(at + ": '" + f + "' is in both features.numeric and features.categorical; keep it "
            + "in one.");
      }
      candidates.put(f, false);
    }
    if (spec.features().allOtherColumns()) {
      Set<String> reserved = new LinkedHashSet<>(spec.entityKey());
      reserved.add(spec.label().column());
      reserved.add(spec.asOf());
      reserved.addAll(spec.features().exclude());
      for (String c : columns) {
        if (!reserved.contains(c) && !candidates.containsKey(c)) {
          candidates.put(c, null);
        }
      }
    }
    for (String k : spec.entityKey()) {
      if (candidates.containsKey(k)) {
        throw LakehouseException.usage(at + ": '" + k + "' is the entity key and a feature; an identifier carries no "
            + "signal that generalises, remove it from the features.");
      }
    }
    if (candidates.containsKey(spec.label().column())) {
      throw LakehouseException.usage(at + ": the label column '" + spec.label().column() + "' is also a feature; remove "
          + "it from the features.");
    }
    return candidates;
  }

  /**
   * Resolves the plan: explicit kinds are kept, the others are taken from their type (numbers and booleans numeric, text
   * numeric if at least 95% of its values parse as numbers, else a category); ID-like text, dates, nested types and
   * columns with no value are left out, with the reason.
   */
  static FeaturePlan resolve(ModelSpec spec, StructType schema, Map<String, Boolean> candidates,
      Map<String, ColumnProfile> profile) {
    List<String> numeric = new ArrayList<>();
    Set<String> fromText = new LinkedHashSet<>();
    Map<String, List<String>> categorical = new LinkedHashMap<>();
    Map<String, String> excluded = new LinkedHashMap<>();
    for (Map.Entry<String, Boolean> c : candidates.entrySet()) {
      String name = c.getKey();
      StructField field = schema.apply(name);
      DataType t = field.dataType();
      ColumnProfile p = profile.get(name);
      if (c.getValue() == null && !encodable(t)) {
        excluded.put(name, "type " + t.simpleString() + " cannot be encoded");
        continue;
      }
      if (c.getValue() == null && (t instanceof DateType || t instanceof TimestampType || t instanceof TimestampNTZType)) {
        excluded.put(name, "a " + t.simpleString() + " is not a feature by itself (derive one, such as days since, in "
            + "source.sql)");
        continue;
      }
      if (p.nonBlank() == 0) {
        excluded.put(name, "no value in any row");
        continue;
      }
      boolean isNumber = t instanceof NumericType || t instanceof BooleanType;
      boolean textNumber = t instanceof StringType && p.numericParsable() >= NUMERIC_TEXT_SHARE * p.nonBlank();
      boolean numericKind = c.getValue() != null ? c.getValue() : isNumber || textNumber;
      if (numericKind) {
        if (t instanceof StringType && p.numericParsable() == 0) {
          excluded.put(name, "no value parses as a number");
          continue;
        }
        numeric.add(name);
        if (t instanceof StringType) {
          fromText.add(name);
        }
        continue;
      }
      if (p.distinct() > spec.features().maxLevels() && p.distinct() >= spec.features().idLikeDistinctShare() * p.nonBlank()) {
        excluded.put(name, String.format(Locale.ROOT, "ID-like: %,d distinct values in %,d rows", p.distinct(), p.nonBlank()));
        continue;
      }
      categorical.put(name, p.levels());
    }
    return new FeaturePlan(numeric, fromText, categorical, excluded);
  }

  private static boolean encodable(DataType t) {
    return !(t instanceof ArrayType || t instanceof MapType || t instanceof StructType || t instanceof BinaryType);
  }
}
