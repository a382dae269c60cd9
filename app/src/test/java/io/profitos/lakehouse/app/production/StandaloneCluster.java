package io.profitos.lakehouse.app.production;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Spark standalone cluster on loopback: one master and {@code workers} workers, each started with
 * {@code spark-class} from the Spark distribution, on free ports. Closing it stops the workers (and their executors),
 * then the master.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final int port;
  private final int webPort;
  private final Path logs;

  private StandaloneCluster(Path dir, int workerCount, int coresEach, String memoryEach, Map<String, String> workerEnv) {
    this.logs = dir.resolve("logs");
    this.port = Processes.freePort();
    this.webPort = Processes.freePort();
    String sparkClass = ProductionEnv.sparkHome().resolve("bin/spark-class").toString();
    Map<String, String> env = ProductionEnv.sparkEnv();
    Map<String, String> executorEnv = new java.util.HashMap<>(env);
    executorEnv.putAll(workerEnv);
    master = Processes.start(List.of(sparkClass, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--webui-port", Integer.toString(webPort)), env, dir, logs.resolve("master.log"));
    await("the master answering on " + masterUrl(), Duration.ofSeconds(60), () -> state() != null);
    for (int i = 1; i <= workerCount; i++) {
      workers.add(Processes.start(List.of(sparkClass, "org.apache.spark.deploy.worker.Worker", masterUrl(),
          "--host", "127.0.0.1", "--cores", Integer.toString(coresEach), "--memory", memoryEach,
          "--webui-port", Integer.toString(Processes.freePort()), "--work-dir", dir.resolve("worker-" + i).toString()),
          executorEnv, dir, logs.resolve("worker-" + i + ".log")));
    }
    await(workerCount + " workers registered", Duration.ofSeconds(90),
        () -> state() != null && state().path("aliveworkers").asInt() == workerCount);
  }

  /**
   * Starts a master and {@code workerCount} workers and waits until every worker has registered. The workers, and so the
   * executors they start, get {@code workerEnv} on top of Spark's environment (as a node's own credentials would be).
   */
  static StandaloneCluster start(Path dir, int workerCount, int coresEach, String memoryEach, Map<String, String> workerEnv) {
    return new StandaloneCluster(dir, workerCount, coresEach, memoryEach, workerEnv);
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The master's state as its web UI's JSON endpoint reports it ({@code null} while it does not answer). */
  JsonNode state() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/json/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new ObjectMapper().readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    workers.forEach(Processes::stop);
    Processes.stop(master);
  }

  private void await(String what, Duration timeout, java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        close();
        throw new AssertionError("standalone cluster: no " + what + " within " + timeout + " (logs in " + logs + ")\n"
            + Processes.read(logs.resolve("master.log")));
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
