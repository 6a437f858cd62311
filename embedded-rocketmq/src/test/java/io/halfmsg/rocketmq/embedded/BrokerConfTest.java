package io.halfmsg.rocketmq.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.rocketmq.store.config.BrokerRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfTest {

  @TempDir Path dir;

  @Test
  void setsEachKeyOnTheObjectThatHasTheSetting() throws IOException {
    RocketMqSettings settings =
        apply(
            """
            brokerClusterName = DefaultCluster
            brokerName = broker-a
            brokerRole = ASYNC_MASTER
            listenPort = 20911
            autoCreateTopicEnable = TRUE
            fileReservedTime = 48
            """);

    assertThat(settings.brokerConfig.getBrokerClusterName()).isEqualTo("DefaultCluster");
    assertThat(settings.brokerConfig.getBrokerName()).isEqualTo("broker-a");
    assertThat(settings.storeConfig.getBrokerRole()).isEqualTo(BrokerRole.ASYNC_MASTER);
    assertThat(settings.brokerServerConfig.getListenPort()).isEqualTo(20911);
    assertThat(settings.brokerConfig.isAutoCreateTopicEnable()).isTrue();
    assertThat(settings.storeConfig.getFileReservedTime()).isEqualTo(48);
    assertThat(settings.authConfig).as("made for the broker, as mqbroker does").isNotNull();
  }

  @Test
  void refusesAKeyNoSettingTakes() {
    // mqbroker would start with autoCreateTopicEnable at its default and say nothing.
    assertThatThrownBy(() -> apply("autoCreateTopicEnabel = true\nbrokerName = broker-a\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("autoCreateTopicEnabel")
        .hasMessageNotContaining("brokerName");
  }

  @Test
  void refusesAValueItsSettingCannotTake() {
    // Properties keeps the trailing blank; Integer.parseInt refuses it, and mqbroker keeps 10911.
    assertThatThrownBy(() -> apply("listenPort = 20911 \n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listenPort = '20911 '");
  }

  private RocketMqSettings apply(String conf) throws IOException {
    Path file = Files.writeString(dir.resolve("broker.conf"), conf);
    RocketMqSettings settings = new RocketMqSettings(dir, "embedded", 0, 0, true);
    BrokerConf.apply(file, settings);
    return settings;
  }
}
