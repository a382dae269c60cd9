package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSpecTest {
  private static final Config REFERENCE = ConfigFactory.defaultReference();

  private static ModelSpec parse(String hocon) {
    return ModelSpec.parse(ConfigFactory.parseString(hocon), REFERENCE, "my.conf", "my_model");
  }

  @Test
  void aModelFileSetsOnlyWhatDiffersFromTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("telco_churn.conf");
    Files.writeString(file, """
        source { path = "/data/telco.csv", format = csv }
        entity-key = [customerID]
        label { column = Churn, positive = [Yes] }
        features { all-other-columns = true, exclude = [TotalCharges] }
        algorithms = [gradient_boosted_trees]
        grid.gradient_boosted_trees.max-depth = [2, 4]
        """);
    ModelSpec spec = ModelSpec.parse(file, REFERENCE);
    assertThat(spec.name()).isEqualTo("telco_churn");
    assertThat(spec.source()).isEqualTo(new ModelSpec.Source("", "", "/data/telco.csv", "csv"));
    assertThat(spec.label().positive()).containsExactly("yes");
    assertThat(spec.features().allOtherColumns()).isTrue();
    assertThat(spec.features().maxLevels()).isEqualTo(30);
    assertThat(spec.grid()).isEqualTo(Map.of(ModelSpec.Algorithm.GRADIENT_BOOSTED_TREES,
        Map.of("max-depth", List.of(2.0, 4.0), "max-iter", List.of(30.0), "step-size", List.of(0.1))));
    assertThat(spec.split().testFraction()).isEqualTo(0.25);
    assertThat(spec.platt()).isTrue();
    assertThat(spec.hash()).hasSize(64);
  }

  @Test
  void anUnknownKeyIsNamedWithItsLineAndTheKnownKeys() {
    assertThatThrownBy(() -> parse("source.table = gold.x\nentity-key = [a]\nlabel.column = y\nfeaturs.numeric = [b]"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("unknown key 'featurs.numeric'")
        .hasMessageContaining("line 4")
        .hasMessageContaining("features");
  }

  @Test
  void aListWhereAValueBelongsIsRefused() {
    assertThatThrownBy(() -> parse("source.table = [gold.x]\nentity-key = [a]\nlabel.column = y\nfeatures.numeric = [b]"))
        .hasMessageContaining("key 'source.table'").hasMessageContaining("must be a value");
  }

  @Test
  void eachMissingOrConflictingPieceNamesItsKeyAndTheFix() {
    String key = "entity-key = [a]\n";
    String label = "label.column = y\n";
    String features = "features.numeric = [b]\n";
    assertThatThrownBy(() -> parse(key + label + features))
        .hasMessageContaining("set exactly one of source.table, source.sql and source.path (0 set)");
    assertThatThrownBy(() -> parse("source.table = gold.x\nsource.sql = \"select 1\"\n" + key + label + features))
        .hasMessageContaining("(2 set)");
    assertThatThrownBy(() -> parse("source.table = gold.x\n" + label + features))
        .hasMessageContaining("entity-key is empty");
    assertThatThrownBy(() -> parse("source.table = gold.x\n" + key + features))
        .hasMessageContaining("set exactly one of label.column (with label.positive) and label.expression");
    assertThatThrownBy(() -> parse("source.table = gold.x\n" + key + label))
        .hasMessageContaining("no features");
    assertThatThrownBy(() -> parse("source.table = gold.x\n" + key + label + features + "algorithms = [svm]"))
        .hasMessageContaining("unknown algorithm 'svm'");
    assertThatThrownBy(() -> parse("source.path = /x\nsource.format = json\n" + key + label + features))
        .hasMessageContaining("source.format 'json' is not one of delta, parquet, csv");
    assertThatThrownBy(() -> parse("source.table = gold.x\n" + key + label + features + "split.folds = 1"))
        .hasMessageContaining("split.folds at least 2");
  }

  @Test
  void theHashChangesWithTheConfigurationAndOnlyWithIt() {
    String base = "source.table = gold.x\nentity-key = [a]\nlabel.column = y\nfeatures.numeric = [b]\n";
    assertThat(parse(base).hash()).isEqualTo(parse(base).hash());
    assertThat(parse(base + "split.seed = 7").hash()).isNotEqualTo(parse(base).hash());
  }
}
