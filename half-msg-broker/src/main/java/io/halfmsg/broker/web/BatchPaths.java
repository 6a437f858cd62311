package io.halfmsg.broker.web;

/**
 * The batch endpoints' paths, named by the controller that serves them, the access policy and the
 * request size limit, so that the three cannot drift apart.
 */
public final class BatchPaths {

  /** Many prepares in one request; the {@code :batch} suffix is Google's AIP-231 style. */
  public static final String PREPARE_BATCH = "/api/v1/messages:batch";

  /** Many commits and rollbacks in one request. */
  public static final String DECISIONS = "/api/v1/decisions";

  private BatchPaths() {}

  /** Whether a path (without the context path) is one of the batch endpoints. */
  public static boolean isBatch(String path) {
    return PREPARE_BATCH.equals(path) || DECISIONS.equals(path);
  }
}
