package io.halfmsg.api.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place that decides which bytes are signed, shared by signer and verifier so the two
 * cannot drift apart. Thread-safe.
 */
final class HmacSha256 {

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte SEPARATOR = '\n';

  private final SecretKeySpec key;

  // Mac is not thread-safe, and getInstance + init per call redoes provider lookup and key
  // padding; cloning an initialised prototype is cheaper and keeps no per-thread state alive.
  private final Mac prototype;

  HmacSha256(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.prototype = newMac();
  }

  /** The key bytes of a configured secret string; blank strings are configuration mistakes. */
  static byte[] secretBytes(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isBlank()) {
      throw new IllegalArgumentException("secret must not be blank");
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  byte[] sign(String timestamp, byte[] body) {
    Mac mac = freshMac();
    mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
    mac.update(SEPARATOR);
    mac.update(body);
    return mac.doFinal();
  }

  private Mac freshMac() {
    try {
      // Cloning only reads the prototype, but Mac documents no thread-safety, so don't rely on it.
      synchronized (prototype) {
        return (Mac) prototype.clone();
      }
    } catch (CloneNotSupportedException e) {
      return newMac();
    }
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // The JDK always ships HmacSHA256; the message names the algorithm, never the key.
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }
}
