package io.profitos.lakehouse.gold;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.typesafe.config.Config;
import io.profitos.lakehouse.core.LakehouseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Segments by workspace MRR at month end ({@code lakehouse.gold.segments}: name = lowest monthly
 * USD of the segment; METRICS.md: Enterprise >= 5,000, Mid-Market >= 1,000, SMB >= 200, Self-Serve below).
 */
public record Segments(List<Map.Entry<String, Double>> byFloorDescending) {

  public static Segments from(Config config) {
    Config c = config.getConfig("lakehouse.gold.segments");
    List<Map.Entry<String, Double>> floors = new ArrayList<>();
    for (String name : c.root().keySet()) {
      floors.add(Map.entry(name, c.getDouble("\"" + name + "\"")));
    }
    floors.sort(Comparator.comparing((Map.Entry<String, Double> e) -> e.getValue()).reversed());
    if (floors.isEmpty() || floors.get(floors.size() - 1).getValue() > 0) {
      throw LakehouseException.usage("Configuration error: lakehouse.gold.segments needs a segment starting at 0 (got " + floors + ").");
    }
    return new Segments(List.copyOf(floors));
  }

  /** The segment of a monthly USD amount. */
  public Column of(Column mrr) {
    Column out = null;
    for (Map.Entry<String, Double> e : byFloorDescending) {
      out = out == null ? when(mrr.geq(e.getValue()), lit(e.getKey())) : out.when(mrr.geq(e.getValue()), lit(e.getKey()));
    }
    return out.otherwise(lit(byFloorDescending.get(byFloorDescending.size() - 1).getKey()));
  }

}
