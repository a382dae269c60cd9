package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.profitos.lakehouse.core.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DriftTest {
  @Test
  void psiOfTwoHandComputedDistributions() {
    // shares 0.5/0.3/0.2 then 0.3/0.3/0.4: (0.3 - 0.5) ln(0.3 / 0.5) + 0 + (0.4 - 0.2) ln(0.4 / 0.2)
    assertThat(Drift.psi(new long[] {50, 30, 20}, new long[] {30, 30, 40}))
        .isCloseTo(-0.2 * Math.log(0.6) + 0.2 * Math.log(2), within(1e-12));
    assertThat(Drift.psi(new long[] {50, 30, 20}, new long[] {30, 30, 40})).isGreaterThan(Drift.SHIFTED); // 0.2408
    // the same shares at another size: no shift
    assertThat(Drift.psi(new long[] {50, 30, 20}, new long[] {500, 300, 200})).isCloseTo(0.0, within(1e-15));
  }

  @Test
  void anEmptyBinCountsAsATinyShareNotADivisionByZero() {
    // shares 1/0 then 0.9/0.1: (0.9 - 1) ln(0.9) + (0.1 - 0.0001) ln(0.1 / 0.0001)
    assertThat(Drift.psi(new long[] {100, 0}, new long[] {90, 10}))
        .isCloseTo(-0.1 * Math.log(0.9) + (0.1 - 1e-4) * Math.log(1000), within(1e-12));
  }

  @Test
  void decileEdgesAndCountsPerBinWithBlanksApart() {
    double[] sample = new double[100];
    for (int i = 0; i < 100; i++) {
      sample[i] = i; // 0..99: deciles at 10, 20, ..., 90
    }
    double[] edges = Drift.edges(sample, 10);
    assertThat(edges).containsExactly(10, 20, 30, 40, 50, 60, 70, 80, 90);
    // a sample with few distinct values keeps each cut point once
    assertThat(Drift.edges(new double[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3}, 5)).containsExactly(1, 2, 3);

    List<Row> rows = new ArrayList<>();
    for (double v : new double[] {-5, 9.99, 10, 55, 90, 1000}) {
      rows.add(RowFactory.create(v));
    }
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, new StructType().add("x", DataTypes.DoubleType));
    // bins: (-inf,10) holds -5 and 9.99; [10,20) 10; [50,60) 55; [90,inf) 90 and 1000; the blank its own last bin
    assertThat(Drift.counts(data, "x", edges)).containsExactly(2, 1, 0, 0, 0, 1, 0, 0, 0, 2, 1);

    Dataset<Row> cats = SparkTestSession.get().createDataFrame(List.of(RowFactory.create("a"), RowFactory.create("b"),
        RowFactory.create("a"), RowFactory.create("z"), RowFactory.create((Object) null)),
        new StructType().add("c", DataTypes.StringType));
    assertThat(Drift.counts(cats, "c", List.of("a", "b"))).containsExactly(2, 1, 2);

    // with the training maximum 90: 1000 moves to a bin of its own before the blanks
    long[] withMax = Drift.counts(data, List.of(Drift.bin(data.col("x"), edges, 90.0)), List.of(edges.length + 3)).get(0);
    assertThat(withMax).containsExactly(2, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1);
  }

  @Test
  void aFeatureConstantInTrainingThatVariesNowShifts() {
    // training: 100 zeros -> no inner edge, maximum 0; scoring: 60 zeros and 40 ones
    double[] edges = Drift.edges(new double[100], 10);
    assertThat(edges).containsExactly(0.0);
    List<Row> now = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      now.add(RowFactory.create(i < 60 ? 0.0 : 1.0));
    }
    Dataset<Row> data = SparkTestSession.get().createDataFrame(now, new StructType().add("x", DataTypes.DoubleType));
    long[] actual = Drift.counts(data, List.of(Drift.bin(data.col("x"), edges, 0.0)), List.of(4)).get(0);
    assertThat(actual).containsExactly(0, 60, 40, 0);
    // (0.6 - 1) ln(0.6 / 1) + (0.4 - 0.0001) ln(0.4 / 0.0001), the empty bins adding nothing
    assertThat(Drift.psi(new long[] {0, 100, 0, 0}, actual))
        .isCloseTo(-0.4 * Math.log(0.6) + (0.4 - 1e-4) * Math.log(0.4 / 1e-4), within(1e-12));
  }
}
