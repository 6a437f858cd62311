package io.halfmsg.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.broker.BrokerConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named admin tokens beside the plain lists: who holds which, and the settings refused. */
class TokenRegistryTest {

  @Test
  void aNamedAdminTokensHolderIsItsOperatorAndPlainOnesStayValid() {
    TokenRegistry tokens = registry(List.of("plain-admin"), Map.of("alice", "alice-token"));

    assertThat(tokens.holderOf("alice-token"))
        .contains(new TokenRegistry.Holder(Role.ADMIN, "alice"));
    assertThat(tokens.holderOf("plain-admin")).contains(new TokenRegistry.Holder(Role.ADMIN, null));
    assertThat(tokens.holderOf("producer-token"))
        .contains(new TokenRegistry.Holder(Role.PRODUCER, null));
    assertThat(tokens.holderOf("alice")).isEmpty();
    assertThat(new AdminTokens(tokens).admin("alice-token"))
        .contains(new AdminTokens.Admin("alice"));
    assertThat(new AdminTokens(tokens).admin("producer-token")).isEmpty();
  }

  @Test
  void namedTokensAloneAreEnoughToStart() {
    assertThat(
            new TokenRegistry(new AuthProperties(null, null, null, Map.of("bob", "b"), false))
                .holderOf("b"))
        .isPresent();
  }

  @Test
  void oneTokenUnderTwoNamesOrTwoRolesAndBadNamesAreRefused() {
    assertThatThrownBy(() -> registry(List.of(), Map.of("alice", "same", "bob", "same")))
        .isInstanceOf(BrokerConfigurationException.class)
        .hasMessageContaining("two operator names");
    assertThatThrownBy(() -> registry(List.of(), Map.of("alice", "producer-token")))
        .isInstanceOf(BrokerConfigurationException.class)
        .hasMessageContaining("roles PRODUCER and ADMIN");
    assertThatThrownBy(() -> registry(List.of(), Map.of("bad/name", "t")))
        .isInstanceOf(BrokerConfigurationException.class)
        .hasMessageContaining("invalid operator name")
        .hasMessageNotContaining("t\"");
  }

  private static TokenRegistry registry(List<String> admins, Map<String, String> named) {
    return new TokenRegistry(
        new AuthProperties(List.of("producer-token"), List.of(), admins, named, false));
  }
}
