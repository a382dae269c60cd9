package io.profitos.lakehouse.app;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code lakehouse privacy forget} on a copy of the generated warehouse: a person picked from the raw product-database
 * extract (by email) and another workspace (by id). Afterwards no file under the warehouse holds the address or the
 * workspace id: every Parquet file (current or not) is read whole, every other file (the Delta logs with their
 * recorded conditions and statistics, deletion vectors) is searched as text. Before, the same search of the Parquet files finds
 * them, and afterwards the logs' search finds the deletes' recorded conditions. Row counts are worked out from the raw extract and silver's keyed hash, computed here.
 */
final class PrivacyForgetChecks {
  private static final Pattern USER = Pattern.compile(
      "\"user_id\":\"([^\"]+)\",\"workspace_id\":\"([^\"]+)\",\"email\":\"([^\"]+)\"");

  private PrivacyForgetChecks() {}

  static void forgetLeavesTheValueInNoFile(GeneratedWarehouse shared) throws IOException {
    SparkSession spark = SparkTestSession.get();
    GeneratedWarehouse w = shared.copy();
    // The subjects, from the landing zone (raw JSON lines), not from any table.
    List<String[]> users = new ArrayList<>();
    try (Stream<Path> files = Files.walk(w.landing().resolve("product_db/users"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        Matcher m = USER.matcher(Files.readString(f));
        while (m.find()) {
          users.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
      }
    }
    String[] person = users.get(0);
    String email = person[2];
    String warehouse = w.warehouse().toString();
    // Another workspace, a paying one (with MRR rows), so that its billing and gold rows are forgotten too.
    java.util.Set<String> paying = new java.util.HashSet<>(spark.read().format("delta").load(warehouse + "/gold/fact_mrr_monthly")
        .select("workspace_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    String workspace = users.stream().map(u -> u[1]).filter(ws -> !ws.equals(person[1]) && paying.contains(ws)).findFirst().orElseThrow();

    // Before: the search finds both values where they must be, and silver holds the person's keyed hash (computed here
    // from the demo key). The search proves it can find them in a few tables; afterwards it reads every table.
    List<String> known = List.of("bronze/product_db_users", "silver/users", "silver/events", "gold/dim_workspace");
    Map<String, TreeSet<String>> before = tablesHolding(spark, w.warehouse(), List.of(email, workspace), known::contains);
    assertThat(before.get(email)).contains("bronze/product_db_users");
    assertThat(before.get(workspace)).containsExactlyInAnyOrderElementsOf(known);
    String hash = hmac("profit-os-local-demo-key-not-secret", email.strip().toLowerCase(Locale.ROOT));
    Dataset<Row> silverUsers = spark.read().format("delta").load(warehouse + "/silver/users");
    assertThat(silverUsers.where(col("email_hash").equalTo(hash)).count()).isEqualTo(1);
    long rawRows = rows(spark, warehouse + "/bronze/product_db_users");
    // The person's rows: every landed version with the address, or with their user id (an address changed later).
    long personRows = spark.read().format("delta").load(warehouse + "/bronze/product_db_users")
        .where(lower(col("email")).equalTo(email.toLowerCase(Locale.ROOT)).or(col("user_id").equalTo(person[0]))).count();
    long workspaceUserRows = spark.read().format("delta").load(warehouse + "/bronze/product_db_users")
        .where(col("workspace_id").equalTo(workspace)).count();
    long personEvents = spark.read().format("delta").load(warehouse + "/silver/events").where(col("user_id").equalTo(person[0])).count();
    long silverUserRows = silverUsers.count();
    long workspaceSilverUsers = silverUsers.where(col("workspace_id").equalTo(workspace)).count();
    // Tables the person is not in: exactly the workspace's rows leave them (gold's unknown member takes no one along).
    List<String> byWorkspaceId = List.of("silver/subscriptions", "gold/fact_mrr_monthly", "gold/dim_workspace", "gold/fact_subscription_change");
    Map<String, long[]> workspaceRows = new java.util.TreeMap<>();
    for (String t : byWorkspaceId) {
      Dataset<Row> table = spark.read().format("delta").load(warehouse + "/" + t);
      workspaceRows.put(t, new long[] {table.count(), table.where(col("workspace_id").equalTo(workspace)).count()});
    }
    assertThat(workspaceRows.get("gold/fact_mrr_monthly")[1]).isPositive();
    assertThat(personRows).isPositive();
    assertThat(workspaceUserRows).isPositive();
    assertThat(personEvents).isPositive();

    // A dry run changes nothing.
    String dry = forget(w, "--email", " " + email.toUpperCase(Locale.ROOT) + " ", "--dry-run");
    assertThat(dry).contains("rows in", "would be deleted", "(dry run: nothing changed)").doesNotContainIgnoringCase(email);
    assertThat(rows(spark, warehouse + "/bronze/product_db_users")).isEqualTo(rawRows);

    String byEmail = forget(w, "--email", " " + email.toUpperCase(Locale.ROOT) + " ");
    String byWorkspace = forget(w, "--workspace", workspace);
    // The values are never printed, and every configured column exists in the generated tables.
    assertThat(byEmail + byWorkspace).doesNotContainIgnoringCase(email).doesNotContain(workspace).doesNotContain(hash)
        .doesNotContain("WARNING");
    assertThat(byEmail).containsPattern("bronze/product_db_users\\s+" + personRows + "\\s")
        .containsPattern("silver/events\\s+" + personEvents + "\\s").contains("Keys followed in");
    assertThat(byWorkspace).containsPattern("silver/users\\s+" + workspaceSilverUsers + "\\s");

    // After: in no Parquet file (read whole) and in no other file (logs, deletion vectors) as text.
    String other = users.stream().map(u -> u[2]).filter(e -> !e.equalsIgnoreCase(email)).findFirst().orElseThrow();
    Map<String, TreeSet<String>> after = tablesHolding(spark, w.warehouse(), List.of(email, workspace, hash, person[0], other), t -> true);
    assertThat(after.get(email)).isEmpty();
    assertThat(after.get(workspace)).isEmpty();
    assertThat(after.get(hash)).isEmpty();
    assertThat(after.get(person[0])).isEmpty();
    // Another person's rows stayed.
    assertThat(after.get(other)).contains("bronze/product_db_users");
    assertThat(filesHoldingAsText(w.warehouse(), email)).isEmpty();
    assertThat(filesHoldingAsText(w.warehouse(), workspace)).isEmpty();
    // The logs were searched: each delete's recorded condition is there, naming the function that holds the values.
    assertThat(filesHoldingAsText(w.warehouse(), "is_subject(")).anyMatch(f -> f.startsWith("bronze/product_db_users/_delta_log/"))
        .anyMatch(f -> f.startsWith("silver/users/_delta_log/"));
    // Exactly the subjects' rows went: the person's row and the workspace's users, nobody else's.
    assertThat(rows(spark, warehouse + "/bronze/product_db_users")).isEqualTo(rawRows - personRows - workspaceUserRows);
    assertThat(spark.read().format("delta").load(warehouse + "/silver/users").count())
        .isEqualTo(silverUserRows - 1 - workspaceSilverUsers);
    assertThat(spark.read().format("delta").load(warehouse + "/silver/events").where(col("user_id").equalTo(person[0])).count()).isZero();
    // The person's own workspace stays, without its owner.
    assertThat(spark.read().format("delta").load(warehouse + "/silver/workspaces").where(col("workspace_id").equalTo(person[1]))
        .collectAsList()).isNotEmpty().allSatisfy(r -> assertThat(r.<String>getAs("owner_user_id")).isNull());
    for (Map.Entry<String, long[]> e : workspaceRows.entrySet()) {
      assertThat(rows(spark, warehouse + "/" + e.getKey())).as(e.getKey()).isEqualTo(e.getValue()[0] - e.getValue()[1]);
    }
  }

  private static String forget(GeneratedWarehouse w, String... options) {
    List<String> args = new ArrayList<>(List.of("privacy", "forget", "--conf-dir", "../conf", "--conf", "lakehouse.warehouse=" + w.warehouse(),
        "--conf", "lakehouse.landing=" + w.landing()));
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(printed).isZero();
    return printed;
  }

  private static long rows(SparkSession spark, String location) {
    return spark.read().format("delta").load(location).count();
  }

  /**
   * For each of {@code values}, the table folders (layer/table, of those {@code read} accepts) with a Parquet file,
   * current or not, data or log checkpoint, any of whose values holds it.
   */
  static Map<String, TreeSet<String>> tablesHolding(SparkSession spark, Path warehouse, List<String> values,
      java.util.function.Predicate<String> read) throws IOException {
    Map<String, TreeSet<String>> out = new java.util.LinkedHashMap<>();
    values.forEach(v -> out.put(v, new TreeSet<>()));
    List<Path> tables;
    try (Stream<Path> logs = Files.walk(warehouse)) {
      tables = logs.filter(p -> p.getFileName().toString().equals("_delta_log")).map(Path::getParent)
          .filter(t -> read.test(warehouse.relativize(t).toString())).sorted().toList();
    }
    for (Path table : tables) {
      List<String> data;
      List<String> checkpoints;
      try (Stream<Path> files = Files.walk(table)) {
        List<Path> parquet = files.filter(p -> p.toString().endsWith(".parquet")).toList();
        data = parquet.stream().filter(p -> !p.toString().contains("/_delta_log/")).map(Path::toString).toList();
        checkpoints = parquet.stream().filter(p -> p.toString().contains("/_delta_log/")).map(Path::toString).toList();
      }
      for (List<String> files : List.of(data, checkpoints)) {
        if (files.isEmpty()) {
          continue;
        }
        Dataset<Row> all = spark.read().option("mergeSchema", "true").option("basePath", table.toString())
            .parquet(files.toArray(String[]::new));
        // One pass over the files for every value: whether any row's text holds it.
        org.apache.spark.sql.Column[] found = values.stream()
            .map(v -> org.apache.spark.sql.functions.max(col("row").contains(v.toLowerCase(Locale.ROOT)).cast("int")))
            .toArray(org.apache.spark.sql.Column[]::new);
        Row any = all.select(lower(to_json(struct(col("*")))).as("row")).agg(found[0], java.util.Arrays.copyOfRange(found, 1, found.length))
            .first();
        for (int i = 0; i < values.size(); i++) {
          if (!any.isNullAt(i) && any.getInt(i) == 1) {
            out.get(values.get(i)).add(warehouse.relativize(table).toString());
          }
        }
      }
    }
    return out;
  }

  /** Every file that is not Parquet (Delta logs, checksums, deletion vectors) whose text holds {@code value}. */
  static List<String> filesHoldingAsText(Path warehouse, String value) throws IOException {
    String needle = value.toLowerCase(Locale.ROOT);
    try (Stream<Path> files = Files.walk(warehouse)) {
      return files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".parquet"))
          .filter(p -> {
            try {
              return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains(needle);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }).map(p -> warehouse.relativize(p).toString()).toList();
    }
  }

  private static String hmac(String key, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
