package io.halfmsg.broker.checkback;

import io.halfmsg.api.signing.RequestSigner;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The signer of each producer group's check-back requests, built once from {@code
 * halfmsg.check-back.secrets.<group>} or {@code halfmsg.check-back.default-secret}.
 */
@Component
public class CheckBackSecrets {

  private final Map<String, RequestSigner> byGroup = new HashMap<>();
  private final RequestSigner fallback;

  CheckBackSecrets(CheckBackProperties properties, Clock clock) {
    properties
        .secrets()
        .forEach((group, secret) -> byGroup.put(group, new RequestSigner(secret, clock)));
    String defaultSecret = properties.defaultSecret();
    this.fallback =
        defaultSecret == null || defaultSecret.isBlank()
            ? null
            : new RequestSigner(defaultSecret, clock);
  }

  public boolean hasSecretFor(String producerGroup) {
    return signerFor(producerGroup).isPresent();
  }

  Optional<RequestSigner> signerFor(String producerGroup) {
    return Optional.ofNullable(byGroup.getOrDefault(producerGroup, fallback));
  }
}
