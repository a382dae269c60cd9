package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.table.TableCatalog;
import io.profitos.lakehouse.core.table.TableName;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hive.service.rpc.thrift.TTableSchema;

/**
 * Results of repeated queries, keyed by the Delta version of every table they read: a dashboard loaded again answers
 * from memory until a job publishes one of its tables, and the next load after a publish runs the query again. A
 * result is kept only when it is known to come from the versions it is stored under: the first run of a statement
 * learns which tables it reads; a later run notes their versions before it starts and after its last row, and its
 * result is kept if none moved. Keys hold the role (masks differ by role), the session's database and time zone, and
 * the statement's exact text. Only queries of served tables whose result depends on their data alone are kept
 * ({@link Governance#CACHEABLE}), each of at most {@code max-rows} rows; the least recently used go first past
 * {@code max-entries}.
 */
final class ResultCache {
  /** What identifies a result: who asks (the role), in which session context, what. */
  record Key(String role, String database, String timeZone, String statement) {}

  /** The tables a statement reads and, once known to match them, its result at their versions. */
  record Entry(Set<String> tables, Map<String, Long> versions, TTableSchema schema, List<Object[]> rows, Governance.Touched touched) {
    boolean hasResult() {
      return rows != null;
    }
  }

  private final int maxRows;
  private final Map<Key, Entry> entries;
  private final TableCatalog catalog;
  private final Configuration hadoop;

  ResultCache(int maxRows, int maxEntries, TableCatalog catalog, Configuration hadoop) {
    this.maxRows = maxRows;
    this.catalog = catalog;
    this.hadoop = hadoop;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  int maxRows() {
    return maxRows;
  }

  synchronized Entry get(Key key) {
    return entries.get(key);
  }

  synchronized void put(Key key, Entry entry) {
    entries.put(key, entry);
  }

  synchronized int size() {
    return entries.size();
  }

  /**
   * Each table's current Delta version: the newest commit file of its log (a listing, no snapshot is loaded); null
   * when a log cannot be read (nothing is then served from or kept in the cache).
   */
  Map<String, Long> versions(Set<String> tables) {
    Map<String, Long> out = new TreeMap<>();
    for (String t : tables) {
      String[] name = t.split("\\.", 2);
      Path log = new Path(catalog.location(TableName.of(name[0], name[1])), "_delta_log");
      long newest = -1;
      try {
        FileSystem fs = log.getFileSystem(hadoop);
        for (FileStatus f : fs.listStatus(log)) {
          String file = f.getPath().getName();
          if (file.endsWith(".json") && file.length() == 25 && Character.isDigit(file.charAt(0))) {
            newest = Math.max(newest, Long.parseLong(file.substring(0, 20)));
          }
        }
      } catch (IOException | NumberFormatException e) {
        return null;
      }
      if (newest < 0) {
        return null;
      }
      out.put(t, newest);
    }
    return out;
  }
}
