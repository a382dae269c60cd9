package io.profitos.lakehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class ConfigHashTest {
  @Test
  void theHashIsSha256OfTheSectionAndIgnoresOrderAndFormatting() {
    // echo -n abc | sha256sum
    assertThat(ConfigHash.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    var a = ConfigFactory.parseString("lakehouse.gold.segments { Enterprise = 5000, SMB = 200 }");
    var b = ConfigFactory.parseString("lakehouse.gold.segments {\n  # reordered, commented\n  SMB = 200\n  Enterprise = 5000\n}");
    var c = ConfigFactory.parseString("lakehouse.gold.segments { Enterprise = 4000, SMB = 200 }");
    assertThat(ConfigHash.of(a, "lakehouse.gold.segments")).isEqualTo(ConfigHash.of(b, "lakehouse.gold.segments"))
        .hasSize(64).isNotEqualTo(ConfigHash.of(c, "lakehouse.gold.segments"));
    assertThat(ConfigHash.of(a, "lakehouse.gold.calendar")).isEqualTo("absent");
  }
}
