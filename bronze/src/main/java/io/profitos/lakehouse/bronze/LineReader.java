package io.profitos.lakehouse.bronze;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines on {@code \n} (a trailing {@code \r} is dropped) without
 * decoding, so invalid UTF-8 can be reported per line. A stream that ends with an
 * {@link EOFException} (a truncated gzip) ends with {@link #truncated()} set; the bytes after the
 * last complete line are returned by {@link #fragment()}.
 */
final class LineReader {
  private final InputStream in;
  private final byte[] buffer = new byte[64 * 1024];
  private int pos;
  private int limit;
  private byte[] line = new byte[1024];
  private int lineLength;
  private boolean eof;
  private boolean truncated;
  private String truncationReason;
  private byte[] fragment = new byte[0];

  LineReader(InputStream in) {
    this.in = in;
  }

  /** The next complete line without its terminator, or null at the end. */
  byte[] next() throws IOException {
    lineLength = 0;
    while (true) {
      if (pos == limit) {
        if (eof || !fill()) {
          eof = true;
          if (lineLength == 0) {
            return null;
          }
          if (truncated) {
            fragment = Arrays.copyOf(line, lineLength);
            return null;
          }
          return stripCr(Arrays.copyOf(line, lineLength));
        }
      }
      byte b = buffer[pos++];
      if (b == '\n') {
        return stripCr(Arrays.copyOf(line, lineLength));
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
  }

  private boolean fill() throws IOException {
    try {
      int n = in.read(buffer);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    } catch (EOFException e) {
      truncated = true;
      truncationReason = e.getMessage() == null ? "unexpected end of compressed stream" : e.getMessage();
      return false;
    }
  }

  private static byte[] stripCr(byte[] bytes) {
    return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
  }

  boolean truncated() {
    return truncated;
  }

  String truncationReason() {
    return truncationReason;
  }

  /** Bytes after the last complete line of a truncated stream. */
  byte[] fragment() {
    return fragment;
  }
}
