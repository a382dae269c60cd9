package io.profitos.lakehouse.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 fingerprints of configuration: a job whose output depends on a section records its
 * hash, and a changed hash rebuilds the output. The section is rendered in HOCON's canonical
 * concise JSON form (keys sorted), so formatting and comments never count as changes.
 */
public final class ConfigHash {
  private ConfigHash() {}

  /** The hex SHA-256 of {@code text} (UTF-8). */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The hash of the section at {@code path} ("absent" when the section is not set). */
  public static String of(Config config, String path) {
    if (!config.hasPath(path)) {
      return "absent";
    }
    return sha256(path + "=" + config.getValue(path).render(ConfigRenderOptions.concise()));
  }
}
