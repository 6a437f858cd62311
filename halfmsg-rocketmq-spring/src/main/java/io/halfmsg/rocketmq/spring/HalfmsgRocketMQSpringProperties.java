package io.halfmsg.rocketmq.spring;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which {@code @RocketMQMessageListener} consumers take halfmsg's acked, deduplicated path; the
 * halfmsg connection itself is configured under {@code halfmsg.consumer.*} as for consumer-ack.
 *
 * @param consumers the opted-in consumers
 */
@ConfigurationProperties("halfmsg.rocketmq-spring")
public record HalfmsgRocketMQSpringProperties(@DefaultValue Consumers consumers) {

  /**
   * @param acked whether every {@code @RocketMQMessageListener} consumer is acked
   * @param ackedGroups the consumer groups that are acked (when {@code acked} is false)
   */
  public record Consumers(@DefaultValue("false") boolean acked, List<String> ackedGroups) {

    public Consumers {
      ackedGroups = ackedGroups == null ? List.of() : List.copyOf(ackedGroups);
    }

    boolean isAcked(String group) {
      return acked || ackedGroups.contains(group);
    }
  }
}
