package io.profitos.lakehouse.ml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelRegistryTest {
  @Test
  void aNewVersionMustBeatTheBaselineByTheMargin() {
    ModelRegistry.Decision d = ModelRegistry.decide(0.705, 0.70, null, null, 0.01);
    assertThat(d.status()).isEqualTo("challenger");
    assertThat(d.reason()).isEqualTo("held-out AUC-ROC 0.7050 does not beat the baseline's 0.7000 by the promotion margin 0.0100");
    assertThat(ModelRegistry.decide(0.71, 0.70, null, null, 0.01).status()).isEqualTo("champion");
  }

  @Test
  void andTheChampionOnTheSameRowsByTheMargin() {
    assertThat(ModelRegistry.decide(0.80, 0.70, 4, 0.795, 0.01).reason())
        .isEqualTo("held-out AUC-ROC 0.8000 does not beat champion v4's 0.7950 on the same held-out rows by the promotion "
            + "margin 0.0100");
    ModelRegistry.Decision d = ModelRegistry.decide(0.81, 0.70, 4, 0.795, 0.01);
    assertThat(d.status()).isEqualTo("champion");
    assertThat(d.reason()).isEqualTo("held-out AUC-ROC 0.8100 beats the baseline's 0.7000 and champion v4's 0.7950 by at least 0.0100");
  }
}
