package io.profitos.lakehouse.app.production;

import io.profitos.lakehouse.core.fs.NioRawLocalFileSystem;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A local file system whose disk fills up: once the process has written {@code lakehouse.test.disk-bytes} bytes (a
 * system property) through it, every further write fails with "No space left on device", as a full disk's would. Set
 * as {@code spark.hadoop.fs.file.impl} in a run under test (the data files of tables go through it), with
 * {@link FullDiskFs} as {@code spark.hadoop.fs.AbstractFileSystem.file.impl} (the Delta logs go through that).
 */
public class FullDiskFileSystem extends LocalFileSystem {
  public FullDiskFileSystem() {
    super(new Raw());
  }

  /** Bytes the disk still takes, for the whole process. */
  private static final AtomicLong FREE = new AtomicLong(Long.getLong("lakehouse.test.disk-bytes", Long.MAX_VALUE));
  private static final AtomicLong WRITTEN = new AtomicLong();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("full-disk file system: " + WRITTEN.get()
        + " bytes written")));
  }

  static final class Raw extends NioRawLocalFileSystem {
    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
        Progressable progress) throws IOException {
      return budgeted(super.create(f, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
        long blockSize, Progressable progress) throws IOException {
      return budgeted(super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream createNonRecursive(Path f, FsPermission permission, EnumSet<CreateFlag> flags, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      return budgeted(super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress));
    }

    @Override
    public FSDataOutputStream append(Path f, int bufferSize, Progressable progress) throws IOException {
      return budgeted(super.append(f, bufferSize, progress));
    }

    private FSDataOutputStream budgeted(FSDataOutputStream out) throws IOException {
      return new FSDataOutputStream(new Budgeted(out), statistics, out.getPos());
    }
  }

  private static final class Budgeted extends FilterOutputStream {
    Budgeted(OutputStream out) {
      super(out);
    }

    private static void take(long n) throws IOException {
      WRITTEN.addAndGet(n);
      if (FREE.addAndGet(-n) < 0) {
        FREE.set(-1);
        throw new IOException("No space left on device");
      }
    }

    @Override
    public void write(int b) throws IOException {
      take(1);
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      take(len);
      out.write(b, off, len);
    }
  }
}
