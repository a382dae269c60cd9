package io.profitos.lakehouse.bronze;

import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobProvider;
import io.profitos.lakehouse.core.job.LakehouseJob;
import java.util.List;

/** One {@link BronzeIngestJob} per configured landing stream. */
public final class BronzeJobProvider implements JobProvider {
  @Override
  public String layer() {
    return "bronze";
  }

  @Override
  public List<LakehouseJob> jobs(LakehouseSettings settings) {
    return settings.streams().stream().<LakehouseJob>map(BronzeIngestJob::new).toList();
  }
}
