package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import java.util.List;

/**
 * A layer's jobs, built from configuration. Each layer module registers one implementation in
 * {@code META-INF/services/io.profitos.lakehouse.core.job.JobProvider}.
 */
public interface JobProvider {
  /** Layer name; layers run in the order of {@link JobRegistry#LAYER_ORDER}. */
  String layer();

  List<LakehouseJob> jobs(LakehouseSettings settings);
}
