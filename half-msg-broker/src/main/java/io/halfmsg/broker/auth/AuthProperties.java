package io.halfmsg.broker.auth;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bearer tokens per role. Lists are comma-separated in properties files. Tokens are secrets: they
 * are never logged and never shown by any endpoint.
 *
 * @param producerTokens tokens of producer services (prepare, commit, rollback, endpoints)
 * @param consumerTokens tokens of consumer services (subscriptions, acks)
 * @param adminTokens tokens of operators; an admin token may do everything
 * @param allowAnonymous development switch: requests without a token act as admin. Without any
 *     token configured the broker refuses to start unless this is set.
 */
@ConfigurationProperties("halfmsg.auth")
public record AuthProperties(
    List<String> producerTokens,
    List<String> consumerTokens,
    List<String> adminTokens,
    boolean allowAnonymous) {

  public AuthProperties {
    producerTokens = clean(producerTokens);
    consumerTokens = clean(consumerTokens);
    adminTokens = clean(adminTokens);
  }

  boolean hasTokens() {
    return !(producerTokens.isEmpty() && consumerTokens.isEmpty() && adminTokens.isEmpty());
  }

  private static List<String> clean(List<String> tokens) {
    return tokens == null
        ? List.of()
        : tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
  }

  @Override
  public String toString() {
    return "AuthProperties[tokens hidden, allowAnonymous=" + allowAnonymous + "]";
  }
}
