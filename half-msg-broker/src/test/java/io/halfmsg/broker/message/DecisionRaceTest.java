package io.halfmsg.broker.message;

import static io.halfmsg.broker.BrokerClient.commitOf;
import static io.halfmsg.broker.BrokerClient.rollbackOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every message committed and rolled back at the same moment, by single calls and by concurrent
 * batch requests whose decisions overlap in different orders: the batches' row locks collide, and
 * whatever deadlocks the database finds are retried away. Exactly one decision wins each message,
 * the other gets 409, and nobody gets a 503.
 */
@BrokerTest(
    properties = {
      "halfmsg.check-back.first-check-after=1h",
      "spring.datasource.hikari.maximum-pool-size=20"
    })
class DecisionRaceTest {

  private static final int MESSAGES = 40;
  private static final int BATCH_REQUESTS = 8;

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @RepeatedTest(3)
  void eightyConcurrentSingleCallsOneWinnerPerMessage() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    List<String> ids = prepared(producer);
    List<Supplier<Response>> calls = new ArrayList<>();
    for (String id : ids) {
      calls.add(() -> producer.commit(id));
      calls.add(() -> producer.rollback(id));
    }

    List<Response> responses = atTheSameMoment(calls);

    Map<String, List<Integer>> statuses = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      statuses.put(
          ids.get(i), List.of(responses.get(2 * i).status(), responses.get(2 * i + 1).status()));
    }
    assertOneWinnerEach(ids, statuses);
  }

  @RepeatedTest(3)
  void concurrentBatchesOfOverlappingDecisionsOneWinnerPerMessage() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    List<String> ids = prepared(producer);
    List<Map<String, String>> decisions = new ArrayList<>();
    ids.forEach(id -> decisions.add(commitOf(id)));
    ids.forEach(id -> decisions.add(rollbackOf(id)));
    Collections.shuffle(decisions);
    List<List<Map<String, String>>> batches = new ArrayList<>();
    int perBatch = decisions.size() / BATCH_REQUESTS;
    for (int b = 0; b < BATCH_REQUESTS; b++) {
      batches.add(decisions.subList(b * perBatch, (b + 1) * perBatch));
    }

    List<Response> responses =
        atTheSameMoment(
            batches.stream()
                .map(batch -> (Supplier<Response>) () -> producer.decide(batch))
                .toList());

    Map<String, List<Integer>> statuses = new HashMap<>();
    for (int b = 0; b < BATCH_REQUESTS; b++) {
      Response r = responses.get(b);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      List<JsonNode> results = MessageBatchApiTest.results(r);
      assertThat(results).hasSize(perBatch);
      for (int i = 0; i < perBatch; i++) {
        String id = batches.get(b).get(i).get("messageId");
        assertThat(results.get(i).path("messageId").asText()).isEqualTo(id);
        statuses
            .computeIfAbsent(id, k -> new ArrayList<>())
            .add(results.get(i).path("status").asInt());
      }
    }
    assertOneWinnerEach(ids, statuses);
  }

  private void assertOneWinnerEach(List<String> ids, Map<String, List<Integer>> statuses)
      throws Exception {
    Map<String, String> stored = storedStates();
    for (String id : ids) {
      assertThat(statuses.get(id)).as(id).containsExactlyInAnyOrder(200, 409);
      assertThat(stored.get(id)).as(id).isIn("COMMITTED", "ROLLED_BACK");
    }
  }

  private static List<String> prepared(BrokerClient producer) {
    List<Map<String, Object>> messages = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      messages.add(MessageApiTest.message(UUID.randomUUID().toString()));
    }
    assertThat(MessageBatchApiTest.results(producer.prepareBatch(messages)))
        .allSatisfy(r -> assertThat(r.path("status").asInt()).isEqualTo(201));
    return messages.stream().map(m -> (String) m.get("messageId")).toList();
  }

  /** Runs the calls on threads of their own, all released by one barrier; answers in order. */
  private static List<Response> atTheSameMoment(List<Supplier<Response>> calls) {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    CyclicBarrier start = new CyclicBarrier(calls.size());
    try {
      List<CompletableFuture<Response>> running =
          calls.stream()
              .map(
                  call ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            try {
                              start.await();
                            } catch (Exception e) {
                              throw new IllegalStateException(e);
                            }
                            return call.get();
                          },
                          pool))
              .toList();
      return running.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, String> storedStates() throws Exception {
    Map<String, String> states = new HashMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT message_id, state FROM hm_message")) {
      while (rs.next()) {
        states.put(rs.getString(1), rs.getString(2));
      }
    }
    return states;
  }
}
