package io.halfmsg.broker.auth;

import io.halfmsg.broker.web.BatchPaths;
import java.util.regex.Pattern;

/**
 * Which role each endpoint needs. Producers prepare and resolve their messages (one by one or in
 * batches) and register their check-back endpoints; consumers subscribe and ack; everything else
 * under the API, and the actuator but its health probe, is for operators.
 */
final class AccessPolicy {

  private static final Pattern PRODUCER_POST =
      Pattern.compile(
          "^(/api/v1/messages(/[^/]+/(commit|rollback))?|"
              + Pattern.quote(BatchPaths.PREPARE_BATCH)
              + "|"
              + Pattern.quote(BatchPaths.DECISIONS)
              + ")/?$");
  private static final Pattern PRODUCER_PUT =
      Pattern.compile("^/api/v1/producer-groups/[^/]+/endpoints/?$");
  private static final Pattern CONSUMER_PUT = Pattern.compile("^/api/v1/subscriptions/[^/]+/?$");
  private static final Pattern CONSUMER_POST = Pattern.compile("^/api/v1/acks/?$");
  private static final Pattern PUBLIC = Pattern.compile("^/actuator/health(/.*)?$");
  private static final Pattern CONSOLE = Pattern.compile("^/console(/.*)?$");

  private AccessPolicy() {}

  static boolean isPublic(String path) {
    return PUBLIC.matcher(path).matches();
  }

  /**
   * Whether a request is the console's, which logs operators in to a session of its own ({@code
   * ConsoleSecurity}). Decided on the servlet path — decoded and normalized by the container, as
   * the console's security filter mapping sees it — so that no path reaches the API past both.
   */
  static boolean isConsole(String servletPath) {
    return CONSOLE.matcher(servletPath).matches();
  }

  /** The role an endpoint needs; admin tokens pass every check. */
  static Role requiredRole(String method, String path) {
    if ("POST".equals(method) && PRODUCER_POST.matcher(path).matches()) {
      return Role.PRODUCER;
    }
    if ("PUT".equals(method) && PRODUCER_PUT.matcher(path).matches()) {
      return Role.PRODUCER;
    }
    if (("PUT".equals(method) && CONSUMER_PUT.matcher(path).matches())
        || ("POST".equals(method) && CONSUMER_POST.matcher(path).matches())) {
      return Role.CONSUMER;
    }
    return Role.ADMIN;
  }
}
