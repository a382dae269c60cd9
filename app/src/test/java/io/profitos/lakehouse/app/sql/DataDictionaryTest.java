package io.profitos.lakehouse.app.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataDictionaryTest {
  private static final List<DataDictionary.Table> TABLES = List.of(new DataDictionary.Table("gold.t", "one row per a | b",
      "gold.t: a <test> table", List.of(new DataDictionary.Column("x_usd", "decimal(18,6)", true, "FINANCIAL", "X (x, usd, v2): a\nb | c"),
          new DataDictionary.Column("email_hash", "string", false, "PII", ""))));

  @Test
  void markdownKeepsEachColumnOnOneRowWithPipesEscaped() {
    String md = DataDictionary.markdown(TABLES);
    assertThat(md).startsWith("# Data dictionary\n\n1 tables.")
        .contains("\n## gold.t\n\nGrain: one row per a \\| b\n\nWritten by: gold.t: a <test> table\n\n")
        .contains("| `x_usd` | decimal(18,6) | yes | FINANCIAL | X (x, usd, v2): a b \\| c |\n")
        .contains("| `email_hash` | string | no | PII |  |\n");
  }

  @Test
  void htmlEscapesMarkupAndLinksEveryTable() {
    String html = DataDictionary.html(TABLES);
    assertThat(html).contains("<li><a href=\"#gold.t\">gold.t</a></li>").contains("<h2 id=\"gold.t\">gold.t</h2>")
        .contains("<p>Written by: gold.t: a &lt;test&gt; table</p>")
        .contains("<tr><td><code>email_hash</code></td><td>string</td><td>no</td><td>PII</td><td></td></tr>")
        .doesNotContain("<test>");
  }
}
