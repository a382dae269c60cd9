package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.config.LakehouseSettings;

/**
 * A start-up check of the configuration against the jobs on the classpath (for example: every
 * expectation suite names a table some job publishes). Found through {@code META-INF/services};
 * {@link JobRegistry#discover} runs every one and a failure stops the command with a usage error.
 */
public interface RegistryCheck {
  void check(JobRegistry registry, LakehouseSettings settings);
}
