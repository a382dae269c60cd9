package io.profitos.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** Hand-built rows for gold's unit tests: a DDL schema and values, and small readers of the results. */
final class Fixtures {
  private Fixtures() {}

  static Dataset<Row> rows(String ddl, Object[]... rows) {
    return SparkTestSession.get().createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), StructType.fromDDL(ddl));
  }

  static Date d(String iso) {
    return Date.valueOf(iso);
  }

  static Timestamp ts(String iso) {
    return Timestamp.from(java.time.Instant.parse(iso));
  }

  static BigDecimal money(String v) {
    return new BigDecimal(v).setScale(6);
  }

  static Row one(Dataset<Row> ds, String where) {
    List<Row> found = ds.where(where).collectAsList();
    assertThat(found).as(where).hasSize(1);
    return found.get(0);
  }

  static BigDecimal dec(Row r, String column) {
    return r.getDecimal(r.fieldIndex(column));
  }
}
