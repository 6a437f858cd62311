package io.halfmsg.broker.checkback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Several broker instances (separate application contexts) on one database: they share the
 * check-back work without a leader, never check a message twice within its lease, and take over the
 * messages of an instance that died.
 */
class CheckBackClusterTest {

  private static final String SECRET = "cluster-secret";
  private static final String GROUP = "order-service";

  @RegisterExtension TestDatabase db = new TestDatabase();

  private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

  @AfterEach
  void stopInstances() {
    instances.forEach(ConfigurableApplicationContext::close);
    db.afterAll(null);
  }

  @ParameterizedTest(name = "{0} instances")
  @ValueSource(ints = {2, 3})
  void instancesShareTenThousandCheckBacksAndCheckEachMessageOnce(int count) throws Exception {
    int messages = 10_000;
    try (FakeProducer producer = new FakeProducer(SECRET)) {
      producer.answer(call -> FakeProducer.Reply.state("COMMIT"));
      for (int i = 0; i < count; i++) {
        instances.add(start(Map.of("halfmsg.check-back.lease", "30s")));
      }
      register(instances.get(0), producer.url());

      long started = System.nanoTime();
      insertDueMessages(messages);
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> countInState("COMMITTED") == messages);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      System.out.printf(
          "Check-back cluster: %d instances resolved %d messages in %d ms (%.0f msg/s)%n",
          count, messages, elapsedMs, messages * 1000.0 / elapsedMs);
      Map<String, Integer> calls = producer.callsPerMessage();
      assertThat(calls).hasSize(messages);
      assertThat(calls.values()).as("no message is checked twice").containsOnly(1);
      assertThat(countResolvedBy("CHECK_BACK")).isEqualTo(messages);
    }
  }

  @Test
  void messagesOfAnInstanceThatDiedAreCheckedAgainAfterTheLease() throws Exception {
    Duration lease = Duration.ofSeconds(3);
    CountDownLatch hang = new CountDownLatch(1);
    try (FakeProducer producer = new FakeProducer(SECRET)) {
      // First calls hang (the instance dies with them in flight); later ones answer at once.
      producer.answer(
          call ->
              producer.callsFor(call.messageId()).size() == 1
                  ? FakeProducer.Reply.state("COMMIT").after(() -> awaitQuietly(hang))
                  : FakeProducer.Reply.state("COMMIT"));
      Map<String, String> props =
          Map.of(
              "halfmsg.check-back.lease",
              lease.toMillis() + "ms",
              "halfmsg.check-back.request-timeout",
              "60s");
      ConfigurableApplicationContext doomed = start(props);
      register(doomed, producer.url());
      List<String> ids = insertDueMessages(10);
      await().atMost(Duration.ofSeconds(10)).until(() -> producer.calls().size() == 10);

      doomed.close();
      instances.add(start(props));

      await().atMost(Duration.ofSeconds(20)).until(() -> countInState("COMMITTED") == 10);
      hang.countDown();
      for (String id : ids) {
        List<FakeProducer.Call> calls = producer.callsFor(id);
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at()))
            .as("checked again only after the lease")
            .isGreaterThanOrEqualTo(lease.minusMillis(200));
      }
    }
  }

  private ConfigurableApplicationContext start(Map<String, String> extra) {
    Map<String, Object> props = new java.util.HashMap<>(extra);
    props.put("halfmsg.check-back.default-secret", SECRET);
    props.put("halfmsg.check-back.poll-interval", "100ms");
    props.put("halfmsg.check-back.endpoint-ttl", "1h");
    return BrokerInstances.start(db, props);
  }

  private void register(ConfigurableApplicationContext instance, String url) {
    BrokerClient producer = BrokerInstances.client(instance, BrokerClient.PRODUCER_TOKEN);
    assertThat(
            producer
                .put(
                    "/api/v1/producer-groups/" + GROUP + "/endpoints",
                    BrokerClient.json(Map.of("checkBackUrl", url)))
                .status())
        .isEqualTo(200);
  }

  /** Writes due PREPARED messages straight into the store: faster than 10,000 HTTP prepares. */
  private List<String> insertDueMessages(int n) throws Exception {
    List<String> ids = new ArrayList<>();
    String now = LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1).toString().replace('T', ' ');
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO hm_message (message_id, producer_group, topic, body, body_encoding,"
                    + " state, check_count, next_check_at, version, created_at)"
                    + " VALUES (?, ?, 'repo_deduction', ?, 'utf8', 'PREPARED', 0, ?, 0, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < n; i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        s.setString(1, id);
        s.setString(2, GROUP);
        s.setBytes(3, "{}".getBytes());
        s.setString(4, now);
        s.setString(5, now);
        s.addBatch();
        if (i % 1000 == 999) {
          s.executeBatch();
        }
      }
      s.executeBatch();
      c.commit();
    }
    return ids;
  }

  private long countInState(String state) throws Exception {
    return count("SELECT COUNT(*) FROM hm_message WHERE state = '" + state + "'");
  }

  private long countResolvedBy(String by) throws Exception {
    return count("SELECT COUNT(*) FROM hm_message WHERE resolved_by = '" + by + "'");
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
