package io.halfmsg.broker.rocketmq;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The RocketMQ cluster committed messages are forwarded to.
 *
 * @param namesrvAddr name server address(es), {@code host:port;host:port}. Without it the broker
 *     forwards nothing: committed messages wait, counted, until it is configured
 * @param producerGroup the RocketMQ producer group the broker sends as
 * @param sendTimeout timeout of one send
 */
@ConfigurationProperties("halfmsg.rocketmq")
public record RocketMqProperties(String namesrvAddr, String producerGroup, Duration sendTimeout) {

  public RocketMqProperties {
    producerGroup = producerGroup == null ? "halfmsg-broker" : producerGroup;
    sendTimeout = sendTimeout == null ? Duration.ofSeconds(3) : sendTimeout;
  }

  boolean configured() {
    return namesrvAddr != null && !namesrvAddr.isBlank();
  }
}
