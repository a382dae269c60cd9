package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlattTest {
  @Test
  void recoversTheSlopeAndInterceptThatGeneratedTheLabels() {
    // the model's log-odds s are uniform on [-4, 4]; the true probability is sigmoid(2 s - 1)
    SplittableRandom r = new SplittableRandom(11);
    int n = 40_000;
    double[] p = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = -4 + 8 * r.nextDouble();
      p[i] = 1 / (1 + Math.exp(-s));
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-(2 * s - 1))) ? 1 : 0;
    }
    Platt fit = Platt.fit(p, y);
    assertThat(fit.a()).isCloseTo(2.0, within(0.08));
    assertThat(fit.b()).isCloseTo(-1.0, within(0.08));
    // the calibrated probability of a score with log-odds 0.5 is sigmoid(2 * 0.5 - 1) = 0.5
    assertThat(fit.apply(1 / (1 + Math.exp(-0.5)))).isCloseTo(0.5, within(0.02));
  }

  @Test
  void noneLeavesProbabilitiesAsTheyAre() {
    assertThat(Platt.NONE.apply(0.137)).isCloseTo(0.137, within(1e-9));
  }
}
