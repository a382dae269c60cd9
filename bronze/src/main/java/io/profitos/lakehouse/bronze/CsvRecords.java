package io.profitos.lakehouse.bronze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * RFC 4180 records: comma separated, fields optionally quoted with {@code "}, a doubled quote
 * inside a quoted field is a quote, and quoted fields may span lines. Records become JSON objects
 * (header name to string value) so every format shares one typed path into Delta; CSV values stay
 * strings in bronze, exactly as extracted.
 */
final class CsvRecords {
  private static final JsonFactory FACTORY = new JsonFactory();

  private CsvRecords() {}

  /** Whether the record text so far has an open quoted field (the record continues on the next line). */
  static boolean isOpen(CharSequence record) {
    boolean inQuotes = false;
    for (int i = 0; i < record.length(); i++) {
      if (record.charAt(i) == '"') {
        inQuotes = !inQuotes;
      }
    }
    return inQuotes;
  }

  /** Splits one complete record into fields, or returns null if its quoting is malformed. */
  static List<String> split(String record) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = record.length();
    while (true) {
      if (i < n && record.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            return null;
          }
          char c = record.charAt(i++);
          if (c == '"') {
            if (i < n && record.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < n && record.charAt(i) != ',') {
          return null;
        }
      } else {
        while (i < n && record.charAt(i) != ',') {
          char c = record.charAt(i++);
          if (c == '"') {
            return null;
          }
          field.append(c);
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= n) {
        return fields;
      }
      i++; // the comma
    }
  }

  /** Header names made safe and unique as column names (spaces and punctuation become {@code _}). */
  static List<String> columns(List<String> header) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String h : header) {
      String name = h.strip().replaceAll("[ ,;{}()\\n\\t=.]+", "_");
      if (name.isEmpty()) {
        name = "_c" + out.size();
      }
      String unique = name;
      for (int k = 2; !seen.add(unique.toLowerCase(java.util.Locale.ROOT)); k++) {
        unique = name + "_" + k;
      }
      out.add(unique);
    }
    return out;
  }

  /** The record as a JSON object of strings. */
  static String toJson(List<String> columns, List<String> values) {
    StringWriter w = new StringWriter(64 + 16 * columns.size());
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      g.writeStartObject();
      for (int i = 0; i < columns.size(); i++) {
        g.writeStringField(columns.get(i), values.get(i));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
