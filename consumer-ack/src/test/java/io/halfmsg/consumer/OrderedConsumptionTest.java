package io.halfmsg.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMqExtension;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Messages with sharding keys through the plain consumer, with handlers that fail now and then: a
 * plain (concurrent) {@link HalfmsgConsumer} applies each key's messages in the order they were
 * prepared, each once, because the broker lets only one message of a key be in flight.
 */
class OrderedConsumptionTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static AppDatabase app = new AppDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = EmbeddedRocketMqExtension.shared();

  static TestStack stack;

  record Step(String key, int seq) {}

  @BeforeAll
  static void start() {
    stack = TestStack.start(brokerDb, mq.instance());
    app.execute(
        "CREATE TABLE IF NOT EXISTS applied_step (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
            + " consumer_group VARCHAR(127) NOT NULL, shard VARCHAR(128) NOT NULL,"
            + " seq INT NOT NULL)");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void eachKeysMessagesAreAppliedInPrepareOrderOnceDespiteFailingHandlers() throws Exception {
    String topic = stack.newTopic("ordered", 4);
    String group = "g_" + topic;
    int keys = 20;
    int perKey = 15;
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    List<Step> applied = new CopyOnWriteArrayList<>();
    List<String> wrongKeys = new CopyOnWriteArrayList<>();
    try (HalfmsgConsumer consumer =
        stack
            .consumer(group)
            .dataSource(app.dataSource())
            .autoCreateDedupeTable(true)
            .ackTimeout(Duration.ofMillis(500))
            .maxAttempts(16)
            .ackMaxDelay(Duration.ofMillis(10))
            .consumeThreads(8)
            .subscribe(
                topic,
                "*",
                Step.class,
                (step, message, c) -> {
                  if (!step.key().equals(message.shardingKey())) {
                    wrongKeys.add(step + " came with " + message.shardingKey());
                  }
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "INSERT INTO applied_step (consumer_group, shard, seq)"
                              + " VALUES (?, ?, ?)")) {
                    ps.setString(1, group);
                    ps.setString(2, step.key());
                    ps.setInt(3, step.seq());
                    ps.executeUpdate();
                  }
                  // One in five first tries fails after its work: rolled back, sent again.
                  if (ThreadLocalRandom.current().nextInt(5) == 0
                      && failures
                              .computeIfAbsent(message.messageId(), k -> new AtomicInteger())
                              .incrementAndGet()
                          == 1) {
                    throw new IllegalStateException("failing once, on purpose");
                  }
                  applied.add(step);
                })
            .build()
            .start()) {
      // One thread per key sends its steps one after the other; the keys go side by side.
      ExecutorService producers = Executors.newFixedThreadPool(4);
      List<Future<?>> sent = new ArrayList<>();
      for (int k = 0; k < keys; k++) {
        String key = "key-" + k;
        sent.add(
            producers.submit(
                () -> {
                  for (int seq = 0; seq < perKey; seq++) {
                    stack.send(topic, "step", "{\"key\":\"" + key + "\",\"seq\":" + seq + "}", key);
                  }
                }));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      producers.shutdown();

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> app.dedupeRows(group) == keys * perKey);

      Map<String, List<Integer>> byKey = new HashMap<>();
      app.query(
          "SELECT shard, seq FROM applied_step WHERE consumer_group = ? ORDER BY id",
          rs -> byKey.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2)),
          group);
      List<Integer> inOrder = new ArrayList<>();
      for (int seq = 0; seq < perKey; seq++) {
        inOrder.add(seq);
      }
      assertThat(byKey).hasSize(keys);
      byKey.forEach(
          (key, seqs) ->
              assertThat(seqs)
                  .as("committed work of " + key + ", in order, once")
                  .isEqualTo(inOrder));
      assertThat(failures).as("some handlers failed and were retried").isNotEmpty();
      assertThat(wrongKeys).as("ReceivedMessage.shardingKey()").isEmpty();
    }
  }
}
