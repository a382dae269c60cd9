package io.profitos.lakehouse.bronze;

import io.profitos.lakehouse.core.config.StreamSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one landing file on an executor and emits, lazily, one row per record, one per rejected
 * line, and finally one summary row for the file (checksum, counts, status). Nothing it reads is
 * dropped: a bad line becomes a quarantine row with its raw text (and raw bytes when they are not
 * valid UTF-8); an unreadable or truncated file keeps what was readable and says why.
 */
final class LandingFileReader implements Serializable {
  static final String RECORD = "record";
  static final String QUARANTINE = "quarantine";
  static final String FILE = "file";

  /** File statuses recorded in the ledger. */
  static final String LANDED = "landed";
  static final String EMPTY = "empty";
  static final String PARTIAL = "partial";
  static final String UNREADABLE = "unreadable";

  static final StructType SCHEMA = new StructType()
      .add("kind", DataTypes.StringType, false)
      .add("path", DataTypes.StringType, false)
      .add("line_number", DataTypes.LongType, true)
      .add("text", DataTypes.StringType, true)
      .add("raw_bytes", DataTypes.BinaryType, true)
      .add("reason", DataTypes.StringType, true)
      .add("airbyte_raw_id", DataTypes.StringType, true)
      .add("airbyte_extracted_at", DataTypes.LongType, true)
      .add("sha256", DataTypes.StringType, true)
      .add("status", DataTypes.StringType, true)
      .add("records", DataTypes.LongType, true)
      .add("quarantined", DataTypes.LongType, true);

  private final StreamSpec.Format format;
  private final List<String> primaryKey;
  private final Map<String, String> hadoopConf;

  LandingFileReader(StreamSpec.Format format, List<String> primaryKey, Map<String, String> hadoopConf) {
    this.format = format;
    this.primaryKey = List.copyOf(primaryKey);
    this.hadoopConf = Map.copyOf(hadoopConf);
  }

  Iterator<Row> read(LandingFile file) {
    return new FileRows(file);
  }

  private Configuration configuration() {
    Configuration conf = new Configuration(false);
    hadoopConf.forEach(conf::set);
    return conf;
  }

  /** The lazy per-file row iterator. */
  private final class FileRows implements Iterator<Row> {
    private final LandingFile file;
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private InputStream raw;
    private MessageDigest digest;
    private LineReader lines;
    private long lineNumber;
    private long records;
    private long quarantined;
    private String status = LANDED;
    private String fileReason;
    private boolean finished;
    private boolean summaryEmitted;
    // CSV state
    private List<String> columns;
    private final StringBuilder csvRecord = new StringBuilder();
    private long csvRecordLine;
    private boolean csvRecordInvalid;
    private String csvInvalidReason;
    private final List<byte[]> csvRawLines = new ArrayList<>();

    FileRows(LandingFile file) {
      this.file = file;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
      try {
        Path path = new Path(file.path());
        FileSystem fs = path.getFileSystem(configuration());
        raw = new DigestInputStream(fs.open(path), digest);
        InputStream in = file.gzipped() ? new GZIPInputStream(raw, 64 * 1024) : raw;
        lines = new LineReader(in);
      } catch (IOException e) {
        fail(UNREADABLE, "cannot open file: " + e);
      }
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty() && !summaryEmitted) {
        advance();
      }
      return !pending.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.poll();
    }

    private void advance() {
      if (finished) {
        emitSummary();
        return;
      }
      byte[] line;
      try {
        line = lines.next();
      } catch (IOException e) {
        fail(records > 0 ? PARTIAL : UNREADABLE, "read error after line " + lineNumber + ": " + e);
        return;
      }
      if (line == null) {
        finishFile();
        return;
      }
      lineNumber++;
      if (lineNumber == 1) {
        line = stripBom(line);
      }
      if (format == StreamSpec.Format.CSV) {
        csvLine(line);
      } else {
        jsonLine(line);
      }
    }

    private void jsonLine(byte[] bytes) {
      String text;
      try {
        text = decode(bytes);
      } catch (CharacterCodingException e) {
        quarantine(lineNumber, new String(bytes, StandardCharsets.UTF_8), bytes, invalidUtf8Reason(bytes));
        return;
      }
      if (text.isBlank()) {
        return;
      }
      JsonRecords.Parsed parsed = format == StreamSpec.Format.AIRBYTE_JSONL
          ? JsonRecords.airbyte(text, primaryKey) : JsonRecords.plain(text, primaryKey);
      if (parsed.ok()) {
        records++;
        pending.add(RowFactory.create(RECORD, file.path(), lineNumber, parsed.data(), null, null,
            parsed.airbyteRawId(), parsed.airbyteExtractedAt(), null, null, null, null));
      } else {
        quarantine(lineNumber, text, null, parsed.reason());
      }
    }

