package io.profitos.lakehouse.quality;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code expect_column_values_to_match_strftime_format}: whether a text is what Python's {@code datetime.strptime}
 * (GE's test) accepts for a format, in the C locale: the same pattern for each directive (a month or day of one or two
 * digits, names in any case, whitespace matching any run of whitespace, the whole text consumed), then the same date
 * checks (a day that exists in its month, a second below 60). A function of the session, registered when a suite needs
 * it.
 */
final class Strptime implements UDF2<String, String, Boolean> {
  static final String NAME = "lakehouse_strptime";

  private static final String MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december";
  private static final String MONTH_ABBREVIATIONS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
  /** Each supported directive's pattern, as Python's _strptime writes it. */
  private static final Map<Character, String> DIRECTIVES = Map.ofEntries(
      Map.entry('Y', "(?<Y>\\d\\d\\d\\d)"),
      Map.entry('y', "(?<y>\\d\\d)"),
      Map.entry('m', "(?<m>1[0-2]|0[1-9]|[1-9])"),
      Map.entry('d', "(?<d>3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])"),
      Map.entry('H', "(?<H>2[0-3]|[0-1]\\d|\\d)"),
      Map.entry('I', "(?<I>1[0-2]|0[1-9]|[1-9])"),
      Map.entry('M', "(?<M>[0-5]\\d|\\d)"),
      Map.entry('S', "(?<S>6[0-1]|[0-5]\\d|\\d)"),
      Map.entry('f', "(?<f>[0-9]{1,6})"),
      Map.entry('j', "(?<j>36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])"),
      Map.entry('b', "(?<b>" + MONTH_ABBREVIATIONS + ")"),
      Map.entry('h', "(?<b>" + MONTH_ABBREVIATIONS + ")"),
      Map.entry('B', "(?<B>" + MONTHS + ")"),
      Map.entry('a', "(?:mon|tue|wed|thu|fri|sat|sun)"),
      Map.entry('A', "(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"),
      Map.entry('p', "(?<p>am|pm)"),
      Map.entry('z', "(?<z>[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|(?-i:Z))"),
      Map.entry('Z', "(?:utc|gmt)"),
      Map.entry('%', "%"));
  private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

  static void register(SparkSession spark) {
    spark.udf().register(NAME, new Strptime(), DataTypes.BooleanType);
  }

  /** Null when the format only uses supported directives, else why not (said at load). */
  static String problem(String format) {
    for (int i = 0; i < format.length(); i++) {
      if (format.charAt(i) == '%') {
        if (i + 1 >= format.length()) {
          return "the strftime_format ends with a lone %";
        }
        char d = format.charAt(++i);
        if (!DIRECTIVES.containsKey(d)) {
          return "the strftime_format's %" + d + " is not supported (supported: %" + String.join(", %",
              DIRECTIVES.keySet().stream().map(String::valueOf).sorted().toList()) + ")";
        }
      }
    }
    List<Character> seen = new java.util.ArrayList<>();
    for (int i = 0; i < format.length() - 1; i++) {
      if (format.charAt(i) == '%') {
        char d = format.charAt(++i);
        char group = d == 'h' ? 'b' : d;
        if (d != '%' && DIRECTIVES.get(d).startsWith("(?<") && seen.contains(group)) {
          return "the strftime_format uses %" + d + " twice, which Python refuses too";
        }
        seen.add(group);
      }
    }
    return null;
  }

  static Pattern pattern(String format) {
    return COMPILED.computeIfAbsent(format, f -> {
      StringBuilder regex = new StringBuilder();
      for (int i = 0; i < f.length(); i++) {
        char c = f.charAt(i);
        if (c == '%' && i + 1 < f.length()) {
          regex.append(DIRECTIVES.get(f.charAt(++i)));
        } else if (Character.isWhitespace(c)) {
          while (i + 1 < f.length() && Character.isWhitespace(f.charAt(i + 1))) {
            i++;
          }
          regex.append("\\s+");
        } else {
          regex.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    });
  }

  @Override
  public Boolean call(String text, String format) {
    if (text == null) {
      return null;
    }
    return parses(text, format);
  }

  static boolean parses(String text, String format) {
    Matcher m = pattern(format).matcher(text);
    if (!m.matches()) {
      return false;
    }
    int year = 1900;
    if (group(m, "Y") != null) {
      year = Integer.parseInt(group(m, "Y"));
    } else if (group(m, "y") != null) {
      int y = Integer.parseInt(group(m, "y"));
      year = y < 69 ? 2000 + y : 1900 + y;
    }
    int month = 1;
    if (group(m, "m") != null) {
      month = Integer.parseInt(group(m, "m"));
    } else if (group(m, "b") != null) {
      month = List.of(MONTH_ABBREVIATIONS.split("\\|")).indexOf(group(m, "b").toLowerCase(Locale.ROOT)) + 1;
    } else if (group(m, "B") != null) {
      month = List.of(MONTHS.split("\\|")).indexOf(group(m, "B").toLowerCase(Locale.ROOT)) + 1;
    }
    int day = group(m, "d") == null ? 1 : Integer.parseInt(group(m, "d").strip());
    if (year < 1) {
      return false; // datetime's years start at 1
    }

    if (group(m, "S") != null && Integer.parseInt(group(m, "S")) > 59) {
      return false; // datetime's seconds stop at 59 (time.strptime would take a leap second)
    }
    try {
      if (group(m, "j") != null && group(m, "m") == null && group(m, "d") == null) {
        LocalDate.ofYearDay(year, 1).plusDays(Integer.parseInt(group(m, "j")) - 1L);
        return true;
      }
      LocalDate.of(year, month, day);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  private static String group(Matcher m, String name) {
    try {
      return m.group(name);
    } catch (IllegalArgumentException absent) {
      return null;
    }
  }
}
