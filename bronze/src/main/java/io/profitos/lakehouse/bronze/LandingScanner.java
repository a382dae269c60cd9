package io.profitos.lakehouse.bronze;

import io.profitos.lakehouse.core.config.StreamSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists a stream's files under {@code <landing>/<source>/<stream>/} through Hadoop's file system
 * API (local folders, s3a:// buckets). Hidden files and folders ({@code _} or {@code .} prefix,
 * e.g. {@code _SUCCESS}, {@code .crc}) are not extracts and are skipped.
 */
final class LandingScanner {
  private static final Pattern EXTRACT_DATE = Pattern.compile("/extract_date=(\\d{4}-\\d{2}-\\d{2})/[^/]+$");

  private LandingScanner() {}

  static String streamRoot(String landing, StreamSpec spec) {
    return landing + "/" + spec.source() + "/" + spec.stream();
  }

  static List<LandingFile> list(Configuration conf, String landing, StreamSpec spec) {
    Path root = new Path(streamRoot(landing, spec));
    List<LandingFile> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return files;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      String rootPrefix = fs.makeQualified(root).toString();
      while (it.hasNext()) {
        LocatedFileStatus status = it.next();
        String path = status.getPath().toString();
        String relative = path.startsWith(rootPrefix) ? path.substring(rootPrefix.length()) : status.getPath().getName();
        if (isHidden(relative)) {
          continue;
        }
        Matcher m = EXTRACT_DATE.matcher(path);
        files.add(new LandingFile(path, status.getLen(), status.getModificationTime(), m.find() ? m.group(1) : null));
      }
    } catch (FileNotFoundException e) {
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list landing folder " + root + ": " + e.getMessage(), e);
    }
    files.sort(Comparator.comparing(LandingFile::path));
    return files;
  }

  static boolean isHidden(String relativePath) {
    for (String part : relativePath.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