    private void csvLine(byte[] bytes) {
      String text;
      boolean invalid = false;
      try {
        text = decode(bytes);
      } catch (CharacterCodingException e) {
        text = new String(bytes, StandardCharsets.UTF_8);
        invalid = true;
        if (!csvRecordInvalid) {
          csvInvalidReason = invalidUtf8Reason(bytes) + " (line " + lineNumber + ")";
        }
      }
      if (csvRecord.length() == 0 && csvRawLines.isEmpty()) {
        if (text.isBlank()) {
          return;
        }
        csvRecordLine = lineNumber;
      } else {
        csvRecord.append('\n');
      }
      csvRecord.append(text);
      csvRawLines.add(bytes);
      csvRecordInvalid |= invalid;
      if (!CsvRecords.isOpen(csvRecord)) {
        completeCsvRecord();
      }
    }

    private void completeCsvRecord() {
      String record = csvRecord.toString();
      long at = csvRecordLine;
      byte[] rawBytes = csvRecordInvalid ? joinLines(csvRawLines) : null;
      boolean invalid = csvRecordInvalid;
      String invalidReason = csvInvalidReason;
      csvRecord.setLength(0);
      csvRawLines.clear();
      csvRecordInvalid = false;
      csvInvalidReason = null;
      if (invalid) {
        quarantine(at, record, rawBytes, invalidReason);
        return;
      }
      List<String> fields = CsvRecords.split(record);
      if (fields == null) {
        quarantine(at, record, null, "malformed CSV quoting");
        return;
      }
      if (columns == null) {
        columns = CsvRecords.columns(fields);
        return;
      }
      if (fields.size() != columns.size()) {
        quarantine(at, record, null, "wrong column count: " + fields.size() + " fields, header has " + columns.size());
        return;
      }
      records++;
      pending.add(RowFactory.create(RECORD, file.path(), at, CsvRecords.toJson(columns, fields), null, null,
          null, null, null, null, null, null));
    }

    private void finishFile() {
      if (format == StreamSpec.Format.CSV && (csvRecord.length() > 0 || !csvRawLines.isEmpty())) {
        // An unterminated quoted field runs to the end of the file: the record cannot be split.
        String record = csvRecord.toString();
        csvRecord.setLength(0);
        byte[] rawBytes = csvRecordInvalid ? joinLines(csvRawLines) : null;
        csvRawLines.clear();
        quarantine(csvRecordLine, record, rawBytes, "unterminated quoted CSV field");
      }
      if (lines.truncated()) {
        byte[] fragment = lines.fragment();
        quarantine(lineNumber + 1, new String(fragment, StandardCharsets.UTF_8), fragment,
            "truncated gzip after line " + lineNumber + ": " + lines.truncationReason());
        status = PARTIAL;
        fileReason = "truncated gzip: " + lines.truncationReason() + "; " + records + " complete records recovered";
      } else if (records == 0 && quarantined == 0) {
        status = EMPTY;
      }
      drainAndClose();
      finished = true;
    }

    private void fail(String newStatus, String reason) {
      status = newStatus;
      fileReason = reason;
      quarantine(lineNumber + 1, null, null, reason);
      drainAndClose();
      finished = true;
    }

    private void quarantine(long line, String text, byte[] bytes, String reason) {
      quarantined++;
      pending.add(RowFactory.create(QUARANTINE, file.path(), line, text, bytes, reason, null, null, null, null,
          null, null));
    }

    private void emitSummary() {
      String sha = digest == null ? null : HexFormat.of().formatHex(digest.digest());
      pending.add(RowFactory.create(FILE, file.path(), null, null, null, fileReason, null, null, sha, status,
          records, quarantined));
      summaryEmitted = true;
    }

    /** Reads the rest of the raw bytes so the checksum covers the whole stored file. */
    private void drainAndClose() {
      if (raw == null) {
        return;
      }
      try (InputStream in = raw) {
        byte[] sink = new byte[64 * 1024];
        while (in.read(sink) > 0) {
          // digest only
        }
      } catch (IOException e) {
        if (fileReason == null) {
          fileReason = "could not read to the end for the checksum: " + e.getMessage();
        }
      }
      raw = null;
    }

    /** Strict UTF-8: the JDK's fast decoder, falling back to the reporting one only where it replaced bytes. */
    private String decode(byte[] bytes) throws CharacterCodingException {
      String fast = new String(bytes, StandardCharsets.UTF_8);
      if (fast.indexOf('\uFFFD') < 0) {
        return fast;
      }
      return decoder.reset().decode(ByteBuffer.wrap(bytes)).toString();
    }

    private String invalidUtf8Reason(byte[] bytes) {
      CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length + 1);
      var result = d.decode(in, out, true);
      int offset = result.isError() ? in.position() : -1;
      return "invalid UTF-8" + (offset >= 0 ? " at byte " + offset + " of the line" : "");
    }
  }

  private static byte[] stripBom(byte[] line) {
    if (line.length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
      return java.util.Arrays.copyOfRange(line, 3, line.length);
    }
    return line;
  }

  private static byte[] joinLines(List<byte[]> lines) {
    int size = Math.max(0, lines.size() - 1);
    for (byte[] l : lines) {
      size += l.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (int i = 0; i < lines.size(); i++) {
      if (i > 0) {
        b.put((byte) '\n');
      }
      b.put(lines.get(i));
    }
    return b.array();
  }

}
