package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.table.TableName;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The check every publish passes ({@link JobContext#publish}): the quality module runs the
 * table's expectation suite. Found through {@code META-INF/services}; without one, rows publish
 * unchecked.
 */
public interface PublishGate {
  /**
   * Checks the rows about to be published. Returns an {@link Audit} whose rows are the ones to
   * publish; throws a quality-gate {@code LakehouseException} (exit 3) when a critical
   * expectation failed, after keeping the rows and the results for inspection.
   */
  Audit audit(JobContext ctx, TableName table, Dataset<Row> rows);

  /** The outcome of an audit: the rows to publish, their count when the checks computed it, and what to record once published. */
  interface Audit {
    Dataset<Row> rows();

    /** Rows checked, or null when the checks did not count them. */
    Long rowCount();

    /** Records the results against the published Delta version (after the data commit). */
    void published(long version);

    /** Frees what the audit cached. */
    void release();
  }

  /** No suite: the rows publish as they are. */
  static Audit unchecked(Dataset<Row> rows) {
    return new Audit() {
      @Override public Dataset<Row> rows() { return rows; }
      @Override public Long rowCount() { return null; }
      @Override public void published(long version) { }
      @Override public void release() { }
    };
  }
}
