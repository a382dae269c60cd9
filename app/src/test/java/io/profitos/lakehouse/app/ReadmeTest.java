package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.config.ConfigLoader;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import io.profitos.lakehouse.core.job.JobRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README lists layers, tables, CLI commands and configuration keys: each list is checked
 * against the code it describes, so the README cannot drift from the jobs, the CLI or reference.conf.
 */
class ReadmeTest {
  private static String readme;
  private static JobRegistry registry;

  @BeforeAll
  static void load() throws Exception {
    readme = Files.readString(Path.of("../README.md"));
    LakehouseSettings settings = LakehouseSettings.from(ConfigLoader.load(Path.of("../conf"), "local", Map.of()), Path.of(".."));
    registry = JobRegistry.discover(settings);
  }

  private static String section(String heading) {
    int a = readme.indexOf("\n" + heading + "\n");
    assertThat(a).as("README section " + heading).isPositive();
    int b = readme.indexOf("\n## ", a + heading.length() + 2);
    return readme.substring(a, b < 0 ? readme.length() : b);
  }

  @Test
  void everyTableAJobWritesIsListedAndEveryListedTableIsWritten() {
    String tables = section("## Tables");
    Set<String> listed = new TreeSet<>();
    Matcher m = Pattern.compile("`((?:bronze|silver|gold|ml|quality|ops)\\.[a-z_][a-z0-9_]*)`").matcher(tables);
    while (m.find()) {
      listed.add(m.group(1));
    }
    // The bronze row lists the stream tables by their short names, after their number.
    Matcher bronze = Pattern.compile("\\((\\d+): (.*?)\\)").matcher(tables);
    assertThat(bronze.find()).isTrue();
    String[] streams = bronze.group(2).split(", ");
    assertThat(streams).as("the bronze row's count").hasSize(Integer.parseInt(bronze.group(1)));
    for (String t : streams) {
      listed.add("bronze." + t.replace("`", "").trim());
    }
    Set<String> written = new TreeSet<>();
    registry.outputs().forEach(t -> written.add(t.toString()));
    // Written by the runner and by the gates rather than declared as a job's output.
    written.add("ops.job_runs");
    written.add("ops.lineage");
    written.add("quality.check_results");
    // Written by 'lakehouse ml train', 'promote' and 'rollback'.
    written.add(io.profitos.lakehouse.ml.ModelRegistry.TABLE.toString());
    // Written by 'lakehouse decisions' and 'lakehouse alerts send'.
    written.add(DecisionLog.TABLE.toString());
    written.add(AlertOutbox.TABLE.toString());
    assertThat(listed).isEqualTo(written);
  }

  @Test
  void theLayerTableSaysWhichLayersHaveJobs() {
    String table = readme.substring(0, readme.indexOf("## Two commands"));
    for (String layer : JobRegistry.LAYER_ORDER) {
      Matcher row = Pattern.compile("\\| \\*\\*" + layer + "\\*\\* \\|[^|]*\\| ([^|]*)\\|").matcher(table);
      assertThat(row.find()).as(layer + " row").isTrue();
      boolean hasJobs = registry.layers().contains(layer);
      String state = row.group(1).trim();
      if (hasJobs) {
        assertThat(state).as(layer).startsWith("built");
      } else {
        assertThat(state.startsWith("planned") || layer.equals("quality")).as(layer + ": " + state).isTrue();
      }
    }
  }

  @Test
  void theCliSectionListsExactlyTheCommandsOfTheHelp() {
    // Each command line of the help: two spaces, then the command (bench, quality and ml have sub-commands).
    Set<String> commands = new TreeSet<>();
    for (String line : Help.MAIN.substring(Help.MAIN.indexOf("Commands:")).split("\n")) {
      if (line.matches("^  [a-z].*")) {
        String[] w = line.trim().split("\\s+");
        commands.add(List.of("bench", "quality", "ml").contains(w[0]) ? w[0] + " " + w[1] : w[0]);
      }
    }
    String cli = section("## The CLI");
    String block = cli.substring(cli.indexOf("```") + 3, cli.indexOf("```", cli.indexOf("```") + 3));
    Set<String> documented = new TreeSet<>();
    for (String line : block.split("\n")) {
      if (line.startsWith("lakehouse ")) {
        String[] w = line.split("\\s+");
        documented.add(List.of("bench", "quality", "ml").contains(w[1]) ? w[1] + " " + w[2] : w[1]);
      }
    }
    assertThat(documented).isEqualTo(commands);
  }

  @Test
  void everyConfigurationKeyIsDocumentedAndEveryDocumentedKeyExists() {
    // reference.conf files only: defaultReference() would add system properties (Surefire sets some).
    Config reference = ConfigFactory.parseResources("reference.conf").resolve();
    List<String> open = reference.getStringList("lakehouse.config.open-sections");
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("`(lakehouse\\.[a-z0-9.-]+)").matcher(section("## Configuration"));
    while (m.find()) {
      documented.add(m.group(1).replaceAll("\\.$", ""));
    }
    for (String key : documented) {
      boolean known = reference.hasPath(key) || List.of("lakehouse.landing", "lakehouse.warehouse").contains(key)
          || open.stream().anyMatch(o -> key.equals(o) || key.startsWith(o + "."));
      assertThat(known).as("README key " + key + " is in reference.conf").isTrue();
    }
    List<String> undocumented = new ArrayList<>();
    for (var e : reference.getConfig("lakehouse").entrySet()) {
      String key = "lakehouse." + e.getKey();
      if (open.stream().anyMatch(o -> key.startsWith(o + "."))) {
        continue;
      }
      if (documented.stream().noneMatch(d -> key.equals(d) || key.startsWith(d + "."))) {
        undocumented.add(key);
      }
    }
    assertThat(undocumented).as("reference.conf keys the README does not document").isEmpty();
  }
}
