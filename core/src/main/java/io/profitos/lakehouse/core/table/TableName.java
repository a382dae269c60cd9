package io.profitos.lakehouse.core.table;

import io.profitos.lakehouse.core.LakehouseException;
import java.util.Set;

/**
 * A table name {@code <layer>.<table>}, e.g. {@code bronze.stripe_subscriptions}. The layer is
 * also the SQL database and the first folder under the warehouse.
 */
public record TableName(String layer, String table) {
  public static final Set<String> LAYERS = Set.of("bronze", "silver", "gold", "ml", "quality", "ops");

  public TableName {
    if (!LAYERS.contains(layer)) {
      throw LakehouseException.usage("Unknown layer '" + layer + "' in table name '" + layer + "." + table + "'; layers are " + new java.util.TreeSet<>(LAYERS) + ".");
    }
    if (table == null || !table.matches("_?[a-z][a-z0-9_]*")) {
      throw LakehouseException.usage("Invalid table name '" + layer + "." + table + "': use <layer>.<snake_case_name>.");
    }
  }

  /** Parses {@code layer.table}. */
  public static TableName parse(String qualified) {
    int dot = qualified == null ? -1 : qualified.indexOf('.');
    if (dot <= 0 || dot != qualified.lastIndexOf('.')) {
      throw LakehouseException.usage("Invalid table name '" + qualified + "': use <layer>.<table>, e.g. bronze.stripe_subscriptions.");
    }
    return new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
  }

  public static TableName of(String layer, String table) {
    return new TableName(layer, table);
  }

  @Override
  public String toString() {
    return layer + "." + table;
  }
}
