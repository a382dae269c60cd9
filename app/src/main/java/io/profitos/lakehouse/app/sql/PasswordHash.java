package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.LakehouseException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted password hashes for the SQL server's users: PBKDF2 with HMAC-SHA256, written as
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}. Only hashes go in configuration; {@code lakehouse
 * sql-server hash-password} makes them.
 */
public final class PasswordHash {
  static final String SCHEME = "pbkdf2-sha256";
  static final int ITERATIONS = 210_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private PasswordHash() {}

  /** A new hash of {@code password} with a random salt. */
  public static String create(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    new SecureRandom().nextBytes(salt);
    return create(password, salt, ITERATIONS);
  }

  static String create(char[] password, byte[] salt, int iterations) {
    if (password.length == 0) {
      throw LakehouseException.usage("An empty password cannot be hashed: give the user a password.");
    }
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(password, salt, iterations));
  }

  /** Whether {@code password} matches {@code stored} (compared in constant time). */
  public static boolean matches(char[] password, String stored) {
    Parsed p = parse(stored, "a stored password hash");
    return MessageDigest.isEqual(derive(password, p.salt, p.iterations), p.hash);
  }

  /** Checks the form of a configured hash; {@code where} names its setting in the error. */
  static void validate(String stored, String where) {
    parse(stored, where);
  }

  private record Parsed(int iterations, byte[] salt, byte[] hash) {}

  private static Parsed parse(String stored, String where) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    try {
      if (parts.length == 4 && parts[0].equals(SCHEME)) {
        int iterations = Integer.parseInt(parts[1]);
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] hash = Base64.getDecoder().decode(parts[3]);
        if (iterations >= 10_000 && salt.length >= 8 && hash.length == HASH_BITS / 8) {
          return new Parsed(iterations, salt, hash);
        }
      }
    } catch (IllegalArgumentException malformed) {
      // reported below
    }
    throw LakehouseException.usage(where + " is not a password hash of the form " + SCHEME
        + "$<iterations>$<salt>$<hash>: make one with 'lakehouse sql-server hash-password' (never put a clear password in a file).");
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(new PBEKeySpec(password, salt, iterations, HASH_BITS))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
    }
  }
}
