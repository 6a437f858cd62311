package io.halfmsg.broker.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Bearer tokens per role. Lists are comma-separated in properties files. Tokens are secrets: they
 * are never logged and never shown by any endpoint.
 *
 * @param producerTokens tokens of producer services (prepare, commit, rollback, endpoints)
 * @param consumerTokens tokens of consumer services (subscriptions, acks)
 * @param adminTokens tokens of operators; an admin token may do everything
 * @param namedAdminTokens admin tokens by operator name ({@code
 *     halfmsg.auth.named-admin-tokens.alice=<token>}): the name goes into the history of what its
 *     holder does. Unnamed {@code admin-tokens} stay valid.
 * @param allowAnonymous development switch: requests without a token act as admin. Without any
 *     token configured the broker refuses to start unless this is set.
 */
@ConfigurationProperties("halfmsg.auth")
public record AuthProperties(
    List<String> producerTokens,
    List<String> consumerTokens,
    List<String> adminTokens,
    Map<String, String> namedAdminTokens,
    boolean allowAnonymous) {

  public AuthProperties {
    producerTokens = clean(producerTokens);
    consumerTokens = clean(consumerTokens);
    adminTokens = clean(adminTokens);
    Map<String, String> named = new LinkedHashMap<>();
    if (namedAdminTokens != null) {
      namedAdminTokens.forEach(
          (name, token) -> {
            if (token != null && !token.isBlank()) {
              named.put(name, token.trim());
            }
          });
    }
    namedAdminTokens = Map.copyOf(named);
  }

  boolean hasTokens() {
    return !(producerTokens.isEmpty()
        && consumerTokens.isEmpty()
        && adminTokens.isEmpty()
        && namedAdminTokens.isEmpty());
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
