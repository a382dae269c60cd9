package io.profitos.lakehouse.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.profitos.lakehouse.core.LakehouseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Start-up validation: types of every key declared in reference.conf ({@code checkValid}),
 * required roots present, and no unknown keys (a mistyped key would otherwise be silently
 * ignored). Errors name the key, the file and line it came from, and the fix.
 */
final class ConfigValidator {
  static final String ROOT = "lakehouse";
  static final List<String> REQUIRED = List.of("lakehouse.landing", "lakehouse.warehouse");

  private ConfigValidator() {}

  static void validate(Config merged, Config reference) {
    List<String> problems = new ArrayList<>();
    for (String key : REQUIRED) {
      if (!merged.hasPath(key) || merged.getString(key).isBlank()) {
        problems.add("missing required key '" + key + "': set it in conf/env/<env>.conf, via its environment variable (conf/environment.conf), or with --conf " + key + "=...");
      }
    }
    try {
      merged.checkValid(reference, ROOT);
    } catch (ConfigException.ValidationFailed e) {
      for (ConfigException.ValidationProblem p : e.problems()) {
        problems.add("key '" + p.path() + "' (" + p.origin().description() + "): " + p.problem());
      }
    }
    // checkValid accepts any string where reference has a number or boolean; read those typed.
    for (Map.Entry<String, ConfigValue> e : reference.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + e.getKey();
      try {
        switch (e.getValue().valueType()) {
          case NUMBER -> merged.getNumber(key);
          case BOOLEAN -> merged.getBoolean(key);
          default -> { }
        }
      } catch (ConfigException.WrongType | ConfigException.BadValue wrong) {
        problems.add("key '" + key + "' (" + merged.getValue(key).origin().description() + ") must be a "
            + e.getValue().valueType().name().toLowerCase(java.util.Locale.ROOT) + ", not '" + merged.getValue(key).unwrapped() + "'");
      }
    }
    Set<String> open = new TreeSet<>(reference.getStringList("lakehouse.config.open-sections"));
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : reference.getConfig(ROOT).entrySet()) {
      known.add(ROOT + "." + e.getKey());
    }
    for (Map.Entry<String, ConfigValue> e : merged.getConfig(ROOT).entrySet()) {
      String key = ROOT + "." + e.getKey();
      if (known.contains(key) || REQUIRED.contains(key) || isUnderOpenSection(key, open)) {
        continue;
      }
      String hint = closest(key, known);
      problems.add("unknown key '" + key + "' (" + e.getValue().origin().description() + ")"
          + (hint == null ? "" : "; did you mean '" + hint + "'?")
          + " Fix or remove it; every key is documented in reference.conf.");
    }
    if (!problems.isEmpty()) {
      throw LakehouseException.usage("Configuration error: " + String.join("; ", problems));
    }
  }

  private static boolean isUnderOpenSection(String key, Set<String> open) {
    for (String section : open) {
      if (key.startsWith(section + ".")) {
        return true;
      }
    }
    return false;
  }

  private static String closest(String key, Set<String> known) {
    return known.stream()
        .min(Comparator.comparingInt(k -> distance(k, key)))
        .filter(k -> distance(k, key) <= Math.max(3, key.length() / 5))
        .orElse(null);
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
