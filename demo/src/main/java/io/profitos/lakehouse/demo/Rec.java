package io.profitos.lakehouse.demo;

/**
 * One version of one source record, already serialised (the {@code _airbyte_data} object or the
 * plain JSON line), with the defects planted in it so the writer can count what it writes.
 */
final class Rec {
  /** Columns that appear part-way through history (schema drift), by bit of {@link #driftMask}. */
  static final String[] DRIFT_COLUMNS = {"tax_exempt", "Health_Score__c"};

  final LandingStream stream;
  final String key;
  final long cursorSec;
  final byte[] data;
  /** A subscription version that changes MRR-relevant state: kept even when the backfill collapses versions. */
  boolean mrrRelevant;
  byte unknownEnums;
  byte futureDates;
  byte nulls;
  byte typeChanged;
  byte negativeOrAbsurd;
  byte driftMask;

  Rec(LandingStream stream, String key, long cursorSec, byte[] data) {
    this.stream = stream;
    this.key = key;
    this.cursorSec = cursorSec;
    this.data = data;
  }
}
