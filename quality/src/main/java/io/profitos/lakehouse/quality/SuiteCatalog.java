package io.profitos.lakehouse.quality;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.table.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The expectation suites of {@code lakehouse.quality.suites}: one file per table,
 * {@code <layer>.<table>.json}, in a folder or inside the application jar ({@code classpath:}).
 */
public final class SuiteCatalog {
  private final String location;
  private final Map<String, Object> parameters;

  public SuiteCatalog(String location, Map<String, Object> parameters) {
    this.location = location;
    this.parameters = Map.copyOf(parameters);
  }

  public static SuiteCatalog from(Config config) {
    Map<String, Object> parameters = new LinkedHashMap<>(config.getConfig("lakehouse.quality.parameters").root().unwrapped());
    return new SuiteCatalog(config.getString("lakehouse.quality.suites"), parameters);
  }

  /** The suite of a table, or null when it has none. */
  public ExpectationSuite forTable(TableName table) {
    String file = table.layer() + "." + table.table() + ".json";
    if (location.startsWith("classpath:")) {
      String resource = location.substring("classpath:".length()).replaceAll("/+$", "") + "/" + file;
      try (InputStream in = SuiteCatalog.class.getClassLoader().getResourceAsStream(resource)) {
        return in == null ? null : ExpectationSuite.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource, parameters);
      } catch (IOException e) {
        throw LakehouseException.usage("Cannot read the expectation suite " + resource + ": " + e.getMessage());
      }
    }
    Path path = Path.of(location).resolve(file);
    return Files.isRegularFile(path) ? load(path) : null;
  }

  /** A suite file, with this catalog's parameters. */
  public ExpectationSuite load(Path path) {
    try {
      return ExpectationSuite.parse(Files.readString(path, StandardCharsets.UTF_8), path.toString(), parameters);
    } catch (IOException e) {
      throw LakehouseException.usage("Cannot read the expectation suite " + path + ": " + e.getMessage());
    }
  }

  /** Every suite of a folder catalog (empty for a classpath one), each loaded and checked. */
  public List<ExpectationSuite> all() {
    List<ExpectationSuite> out = new ArrayList<>();
    if (location.startsWith("classpath:") || !Files.isDirectory(Path.of(location))) {
      return out;
    }
    try (var files = Files.list(Path.of(location))) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        out.add(load(p));
      }
    } catch (IOException e) {
      throw LakehouseException.usage("Cannot list the expectation suites in " + location + ": " + e.getMessage());
    }
    return out;
  }
}
