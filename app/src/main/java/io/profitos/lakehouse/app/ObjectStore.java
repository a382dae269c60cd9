package io.profitos.lakehouse.app;

import com.typesafe.config.Config;
import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.profitos.lakehouse.core.LakehouseException;
import io.profitos.lakehouse.core.config.LakehouseSettings;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The S3-compatible object store behind {@code s3a://} locations, through the MinIO Java client: bucket housekeeping,
 * uploads, listings. Every failure becomes one line naming the setting to fix (the endpoint, the credentials, the
 * bucket), never a stack trace. Credentials come only from the environment variables named by
 * {@code lakehouse.storage.access-key-env} and {@code secret-key-env}. Close it: the HTTP client's threads are not
 * daemons.
 */
final class ObjectStore implements AutoCloseable {
  /** An {@code s3a://bucket/prefix} location. */
  record Location(String bucket, String prefix) {
    static Location parse(String uri, String key) {
      URI u = URI.create(uri);
      if (!"s3a".equals(u.getScheme()) || u.getHost() == null) {
        throw LakehouseException.usage(key + " is " + uri + ", not an s3a://bucket/path location: the storage commands work "
            + "on object storage (use --env minio or --env s3).");
      }
      String p = u.getPath() == null ? "" : u.getPath().replaceAll("^/+", "").replaceAll("/+$", "");
      return new Location(u.getHost(), p);
    }

    String key(String relative) {
      return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    @Override
    public String toString() {
      return "s3a://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
  }

  private final MinioClient client;
  private final OkHttpClient http;
  private final String endpoint;
  private final String accessKeyEnv;
  private final String secretKeyEnv;

  private ObjectStore(MinioClient client, OkHttpClient http, String endpoint, String accessKeyEnv, String secretKeyEnv) {
    this.client = client;
    this.http = http;
    this.endpoint = endpoint;
    this.accessKeyEnv = accessKeyEnv;
    this.secretKeyEnv = secretKeyEnv;
  }

  /** The store of the configuration ({@code lakehouse.storage}), with credentials from the environment. */
  static ObjectStore connect(LakehouseSettings settings, java.util.Map<String, String> environment) {
    Config c = settings.config().getConfig("lakehouse.storage");
    String accessEnv = c.getString("access-key-env");
    String secretEnv = c.getString("secret-key-env");
    String access = environment.get(accessEnv);
    String secret = environment.get(secretEnv);
    if (access == null || access.isBlank() || secret == null || secret.isBlank()) {
      throw LakehouseException.usage("No object-store credentials: set the environment variables " + accessEnv + " and "
          + secretEnv + " (lakehouse.storage.access-key-env / secret-key-env name them; keys never go in files).");
    }
    String endpoint = c.getString("endpoint");
    String region = c.getString("region");
    if (endpoint.isBlank()) {
      endpoint = "https://s3." + region + ".amazonaws.com";
    }
    Duration timeout = c.getDuration("connect-timeout");
    OkHttpClient http = new OkHttpClient.Builder().connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(Math.max(30_000, timeout.toMillis()), TimeUnit.MILLISECONDS)
        .writeTimeout(Math.max(30_000, timeout.toMillis()), TimeUnit.MILLISECONDS).retryOnConnectionFailure(false).build();
    try {
      MinioClient client = MinioClient.builder().endpoint(endpoint).region(region).credentials(access, secret).httpClient(http).build();
      return new ObjectStore(client, http, endpoint, accessEnv, secretEnv);
    } catch (IllegalArgumentException e) {
      shutdown(http);
      throw LakehouseException.usage("lakehouse.storage.endpoint is '" + endpoint + "', not a usable URL (" + e.getMessage()
          + "): set LAKEHOUSE_S3_ENDPOINT to e.g. http://127.0.0.1:9000.");
    }
  }

  String endpoint() {
    return endpoint;
  }

  boolean bucketExists(String bucket) {
    return call("check bucket " + bucket, () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
  }

  void makeBucket(String bucket) {
    call("create bucket " + bucket, () -> {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      return null;
    });
  }

  /** Writes, reads back and deletes a small object under the location: proves read and write access. */
  void probe(Location at) {
    String key = at.key("_lakehouse_probe");
    byte[] body = "probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    call("write to " + at, () -> client.putObject(PutObjectArgs.builder().bucket(at.bucket()).object(key)
        .stream(new ByteArrayInputStream(body), body.length, -1).build()));
    call("read from " + at, () -> client.statObject(StatObjectArgs.builder().bucket(at.bucket()).object(key).build()));
    call("delete from " + at, () -> {
      client.removeObject(RemoveObjectArgs.builder().bucket(at.bucket()).object(key).build());
      return null;
    });
  }

  /** The size of an object, or -1 when there is none. */
  long size(String bucket, String key) {
    try {
      return client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()).size();
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return -1;
      }
      throw fail("read " + bucket + "/" + key, e);
    } catch (Exception e) {
      throw fail("read " + bucket + "/" + key, e);
    }
  }

  /** An object's text, or empty when there is none. */
  java.util.Optional<String> read(String bucket, String key) {
    try (java.io.InputStream in = client.getObject(io.minio.GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return java.util.Optional.of(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return java.util.Optional.empty();
      }
      throw fail("read s3a://" + bucket + "/" + key, e);
    } catch (Exception e) {
      throw fail("read s3a://" + bucket + "/" + key, e);
    }
  }

  /** Writes a small text object. */
  void put(String bucket, String key, String text) {
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    call("write s3a://" + bucket + "/" + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
        .stream(new ByteArrayInputStream(body), body.length, -1).contentType("application/json").build()));
  }

  /**
   * Writes a small text object unless the key exists, atomically ({@code If-None-Match: *}: the store refuses the put
   * with 412 when an object is there, and of two concurrent puts accepts one); whether this call wrote it.
   */
  boolean putIfAbsent(String bucket, String key, String text) {
    byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).headers(java.util.Map.of("If-None-Match", "*"))
          .stream(new ByteArrayInputStream(body), body.length, -1).contentType("application/json").build());
      return true;
    } catch (ErrorResponseException e) {
      String code = e.errorResponse().code();
      if ("PreconditionFailed".equals(code) || "ConditionalRequestConflict".equals(code) || e.response() != null
          && (e.response().code() == 412 || e.response().code() == 409)) {
        return false;
      }
      throw fail("write s3a://" + bucket + "/" + key, e);
    } catch (Exception e) {
      throw fail("write s3a://" + bucket + "/" + key, e);
    }
  }

  void delete(String bucket, String key) {
    call("delete s3a://" + bucket + "/" + key, () -> {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
      return null;
    });
  }

  void upload(Path file, String bucket, String key) {
    call("upload " + file + " to s3a://" + bucket + "/" + key, () -> client.uploadObject(UploadObjectArgs.builder()
        .bucket(bucket).object(key).filename(file.toString()).build()));
  }

  /** Every object under a location: its key relative to the location, and its size. */
  java.util.List<java.util.Map.Entry<String, Long>> list(Location at) {
    return call("list " + at, () -> {
      java.util.List<java.util.Map.Entry<String, Long>> out = new java.util.ArrayList<>();
      String prefix = at.prefix().isEmpty() ? "" : at.prefix() + "/";
      for (Result<Item> r : client.listObjects(ListObjectsArgs.builder().bucket(at.bucket()).prefix(prefix).recursive(true).build())) {
        Item item = r.get();
        out.add(java.util.Map.entry(item.objectName().substring(prefix.length()), item.size()));
      }
      return out;
    });
  }

  @Override
  public void close() {
    shutdown(http);
  }

  private static void shutdown(OkHttpClient http) {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, Call<T> body) {
    try {
      return body.run();
    } catch (Exception e) {
      throw fail(what, e);
    }
  }

  /** One line naming the setting to fix. */
  private LakehouseException fail(String what, Exception e) {
    if (e instanceof ErrorResponseException r) {
      String code = r.errorResponse().code();
      String bucket = r.errorResponse().bucketName();
      return switch (code) {
        case "NoSuchBucket" -> LakehouseException.usage("Cannot " + what + ": bucket '" + bucket + "' does not exist at " + endpoint
            + ". Run 'lakehouse storage init' (or check LAKEHOUSE_LANDING / LAKEHOUSE_WAREHOUSE).");
        case "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken" -> LakehouseException.usage("Cannot " + what
            + ": the object store at " + endpoint + " refused the credentials (" + code + "). Check " + accessKeyEnv + " and "
            + secretKeyEnv + ".");
        case "AccessDenied" -> LakehouseException.usage("Cannot " + what + ": access denied at " + endpoint + ". Check the "
            + "credentials in " + accessKeyEnv + " and " + secretKeyEnv + ", and that the key may read and write the bucket.");
        default -> new LakehouseException(LakehouseException.EXIT_FAILURE, "Cannot " + what + ": the object store at " + endpoint
            + " answered " + code + ": " + r.errorResponse().message());
      };
    }
    Throwable root = io.profitos.lakehouse.core.fs.StoreUnreachable.networkCause(e);
    if (root != null) {
      return new LakehouseException(LakehouseException.EXIT_FAILURE, "Cannot " + what + ": "
          + io.profitos.lakehouse.core.fs.StoreUnreachable.noAnswer(endpoint, root.getClass().getSimpleName()
              + (root.getMessage() == null ? "" : ": " + root.getMessage())), e);
    }
    return new LakehouseException(LakehouseException.EXIT_FAILURE, "Cannot " + what + " at " + endpoint + ": "
        + Main.oneLine(e), e);
  }
}
