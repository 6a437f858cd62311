package io.halfmsg.api;

import java.util.Objects;

/**
 * Reads and writes check-back answers ({@link CheckBackResponse}) without a JSON binding library.
 *
 * <p>Reading is deliberately unforgiving, because a wrong {@link TransactionState#COMMIT} delivers
 * a message whose local transaction never happened, while a wrong {@link TransactionState#UNKNOWN}
 * only costs another check-back. So only a {@code 200} whose body is exactly one JSON object with a
 * single {@code "state"} member whose value is the string {@code "COMMIT"} or {@code "ROLLBACK"}
 * decides anything. Other members are allowed and ignored.
 */
public final class CheckBackAnswers {

  /**
   * Bodies longer than this many characters are not parsed (the answer is UNKNOWN). A real answer
   * is a few dozen characters; callers should also cap what they read from the connection.
   */
  public static final int MAX_BODY_CHARS = 64 * 1024;

  private static final int HTTP_OK = 200;
  private static final String STATE = "state";

  private CheckBackAnswers() {}

  /**
   * Interprets a producer's HTTP answer to a check-back.
   *
   * @param statusCode the HTTP status code
   * @param body the response body decoded as UTF-8, or {@code null} if there was none
   * @return {@link TransactionState#COMMIT} or {@link TransactionState#ROLLBACK} only for a {@code
   *     200} whose body is a well-formed JSON object with exactly one {@code "state"} member whose
   *     value is exactly that string; {@link TransactionState#UNKNOWN} for everything else: another
   *     status, a body that is not one JSON object (including trailing data), a missing, {@code
   *     null}, non-string, lower-case or otherwise unknown state, or a {@code "state"} member given
   *     more than once
   */
  public static TransactionState fromHttpResponse(int statusCode, String body) {
    if (statusCode != HTTP_OK || body == null || body.length() > MAX_BODY_CHARS) {
      return TransactionState.UNKNOWN;
    }
    String state = StrictJsonScanner.uniqueTopLevelString(body, STATE);
    if (TransactionState.COMMIT.name().equals(state)) {
      return TransactionState.COMMIT;
    }
    if (TransactionState.ROLLBACK.name().equals(state)) {
      return TransactionState.ROLLBACK;
    }
    return TransactionState.UNKNOWN;
  }

  /**
   * Writes the body of a check-back answer, for producers that do not use a JSON library.
   *
   * @param state the answer; {@code null} is written as {@link TransactionState#UNKNOWN}
   * @return e.g. {@code {"state":"COMMIT"}}
   */
  public static String toJson(TransactionState state) {
    return "{\"state\":\""
        + Objects.requireNonNullElse(state, TransactionState.UNKNOWN).name()
        + "\"}";
  }
}
