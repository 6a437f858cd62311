package io.halfmsg.api.signing;

import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs check-back request bodies (broker side). Thread-safe; one instance per secret.
 *
 * <p>It signs bytes, not strings or objects, because the producer verifies the bytes it receives:
 * serialise the body once, sign those bytes, and send exactly those bytes.
 *
 * @see io.halfmsg.api.signing
 */
public final class RequestSigner {

  private static final HexFormat HEX = HexFormat.of();

  private final HmacSha256 hmac;
  private final Clock clock;

  /**
   * @param secret the shared secret; copied, must not be empty
   * @param clock supplies the timestamp
   */
  public RequestSigner(byte[] secret, Clock clock) {
    this.hmac = new HmacSha256(secret);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param secret the shared secret, used as its UTF-8 bytes; must not be blank
   * @param clock supplies the timestamp
   */
  public RequestSigner(String secret, Clock clock) {
    this(HmacSha256.secretBytes(secret), clock);
  }

  /**
   * Signs a body as of now.
   *
   * @param body the exact bytes that will be sent
   * @return the header values to send with it
   */
  public RequestSignature sign(byte[] body) {
    Objects.requireNonNull(body, "body");
    String timestamp = Long.toString(clock.millis());
    return new RequestSignature(timestamp, HEX.formatHex(hmac.sign(timestamp, body)));
  }

  @Override
  public String toString() {
    return "RequestSigner[secret=<redacted>]";
  }
}
