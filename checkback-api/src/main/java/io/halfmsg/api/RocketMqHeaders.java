package io.halfmsg.api;

/**
 * What the broker adds to the RocketMQ messages it forwards, so that consumers can tell a halfmsg
 * message and ack it. Users' own property names may not start with {@link #RESERVED_PREFIX}.
 */
public final class RocketMqHeaders {

  /** Prefix reserved for halfmsg's own properties. */
  public static final String RESERVED_PREFIX = "HALFMSG_";

  /** User property carrying the halfmsg message id: the key consumers dedupe and ack by. */
  public static final String MESSAGE_ID = "HALFMSG_ID";

  /**
   * User property on a redelivery: which send of the message to this consumer group it is (2 for
   * the first redelivery). Absent on the first send.
   */
  public static final String ATTEMPT = "HALFMSG_ATTEMPT";

  private RocketMqHeaders() {}
}
