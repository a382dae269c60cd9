package io.profitos.lakehouse.demo;

import java.util.SplittableRandom;

/**
 * Pure, seeded hashing: random streams and identifiers derived from the seed and a few numbers,
 * never from the wall clock or from iteration order, so every record is reproducible on its own.
 */
final class Ids {
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Ids() {}

  /** SplitMix64 finaliser: a bijection on 64-bit values. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long hash(long seed, long a) {
    return mix(mix(seed * GOLDEN + 0x632BE59BD9B4E019L) + a * GOLDEN);
  }

  static long hash(long seed, long a, long b) {
    return mix(hash(seed, a) + b * GOLDEN + 0x1B873593L);
  }

  static long hash(long seed, long a, long b, long c) {
    return mix(hash(seed, a, b) + c * GOLDEN + 0x85EBCA6BL);
  }

  static long hash(long seed, long a, long b, long c, long d) {
    return mix(hash(seed, a, b, c) + d * GOLDEN + 0xC2B2AE35L);
  }

  static SplittableRandom rng(long seed, long a) {
    return new SplittableRandom(hash(seed, a));
  }

  static SplittableRandom rng(long seed, long a, long b) {
    return new SplittableRandom(hash(seed, a, b));
  }

  static SplittableRandom rng(long seed, long a, long b, long c) {
    return new SplittableRandom(hash(seed, a, b, c));
  }

  /** A uniform double in [0, 1) from a hash. */
  static double unit(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  /** A Stripe-like id: prefix, underscore, 14 base62 characters, unique per (seed, kind, n). */
  static String stripe(String prefix, long seed, long kind, long n) {
    long k = hash(seed, kind);
    long a = mix(k + n); // bijective in n for a fixed kind
    long b = hash(seed, kind, n);
    StringBuilder sb = new StringBuilder(prefix.length() + 15).append(prefix).append('_');
    appendBase62(sb, a, 11);
    appendBase62(sb, b, 3);
    return sb.toString();
  }

  /** A lower-case id with a prefix, unique per (seed, kind, n): prefix + 13 base36 characters. */
  static String plain(String prefix, long seed, long kind, long n) {
    long a = mix(hash(seed, kind) + n);
    String s = Long.toUnsignedString(a, 36);
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = s.length(); i < 13; i++) {
      sb.append('0');
    }
    return sb.append(s).toString();
  }

  /** An 18-character Salesforce id (15-character id plus the case-safe checksum suffix). */
  static String salesforce(String keyPrefix, long n) {
    StringBuilder sb = new StringBuilder(18).append(keyPrefix).append("8d");
    String num = encodeBase62(n);
    for (int i = num.length(); i < 10; i++) {
      sb.append('0');
    }
    sb.append(num);
    String id15 = sb.toString();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    for (int chunk = 0; chunk < 3; chunk++) {
      int bits = 0;
      for (int i = 0; i < 5; i++) {
        char c = id15.charAt(chunk * 5 + i);
        if (c >= 'A' && c <= 'Z') {
          bits |= 1 << i;
        }
      }
      sb.append(alphabet.charAt(bits));
    }
    return sb.toString();
  }

  /** A version-4 style UUID string from two 64-bit values. */
  static String uuid(long hi, long lo) {
    hi = (hi & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
    lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }

  static String encodeBase62(long v) {
    if (v == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder();
    long x = v;
    while (x != 0) {
      sb.append(BASE62[(int) Long.remainderUnsigned(x, 62)]);
      x = Long.divideUnsigned(x, 62);
    }
    return sb.reverse().toString();
  }

  private static void appendBase62(StringBuilder sb, long v, int len) {
    long x = v;
    for (int i = 0; i < len; i++) {
      sb.append(BASE62[(int) Long.remainderUnsigned(x, 62)]);
      x = Long.divideUnsigned(x, 62);
    }
  }
}
