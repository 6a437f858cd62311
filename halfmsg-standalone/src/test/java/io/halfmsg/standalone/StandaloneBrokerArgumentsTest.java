package io.halfmsg.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StandaloneBrokerArgumentsTest {

  @Test
  void defaultsAreTheWellKnownPortsAndALocalDataDirectory() {
    StandaloneOptions options = StandaloneBroker.parse(new String[0]);
    assertThat(options.brokerPort()).isEqualTo(8080);
    assertThat(options.namesrvPort()).isEqualTo(9876);
    assertThat(options.rocketMqBrokerPort()).isEqualTo(10911);
    assertThat(options.dataDir()).isEqualTo(Path.of(".halfmsg-standalone"));
    assertThat(options.properties()).isEmpty();
  }

  @Test
  void launcherOptionsAreReadAndEverythingElseGoesToTheBroker() {
    StandaloneOptions options =
        StandaloneBroker.parse(
            new String[] {
              "--in-memory",
              "--server.port=18080",
              "--namesrv-port=19876",
              "--rocketmq-broker-port=20911",
              "--halfmsg.delivery.ack-timeout=5s"
            });
    assertThat(options.dataDir()).isNull();
    assertThat(options.brokerPort()).isEqualTo(18080);
    assertThat(options.namesrvPort()).isEqualTo(19876);
    assertThat(options.rocketMqBrokerPort()).isEqualTo(20911);
    assertThat(options.properties())
        .containsExactly(java.util.Map.entry("halfmsg.delivery.ack-timeout", "5s"));
  }

  @Test
  void somethingElseIsRefused() {
    assertThatThrownBy(() -> StandaloneBroker.parse(new String[] {"serve"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serve");
  }
}
