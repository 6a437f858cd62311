package io.halfmsg.broker.auth;

import io.halfmsg.broker.BrokerConfigurationException;
import io.halfmsg.broker.operator.Operator;
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
 * Knows which role (and, for named admin tokens, which operator) each configured token has. Tokens
 * are kept only as SHA-256 digests and looked up by digest, so the lookup's timing does not depend
 * on how much of a guessed token is right.
 */
@Component
class TokenRegistry {

  private static final Logger log = LoggerFactory.getLogger(TokenRegistry.class);

  /** Who holds a token: its role, and the operator's name for a named admin token (else null). */
  record Holder(Role role, String name) {}

  private final Map<String, Holder> holderByDigest = new HashMap<>();
  private final boolean allowAnonymous;

  TokenRegistry(AuthProperties properties) {
    if (!properties.hasTokens() && !properties.allowAnonymous()) {
      throw new BrokerConfigurationException(
          "No tokens configured: the broker does not start open.",
          "Set halfmsg.auth.producer-tokens, halfmsg.auth.consumer-tokens and"
              + " halfmsg.auth.admin-tokens (environment: HALFMSG_AUTH_PRODUCER_TOKENS, …), or,"
              + " for development only, halfmsg.auth.allow-anonymous=true.");
    }
    properties.producerTokens().forEach(t -> register(t, new Holder(Role.PRODUCER, null)));
    properties.consumerTokens().forEach(t -> register(t, new Holder(Role.CONSUMER, null)));
    properties.adminTokens().forEach(t -> register(t, new Holder(Role.ADMIN, null)));
    properties
        .namedAdminTokens()
        .forEach(
            (name, token) -> {
              if (!Operator.isName(name)) {
                throw new BrokerConfigurationException(
                    "halfmsg.auth.named-admin-tokens has an invalid operator name.",
                    "Name each admin token with 1 to 64 characters of " + Operator.NAME_CHARS);
              }
              register(token, new Holder(Role.ADMIN, name));
            });
    this.allowAnonymous = properties.allowAnonymous();
    if (allowAnonymous) {
      log.warn(
          "*** halfmsg.auth.allow-anonymous=true: THE BROKER IS OPEN. Requests without a token act"
              + " as admin. Never use this outside development. ***");
    }
  }

  private void register(String token, Holder holder) {
    Holder previous = holderByDigest.put(digest(token), holder);
    if (previous != null && !previous.equals(holder)) {
      throw new BrokerConfigurationException(
          previous.role() == holder.role()
              ? "The same admin token is configured under two operator names."
              : "The same token is configured for roles "
                  + previous.role()
                  + " and "
                  + holder.role()
                  + ".",
          "Give each role, and each operator, its own tokens.");
    }
  }

  /** Who holds a presented token, or empty if the token is unknown. */
  Optional<Holder> holderOf(String token) {
    return Optional.ofNullable(holderByDigest.get(digest(token)));
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
