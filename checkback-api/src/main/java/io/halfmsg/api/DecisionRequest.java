package io.halfmsg.api;

/**
 * One producer decision in a {@link DecisionBatchRequest}: the same as {@code POST
 * /api/v1/messages/{messageId}/commit} or {@code /rollback}.
 *
 * @param messageId the prepared message
 * @param decision {@link #COMMIT} or {@link #ROLLBACK}
 */
public record DecisionRequest(String messageId, String decision) {

  public static final String COMMIT = "COMMIT";
  public static final String ROLLBACK = "ROLLBACK";

  public static DecisionRequest commit(String messageId) {
    return new DecisionRequest(messageId, COMMIT);
  }

  public static DecisionRequest rollback(String messageId) {
    return new DecisionRequest(messageId, ROLLBACK);
  }
}
