package io.profitos.lakehouse.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.when;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pure conforming functions shared by every silver table: newest version per key, local time to
 * UTC, and the privacy treatments. Each returns a new Dataset; none reads or writes storage.
 */
public final class ConformTransforms {
  private ConformTransforms() {}

  /**
   * Keeps the newest row per key. Order: {@code order} columns descending, then bronze lineage
   * ({@code _batch_id}, {@code _source_file}, {@code _line_number}) descending so ties resolve the
   * same way on every run: the record delivered last wins.
   */
  public static UnaryOperator<Dataset<Row>> dedupeLatest(List<String> keys, List<String> order) {
    return df -> {
      List<Column> sort = new ArrayList<>();
      order.forEach(o -> sort.add(col(o).desc_nulls_last()));
      for (String lineage : List.of("_batch_id", "_source_file", "_line_number")) {
        if (List.of(df.columns()).contains(lineage)) {
          sort.add(col(lineage).desc_nulls_last());
        }
      }
      Column[] partition = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
      return df.withColumn("_rn", row_number().over(Window.partitionBy(partition).orderBy(sort.toArray(Column[]::new))))
          .where(col("_rn").equalTo(1)).drop("_rn");
    };
  }

  /**
   * A {@code timestamp without time zone} written in {@code zone} local time (a string or a
   * timestamp read as UTC) to the UTC instant, with the zone's real rules (daylight saving
   * included). Spark's session time zone must be UTC, as every job sets it.
   */
  public static Column localToUtc(Column local, String zone) {
    return to_utc_timestamp(to_timestamp(local), zone);
  }

  /** The salted HMAC-SHA256 of a trimmed, lower-cased value (hex), or null for null. */
  public static UserDefinedFunction keyedHash(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("the PII hash key is empty");
    }
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    UDF1<String, String> f = value -> value == null ? null : hmac(keyBytes, value.strip().toLowerCase(Locale.ROOT));
    return org.apache.spark.sql.functions.udf(f, DataTypes.StringType);
  }

  /** What {@link #keyedHash} makes of one value: the hash silver holds for it under {@code key}. */
  public static String keyedHashOf(String key, String value) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("the PII hash key is empty");
    }
    return hmac(key.getBytes(StandardCharsets.UTF_8), value.strip().toLowerCase(Locale.ROOT));
  }

  static String hmac(byte[] key, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code [REDACTED]} where a value was present, null where none was. */
  public static Column redact(Column value) {
    return when(value.isNotNull(), lit("[REDACTED]")).otherwise(lit(null).cast(DataTypes.StringType));
  }

  /** IPv4 to its /24 network (last octet 0); IPv6 to its first three groups ({@code ::}). */
  public static Column truncateIp(Column ip) {
    return when(ip.contains(":"), regexp_replace(ip, "^([0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F]*):.*$", "$1::"))
        .otherwise(regexp_replace(ip, "\\.\\d{1,3}$", ".0"));
  }
}
