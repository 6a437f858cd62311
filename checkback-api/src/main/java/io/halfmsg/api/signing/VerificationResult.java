package io.halfmsg.api.signing;

/**
 * The outcome of {@link SignatureVerifier#verify}. Everything but {@link #OK} should be answered
 * with {@code 401}; the distinction is for logs and metrics.
 */
public enum VerificationResult {
  /** Signed with the shared secret, recently. */
  OK,
  /** A signature header is absent or blank: an unsigned request. */
  MISSING,
  /** A header is not of the documented form (timestamp not digits, signature not hex). */
  MALFORMED,
  /**
   * Correctly signed, but the timestamp is too far from the verifier's clock, in the past or the
   * future: a replay, or clocks that disagree.
   */
  STALE,
  /** The signature does not match: another secret, or an altered timestamp or body. */
  BAD_SIGNATURE,
  /**
   * Correctly signed and fresh, but a request with this signature was accepted before: a replay.
   * {@link SignatureVerifier} remembers nothing and never reports it; a verifier that remembers the
   * signatures it accepted does (the producer SDK's check-back handler).
   */
  REPLAYED;

  /** Whether the request may be acted on. */
  public boolean isOk() {
    return this == OK;
  }
}
