package io.profitos.lakehouse.app.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.LakehouseException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
  @Test
  void theHashIsPbkdf2Sha256OfThePasswordAndSaltAsRfc7914Gives() {
    // RFC 7914 section 11 gives PBKDF2-HMAC-SHA256 of P="passwd", S="salt", c=1, dkLen=64; its first 32 bytes are the
    // 256-bit key. The scheme refuses fewer than 10,000 iterations when it reads a hash, so it is made directly here.
    String made = PasswordHash.create("passwd".toCharArray(), "salt".getBytes(StandardCharsets.US_ASCII), 1);
    String[] parts = made.split("\\$");
    assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
    assertThat(parts[1]).isEqualTo("1");
    assertThat(Base64.getDecoder().decode(parts[2])).isEqualTo("salt".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(parts[3])))
        .isEqualTo("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
  }

  @Test
  void aHashMatchesItsPasswordOnlyAndEachHashHasItsOwnSalt() {
    String a = PasswordHash.create("correct horse".toCharArray());
    String b = PasswordHash.create("correct horse".toCharArray());
    assertThat(a).isNotEqualTo(b).startsWith("pbkdf2-sha256$210000$");
    assertThat(PasswordHash.matches("correct horse".toCharArray(), a)).isTrue();
    assertThat(PasswordHash.matches("correct horse".toCharArray(), b)).isTrue();
    assertThat(PasswordHash.matches("correct horse ".toCharArray(), a)).isFalse();
    assertThat(PasswordHash.matches("Correct horse".toCharArray(), a)).isFalse();
  }

  @Test
  void aMalformedOrWeakHashIsAClearConfigurationError() {
    assertThatThrownBy(() -> PasswordHash.validate("secret", "lakehouse.sql-server.users.ana.password-hash"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("lakehouse.sql-server.users.ana.password-hash is not a password hash")
        .hasMessageContaining("lakehouse sql-server hash-password");
    String weak = PasswordHash.create("x".toCharArray(), new byte[16], 1000);
    assertThatThrownBy(() -> PasswordHash.validate(weak, "h")).isInstanceOf(LakehouseException.class);
    assertThatThrownBy(() -> PasswordHash.create(new char[0])).hasMessageContaining("empty password");
  }
}
