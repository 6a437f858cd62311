package io.halfmsg.broker.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Commit and rollback of the same messages, raced over HTTP: exactly one wins each message. */
@BrokerTest(properties = {"halfmsg.check-back.first-check-after=1h"})
class CommitRollbackRaceTest {

  private static final int MESSAGES = 300;
  private static final int RACERS_PER_SIDE = 2;

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;

  @Test
  void exactlyOneOutcomeWinsPerMessageAndTheLoserGets409() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      String id = UUID.randomUUID().toString();
      ids.add(id);
      assertThat(producer.prepare(MessageApiTest.message(id)).status()).isEqualTo(201);
    }

    int threads = 2 * RACERS_PER_SIDE;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, List<Response>> commits = new HashMap<>();
    Map<String, List<Response>> rollbacks = new HashMap<>();
    try {
      for (String id : ids) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<CompletableFuture<Response>> c = new ArrayList<>();
        List<CompletableFuture<Response>> r = new ArrayList<>();
        for (int k = 0; k < RACERS_PER_SIDE; k++) {
          c.add(CompletableFuture.supplyAsync(() -> race(start, () -> producer.commit(id)), pool));
          r.add(
              CompletableFuture.supplyAsync(() -> race(start, () -> producer.rollback(id)), pool));
        }
        commits.put(id, c.stream().map(CompletableFuture::join).toList());
        rollbacks.put(id, r.stream().map(CompletableFuture::join).toList());
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, String> stored = storedStates();
    int committedWins = 0;
    for (String id : ids) {
      List<Response> c = commits.get(id);
      List<Response> r = rollbacks.get(id);
      boolean commitWon = c.stream().allMatch(x -> x.status() == 200);
      boolean rollbackWon = r.stream().allMatch(x -> x.status() == 200);
      assertThat(commitWon ^ rollbackWon).as("exactly one side wins " + id).isTrue();
      List<Response> losers = commitWon ? r : c;
      assertThat(losers)
          .allSatisfy(
              x -> {
                assertThat(x.status()).isEqualTo(409);
                assertThat(x.problemType()).isEqualTo("urn:halfmsg:problem:state-conflict");
              });
      assertThat(stored.get(id)).isEqualTo(commitWon ? "COMMITTED" : "ROLLED_BACK");
      committedWins += commitWon ? 1 : 0;
    }
    System.out.printf(
        "Race: %d messages, commit won %d, rollback won %d%n",
        MESSAGES, committedWins, MESSAGES - committedWins);
  }

  @Test
  void concurrentPreparesWithRetriesAndReusedIdsEachGetTheirOwnAnswer() throws Exception {
    BrokerClient producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
    int ids = 100;
    List<Map<String, Object>> requests = new ArrayList<>();
    for (int i = 0; i < ids; i++) {
      Map<String, Object> m = MessageApiTest.message(UUID.randomUUID().toString());
      requests.add(m);
      requests.add(new HashMap<>(m)); // a retry: same id, same content
      if (i % 4 == 0) {
        Map<String, Object> reused = new HashMap<>(m);
        reused.put("body", "other content " + i);
        requests.add(reused);
      }
    }
    java.util.Collections.shuffle(requests);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Response> responses;
    try {
      responses =
          requests.stream()
              .map(m -> CompletableFuture.supplyAsync(() -> producer.prepare(m), pool))
              .toList()
              .stream()
              .map(CompletableFuture::join)
              .toList();
    } finally {
      pool.shutdownNow();
    }

    Map<String, List<Integer>> statusesById = new HashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      statusesById
          .computeIfAbsent((String) requests.get(i).get("messageId"), k -> new ArrayList<>())
          .add(responses.get(i).status());
    }
    assertThat(statusesById).hasSize(ids);
    statusesById.forEach(
        (id, statuses) -> {
          assertThat(statuses).as(id).containsOnlyOnce(201);
          assertThat(statuses.stream().filter(st -> st != 201))
              .as(id)
              .allSatisfy(st -> assertThat(st).isIn(200, 409));
        });
    assertThat(storedStates()).containsKeys(statusesById.keySet().toArray(String[]::new));
  }

  private static Response race(CyclicBarrier start, java.util.function.Supplier<Response> call) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return call.get();
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
