package io.profitos.lakehouse.core.fs;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * The local file system ({@code file:}, with checksums) over {@link NioRawLocalFileSystem}: set as
 * {@code fs.file.impl} in the local environment, so local writes start no processes.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }
}
