package io.profitos.lakehouse.app.sql;

import io.profitos.lakehouse.core.table.TableName;
import io.profitos.lakehouse.gold.MetricContracts;
import io.profitos.lakehouse.quality.ExpectationSuite;
import io.profitos.lakehouse.quality.SuiteCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The data dictionary ({@code lakehouse catalog docs}): every served table with its grain (from its expectation suite's
 * grain check), what writes it, and every column with its type, its metric contract and its classification, as
 * Markdown and as HTML. The same sources as the SQL server's column comments, so the two cannot disagree.
 */
public final class DataDictionary {
  /** A column: name, type, nullable, classification ({@code none} when unclassified), its contract ("" when none). */
  public record Column(String name, String type, boolean nullable, String classification, String contract) {}

  /** A table: {@code database.table}, its grain, the job that writes it, its columns. */
  public record Table(String name, String grain, String writtenBy, List<Column> columns) {}

  private DataDictionary() {}

  /** One table's entry from its schema and the configuration. */
  public static Table table(String database, String table, StructType schema, SqlServerSettings sql, MetricContracts contracts,
      SuiteCatalog suites, Map<String, String> descriptions) {
    TableName name = TableName.of(database, table);
    String grain = "not declared (no expectation suite checks it)";
    if (database.equals("bronze") && !table.startsWith("_")) {
      grain = "one landed record: every version and duplicate kept, with the file and batch it came in";
    }
    ExpectationSuite suite = database.equals("silver") || database.equals("gold") ? suites.forTable(name) : null;
    if (suite != null) {
      for (ExpectationSuite.Expectation e : suite.expectations()) {
        if (e.name().startsWith("grain(")) {
          Object notes = e.meta().get("notes");
          grain = notes != null ? notes.toString().replaceFirst("^The grain: ", "") : e.name();
          break;
        }
      }
    }
    List<Column> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      MetricContracts.Contract c = database.equals("gold") ? contracts.of(name, f.name()) : null;
      String klass = sql.classify(database, table, f.name());
      columns.add(new Column(f.name(), f.dataType().simpleString(), f.nullable(), klass == null ? "none" : klass,
          c == null ? "" : c.title() + " (" + c.metric() + ", " + c.unit() + ", v" + c.version() + "): " + c.definition()));
    }
    return new Table(name.toString(), grain, descriptions.getOrDefault(name.toString(), ""), List.copyOf(columns));
  }

  public static String markdown(List<Table> tables) {
    StringBuilder md = new StringBuilder("# Data dictionary\n\n");
    md.append(tables.size()).append(" tables. Classifications: PII (personal), PCI (payment card), FINANCIAL, none.\n");
    for (Table t : tables) {
      md.append("\n## ").append(t.name()).append("\n\n");
      md.append("Grain: ").append(cell(t.grain())).append("\n\n");
      if (!t.writtenBy().isEmpty()) {
        md.append("Written by: ").append(cell(t.writtenBy())).append("\n\n");
      }
      md.append("| column | type | nullable | classification | contract |\n|---|---|---|---|---|\n");
      for (Column c : t.columns()) {
        md.append("| `").append(c.name()).append("` | ").append(cell(c.type())).append(" | ").append(c.nullable() ? "yes" : "no")
            .append(" | ").append(c.classification()).append(" | ").append(cell(c.contract())).append(" |\n");
      }
    }
    return md.toString();
  }

  public static String html(List<Table> tables) {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Data dictionary</title>\n"
        + "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
        + "text-align:left;vertical-align:top}code{font-size:95%}</style></head><body>\n<h1>Data dictionary</h1>\n<p>")
        .append(tables.size()).append(" tables. Classifications: PII (personal), PCI (payment card), FINANCIAL, none.</p>\n<ul>\n");
    for (Table t : tables) {
      h.append("<li><a href=\"#").append(esc(t.name())).append("\">").append(esc(t.name())).append("</a></li>\n");
    }
    h.append("</ul>\n");
    for (Table t : tables) {
      h.append("<h2 id=\"").append(esc(t.name())).append("\">").append(esc(t.name())).append("</h2>\n<p>Grain: ")
          .append(esc(t.grain())).append("</p>\n");
      if (!t.writtenBy().isEmpty()) {
        h.append("<p>Written by: ").append(esc(t.writtenBy())).append("</p>\n");
      }
      h.append("<table><tr><th>column</th><th>type</th><th>nullable</th><th>classification</th><th>contract</th></tr>\n");
      for (Column c : t.columns()) {
        h.append("<tr><td><code>").append(esc(c.name())).append("</code></td><td>").append(esc(c.type())).append("</td><td>")
            .append(c.nullable() ? "yes" : "no").append("</td><td>").append(esc(c.classification())).append("</td><td>")
            .append(esc(c.contract())).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    return h.append("</body></html>\n").toString();
  }

  /** Text in a Markdown table cell: one line, pipes escaped. */
  static String cell(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
