package io.profitos.lakehouse.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.profitos.lakehouse.quality.ExpectationSuite.Expectation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of validating one dataset with one suite, rendered in Great Expectations' 1.x
 * validation-result shape ({@code success}, {@code statistics}, {@code results[]} with
 * {@code expectation_config}, {@code success}, {@code result}, {@code exception_info}).
 *
 * @param suite the suite
 * @param results one per expectation, in suite order
 * @param meta run facts (run id, table, table version, run date, engine)
 */
public record ValidationResult(ExpectationSuite suite, List<ExpectationResult> results, Map<String, Object> meta) {

  public ValidationResult {
    results = List.copyOf(results);
    meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }

  /**
   * One expectation's outcome.
   *
   * @param expectation the expectation
   * @param success GE's verdict on the data
   * @param result GE's result object (observed_value, or element_count, unexpected_count, unexpected_percent, ...)
   * @param message one line a person can act on
   * @param override the approved override that covers a failure, or null
   */
  public record ExpectationResult(Expectation expectation, boolean success, Map<String, Object> result, String message,
      Overrides.Override override) {
    public ExpectationResult {
      result = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }

    ExpectationResult withOverride(Overrides.Override o) {
      return new ExpectationResult(expectation, success, result, message, o);
    }

    /** A failed critical expectation that no override covers: it blocks publishing. */
    public boolean blocks() {
      return !success && expectation.critical() && override == null;
    }

    /** The observed value: the aggregate itself, or the unexpected share of a column map expectation. */
    public Object observed() {
      return result.containsKey("observed_value") ? result.get("observed_value") : result.get("unexpected_percent");
    }
  }

  /** GE's suite-level success: every expectation met. */
  public boolean success() {
    return results.stream().allMatch(ExpectationResult::success);
  }

  /** The expectations that block publishing. */
  public List<ExpectationResult> blocking() {
    return results.stream().filter(ExpectationResult::blocks).toList();
  }

  /** The GE validation result as a JSON-ready map. */
  public Map<String, Object> toGe() {
    List<Map<String, Object>> rs = new ArrayList<>();
    for (ExpectationResult r : results) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("type", r.expectation().type());
      config.put("kwargs", r.expectation().kwargs());
      Map<String, Object> meta = new LinkedHashMap<>(r.expectation().meta());
      meta.putIfAbsent("name", r.expectation().name());
      config.put("meta", meta);
      config.put("id", null);
      config.put("severity", r.expectation().severity());
      Map<String, Object> resultMeta = new LinkedHashMap<>();
      resultMeta.put("message", r.message());
      if (r.override() != null) {
        resultMeta.put("override", Map.of("approved_by", r.override().approvedBy(), "reason", r.override().reason(),
            "until", r.override().until().toString()));
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("success", r.success());
      one.put("expectation_config", config);
      one.put("result", r.result());
      one.put("meta", resultMeta);
      Map<String, Object> exception = new LinkedHashMap<>();
      exception.put("raised_exception", false);
      exception.put("exception_traceback", null);
      exception.put("exception_message", null);
      one.put("exception_info", exception);
      rs.add(one);
    }
    long ok = results.stream().filter(ExpectationResult::success).count();
    Map<String, Object> statistics = new LinkedHashMap<>();
    statistics.put("evaluated_expectations", results.size());
    statistics.put("successful_expectations", ok);
    statistics.put("unsuccessful_expectations", results.size() - ok);
    statistics.put("success_percent", results.isEmpty() ? null : 100.0 * ok / results.size());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("success", success());
    out.put("results", rs);
    out.put("suite_name", suite.name());
    out.put("suite_parameters", Map.of());
    out.put("statistics", statistics);
    out.put("meta", meta);
    out.put("id", null);
    return out;
  }

  /** The GE validation result as pretty-printed JSON. */
  public String toJson() {
    try {
      return ExpectationSuite.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toGe());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A validation result could not be rendered as JSON", e);
    }
  }
}
