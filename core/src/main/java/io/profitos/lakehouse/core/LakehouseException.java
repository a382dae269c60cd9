package io.profitos.lakehouse.core;

/**
 * An error a user can act on. The CLI prints {@link #getMessage()} on one line and exits with
 * {@link #exitCode()}; the stack trace goes to the log only.
 */
public class LakehouseException extends RuntimeException {
  /** Process exit codes shared by every command. */
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_QUALITY_GATE = 3;
  public static final int EXIT_INPUT_REJECTED = 4;
  /** Another run holds the warehouse's lease: nothing ran; retrying later is right. */
  public static final int EXIT_WAREHOUSE_BUSY = 5;

  private final int exitCode;

  public LakehouseException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LakehouseException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Bad command line or configuration: exit 2. */
  public static LakehouseException usage(String message) {
    return new LakehouseException(EXIT_USAGE, message);
  }

  /** A critical data-quality check failed and the output was not published: exit 3. */
  public static LakehouseException qualityGate(String message) {
    return new LakehouseException(EXIT_QUALITY_GATE, message);
  }

  /** Input was rejected (for example a quarantine rate above its limit): exit 4. */
  public static LakehouseException inputRejected(String message) {
    return new LakehouseException(EXIT_INPUT_REJECTED, message);
  }

  /**
   * An input the job needs does not exist yet (its source has never delivered): the job is
   * skipped, with this one line naming what it waits for, and the run still succeeds (exit 0).
   */
  public static LakehouseException inputMissing(String message) {
    return new InputMissing(message);
  }

  /** Whether this error means "skipped: an input does not exist yet". */
  public boolean isInputMissing() {
    return this instanceof InputMissing;
  }

  private static final class InputMissing extends LakehouseException {
    InputMissing(String message) {
      super(EXIT_OK, message);
    }
  }
}
