package io.profitos.lakehouse.quality;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code expect_column_values_to_be_json_parseable}: whether a text is one JSON document, as Python's {@code
 * json.loads} reads it (GE's rule): any value (an object, array, string, number, true, false or null), NaN and
 * Infinity allowed, nothing after it. Spark has no such test, so it is a function of the session, registered when a
 * suite needs it.
 */
final class JsonParseable implements UDF1<String, Boolean> {
  static final String NAME = "lakehouse_is_json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static void register(SparkSession spark) {
    spark.udf().register(NAME, new JsonParseable(), DataTypes.BooleanType);
  }

  @Override
  public Boolean call(String text) {
    if (text == null) {
      return null;
    }
    try {
      JSON.readTree(text);
      return !text.isBlank();
    } catch (IOException e) {
      return false;
    }
  }
}
