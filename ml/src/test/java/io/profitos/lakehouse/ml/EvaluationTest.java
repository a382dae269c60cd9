package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationTest {
  @Test
  void figuresOfFiveRowsWorkedByHand() {
    // positives score 0.9 and 0.8, negatives 0.8, 0.3 and 0.1
    Evaluation e = Evaluation.of(new double[] {0.9, 0.8, 0.8, 0.3, 0.1}, new double[] {1, 0, 1, 0, 0});
    // pairs won: 0.9 beats all 3 negatives; 0.8 ties one (half) and beats two: 5.5 of 6
    assertThat(e.aucRoc()).isCloseTo(5.5 / 6, within(1e-12));
    // 0.9: recall 1/2 at precision 1; the tied 0.8 pair: recall 1/2 more at precision 2/3
    assertThat(e.aucPr()).isCloseTo(0.5 + 0.5 * 2 / 3.0, within(1e-12));
    assertThat(e.brier()).isCloseTo((0.01 + 0.64 + 0.04 + 0.09 + 0.01) / 5, within(1e-12));
    assertThat(e.logLoss()).isCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.8) + Math.log(0.7) + Math.log(0.9)) / 5,
        within(1e-12));
    assertThat(e.rows()).isEqualTo(5);
    assertThat(e.positives()).isEqualTo(2);
  }

  @Test
  void decilesRunFromTheHighestScoresAndTheTopOnesLiftIsItsRateOverTheOverallRate() {
    double[] p = new double[20];
    double[] y = new double[20];
    for (int i = 0; i < 20; i++) {
      p[i] = (20 - i) / 20.0;
    }
    for (int i : new int[] {0, 1, 2, 5, 10}) {
      y[i] = 1;
    }
    Evaluation e = Evaluation.of(p, y);
    assertThat(e.deciles()).hasSize(10);
    assertThat(e.deciles().get(0).meanProbability()).isCloseTo((1.0 + 0.95) / 2, within(1e-12));
    assertThat(e.deciles().get(0).positiveRate()).isEqualTo(1.0);
    assertThat(e.deciles().get(1).positiveRate()).isEqualTo(0.5); // rows 2 and 3
    assertThat(e.deciles().get(2).positiveRate()).isEqualTo(0.5); // rows 4 and 5
    assertThat(e.deciles().get(9).positiveRate()).isEqualTo(0.0);
    assertThat(e.topDecileLift()).isCloseTo(1.0 / 0.25, within(1e-12));
    // pairs lost: negatives 3 and 4 rank above positive 5 (2), negatives 3, 4 and 6 to 9 above positive 10 (6)
    assertThat(e.aucRoc()).isCloseTo(1 - 8.0 / (5 * 15), within(1e-12));
  }

  @Test
  void aSingleClassHasNoAuc() {
    assertThatThrownBy(() -> Evaluation.of(new double[] {0.2, 0.4}, new double[] {0, 0}))
        .hasMessageContaining("both classes");
  }
}
