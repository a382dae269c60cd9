package io.profitos.lakehouse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.profitos.lakehouse.core.LakehouseException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The configuration and the raw-text matching of {@code lakehouse privacy forget}, without Spark. */
class PrivacyForgetTest {
  private static PrivacyForget parse(String hocon) {
    return PrivacyForget.from(ConfigFactory.parseString(hocon));
  }

  @Test
  void aValueOrKeyIsFoundInRawTextOnlyAsAWholeWord() {
    Pattern p = Pattern.compile(PrivacyForget.wholeWords(List.of("Ana.Lima@Example.com", "ws_12")));
    assertThat(p.matcher("{\"email\":\"ana.lima@example.com\",\"workspace_id\":\"ws_9\"}").find()).isTrue();
    assertThat(p.matcher("ana.lima@example.com;ws_9").find()).isTrue();
    assertThat(p.matcher("{\"workspace_id\":\"ws_12\"}").find()).isTrue();
    assertThat(p.matcher("Write to ana.lima@example.com.").find()).isTrue();
    // Inside a longer id or address it is someone else's.
    assertThat(p.matcher("{\"workspace_id\":\"ws_123\"}").find()).isFalse();
    assertThat(p.matcher("{\"workspace_id\":\"xws_12\"}").find()).isFalse();
    assertThat(p.matcher("joana.lima@example.com").find()).isFalse();
    assertThat(p.matcher("ana.lima@example.com.br").find()).isFalse();
    assertThat(p.matcher("ana.lima+news@example.com").find()).isFalse();
    // Regular-expression characters in a value are literal.
    assertThat(Pattern.compile(PrivacyForget.wholeWords(List.of("a.b@c.d"))).matcher("axb@c.d").find()).isFalse();
  }

  @Test
  void aStagedOutputIsItsTablesNameAndAQualifiedColumnBelongsToOneTable() {
    assertThat(PrivacyForget.tableName("file:/w", "file:/w/silver/users")).isEqualTo("silver.users");
    assertThat(PrivacyForget.tableName("file:/w/", "file:/w/quality/staging/gold/dim_workspace")).isEqualTo("gold.dim_workspace");
    assertThat(PrivacyForget.ColumnRef.parse("bronze.stripe_customers.metadata.workspace_id", "k"))
        .isEqualTo(new PrivacyForget.ColumnRef("bronze.stripe_customers", "metadata.workspace_id"));
    assertThat(PrivacyForget.ColumnRef.parse("user_id", "k")).isEqualTo(new PrivacyForget.ColumnRef(null, "user_id"));
  }

  @Test
  void configurationErrorsNameTheKeyAndTheFix() {
    assertThatThrownBy(() -> parse("lakehouse.privacy { subjects { email { columns = [email], keys = [user] } }, keys { user_id { from = [silver.users.user_id] } }, "
        + "raw-columns = [] }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("lakehouse.privacy.subjects.email.keys: 'user' is not a key of lakehouse.privacy.keys (its keys are [user_id]).");
    assertThatThrownBy(() -> parse("lakehouse.privacy { subjects { email { columns = [\"users.email\"], keys = [] } }, keys {}, raw-columns = [] }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("lakehouse.privacy.subjects.email.columns: 'users.email' is neither a column name nor <layer>.<table>.<column>.");
    assertThatThrownBy(() -> parse("lakehouse.privacy { subjects { email { keys = [] } }, keys {}, raw-columns = [] }"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("Configuration error in lakehouse.privacy: ").hasMessageContaining("columns");
  }

  @Test
  void aKeyIsReadFromItsOwnRecordsOnlyAndAMisnamedColumnIsNamed() {
    assertThatThrownBy(() -> parse("lakehouse.privacy { subjects {}, keys { user_id { from = [], columns = [user_id] } }, raw-columns = [] }"))
        .isInstanceOf(LakehouseException.class).hasMessageStartingWith("lakehouse.privacy.keys.user_id.from is empty");
    PrivacyForget forget = parse("lakehouse.privacy { subjects { email { columns = [email], keys = [user_id] } }, "
        + "keys { user_id { from = [silver.users.user_id], columns = [silver.events.user_id, silver.events.userid, gold.gone.user_id] } }, "
        + "raw-columns = [silver.users.note] }");
    org.apache.spark.sql.types.StructType users = new org.apache.spark.sql.types.StructType().add("user_id", "string").add("email", "string");
    org.apache.spark.sql.types.StructType events = new org.apache.spark.sql.types.StructType().add("user_id", "string")
        .add("context", new org.apache.spark.sql.types.StructType().add("ip", "string"));
    List<PrivacyForget.Table> tables = List.of(new PrivacyForget.Table("file:/w/silver/users", "silver.users", users),
        new PrivacyForget.Table("file:/w/silver/events", "silver.events", events));
    // Column names are exact: userid is not user_id; a table not in the warehouse (gold.gone) is no typo.
    assertThat(forget.unmatched(tables)).containsExactly("silver.events.userid", "silver.users.note");
    PrivacyForget.ColumnRef nested = PrivacyForget.ColumnRef.parse("silver.events.context.ip", "k");
    assertThat(nested.appliesTo(tables.get(1))).isTrue();
    assertThat(nested.appliesTo(tables.get(0))).isFalse();
    assertThat(PrivacyForget.ColumnRef.parse("silver.events.context.port", "k").appliesTo(tables.get(1))).isFalse();
    assertThatThrownBy(() -> parse("lakehouse.privacy { subjects {}, keys { user_id { from = [silver.users.user_id], erase = [owner_user_id] } }, "
        + "raw-columns = [] }")).isInstanceOf(LakehouseException.class)
        .hasMessage("lakehouse.privacy.keys.user_id.erase: 'owner_user_id' is not <layer>.<table>.<column> (a top-level column of one table).");
    assertThat(new PrivacyForget.Key("k", List.of(nested), List.of(nested, PrivacyForget.ColumnRef.parse("user_id", "k")), List.of()).holders())
        .containsExactly(nested, new PrivacyForget.ColumnRef(null, "user_id"));
  }

  @Test
  void theShippedConfigurationParses() {
    PrivacyForget shipped = PrivacyForget.from(io.profitos.lakehouse.core.config.ConfigLoader.load(java.nio.file.Path.of("../conf"), "local",
        java.util.Map.of()));
    assertThat(shipped.subjectNames()).containsExactly("email", "workspace");
  }
}
