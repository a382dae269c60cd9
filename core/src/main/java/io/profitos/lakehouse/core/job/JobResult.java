package io.profitos.lakehouse.core.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a job did. {@code status} is {@code succeeded}, or {@code rejected} when the job landed
 * what was good but refused part of its input (exit code 4 at the end of the run).
 *
 * @param details small named figures for the summary and the log (files, quarantined, ...)
 */
public record JobResult(String status, long rowsRead, long rowsWritten, String message, Map<String, Long> details) {
  public static final String SUCCEEDED = "succeeded";
  public static final String REJECTED = "rejected";
  public static final String FAILED = "failed";
  public static final String QUALITY_FAILED = "quality_failed";
  /** An input does not exist yet (its source has never delivered): nothing to do, the run succeeds. */
  public static final String SKIPPED = "skipped";
  /** Not run because an upstream publish was blocked by a quality gate. */
  public static final String NOT_RUN = "not_run";

  public JobResult {
    Objects.requireNonNull(status, "status");
    details = Map.copyOf(new LinkedHashMap<>(details));
  }

  public static JobResult succeeded(long rowsRead, long rowsWritten, String message, Map<String, Long> details) {
    return new JobResult(SUCCEEDED, rowsRead, rowsWritten, message, details);
  }

  public static JobResult rejected(long rowsRead, long rowsWritten, String message, Map<String, Long> details) {
    return new JobResult(REJECTED, rowsRead, rowsWritten, message, details);
  }
}
