package io.profitos.lakehouse.core.fs;

import io.delta.storage.CloseableIterator;
import io.delta.storage.HDFSLogStore;
import io.delta.storage.LogStore;
import io.delta.storage.S3SingleDriverLogStore;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Delta's own log store for a path's scheme (S3's single-driver store for {@code s3}, {@code s3a} and {@code s3n},
 * the HDFS store, which renames atomically, for the rest), with {@link CommitFence#check} right before every write.
 * Set per scheme as {@code spark.delta.logStore.<scheme>.impl}. Reads and listings go straight to Delta's store.
 */
public class FencedLogStore extends LogStore {
  private final Map<String, LogStore> byScheme = new ConcurrentHashMap<>();

  public FencedLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  private LogStore delegate(Path path) {
    String scheme = path.toUri().getScheme();
    String key = scheme == null ? "" : scheme.toLowerCase(java.util.Locale.ROOT);
    return byScheme.computeIfAbsent(key, s -> s.equals("s3") || s.equals("s3a") || s.equals("s3n")
        ? new S3SingleDriverLogStore(initHadoopConf()) : new HDFSLogStore(initHadoopConf()));
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf) throws IOException {
    CommitFence.check(path.toString());
    delegate(path).write(path, actions, overwrite, hadoopConf);
  }

  @Override
  public CloseableIterator<String> read(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).read(path, hadoopConf);
  }

  @Override
  public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).listFrom(path, hadoopConf);
  }

  @Override
  public Path resolvePathOnPhysicalStorage(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).resolvePathOnPhysicalStorage(path, hadoopConf);
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) throws IOException {
    return delegate(path).isPartialWriteVisible(path, hadoopConf);
  }
}
