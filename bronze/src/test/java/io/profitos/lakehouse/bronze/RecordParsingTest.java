package io.profitos.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class RecordParsingTest {
  @Test
  void airbyteEnvelopeKeepsTheSourceObjectVerbatim() {
    String line = "{\"_airbyte_raw_id\":\"r1\",\"_airbyte_extracted_at\":1700000000000,\"_airbyte_data\":{\"id\":\"sub_1\",\"items\":{\"data\":[{\"quantity\":3}]},\"n\":null}}";
    JsonRecords.Parsed p = JsonRecords.airbyte(line, List.of("id"));
    assertThat(p.reason()).isNull();
    assertThat(p.data()).isEqualTo("{\"id\":\"sub_1\",\"items\":{\"data\":[{\"quantity\":3}]},\"n\":null}");
    assertThat(p.airbyteRawId()).isEqualTo("r1");
    assertThat(p.airbyteExtractedAt()).isEqualTo(1700000000000L);
  }

  @Test
  void airbyteRejections() {
    assertThat(JsonRecords.airbyte("{\"_airbyte_raw_id\":\"r1\",\"_airbyte_data\":{\"id\":\"x\"", List.of("id")).reason())
        .startsWith("malformed JSON");
    assertThat(JsonRecords.airbyte("{\"_airbyte_raw_id\":\"r1\"}", List.of("id")).reason())
        .isEqualTo("missing _airbyte_data in the Airbyte envelope");
    assertThat(JsonRecords.airbyte("{\"_airbyte_data\":[1]}", List.of("id")).reason())
        .isEqualTo("_airbyte_data is not a JSON object");
    assertThat(JsonRecords.airbyte("{\"_airbyte_data\":{\"id\":null}}", List.of("id")).reason())
        .isEqualTo("missing primary key field 'id'");
    assertThat(JsonRecords.airbyte("{\"_airbyte_data\":{\"id\":1}} x", List.of("id")).reason())
        .startsWith("malformed JSON");
  }

  @Test
  void plainJsonLines() {
    assertThat(JsonRecords.plain("{\"messageId\":\"m1\",\"properties\":{\"a\":[1,{\"b\":2}]}}", List.of("messageId")).data())
        .isEqualTo("{\"messageId\":\"m1\",\"properties\":{\"a\":[1,{\"b\":2}]}}");
    assertThat(JsonRecords.plain("[1,2]", List.of()).reason()).isEqualTo("not a JSON object");
    assertThat(JsonRecords.plain("{\"messageId\":\"m1\",\"x\":tru", List.of("messageId")).reason()).startsWith("malformed JSON");
    // A key nested deeper than the top level does not count as the primary key.
    assertThat(JsonRecords.plain("{\"context\":{\"messageId\":\"m1\"}}", List.of("messageId")).reason())
        .isEqualTo("missing primary key field 'messageId'");
  }

  @Test
  void csvSplitsRfc4180Quoting() {
    assertThat(CsvRecords.split("a,\"b,c\",\"say \"\"hi\"\"\",")).containsExactly("a", "b,c", "say \"hi\"", "");
    assertThat(CsvRecords.split("\"multi\nline\",2")).containsExactly("multi\nline", "2");
    assertThat(CsvRecords.split("a,b\"c")).isNull();
    assertThat(CsvRecords.split("\"a\"b")).isNull();
    assertThat(CsvRecords.isOpen("\"multi")).isTrue();
    assertThat(CsvRecords.isOpen("\"a\",\"b\"\"\"")).isFalse();
    assertThat(CsvRecords.columns(List.of("Month", "amount usd", "month", ""))).containsExactly("Month", "amount_usd", "month_2", "_c3");
    assertThat(CsvRecords.toJson(List.of("a", "b"), List.of("1", "x\"y"))).isEqualTo("{\"a\":\"1\",\"b\":\"x\\\"y\"}");
  }

  @Test
  void lineReaderSplitsBytesAndStripsCarriageReturns() throws IOException {
    LineReader r = new LineReader(new ByteArrayInputStream("a\r\n\nb\nc".getBytes(StandardCharsets.UTF_8)));
    List<String> lines = new ArrayList<>();
    for (byte[] l = r.next(); l != null; l = r.next()) {
      lines.add(new String(l, StandardCharsets.UTF_8));
    }
    assertThat(lines).containsExactly("a", "", "b", "c");
    assertThat(r.truncated()).isFalse();
  }

  @Test
  void truncatedGzipKeepsCompleteLinesAndReportsTheFragment() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      text.append("{\"id\":").append(i).append(",\"pad\":\"").append(Integer.toHexString(i * 7919)).append("\"}\n");
    }
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
    byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
    LineReader r = new LineReader(new java.util.zip.GZIPInputStream(new ByteArrayInputStream(cut)));
    int complete = 0;
    for (byte[] l = r.next(); l != null; l = r.next()) {
      assertThat(new String(l, StandardCharsets.UTF_8)).isEqualTo("{\"id\":" + complete + ",\"pad\":\"" + Integer.toHexString(complete * 7919) + "\"}");
      complete++;
    }
    assertThat(r.truncated()).isTrue();
    assertThat(complete).isBetween(1, 1999);
    assertThat(new String(r.fragment(), StandardCharsets.UTF_8)).isEqualTo(
        ("{\"id\":" + complete + ",\"pad\":\"" + Integer.toHexString(complete * 7919) + "\"}").substring(0, r.fragment().length));
  }

  @Test
  void hiddenLandingPathsAreSkipped() {
    assertThat(LandingScanner.isHidden("/extract_date=2026-01-01/_SUCCESS")).isTrue();
    assertThat(LandingScanner.isHidden("/.tmp/extract_date=2026-01-01/a.jsonl")).isTrue();
    assertThat(LandingScanner.isHidden("/extract_date=2026-01-01/part-1.jsonl")).isFalse();
  }
}
