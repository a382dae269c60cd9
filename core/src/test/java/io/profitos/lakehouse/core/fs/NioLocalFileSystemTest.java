package io.profitos.lakehouse.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir Path dir;
  private Configuration conf;
  private FileSystem fs;

  /** A Hadoop configuration with the local environment's spark.hadoop.* settings, as Spark builds it. */
  @BeforeEach
  void localEnvironment() throws IOException {
    LakehouseSettings s = LakehouseSettings.from(ConfigLoader.load(Path.of("..", "conf"), "local", Map.of()), dir);
    conf = new Configuration(false);
    s.sparkConf().forEach((k, v) -> {
      if (k.startsWith("spark.hadoop.")) {
        conf.set(k.substring("spark.hadoop.".length()), v);
      }
    });
    fs = FileSystem.newInstance(java.net.URI.create("file:///"), conf);
  }

  private org.apache.hadoop.fs.Path qualified(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  @Test
  void theLocalEnvironmentWritesThroughTheNioFileSystems() throws IOException {
    assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
    assertThat(((org.apache.hadoop.fs.LocalFileSystem) fs).getRaw()).isInstanceOf(NioRawLocalFileSystem.class);
    FileContext fc = FileContext.getFileContext(java.net.URI.create("file:///"), conf);
    assertThat(fc.getDefaultFileSystem()).isInstanceOf(NioLocalFs.class);
  }

  @Test
  void createdFilesAndFoldersGetTheRequestedPermissions() throws IOException {
    org.apache.hadoop.fs.Path file = qualified(dir.resolve("a.txt"));
    try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
      out.write("x".getBytes(StandardCharsets.UTF_8));
    }
    // 0640 is 110 100 000; the umask (022 by default) takes nothing away from it.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.txt")))).isEqualTo("rw-r-----");
    fs.setPermission(file, new FsPermission((short) 0705));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a.txt")))).isEqualTo("rwx---r-x");
    assertThat(fs.mkdirs(qualified(dir.resolve("d/e")), new FsPermission((short) 0750))).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d/e")))).isEqualTo("rwxr-x---");
    assertThatThrownBy(() -> fs.setPermission(qualified(dir.resolve("missing")), new FsPermission((short) 0644)))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void theLinkStatusOfAFileIsItsStatusAndOfALinkNamesItsTarget() throws IOException {
    Path target = Files.writeString(dir.resolve("target.txt"), "12345");
    Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
    RawLocalFileSystem stock = new RawLocalFileSystem();
    stock.initialize(java.net.URI.create("file:///"), new Configuration(false));

    FileStatus plain = fs.getFileLinkStatus(qualified(target));
    FileStatus expected = stock.getFileStatus(qualified(target));
    assertThat(plain.isSymlink()).isFalse();
    assertThat(plain.getLen()).isEqualTo(5);
    assertThat(plain.getModificationTime()).isEqualTo(expected.getModificationTime());
    assertThat(plain.getPath()).isEqualTo(expected.getPath());

    FileStatus viaLink = fs.getFileLinkStatus(qualified(link));
    assertThat(viaLink.isSymlink()).isTrue();
    assertThat(viaLink.getSymlink()).isEqualTo(qualified(target));
    assertThat(viaLink.getPath()).isEqualTo(qualified(link));
    // The file status follows the link.
    assertThat(fs.getFileStatus(qualified(link)).getLen()).isEqualTo(5);
    assertThatThrownBy(() -> fs.getFileLinkStatus(qualified(dir.resolve("missing")))).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void aFileContextRenameMovesAFileAndRefusesAnExistingDestination() throws IOException {
    // What a Delta commit to a local table relies on: the rename of a temporary file to the next
    // version's name fails when another writer committed that version first.
    FileContext fc = FileContext.getFileContext(java.net.URI.create("file:///"), conf);
    Files.writeString(dir.resolve("tmp1"), "a");
    Files.writeString(dir.resolve("tmp2"), "b");
    fc.rename(qualified(dir.resolve("tmp1")), qualified(dir.resolve("00001.json")), Options.Rename.NONE);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("a");
    assertThat(dir.resolve("tmp1")).doesNotExist();
    assertThatThrownBy(() -> fc.rename(qualified(dir.resolve("tmp2")), qualified(dir.resolve("00001.json")), Options.Rename.NONE))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(dir.resolve("00001.json"))).isEqualTo("a");
  }

  @Test
  void statusesAndListingsCarryTheOwnerGroupAndPermissionsTheStockClassReads() throws IOException {
    Path file = Files.writeString(Files.createDirectories(dir.resolve("d")).resolve("f.json"), "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(dir.resolve("d"), PosixFilePermissions.fromString("rwxr-x--x"));
    RawLocalFileSystem stock = new RawLocalFileSystem();
    stock.initialize(java.net.URI.create("file:///"), new Configuration(false));

    for (Path p : new Path[] {file, dir.resolve("d")}) {
      FileStatus ours = fs.getFileStatus(qualified(p));
      FileStatus theirs = stock.getFileStatus(qualified(p));
      // The stock status reads these through an 'ls' process the first time they are asked for; ours holds them.
      assertThat(ours.getClass()).isEqualTo(FileStatus.class);
      assertThat(ours.getPermission()).isEqualTo(theirs.getPermission());
      assertThat(ours.getOwner()).isEqualTo(theirs.getOwner());
      assertThat(ours.getGroup()).isEqualTo(theirs.getGroup());
      assertThat(ours.getLen()).isEqualTo(theirs.getLen());
      assertThat(ours.isDirectory()).isEqualTo(theirs.isDirectory());
      assertThat(ours.getModificationTime()).isEqualTo(theirs.getModificationTime());
      assertThat(ours.getPath()).isEqualTo(theirs.getPath());
    }
    assertThat(fs.getFileStatus(qualified(file)).getPermission().toString()).isEqualTo("rw-r-----");

    // A recursive listing (what the landing scan does) copies each status's owner and permissions into a located one.
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> listed = fs.listFiles(qualified(dir), true);
    org.apache.hadoop.fs.LocatedFileStatus only = listed.next();
    assertThat(listed.hasNext()).isFalse();
    assertThat(only.getPath().getName()).isEqualTo("f.json");
    assertThat(only.getLen()).isEqualTo(2);
    assertThat(only.getPermission().toString()).isEqualTo("rw-r-----");
    assertThat(fs.listStatus(qualified(dir.resolve("d")))[0].getClass()).isEqualTo(FileStatus.class);
    FileStatus[] ofTheFile = fs.listStatus(qualified(file));
    assertThat(ofTheFile).hasSize(1);
    assertThat(ofTheFile[0].getClass()).isEqualTo(FileStatus.class);
    assertThat(ofTheFile[0].getPermission().toString()).isEqualTo("rw-r-----");
    assertThatThrownBy(() -> fs.getFileStatus(qualified(dir.resolve("missing")))).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> fs.listStatus(qualified(dir.resolve("missing")))).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void modesMapToTheirPosixPermissions() {
    assertThat(PosixFilePermissions.toString(NioRawLocalFileSystem.posix(0644))).isEqualTo("rw-r--r--");
    assertThat(PosixFilePermissions.toString(NioRawLocalFileSystem.posix(0751))).isEqualTo("rwxr-x--x");
    assertThat(NioRawLocalFileSystem.posix(0)).isEmpty();
    assertThat(NioRawLocalFileSystem.permission(PosixFilePermissions.fromString("rwxr-x--x"))).isEqualTo(new FsPermission((short) 0751));
    assertThat(NioRawLocalFileSystem.permission(NioRawLocalFileSystem.posix(0640))).isEqualTo(new FsPermission((short) 0640));
  }
}
