package io.halfmsg.broker.message;

import static io.halfmsg.broker.message.MessageApiTest.message;
import static io.halfmsg.broker.message.MessageApiTest.newId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A store that cannot keep up (here: the message table locked by the test) and a write queue of 4
 * items: requests beyond it are refused at once with 503 overloaded and Retry-After, single calls
 * and batch requests alike, and nothing of a refused request is written; every accepted one is
 * written once the store moves again, and then the refused ones succeed when sent again.
 */
@BrokerTest(
    properties = {
      "halfmsg.message.write-queue-capacity=4",
      "halfmsg.api.retry-after=3s",
      "halfmsg.check-back.enabled=false",
      "halfmsg.delivery.enabled=false",
      "halfmsg.retention-interval=1h",
      "spring.datasource.hikari.maximum-pool-size=20"
    })
class BackpressureTest {

  private static final int SINGLE_CALLS = 60;
  private static final int BATCH_CALLS = 6;
  private static final int BATCH_SIZE = 3;

  @RegisterExtension static TestDatabase db = new TestDatabase();

  @LocalServerPort int port;
  @Autowired MeterRegistry meters;
  BrokerClient producer;

  /** One request of the flood: the messages it prepares. */
  record Call(List<Map<String, Object>> messages, boolean batch) {
    Response send(BrokerClient producer) {
      return batch ? producer.prepareBatch(messages) : producer.prepare(messages.get(0));
    }

    boolean accepted(Response r) {
      return batch ? r.status() == 200 : r.status() == 201;
    }
  }

  @BeforeEach
  void client() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
  }

  @Test
  void aFullQueueIsRefusedWith503AndRetryAfterAndNothingAcceptedIsLost() throws Exception {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < SINGLE_CALLS; i++) {
      calls.add(new Call(List.of(message(newId())), false));
    }
    for (int i = 0; i < BATCH_CALLS; i++) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int k = 0; k < BATCH_SIZE; k++) {
        batch.add(message(newId()));
      }
      calls.add(new Call(batch, true));
    }
    double refusedBefore = meters.counter("halfmsg.api.overloaded").count();

    List<CompletableFuture<Response>> running;
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try (Connection holder = db.connect();
        Statement s = holder.createStatement()) {
      s.execute("LOCK TABLES hm_message WRITE");
      try {
        running = atTheSameMoment(pool, calls.stream().map(c -> sender(c)).toList());
        // The refused answer at once; the accepted wait for the store. Wait until that settles.
        AtomicLong lastDone = new AtomicLong(-1);
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> lastDone.getAndSet(done(running)) == done(running) && done(running) > 0);
        List<Response> refusedWhileLocked =
            running.stream()
                .filter(CompletableFuture::isDone)
                .map(CompletableFuture::join)
                .toList();
        assertThat(refusedWhileLocked)
            .allSatisfy(
                r -> {
                  assertThat(r.status()).isEqualTo(503);
                  assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:overloaded");
                  assertThat(r.header("Retry-After")).isEqualTo("3");
                });
        assertThat(done(running)).as("some wait for the store").isLessThan(calls.size());
      } finally {
        s.execute("UNLOCK TABLES");
      }
    }
    List<Response> responses;
    try {
      responses = running.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdownNow();
    }

    Set<String> stored = storedIds();
    List<Call> refused = new ArrayList<>();
    int batchesRefused = 0;
    for (int i = 0; i < calls.size(); i++) {
      Call c = calls.get(i);
      Response r = responses.get(i);
      List<String> ids = c.messages().stream().map(m -> (String) m.get("messageId")).toList();
      if (c.accepted(r)) {
        assertThat(stored).as("accepted and written").containsAll(ids);
        if (c.batch()) {
          assertThat(MessageBatchApiTest.results(r))
              .allSatisfy(x -> assertThat(x.path("status").asInt()).isEqualTo(201));
        }
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:overloaded");
        assertThat(r.header("Retry-After")).isEqualTo("3");
        assertThat(stored).as("nothing of a refused request").doesNotContainAnyElementsOf(ids);
        refused.add(c);
        batchesRefused += c.batch() ? 1 : 0;
      }
    }
    assertThat(refused).as("the queue holds 4 items").isNotEmpty();
    assertThat(meters.counter("halfmsg.api.overloaded").count() - refusedBefore)
        .isEqualTo(refused.size());
    System.out.printf(
        "Backpressure: %d of %d requests refused (%d batches)%n",
        refused.size(), calls.size(), batchesRefused);

    // Load gone: the refused requests, sent again, are accepted.
    for (Call c : refused) {
      Response again = c.send(producer);
      assertThat(c.accepted(again)).as(again.body()).isTrue();
    }
    assertThat(storedIds())
        .containsAll(
            calls.stream()
                .flatMap(c -> c.messages().stream())
                .map(m -> (String) m.get("messageId"))
                .toList());
  }

  @Test
  void aBatchLargerThanTheWholeQueueIsAdmittedWhenNothingWaits() {
    List<Map<String, Object>> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(message(newId()));
    }

    Response r = producer.prepareBatch(ten);

    assertThat(MessageBatchApiTest.results(r))
        .hasSize(10)
        .allSatisfy(x -> assertThat(x.path("status").asInt()).isEqualTo(201));
  }

  private Supplier<Response> sender(Call c) {
    return () -> c.send(producer);
  }

  private static long done(List<CompletableFuture<Response>> running) {
    return running.stream().filter(CompletableFuture::isDone).count();
  }

  private static List<CompletableFuture<Response>> atTheSameMoment(
      ExecutorService pool, List<Supplier<Response>> calls) {
    CyclicBarrier start = new CyclicBarrier(calls.size());
    return calls.stream()
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
  }

  private Set<String> storedIds() throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT message_id FROM hm_message")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
