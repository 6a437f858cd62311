package io.halfmsg.testsupport.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedRocketMqExtensionTest {

  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @Test
  void givesTheClassARunningBroker() throws Exception {
    mq.createTopic("extension-topic");

    MessageExt got = RoundTrip.sendAndReceive(mq.namesrvAddr(), "extension-topic", "via extension");

    assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("via extension");
  }

  @Test
  void stopsAfterAllAndStartsAgainOnNextUse() {
    EmbeddedRocketMqExtension own = new EmbeddedRocketMqExtension();
    own.beforeAll(null);
    EmbeddedRocketMq first = own.instance();

    own.afterAll(null);

    assertThat(first.baseDir()).doesNotExist();
    EmbeddedRocketMq second = own.instance();
    try {
      assertThat(second).isNotSameAs(first);
      second.createTopic("again");
    } finally {
      own.afterAll(null);
    }
  }

  @Test
  void sharedFormGivesOneBrokerPerJvm() {
    EmbeddedRocketMqExtension a = EmbeddedRocketMqExtension.shared();
    EmbeddedRocketMqExtension b = EmbeddedRocketMqExtension.shared();
    a.beforeAll(null);
    b.beforeAll(null);

    assertThat(a.instance()).isSameAs(b.instance());
    a.afterAll(null);
    a.createTopic("still-running");
  }
}
