package io.profitos.lakehouse.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/** Serialises one JSON object at a time into bytes with a reused Jackson generator. */
final class JsonBytes {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  private final ByteArrayOutputStream bos = new ByteArrayOutputStream(2048);
  private final JsonGenerator g;

  JsonBytes() {
    try {
      g = FACTORY.createGenerator(bos);
      g.setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a new root object and returns the generator to fill it. */
  JsonGenerator begin() {
    try {
      g.flush();
      bos.reset();
      g.writeStartObject();
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes the root object and returns its bytes. */
  byte[] end() {
    try {
      g.writeEndObject();
      g.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // null-friendly field helpers -------------------------------------------------------------

  static void str(JsonGenerator g, String name, String v) throws IOException {
    if (v == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, v);
    }
  }

  static void num(JsonGenerator g, String name, Long v) throws IOException {
    if (v == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v.longValue());
    }
  }

  static void dec(JsonGenerator g, String name, BigDecimal v) throws IOException {
    if (v == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, v);
    }
  }

  /** The line with the invalid UTF-8 sequence C3 28 inserted at byte {@code at} (a planted defect). */
  static byte[] withInvalidUtf8(byte[] line, int at) {
    byte[] bad = new byte[line.length + 2];
    System.arraycopy(line, 0, bad, 0, at);
    bad[at] = (byte) 0xC3;
    bad[at + 1] = (byte) 0x28;
    System.arraycopy(line, at, bad, at + 2, line.length - at);
    return bad;
  }
}
