package io.halfmsg.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerConfigurationException;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** A broker without tokens refuses to start, unless the development switch opens it, loudly. */
@ExtendWith(OutputCaptureExtension.class)
class StartupSafetyTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @Test
  void refusesToStartWithoutTokensAndSaysWhatToDoInsteadOfAStackTrace(CapturedOutput output) {
    assertThatThrownBy(() -> start(Map.of()).close())
        .hasRootCauseInstanceOf(BrokerConfigurationException.class)
        .rootCause()
        .hasMessageContaining("No tokens configured")
        .hasMessageContaining("halfmsg.auth.allow-anonymous");
    assertThat(output)
        .contains("APPLICATION FAILED TO START")
        .contains("No tokens configured: the broker does not start open.")
        .contains("HALFMSG_AUTH_PRODUCER_TOKENS")
        .contains("halfmsg-standalone")
        .doesNotContain("at io.halfmsg.broker.auth.TokenRegistry.<init>");
  }

  @Test
  void oneTokenForTwoRolesIsRefused() {
    Map<String, Object> props = new HashMap<>(BrokerClient.TOKEN_PROPERTIES);
    props.put("halfmsg.auth.consumer-tokens", BrokerClient.PRODUCER_TOKEN);
    assertThatThrownBy(() -> start(props).close())
        .hasRootCauseInstanceOf(BrokerConfigurationException.class)
        .rootCause()
        .hasMessageContaining("same token is configured for roles PRODUCER and CONSUMER");
  }

  @Test
  void theDevelopmentSwitchOpensItAndSaysSo(CapturedOutput output) {
    try (ConfigurableApplicationContext broker =
        start(Map.of("halfmsg.auth.allow-anonymous", "true"))) {
      BrokerClient anonymous = BrokerInstances.client(broker, null);

      assertThat(anonymous.get("/api/v1/messages/none").status()).isEqualTo(404);
      assertThat(output).contains("THE BROKER IS OPEN");
    }
  }

  @Test
  void tokensNeverAppearInTheLog(CapturedOutput output) {
    Map<String, Object> props = new HashMap<>(BrokerClient.TOKEN_PROPERTIES);
    props.put("debug", "true");
    props.put("halfmsg.auth.named-admin-tokens.ops", "named-ops-secret-token");
    try (ConfigurableApplicationContext broker = start(props)) {
      BrokerInstances.client(broker, "wrong-" + BrokerClient.ADMIN_TOKEN).get("/api/v1/messages/x");
    }
    assertThat(output)
        .doesNotContain(BrokerClient.PRODUCER_TOKEN)
        .doesNotContain(BrokerClient.CONSUMER_TOKEN)
        .doesNotContain(BrokerClient.ADMIN_TOKEN)
        .doesNotContain("named-ops-secret-token");
  }

  private static ConfigurableApplicationContext start(Map<String, Object> properties) {
    return BrokerInstances.startWithout(db, properties);
  }
}
