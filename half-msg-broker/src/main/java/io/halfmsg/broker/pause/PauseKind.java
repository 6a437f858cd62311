package io.halfmsg.broker.pause;

/** What a pause holds ({@code hm_pause.kind}). */
public enum PauseKind {
  /**
   * Forwarding of the topic's committed messages, and redelivery of its deliveries to any group.
   */
  TOPIC("topics"),
  /** Redelivery to the consumer group (its first delivery comes with the topic's forwarding). */
  CONSUMER_GROUP("consumer-groups");

  private final String path;

  PauseKind(String path) {
    this.path = path;
  }

  /** The kind's segment in {@code /api/v1/pauses/{kind}/{name}}. */
  public String path() {
    return path;
  }

  static PauseKind ofPath(String segment) {
    for (PauseKind k : values()) {
      if (k.path.equals(segment)) {
        return k;
      }
    }
    return null;
  }
}
