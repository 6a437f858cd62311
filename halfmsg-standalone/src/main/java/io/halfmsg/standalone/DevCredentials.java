package io.halfmsg.standalone;

/**
 * The fixed, public credentials of the standalone broker. They are documented so that the demo
 * services and curl examples work without configuration; never use them outside a developer's
 * machine (the standalone broker listens on the loopback interface only).
 */
public final class DevCredentials {

  public static final String PRODUCER_TOKEN = "dev-producer-token";
  public static final String CONSUMER_TOKEN = "dev-consumer-token";
  public static final String ADMIN_TOKEN = "dev-admin-token";

  /** The check-back secret of every producer group. */
  public static final String CHECK_BACK_SECRET = "dev-check-back-secret";

  private DevCredentials() {}
}
