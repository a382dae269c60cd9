package io.profitos.lakehouse.app;

import io.profitos.lakehouse.core.LakehouseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command line: {@code lakehouse <command> [positional...] [--option value]... [--flag]...}.
 * {@code --conf key=value} may repeat. Unknown options are usage errors naming the command's
 * options.
 */
final class CliArgs {
  final String command;
  final List<String> positional = new ArrayList<>();
  final Map<String, String> options = new LinkedHashMap<>();
  final Map<String, String> conf = new LinkedHashMap<>();
  final boolean help;

  private CliArgs(String command, boolean help) {
    this.command = command;
    this.help = help;
  }

  /**
   * @param valued options that take a value, for this command
   * @param flags options without a value
   */
  static CliArgs parse(String[] args, Set<String> valued, Set<String> flags) {
    String command = args.length == 0 ? "help" : args[0];
    boolean help = false;
    CliArgs parsed = null;
    List<String> rest = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      rest.add(args[i]);
    }
    for (String a : rest) {
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
      }
    }
    parsed = new CliArgs(command, help);
    for (int i = 0; i < rest.size(); i++) {
      String a = rest.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        continue;
      }
      if (a.startsWith("--")) {
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq > 0 && !name.startsWith("conf=")) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        } else if (name.startsWith("conf=")) {
          value = name.substring(5);
          name = "conf";
        }
        if (flags.contains(name)) {
          if (value != null) {
            throw LakehouseException.usage("Option --" + name + " takes no value.");
          }
          parsed.options.put(name, "true");
          continue;
        }
        if (!valued.contains(name)) {
          throw LakehouseException.usage("Unknown option --" + name + " for '" + command + "'. Options: "
              + describe(valued, flags) + ". See 'lakehouse " + command + " --help'.");
        }
        if (value == null) {
          if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
            throw LakehouseException.usage("Option --" + name + " needs a value. See 'lakehouse " + command + " --help'.");
          }
          value = rest.get(++i);
        }
        if (name.equals("conf")) {
          int kv = value.indexOf('=');
          if (kv <= 0) {
            throw LakehouseException.usage("--conf takes key=value, e.g. --conf lakehouse.warehouse=/data/warehouse (got '" + value + "').");
          }
          parsed.conf.put(value.substring(0, kv).trim(), value.substring(kv + 1));
        } else {
          parsed.options.put(name, value);
        }
      } else {
        parsed.positional.add(a);
      }
    }
    return parsed;
  }

  String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }

  private static String describe(Set<String> valued, Set<String> flags) {
    List<String> all = new ArrayList<>();
    valued.stream().sorted().forEach(v -> all.add("--" + v));
    flags.stream().sorted().forEach(f -> all.add("--" + f));
    return String.join(", ", all);
  }
}
