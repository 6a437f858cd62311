package io.halfmsg.api.signing;

/** Names of the HTTP headers that carry a check-back request's signature. */
public final class SignatureHeaders {

  /** Signing time, decimal epoch milliseconds. */
  public static final String TIMESTAMP = "X-Halfmsg-Timestamp";

  /** Lower-case hex HMAC-SHA256 of timestamp, {@code '\n'} and body. */
  public static final String SIGNATURE = "X-Halfmsg-Signature";

  private SignatureHeaders() {}
}
