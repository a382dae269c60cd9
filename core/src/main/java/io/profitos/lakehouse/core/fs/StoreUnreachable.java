package io.profitos.lakehouse.core.fs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line cause of an object store that does not answer (its connection refused, its name unknown, a timeout), the
 * same whether the object store's client met it (a housekeeping command, the lease) or s3a did under Spark (a job).
 */
public final class StoreUnreachable {
  /** The HTTP client's "Connect to host:port [/address] failed". */
  private static final Pattern CONNECT_TO = Pattern.compile("Connect to (\\S+?)(?: \\[[^\\]]*\\])? failed");
  /** s3a's "operation on s3a://path: ...". */
  private static final Pattern OPERATION = Pattern.compile("^(\\w+ on \\w+://\\S+?):");

  private StoreUnreachable() {}

  /** The innermost cause of {@code e} when it is a failure to reach a server at all, else null. */
  public static Throwable networkCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root instanceof java.net.ConnectException || root instanceof java.net.UnknownHostException
        || root instanceof java.net.SocketTimeoutException || root instanceof java.net.NoRouteToHostException ? root : null;
  }

  /** "no object store answers at {@code endpoint} ({@code details}). Check ...". */
  public static String noAnswer(String endpoint, String details) {
    return (endpoint == null ? "the object store does not answer" : "no object store answers at " + endpoint) + " (" + details
        + "). Check LAKEHOUSE_S3_ENDPOINT (lakehouse.storage.endpoint) and that the store is running.";
  }

  /**
   * {@link #noAnswer} for a failure whose innermost cause is a failure to reach a server on the way to the object store
   * (an {@code s3a://} path, the S3 client's classes), with the endpoint and the operation the causes name; null for any
   * other failure (a connection to a Spark executor or a database, say).
   */
  public static String describe(Throwable e) {
    Throwable root = networkCause(e);
    if (root == null) {
      return null;
    }
    String endpoint = null;
    String operation = null;
    boolean storeClient = false;
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage() == null ? "" : c.getMessage();
      String type = c.getClass().getName();
      storeClient |= type.startsWith("com.amazonaws.") || type.startsWith("software.amazon.") || type.startsWith("org.apache.hadoop.fs.s3a.")
          || type.startsWith("io.minio.");
      Matcher at = CONNECT_TO.matcher(m);
      if (endpoint == null && at.find()) {
        endpoint = at.group(1);
      }
      Matcher op = OPERATION.matcher(m);
      if (operation == null && op.find()) {
        operation = op.group(1);
      }
    }
    if (!storeClient && (operation == null || !operation.contains("s3a://"))) {
      return null;
    }
    String first = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
    return noAnswer(endpoint, root.getClass().getSimpleName() + first + (operation == null ? "" : "; " + operation));
  }
}
