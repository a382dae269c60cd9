package io.profitos.lakehouse.bronze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates one JSON line and extracts the source object, with a streaming parser (no tree is
 * built): plain {@code jsonl} lines are the object itself; {@code airbyte-jsonl} lines are the
 * envelope, whose {@code _airbyte_data} object is cut out of the line verbatim.
 */
final class JsonRecords {
  // Spark's task threads carry large thread-local maps; Jackson's per-thread buffer recycler lookups
  // cost more there than allocating a parser's small buffers.
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.USE_THREAD_LOCAL_FOR_BUFFER_RECYCLING).build();

  private JsonRecords() {}

  /** A parsed line: either the source object's JSON text with envelope fields, or a rejection reason. */
  record Parsed(String data, String airbyteRawId, Long airbyteExtractedAt, String reason) {
    boolean ok() {
      return reason == null;
    }

    static Parsed rejected(String reason) {
      return new Parsed(null, null, null, reason);
    }
  }

  static Parsed plain(String line, List<String> primaryKey) {
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Parsed.rejected("not a JSON object");
      }
      Set<String> present = new HashSet<>();
      walkObject(p, primaryKey, present);
      if (p.nextToken() != null) {
        return Parsed.rejected("unexpected content after the JSON object at column " + p.getTokenLocation().getColumnNr());
      }
      String missing = missingKey(primaryKey, present);
      return missing == null ? new Parsed(line, null, null, null) : Parsed.rejected("missing primary key field '" + missing + "'");
    } catch (JsonProcessingException e) {
      return Parsed.rejected("malformed JSON: " + e.getOriginalMessage() + " at column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      return Parsed.rejected("malformed JSON: " + e.getMessage());
    }
  }

  static Parsed airbyte(String line, List<String> primaryKey) {
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Parsed.rejected("not a JSON object");
      }
      String data = null;
      String rawId = null;
      Long extractedAt = null;
      Set<String> present = new HashSet<>();
      boolean dataNotObject = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "_airbyte_data" -> {
            if (value == JsonToken.START_OBJECT) {
              int start = (int) p.getTokenLocation().getCharOffset();
              walkObject(p, primaryKey, present);
              int end = (int) p.getCurrentLocation().getCharOffset();
              data = line.substring(start, end);
            } else {
              dataNotObject = true;
              p.skipChildren();
            }
          }
          case "_airbyte_raw_id" -> {
            rawId = value == JsonToken.VALUE_NULL ? null : p.getValueAsString();
            p.skipChildren();
          }
          case "_airbyte_extracted_at" -> {
            if (value == JsonToken.VALUE_NUMBER_INT) {
              extractedAt = p.getLongValue();
            } else {
              p.skipChildren();
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) {
        return Parsed.rejected("malformed JSON envelope");
      }
      if (p.nextToken() != null) {
        return Parsed.rejected("unexpected content after the JSON object at column " + p.getTokenLocation().getColumnNr());
      }
      if (dataNotObject || data == null) {
        return Parsed.rejected(dataNotObject ? "_airbyte_data is not a JSON object" : "missing _airbyte_data in the Airbyte envelope");
      }
      String missing = missingKey(primaryKey, present);
      return missing == null ? new Parsed(data, rawId, extractedAt, null) : Parsed.rejected("missing primary key field '" + missing + "'");
    } catch (JsonProcessingException e) {
      return Parsed.rejected("malformed JSON: " + e.getOriginalMessage() + " at column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      return Parsed.rejected("malformed JSON: " + e.getMessage());
    }
  }

  /** Consumes the object the parser is at (START_OBJECT), noting which top-level keys are non-null. */
  private static void walkObject(JsonParser p, List<String> keys, Set<String> present) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value != JsonToken.VALUE_NULL && keys.contains(name)) {
        present.add(name);
      }
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        p.skipChildren();
      }
    }
    if (p.currentToken() != JsonToken.END_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "object not closed");
    }
  }

  private static String missingKey(List<String> keys, Set<String> present) {
    for (String k : keys) {
      if (!present.contains(k)) {
        return k;
      }
    }
    return null;
  }
}
