package io.profitos.lakehouse.core.job;

import io.profitos.lakehouse.core.table.TableName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one job's run published and read: the Delta version each publish committed, the versions of its inputs the job
 * looked up, and the landing files it landed (bronze). The runner turns it into {@code ops.lineage} rows once the job
 * has finished. Thread-safe: a job may publish from several threads.
 */
public final class Lineage {
  private final Map<TableName, Long> outputs = new LinkedHashMap<>();
  private final Map<TableName, Long> inputVersions = new LinkedHashMap<>();
  private final Set<String> landingFiles = new LinkedHashSet<>();

  /** A commit of the job to {@code table}, now at {@code version} (the last one per table counts). */
  public synchronized void output(TableName table, long version) {
    if (version >= 0) {
      outputs.put(table, version);
    }
  }

  /** The version of an input the job looked up (the first lookup counts: it is the one the job worked from). */
  public synchronized void inputVersion(TableName table, long version) {
    if (version >= 0) {
      inputVersions.putIfAbsent(table, version);
    }
  }

  /** Landing files whose records the job landed. */
  public synchronized void landed(Collection<String> paths) {
    landingFiles.addAll(paths);
  }

  public synchronized Map<TableName, Long> outputs() {
    return new LinkedHashMap<>(outputs);
  }

  public synchronized Map<TableName, Long> inputVersions() {
    return new LinkedHashMap<>(inputVersions);
  }

  public synchronized List<String> landingFiles() {
    return new ArrayList<>(landingFiles);
  }
}
