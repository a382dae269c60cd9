package io.profitos.lakehouse.app.production;

import io.profitos.lakehouse.core.fs.NioLocalFs;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;

/**
 * The {@code FileContext} side of {@link FullDiskFileSystem} ({@code fs.AbstractFileSystem.file.impl}), through which
 * Delta writes its logs: the same byte budget, so commits find the disk full too.
 */
public class FullDiskFs extends NioLocalFs {
  public FullDiskFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(conf, new FullDiskFileSystem.Raw());
  }
}
