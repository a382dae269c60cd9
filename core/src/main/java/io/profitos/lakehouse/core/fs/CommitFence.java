package io.profitos.lakehouse.core.fs;

/**
 * What may stop this process from writing any Delta log: the warehouse lease installs a guard while it is held, and
 * {@link FencedLogStore} asks it right before every write Delta makes through its log store (every commit, checksum and
 * {@code _last_checkpoint}; checkpoint files themselves are written beside it). A guard that throws refuses the write, so a run that lost its lease (paused or cut off past its expiry, then
 * taken over by another run) commits nothing afterwards. Without a guard (tests, the SQL server) every write goes through.
 */
public final class CommitFence {
  /** Throws (a {@link io.profitos.lakehouse.core.LakehouseException} saying why) when this process may not commit. */
  public interface Guard {
    void check(String what);

    /** Why the guard refuses commits, or null while it allows them (no store is asked). */
    String refusal();
  }

  private static volatile Guard guard;

  private CommitFence() {}

  /** Installs the process's guard (one lease at a time per process). */
  public static void install(Guard g) {
    guard = g;
  }

  /** Removes {@code g}, if it is still the installed guard. */
  public static synchronized void uninstall(Guard g) {
    if (guard == g) {
      guard = null;
    }
  }

  /** Refuses (throws) when the installed guard does; {@code what} names the write, for the message. */
  public static void check(String what) {
    Guard g = guard;
    if (g != null) {
      g.check(what);
    }
  }

  /** Why commits are refused now, or null when they are allowed: for the runner, to stop starting jobs. */
  public static String refusal() {
    Guard g = guard;
    return g == null ? null : g.refusal();
  }
}
