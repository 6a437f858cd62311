package io.halfmsg.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl;
import org.apache.rocketmq.common.MixAll;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a just-started push consumer read its group's retry topic, which carries every halfmsg
 * redelivery, at once.
 *
 * <p>The RocketMQ broker creates {@code %RETRY%<group>} when the group's first heartbeat arrives,
 * but the push consumer looks up its routes before sending that heartbeat and then only every 30 s
 * ({@code pollNameServerInterval}). For a new group, redeliveries would wait up to that long. So
 * after the start this looks the route up until the name server has it, then rebalances once, so
 * that the new consumer pulls from its queues (and the retry topic) without the usual delay.
 */
final class RetryTopicRoute {

  private static final Logger log = LoggerFactory.getLogger(RetryTopicRoute.class);
  private static final long STEP_MILLIS = 200;

  private RetryTopicRoute() {}

  /** The topics among these, and the group's retry topic, whose routes the consumer lacks. */
  static List<String> unknownRoutes(DefaultMQPushConsumer consumer, Collection<String> topics) {
    var known =
        consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getTopicSubscribeInfoTable();
    List<String> unknown = new ArrayList<>();
    for (String topic : topics) {
      if (!known.containsKey(topic)) {
        unknown.add(topic);
      }
    }
    String retryTopic = MixAll.getRetryTopic(consumer.getConsumerGroup());
    if (!known.containsKey(retryTopic)) {
      unknown.add(retryTopic);
    }
    return unknown;
  }

  static void awaitAndRebalance(DefaultMQPushConsumer consumer, Duration patience) {
    awaitAndRebalance(consumer, MixAll.getRetryTopic(consumer.getConsumerGroup()), patience);
  }

  /**
   * Like {@link #awaitAndRebalance(DefaultMQPushConsumer, Duration)}, for {@code topic}: also a
   * topic subscribed to after the start, whose route RocketMQ would look up only at its next
   * refresh.
   */
  static void awaitAndRebalance(DefaultMQPushConsumer consumer, String topic, Duration patience) {
    DefaultMQPushConsumerImpl impl = consumer.getDefaultMQPushConsumerImpl();
    long deadline = System.nanoTime() + patience.toNanos();
    try {
      while (!impl.getRebalanceImpl().getTopicSubscribeInfoTable().containsKey(topic)) {
        if (impl.getmQClientFactory().updateTopicRouteInfoFromNameServer(topic)) {
          continue;
        }
        if (System.nanoTime() - deadline > 0) {
          log.warn(
              "The route of {} is not known yet; its messages to group {} may wait for the next"
                  + " route refresh (up to 30 s)",
              topic,
              consumer.getConsumerGroup());
          break;
        }
        TimeUnit.MILLISECONDS.sleep(STEP_MILLIS);
      }
      impl.doRebalance();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
