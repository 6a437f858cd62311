package io.halfmsg.producer;

/**
 * A call to the halfmsg broker failed: it could not be reached, or it refused the request.
 *
 * <p>{@link #status()} is the HTTP status the broker answered ({@code 0} if none answered), and
 * {@link #problemType()} the RFC 9457 problem type it gave (e.g. {@code
 * urn:halfmsg:problem:invalid-request}), or {@code null}.
 */
public class HalfmsgException extends RuntimeException {

  private final int status;
  private final String problemType;

  public HalfmsgException(String message, Throwable cause) {
    this(message, 0, null, cause);
  }

  public HalfmsgException(String message, int status, String problemType, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.problemType = problemType;
  }

  /** The broker's HTTP status, or {@code 0} when no broker answered. */
  public int status() {
    return status;
  }

  /** The broker's problem type, or {@code null}. */
  public String problemType() {
    return problemType;
  }
}
