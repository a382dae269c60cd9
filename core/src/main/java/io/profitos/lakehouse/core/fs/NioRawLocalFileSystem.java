package io.profitos.lakehouse.core.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FSLinkResolver;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system with the calls it makes through a shell done through
 * {@code java.nio} instead. Without Hadoop's native library (which no Maven artifact ships), the
 * stock class starts a {@code chmod} process for every file it creates, a {@code readlink}
 * process twice for every rename (each Delta commit, each task's output file), and an {@code ls}
 * process for the owner and permissions of every status it returns that someone reads them from
 * (every file a recursive listing returns, since a located status copies them): in a job of a few
 * seconds, that was more than a thousand processes. Everything else is the stock class.
 *
 * <ul>
 *   <li>{@link #setPermission}: {@code Files.setPosixFilePermissions} (the sticky bit, which it
 *       cannot set, still goes through the stock call);
 *   <li>{@link #getFileLinkStatus}: the status of the path itself, with its target when it is a
 *       symbolic link ({@code Files.readSymbolicLink});
 *   <li>{@link #getFileStatus} and {@link #listStatus}: statuses whose owner, group and permissions
 *       are read with {@code Files.readAttributes} (the stock statuses run {@code ls -ld} for them).
 * </ul>
 */
public class NioRawLocalFileSystem extends RawLocalFileSystem {
  private static final int STICKY = 01000;
  /** Bit i of a mode (owner, group, others: read, write, execute, lowest bit first). */
  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    short mode = permission.toShort();
    if ((mode & STICKY) != 0) {
      super.setPermission(p, permission);
      return;
    }
    java.nio.file.Path file = pathToFile(p).toPath();
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileNotFoundException("File " + p + " does not exist");
    }
    Files.setPosixFilePermissions(file, posix(mode));
  }

  /** The POSIX permissions of the low nine bits of a mode (owner, group, others: read, write, execute). */
  static Set<PosixFilePermission> posix(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(BITS[i]);
      }
    }
    return out;
  }

  @Override
  public FileStatus getFileStatus(Path f) throws IOException {
    return withAttributes(super.getFileStatus(f));
  }

  /**
   * The stock listing of a folder takes each entry's status from {@link #getFileStatus} (skipping
   * an entry deleted meanwhile); only the listing of a single file makes a stock status itself.
   */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FileStatus[] statuses = super.listStatus(f);
    for (int i = 0; i < statuses.length; i++) {
      if (statuses[i].getClass() != FileStatus.class) {
        statuses[i] = withAttributes(statuses[i]);
      }
    }
    return statuses;
  }

  /**
   * The stock status's sizes and times, with owner, group and permissions from the file's POSIX
   * attributes; read without asking the stock status for them (which would start the process).
   */
  private FileStatus withAttributes(FileStatus stock) throws IOException {
    java.nio.file.Path file = pathToFile(stock.getPath()).toPath();
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new FileNotFoundException("File " + stock.getPath() + " does not exist");
    }
    return new FileStatus(stock.getLen(), stock.isDirectory(), stock.getReplication(), stock.getBlockSize(),
        stock.getModificationTime(), stock.getAccessTime(), permission(attributes.permissions()),
        attributes.owner().getName(), attributes.group().getName(), stock.getPath());
  }

  /** The mode of a set of POSIX permissions, the inverse of {@link #posix}. */
  static FsPermission permission(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int i = 0; i < 9; i++) {
      if (permissions.contains(BITS[i])) {
        mode |= 1 << i;
      }
    }
    return new FsPermission((short) mode);
  }

  @Override
  public FileStatus getFileLinkStatus(Path f) throws IOException {
    java.nio.file.Path file = pathToFile(f).toPath();
    if (!Files.isSymbolicLink(file)) {
      return getFileStatus(f);
    }
    Path target = new Path(Files.readSymbolicLink(file).toString());
    Path qualified = makeQualified(f);
    PosixFileAttributes link = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    FileStatus status = new FileStatus(link.size(), false, 1, getDefaultBlockSize(f), link.lastModifiedTime().toMillis(),
        link.lastAccessTime().toMillis(), FsPermission.getDefault(), link.owner().getName(), link.group().getName(),
        target, qualified);
    status.setSymlink(FSLinkResolver.qualifySymlinkTarget(getUri(), qualified, target));
    return status;
  }
}
