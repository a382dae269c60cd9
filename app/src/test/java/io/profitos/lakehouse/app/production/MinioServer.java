package io.profitos.lakehouse.app.production;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;

/**
 * A real MinIO server on loopback for one test class: built by {@code .ci/minio-server} (from the Go module proxy, once
 * per machine), its data in a folder of the test's own, its root credentials made up per server. It can be killed
 * ({@code SIGKILL}, an outage) and started again on the same port and data.
 */
final class MinioServer implements AutoCloseable {
  final String user = "lakehouse-test";
  final String password = UUID.randomUUID().toString();
  private final Path dir;
  private final String binary;
  private final int port;
  private Process process;
  private int starts;

  private MinioServer(Path dir, String binary, int port) {
    this.dir = dir;
    this.binary = binary;
    this.port = port;
  }

  /** Builds (if needed) and starts a server whose data and logs live in an emptied {@code dir}. */
  static MinioServer start(Path dir) throws Exception {
    FileUtils.cleanDirectory(dir.toFile());
    Path repo = ProductionEnv.repoRoot();
    Processes.Result build = Processes.run(List.of("bash", repo.resolve(".ci/minio-server").toString()), Map.of(), repo,
        dir.resolve("logs"), "minio-build", Duration.ofMinutes(20));
    assertThat(build.exitCode()).as(".ci/minio-server\n" + build.tail()).isZero();
    MinioServer server = new MinioServer(dir, build.stdout().strip(), Processes.freePort());
    server.startAgain();
    return server;
  }

  /** Starts the server (again, after {@link #kill}) on its port and data, and waits until it answers. */
  void startAgain() throws Exception {
    starts++;
    Path log = dir.resolve("logs/minio-" + starts + ".log");
    process = Processes.start(List.of(binary, "server", dir.resolve("data").toString(), "--address", "127.0.0.1:" + port,
        "--console-address", "127.0.0.1:" + Processes.freePort()),
        Map.of("MINIO_ROOT_USER", user, "MINIO_ROOT_PASSWORD", password, "MINIO_BROWSER", "off"), dir, log);
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/minio/health/live")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      assertThat(System.nanoTime()).as("MinIO answering within 60 s\n" + Processes.read(log)).isLessThan(deadline);
      Thread.sleep(300);
    }
  }

  /** Kills the server at once ({@code SIGKILL}): every connection drops and the port stops answering. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The environment of a lakehouse process in the {@code minio} environment against this server. */
  Map<String, String> env(String landing) {
    Map<String, String> env = new HashMap<>();
    env.put("LAKEHOUSE_S3_ENDPOINT", endpoint());
    env.put("AWS_ACCESS_KEY_ID", user);
    env.put("AWS_SECRET_ACCESS_KEY", password);
    env.put("LAKEHOUSE_LANDING", landing);
    return env;
  }

  /** Points a Hadoop configuration (the test session's) at this server. */
  void configure(Configuration hadoop) {
    hadoop.set("fs.s3a.endpoint", endpoint());
    hadoop.set("fs.s3a.path.style.access", "true");
    hadoop.set("fs.s3a.access.key", user);
    hadoop.set("fs.s3a.secret.key", password);
    hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      Processes.stop(process);
    }
  }
}
