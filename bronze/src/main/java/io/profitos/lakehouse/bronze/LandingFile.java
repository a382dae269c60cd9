package io.profitos.lakehouse.bronze;

import java.io.Serializable;

/**
 * One file found in the landing zone.
 *
 * @param path full URI of the file
 * @param size bytes
 * @param modificationTime epoch millis
 * @param extractDate {@code YYYY-MM-DD} from the {@code extract_date=} folder, or null when the path breaks the layout
 */
public record LandingFile(String path, long size, long modificationTime, String extractDate) implements Serializable {

  public boolean gzipped() {
    return path.endsWith(".gz");
  }
}
