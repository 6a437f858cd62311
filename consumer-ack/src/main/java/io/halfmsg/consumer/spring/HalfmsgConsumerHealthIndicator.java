package io.halfmsg.consumer.spring;

import io.halfmsg.consumer.ConsumerHealth;
import java.util.List;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * {@code halfmsgConsumer} in {@code /actuator/health}: UP once every {@code @HalfmsgListener} group
 * consumes (started, and RocketMQ gave it its topics' and retry topic's routes), DOWN before that —
 * so that an instance is not taken for ready while its messages would wait — and DOWN once stopped.
 * Each group's state is in the details. Without listeners it is UP and says so.
 */
class HalfmsgConsumerHealthIndicator extends AbstractHealthIndicator {

  private final ListenerContainer container;

  HalfmsgConsumerHealthIndicator(ListenerContainer container) {
    super("halfmsg consumer health check failed");
    this.container = container;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    if (!container.hasListeners()) {
      builder.up().withDetail("groups", "no @HalfmsgListener methods");
      return;
    }
    List<ConsumerHealth> groups = container.health();
    if (groups.isEmpty()) {
      builder.down().withDetail("groups", "not started yet");
      return;
    }
    if (groups.stream().allMatch(ConsumerHealth::consuming)) {
      builder.up();
    } else {
      builder.down();
    }
    groups.forEach(g -> builder.withDetail(g.group(), g.detail()));
  }
}
