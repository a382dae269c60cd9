package io.profitos.lakehouse.silver;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;

/**
 * The key of the keyed PII hash: the environment variable {@code LAKEHOUSE_PII_HASH_KEY}
 * (through {@code lakehouse.silver.pii-hash-key}); only the local demo environment falls back to
 * the documented demo key, so production never hashes with a known key.
 */
public final class PiiKey {
  private PiiKey() {}

  public static String resolve(LakehouseSettings settings) {
    var config = settings.config();
    if (config.hasPath("lakehouse.silver.pii-hash-key") && !config.getString("lakehouse.silver.pii-hash-key").isEmpty()) {
      return config.getString("lakehouse.silver.pii-hash-key");
    }
    if (settings.env().equals(LakehouseSettings.LOCAL)) {
      return config.getString("lakehouse.silver.local-demo-pii-hash-key");
    }
    throw LakehouseException.usage("Configuration error: no PII hash key. Set the environment variable LAKEHOUSE_PII_HASH_KEY "
        + "(a long random secret) for the '" + settings.env() + "' environment.");
  }
}
