package io.profitos.lakehouse.quality;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.RegistryCheck;
import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Start-up check: every suite of the suites folder names a table that a job publishes (for the
 * layers whose jobs are on the classpath; ops, quality and ml suites need their layer's jobs). A suite
 * whose table is misspelt would otherwise never run, and its table would publish unchecked.
 */
public final class SuiteCoverage implements RegistryCheck {
  @Override
  public void check(JobRegistry registry, LakehouseSettings settings) {
    Set<TableName> published = registry.outputs();
    List<String> orphans = new ArrayList<>();
    for (ExpectationSuite suite : SuiteCatalog.from(settings.config()).all()) {
      TableName table;
      try {
        table = TableName.parse(suite.name());
      } catch (LakehouseException e) {
        orphans.add(suite.source() + " (its name '" + suite.name() + "' is not <layer>.<table>)");
        continue;
      }
      // Judged only for the layers whose jobs are on the classpath (a module's tests load only some).
      if (registry.layers().contains(table.layer()) && !published.contains(table)) {
        orphans.add(suite.source() + " (no job publishes " + table + ")");
      }
    }
    if (!orphans.isEmpty()) {
      throw LakehouseException.usage("Expectation suites that match no published table: " + String.join("; ", orphans)
          + ". Rename each to the table it checks (<layer>.<table>.json) or delete it; 'lakehouse jobs' lists the tables.");
    }
  }
}
