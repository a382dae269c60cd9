package io.profitos.lakehouse.core.fs;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.local.LocalConfigKeys;

/**
 * The {@code FileContext} side of {@link NioLocalFileSystem} ({@code fs.AbstractFileSystem.file.impl}):
 * Delta commits to a local table through {@code FileContext.rename}, which asks the file system
 * for the link status of both paths first.
 */
public class NioLocalFs extends ChecksumFs {
  public NioLocalFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    this(conf, new NioRawLocalFileSystem());
  }

  /** The same over another raw local file system (a subclass of {@link NioRawLocalFileSystem}). */
  protected NioLocalFs(Configuration conf, NioRawLocalFileSystem raw) throws IOException, URISyntaxException {
    super(new Raw(conf, raw));
  }

  /** The stock raw local {@code AbstractFileSystem}, delegating to {@link NioRawLocalFileSystem}. */
  static final class Raw extends DelegateToFileSystem {
    Raw(Configuration conf, NioRawLocalFileSystem raw) throws IOException, URISyntaxException {
      super(FsConstants.LOCAL_FS_URI, raw, conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
    }

    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public FsServerDefaults getServerDefaults(Path f) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    public boolean isValidName(String src) {
      return true;
    }
  }
}
