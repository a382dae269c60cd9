package io.profitos.lakehouse.app.production;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real processes for the production tests: run one to its end with a deadline, or start one that serves. */
final class Processes {
  private Processes() {}

  /** What a finished process left: its exit code and its output (stdout and stderr, each in a file). */
  record Result(int exitCode, String stdout, String stderr, Path stdoutFile, Path stderrFile) {
    /** The last lines of both outputs, for an assertion's message. */
    String tail() {
      return "exit " + exitCode + "\n--- stdout (end) ---\n" + last(stdout, 40) + "\n--- stderr (end) ---\n" + last(stderr, 40);
    }

    private static String last(String text, int lines) {
      List<String> all = text.lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  /**
   * A {@code java} command running {@code mainClass} on this test JVM's classpath, with its module openings (Spark's
   * JDK 17 flags), then {@code jvmOptions} before the class and {@code args} after it.
   */
  static List<String> java(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--add-opens"))
        .forEach(command::add);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(args);
    return command;
  }

  /** Runs {@code command} in {@code dir} with {@code env} added, waits at most {@code timeout}; its output goes to {@code logs}. */
  static Result run(List<String> command, Map<String, String> env, Path dir, Path logs, String name, Duration timeout) {
    try {
      Files.createDirectories(logs);
      Path out = logs.resolve(name + ".out");
      Path err = logs.resolve(name + ".err");
      Process p = builder(command, env, dir).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        stop(p);
        throw new AssertionError(name + " did not finish within " + timeout + ": " + command + "\n"
            + new Result(-1, read(out), read(err), out, err).tail());
      }
      return new Result(p.exitValue(), read(out), read(err), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a long-running process; its output goes to {@code log}. */
  static Process start(List<String> command, Map<String, String> env, Path dir, Path log) {
    try {
      Files.createDirectories(log.getParent());
      return builder(command, env, dir).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Stops a process and everything it started: TERM, then KILL after 20 s. */
  static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** A TCP port free on loopback right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProcessBuilder builder(List<String> command, Map<String, String> env, Path dir) {
    // Nothing here reads standard input: a tool that would (beeline after an error) gets end of file, not a wait.
    ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    b.environment().putAll(env);
    return b;
  }
}
