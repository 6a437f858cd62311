package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.WireRules;
import org.apache.rocketmq.common.message.MessageConst;
import org.junit.jupiter.api.Test;

/** The SDKs' copy of RocketMQ's reserved property names is the RocketMQ the broker runs with. */
class RocketMqSystemPropertiesTest {

  @Test
  void wireRulesReservesExactlyRocketMqsSystemProperties() {
    assertThat(WireRules.ROCKETMQ_SYSTEM_PROPERTIES)
        .containsExactlyInAnyOrderElementsOf(MessageConst.STRING_HASH_SET);
  }
}
