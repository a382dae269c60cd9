package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import io.profitos.lakehouse.core.job.LakehouseJob;
import io.profitos.lakehouse.core.spark.SparkSessions;
import io.profitos.lakehouse.gold.MetricContracts;
import io.profitos.lakehouse.quality.SuiteCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** {@code lakehouse catalog docs}: writes the data dictionary of the warehouse's served tables. */
public final class CatalogDocs {
  private CatalogDocs() {}

  public static int write(LakehouseSettings settings, Path out, PrintStream console) {
    SqlServerSettings sql = SqlServerSettings.from(settings.config());
    MetricContracts contracts = MetricContracts.from(settings.config());
    SuiteCatalog suites = SuiteCatalog.from(settings.config());
    Map<String, String> descriptions = new HashMap<>();
    for (LakehouseJob job : JobRegistry.discover(settings).all()) {
      descriptions.put(job.name(), job.name() + ": " + job.description());
    }
    SparkSession spark = SparkSessions.create(settings, "lakehouse catalog docs");
    String warehouse = settings.warehouse().replaceAll("/+$", "");
    List<DataDictionary.Table> tables = new ArrayList<>();
    for (String db : sql.databases()) {
      for (String table : ServedCatalog.deltaTables(spark, warehouse + "/" + db)) {
        tables.add(DataDictionary.table(db, table, spark.read().format("delta").load(warehouse + "/" + db + "/" + table).schema(), sql,
            contracts, suites, descriptions));
      }
    }
    if (tables.isEmpty()) {
      throw LakehouseException.usage("No tables under " + warehouse + ": run the pipeline first ('lakehouse run all'), or point "
          + "lakehouse.warehouse at a built warehouse.");
    }
    try {
      Files.createDirectories(out);
      Files.writeString(out.resolve("data-dictionary.md"), DataDictionary.markdown(tables), StandardCharsets.UTF_8);
      Files.writeString(out.resolve("data-dictionary.html"), DataDictionary.html(tables), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw LakehouseException.usage("Cannot write the data dictionary to " + out + ": " + e.getMessage());
    }
    long columns = tables.stream().mapToLong(t -> t.columns().size()).sum();
    console.printf("Wrote the data dictionary of %d tables (%d columns) to %s (data-dictionary.md, data-dictionary.html).%n",
        tables.size(), columns, out.toAbsolutePath());
    return 0;
  }
}
