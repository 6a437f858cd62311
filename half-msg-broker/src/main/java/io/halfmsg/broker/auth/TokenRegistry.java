package io.halfmsg.broker.auth;

import io.halfmsg.broker.BrokerConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Knows which role each configured token has. Tokens are kept only as SHA-256 digests and looked up
 * by digest, so the lookup's timing does not depend on how much of a guessed token is right.
 */
@Component
class TokenRegistry {

  private static final Logger log = LoggerFactory.getLogger(TokenRegistry.class);

  private final Map<String, Role> roleByDigest = new HashMap<>();
  private final boolean allowAnonymous;

  TokenRegistry(AuthProperties properties) {
    if (!properties.hasTokens() && !properties.allowAnonymous()) {
      throw new BrokerConfigurationException(
          "No tokens configured: the broker does not start open.",
          "Set halfmsg.auth.producer-tokens, halfmsg.auth.consumer-tokens and"
              + " halfmsg.auth.admin-tokens (environment: HALFMSG_AUTH_PRODUCER_TOKENS, …), or,"
              + " for development only, halfmsg.auth.allow-anonymous=true.");
    }
    properties.producerTokens().forEach(t -> register(t, Role.PRODUCER));
    properties.consumerTokens().forEach(t -> register(t, Role.CONSUMER));
    properties.adminTokens().forEach(t -> register(t, Role.ADMIN));
    this.allowAnonymous = properties.allowAnonymous();
    if (allowAnonymous) {
      log.warn(
          "*** halfmsg.auth.allow-anonymous=true: THE BROKER IS OPEN. Requests without a token act"
              + " as admin. Never use this outside development. ***");
    }
  }

  private void register(String token, Role role) {
    Role previous = roleByDigest.put(digest(token), role);
    if (previous != null && previous != role) {
      throw new BrokerConfigurationException(
          "The same token is configured for roles " + previous + " and " + role + ".",
          "Give each role its own tokens.");
    }
  }

  /** The role of a presented token, or empty if the token is unknown. */
  Optional<Role> roleOf(String token) {
    return Optional.ofNullable(roleByDigest.get(digest(token)));
  }

  boolean allowAnonymous() {
    return allowAnonymous;
  }

  private static String digest(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
