package io.halfmsg.broker.web;

/**
 * What {@link BadInputTest} sets up with valid requests before the generated ones, and the limits
 * it runs the broker with (small, so that oversized requests are cheap to send).
 */
final class BadInputFixtures {

  static final String PRODUCER_GROUP = "badinput-producer";
  static final String CONSUMER_GROUP = "badinput_consumer";
  static final String TOPIC = "badinput_topic";

  /** A message left PREPARED (its first check-back a day away). */
  static final String PREPARED_ID = "badinput-prepared";

  /** A message committed and forwarded, with a PENDING delivery to {@link #CONSUMER_GROUP}. */
  static final String FORWARDED_ID = "badinput-forwarded";

  static final String ROLLED_BACK_ID = "badinput-rolled-back";

  static final int MAX_BODY_BYTES = 16 * 1024;
  static final int MAX_REQUEST_BYTES = 64 * 1024;
  static final int MAX_BATCH_REQUEST_BYTES = 256 * 1024;

  /** Tomcat's default {@code server.max-http-request-header-size}. */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  private BadInputFixtures() {}
}
