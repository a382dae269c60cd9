package io.profitos.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ConformTransformsTest {
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> rows(String ddl, Row... rows) {
    return spark.createDataFrame(List.of(rows), StructType.fromDDL(ddl));
  }

  private static Row row(Object... values) {
    return RowFactory.create(values);
  }

  @Test
  void losAngelesLocalTimesBecomeUtcWithDaylightSaving() {
    Dataset<Row> local = rows("id INT, t STRING",
        row(1, "2026-01-15T10:00:00"),   // PST, UTC-8
        row(2, "2026-07-15T10:00:00"),   // PDT, UTC-7
        row(3, "2026-03-08T01:30:00"),   // before the spring-forward gap
        row(4, "2026-03-08T03:30:00"),   // after it
        row(5, "2026-06-30T20:00:00"),   // local June, UTC July: a month boundary crossed
        row(6, "2026-10-31T23:30:00"),   // local October, UTC November
        row(7, null));
    List<String> utc = local.select(col("id"), ConformTransforms.localToUtc(col("t"), "America/Los_Angeles").as("utc"))
        .orderBy("id").collectAsList().stream()
        .map(r -> r.isNullAt(1) ? "null" : r.getTimestamp(1).toInstant().toString()).collect(Collectors.toList());
    assertThat(utc).containsExactly("2026-01-15T18:00:00Z", "2026-07-15T17:00:00Z", "2026-03-08T09:30:00Z",
        "2026-03-08T10:30:00Z", "2026-07-01T03:00:00Z", "2026-11-01T06:30:00Z", "null");
  }

  @Test
  void keyedHashIsHmacSha256OfTheNormalisedValue() {
    Dataset<Row> emails = rows("email STRING", row(" Ada@Example.com "), row((Object) null));
    List<Row> hashed = emails.select(ConformTransforms.keyedHash("test-key").apply(col("email"))).collectAsList();
    // Worked out independently: HMAC-SHA256(key "test-key", "ada@example.com").
    assertThat(hashed.get(0).getString(0)).isEqualTo("0bd4d556f72ae6adff66c209a9bace1c625f24fedcd8c3612b7dbf3e8d2d9a53");
    assertThat(hashed.get(1).isNullAt(0)).isTrue();
  }

  @Test
  void redactionAndIpTruncation() {
    Dataset<Row> in = rows("pm STRING, ip STRING", row("pm_123", "203.0.113.77"), row(null, "2001:db8:85a3:8d3:1319:8a2e:370:7348"));
    List<Row> out = in.select(ConformTransforms.redact(col("pm")), ConformTransforms.truncateIp(col("ip"))).collectAsList();
    assertThat(out.get(0).getString(0)).isEqualTo("[REDACTED]");
    assertThat(out.get(0).getString(1)).isEqualTo("203.0.113.0");
    assertThat(out.get(1).isNullAt(0)).isTrue();
    assertThat(out.get(1).getString(1)).isEqualTo("2001:db8:85a3::");
  }

  @Test
  void newestVersionPerKeyWithDeterministicTies() {
    Dataset<Row> versions = rows("id STRING, _cursor INT, _batch_id STRING, _source_file STRING, _line_number BIGINT, v STRING",
        row("a", 1, "b1", "f1", 1L, "old"),
        row("a", 2, "b1", "f1", 2L, "new"),
        row("a", 2, "b0", "f9", 9L, "same cursor, earlier batch"),
        row("b", 5, "b2", "f2", 3L, "same cursor, earlier line"),
        row("b", 5, "b2", "f2", 4L, "same cursor, later line"),
        row("c", 3, "b3", "f3", 1L, "late but newest"),
        row("c", 1, "b4", "f4", 1L, "arrived later, older version"));
    List<String> latest = versions.transform(ConformTransforms.dedupeLatest(List.of("id"), List.of("_cursor"))::apply)
        .orderBy("id").collectAsList().stream().map(r -> r.getString(0) + "=" + r.getString(5)).toList();
    assertThat(latest).containsExactly("a=new", "b=same cursor, later line", "c=late but newest");
  }

  @Test
  void opportunityHygieneFieldsAreTrimmedAndBlankIsNull() {
    String lineage = ", _batch_id STRING, _source_file STRING, _line_number BIGINT, _record_hash STRING";
    Dataset<Row> bronze = rows("Id STRING, NextStep STRING, Loss_Reason__c STRING, Renewal_Date__c STRING, SystemModstamp STRING"
            + lineage,
        row("o1", " Send proposal ", null, "2026-06-30", "2026-03-01T10:00:00.000Z", "b", "f", 1L, "h1"),
        row("o2", "   ", "", null, "2026-03-01T10:00:00.000Z", "b", "f", 2L, "h2"),
        row("o3", null, " Price", "", "2026-03-01T10:00:00.000Z", "b", "f", 3L, "h3"));
    List<String> out = CrmTransforms.opportunities(bronze).orderBy("opportunity_id").collectAsList().stream()
        .map(r -> r.getAs("opportunity_id") + "|" + r.getAs("next_step") + "|" + r.getAs("loss_reason") + "|" + r.getAs("renewal_date"))
        .toList();
    assertThat(out).containsExactly("o1|Send proposal|null|2026-06-30", "o2|null|null|null", "o3|null|Price|null");
    // An older extract without the fields conforms with them null.
    Dataset<Row> older = rows("Id STRING, SystemModstamp STRING" + lineage, row("o4", "2026-01-01T10:00:00.000Z", "b", "f", 4L, "h4"));
    Row o4 = CrmTransforms.opportunities(older).first();
    assertThat(o4.isNullAt(o4.fieldIndex("next_step")) && o4.isNullAt(o4.fieldIndex("renewal_date"))).isTrue();
  }

  @Test
  void rowRulesQuarantineFailuresAndFlagUnknownValues() {
    Dataset<Row> in = rows("id STRING, plan STRING, seats INT, _record_hash STRING, _batch_id STRING",
        row("w1", "team", 5, "h1", "b"), row("w2", "starter", 3, "h2", "b"), row(null, "team", 1, "h3", "b"),
        row("w4", "team", -2, "h4", "b"));
    List<RowRules.Rule> rules = List.of(RowRules.notNull("id"), RowRules.between("seats", 0, 100000));
    List<RowRules.Flag> flags = List.of(RowRules.unknownValue("plan", List.of("free", "team", "business", "enterprise")));

    List<Row> passing = RowRules.passing(in, rules, flags).orderBy("id").collectAsList();
    List<Row> failing = RowRules.failing(in, rules, "silver.workspaces", List.of("id")).orderBy("rule").collectAsList();

    assertThat(passing).extracting(r -> r.getString(0) + ":" + r.getList(5)).containsExactly("w1:[]", "w2:[unknown_value:plan]");
    assertThat(failing).extracting(r -> r.getString(1) + " " + r.getString(2) + " " + r.getString(3))
        .containsExactly(" not_null:id id is null", "w4 range:seats seats = -2 outside [0.0, 100000.0]");
    assertThat(failing.get(1).getString(4)).contains("\"seats\":-2");
  }
}
