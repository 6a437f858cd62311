package io.halfmsg.broker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sharding keys with two broker instances sharing the store: prepares, commits and acks go to
 * either instance, one instance stops while keys are in flight, and every key's messages still
 * reach the consumer group in prepare order, each applied once. The hand-over of a key from one
 * message to the next lives in the database, not in the instance that saw the ack.
 */
class OrderedDeliveryClusterTest {

  private static final int KEYS = 30;
  private static final int PER_KEY = 8;

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @Test
  void keysStayInOrderAcrossInstancesAndWhenOneStops() throws Exception {
    String topic = "oc_" + UUID.randomUUID().toString().substring(0, 8);
    String group = "g_" + topic;
    mq.instance().createTopic(topic);
    ConfigurableApplicationContext a = start();
    ConfigurableApplicationContext b = start();
    List<ConfigurableApplicationContext> running = new CopyOnWriteArrayList<>(List.of(a, b));
    try {
      BrokerInstances.client(a, BrokerClient.CONSUMER_TOKEN)
          .put(
              "/api/v1/subscriptions/" + group,
              BrokerClient.json(Map.of("topics", List.of(topic), "ackTimeoutMs", 3_000)));
      Map<String, List<String>> prepared = new LinkedHashMap<>();
      Map<String, List<String>> applied = new ConcurrentHashMap<>();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      try (PlainConsumer consumer =
          new PlainConsumer(mq.instance().namesrvAddr(), group, topic, "*")) {
        consumer.onMessage(m -> apply(m, group, seen, applied, running));
        // Step by step, so each key's prepare order is defined; each step through either
        // instance, its commits through the other one, last step first.
        List<List<String>> steps = new ArrayList<>();
        for (int seq = 0; seq < PER_KEY; seq++) {
          List<Map<String, Object>> batch = new ArrayList<>();
          for (int k = 0; k < KEYS; k++) {
            Map<String, Object> m = DeliveryTest.message(topic, "step");
            m.put("shardingKey", "key-" + k);
            batch.add(m);
            prepared
                .computeIfAbsent("key-" + k, x -> new ArrayList<>())
                .add((String) m.get("messageId"));
          }
          BrokerClient via = client(seq % 2 == 0 ? a : b);
          assertThat(via.prepareBatch(batch).status()).isEqualTo(200);
          steps.add(batch.stream().map(m -> (String) m.get("messageId")).toList());
        }
        for (int seq = PER_KEY - 1; seq >= 0; seq--) {
          BrokerClient via = client(seq % 2 == 0 ? b : a);
          var commits = steps.get(seq).stream().map(BrokerClient::commitOf).toList();
          assertThat(via.decide(commits).status()).isEqualTo(200);
        }

        await("a third of the messages applied")
            .atMost(Duration.ofSeconds(60))
            .until(() -> seen.size() >= KEYS * PER_KEY / 3);
        running.remove(a);
        a.close();

        await("every message applied, after instance a stopped")
            .atMost(Duration.ofSeconds(90))
            .until(() -> seen.size() == KEYS * PER_KEY);
        prepared.forEach(
            (key, ids) ->
                assertThat(applied.get(key)).as("applied messages of " + key).isEqualTo(ids));
        await("every key's queue empty: each head acked and handed over")
            .atMost(Duration.ofSeconds(30))
            .until(() -> queuedMessages() == 0);
      }
    } finally {
      for (ConfigurableApplicationContext c : running) {
        c.close();
      }
    }
  }

  /** Applies a message once, in arrival order, and acks it through a running instance. */
  private static void apply(
      MessageExt m,
      String group,
      Set<String> seen,
      Map<String, List<String>> applied,
      List<ConfigurableApplicationContext> running) {
    String id = m.getUserProperty(RocketMqHeaders.MESSAGE_ID);
    String key = m.getProperty(MessageConst.PROPERTY_SHARDING_KEY);
    if (seen.add(id)) {
      applied.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>())).add(id);
    }
    List<ConfigurableApplicationContext> now = List.copyOf(running);
    ConfigurableApplicationContext to = now.get(ThreadLocalRandom.current().nextInt(now.size()));
    try {
      BrokerInstances.client(to, BrokerClient.CONSUMER_TOKEN)
          .post(
              "/api/v1/acks",
              BrokerClient.json(List.of(Map.of("messageId", id, "consumerGroup", group))));
    } catch (RuntimeException stoppedMeanwhile) {
      // The ack is lost, as a consumer's ack to a crashed instance is: redelivery follows.
    }
  }

  private static long queuedMessages() throws Exception {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM hm_key_queue");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static BrokerClient client(ConfigurableApplicationContext instance) {
    return BrokerInstances.client(instance, BrokerClient.PRODUCER_TOKEN);
  }

  private static ConfigurableApplicationContext start() {
    Map<String, Object> props = new HashMap<>();
    props.put("halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
    props.put("halfmsg.check-back.first-check-after", "1h");
    return BrokerInstances.start(db, props);
  }
}
