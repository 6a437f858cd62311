package io.halfmsg.api.signing;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Verifies signed check-back requests (producer side). Thread-safe; one instance per secret.
 *
 * @see io.halfmsg.api.signing
 */
public final class SignatureVerifier {

  /** How far a request's timestamp may be from the verifier's clock unless configured otherwise. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  // Long.MAX_VALUE has 19 digits; longer cannot be a timestamp and is not worth parsing.
  private static final int MAX_TIMESTAMP_DIGITS = 19;
  private static final HexFormat HEX = HexFormat.of();

  private final HmacSha256 hmac;
  private final Clock clock;
  private final Duration tolerance;
  private final long toleranceMillis;

  /**
   * @param secret the shared secret; copied, must not be empty
   * @param clock the clock timestamps are compared with
   * @param tolerance how far, in either direction, a timestamp may be from {@code clock}; positive
   */
  public SignatureVerifier(byte[] secret, Clock clock, Duration tolerance) {
    this.hmac = new HmacSha256(secret);
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative() || tolerance.isZero()) {
      throw new IllegalArgumentException("tolerance must be positive: " + tolerance);
    }
    this.tolerance = tolerance;
    this.toleranceMillis = tolerance.toMillis();
  }

  /** Like {@link #SignatureVerifier(byte[], Clock, Duration)} with {@link #DEFAULT_TOLERANCE}. */
  public SignatureVerifier(byte[] secret, Clock clock) {
    this(secret, clock, DEFAULT_TOLERANCE);
  }

  /**
   * Like {@link #SignatureVerifier(byte[], Clock, Duration)} with the secret's UTF-8 bytes; the
   * secret must not be blank.
   */
  public SignatureVerifier(String secret, Clock clock, Duration tolerance) {
    this(HmacSha256.secretBytes(secret), clock, tolerance);
  }

  /** Like {@link #SignatureVerifier(String, Clock, Duration)} with {@link #DEFAULT_TOLERANCE}. */
  public SignatureVerifier(String secret, Clock clock) {
    this(secret, clock, DEFAULT_TOLERANCE);
  }

  /**
   * Checks a request's signature headers against its body.
   *
   * <p>The signature is checked before the timestamp's age, so that {@link
   * VerificationResult#STALE} only ever describes requests that really came from the secret's
   * holder: it then points at clock skew or a replay, not at a wrong secret.
   *
   * @param timestampHeader the {@link SignatureHeaders#TIMESTAMP} value, or {@code null} if absent
   * @param signatureHeader the {@link SignatureHeaders#SIGNATURE} value, or {@code null} if absent
   * @param body the exact request body bytes received
   * @return {@link VerificationResult#OK} or why the request must be rejected
   */
  public VerificationResult verify(String timestampHeader, String signatureHeader, byte[] body) {
    Objects.requireNonNull(body, "body");
    if (timestampHeader == null
        || timestampHeader.isBlank()
        || signatureHeader == null
        || signatureHeader.isBlank()) {
      return VerificationResult.MISSING;
    }
    // HTTP does not count surrounding whitespace as part of a field value.
    String timestamp = timestampHeader.strip();
    if (!isDecimalDigits(timestamp)) {
      return VerificationResult.MALFORMED;
    }
    long timestampMillis;
    byte[] given;
    try {
      timestampMillis = Long.parseLong(timestamp);
      given = HEX.parseHex(signatureHeader.strip());
    } catch (IllegalArgumentException e) { // NumberFormatException is one
      return VerificationResult.MALFORMED;
    }
    if (!MessageDigest.isEqual(hmac.sign(timestamp, body), given)) {
      return VerificationResult.BAD_SIGNATURE;
    }
    return isFresh(timestampMillis) ? VerificationResult.OK : VerificationResult.STALE;
  }

  private boolean isFresh(long timestampMillis) {
    try {
      return Math.absExact(Math.subtractExact(clock.millis(), timestampMillis)) <= toleranceMillis;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  private static boolean isDecimalDigits(String s) {
    if (s.isEmpty() || s.length() > MAX_TIMESTAMP_DIGITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "SignatureVerifier[secret=<redacted>, tolerance=" + tolerance + "]";
  }
}
