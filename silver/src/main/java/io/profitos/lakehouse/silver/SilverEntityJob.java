package io.profitos.lakehouse.silver;

import io.profitos.lakehouse.core.table.TableName;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A {@link SilverJob} given by its tables, key and conforming function. */
public final class SilverEntityJob extends SilverJob {
  private final TableName table;
  private final TableName source;
  private final List<String> key;
  private final UnaryOperator<Dataset<Row>> conform;
  private final boolean latestExtractOnly;
  private final String description;
  private final SilverTableConfig config;
  private final int schemaVersion;

  public SilverEntityJob(String table, String source, List<String> key, UnaryOperator<Dataset<Row>> conform,
      boolean latestExtractOnly, String description, SilverTableConfig config) {
    this(table, source, key, conform, latestExtractOnly, description, config, 1);
  }

  /** @param schemaVersion the version of the table's columns in this release (a higher one rebuilds older tables) */
  public SilverEntityJob(String table, String source, List<String> key, UnaryOperator<Dataset<Row>> conform,
      boolean latestExtractOnly, String description, SilverTableConfig config, int schemaVersion) {
    this.config = config;
    this.schemaVersion = schemaVersion;
    this.table = TableName.parse(table);
    this.source = TableName.parse(source);
    this.key = List.copyOf(key);
    this.conform = conform;
    this.latestExtractOnly = latestExtractOnly;
    this.description = description;
  }

  @Override public TableName table() { return table; }
  @Override public TableName source() { return source; }
  @Override public List<String> key() { return key; }
  @Override public Dataset<Row> conform(Dataset<Row> bronze) { return conform.apply(bronze); }
  @Override protected boolean latestExtractOnly() { return latestExtractOnly; }
  @Override public String description() { return description; }
  @Override public SilverTableConfig tableConfig() { return config; }
  @Override protected int schemaVersion() { return schemaVersion; }
}
