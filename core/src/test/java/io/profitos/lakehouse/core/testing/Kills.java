package io.profitos.lakehouse.core.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profitos.lakehouse.core.job.JobContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Crash tests: a run stopped right after one of its commits, as when the process is killed there.
 * {@link Killed} is an {@link Error}, so nothing the runner does after a job's failure (its run
 * record) happens either.
 */
public final class Kills {
  private Kills() {}

  /** The stop; thrown by {@link #atCommit}. */
  public static final class Killed extends Error {
    Killed(String what) {
      super("killed after " + what);
    }
  }

  /** A commit listener that kills the run right after its {@code n}-th commit (1 = the first). */
  public static JobContext.CommitListener atCommit(int n) {
    int[] seen = {0};
    return (job, what) -> {
      if (++seen[0] == n) {
        throw new Killed(what);
      }
    };
  }

  /** The commits a run makes, in order: {@code run} is given a listener that records them. */
  public static List<String> commitsOf(Consumer<JobContext.CommitListener> run) {
    List<String> commits = new ArrayList<>();
    run.accept((job, what) -> commits.add(what));
    return commits;
  }

  /**
   * For each commit k of a run of {@code commits} commits: {@code killAt} runs with a listener
   * that kills it after commit k (the kill must happen), then {@code check} is called with k to
   * run the job again and compare.
   */
  public static void afterEachCommit(int commits, java.util.function.BiConsumer<Integer, JobContext.CommitListener> killAt,
      IntConsumer check) {
    for (int k = 1; k <= commits; k++) {
      int at = k;
      assertThatThrownBy(() -> killAt.accept(at, atCommit(at))).isInstanceOf(Killed.class);
      check.accept(k);
    }
  }
}
