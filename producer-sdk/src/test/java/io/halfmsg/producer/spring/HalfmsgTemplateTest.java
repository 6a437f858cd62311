package io.halfmsg.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code halfmsg.send} in Spring {@code @Transactional} code, against the real broker. The broker
 * checks back only after an hour here, so every outcome seen is the producer's own call.
 */
@SpringBootTest(
    classes = OrderApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      OrderApplication.CONFIG_NAME,
      "halfmsg.producer.token=" + TestBroker.PRODUCER_TOKEN,
      "halfmsg.producer.producer-group=order-service",
      "halfmsg.producer.check-back.secret=" + TestBroker.SECRET,
      "halfmsg.producer.check-back.host=127.0.0.1",
      "halfmsg.producer.barrier.auto-create=true"
    })
@DirtiesContext
class HalfmsgTemplateTest {

  @RegisterExtension static TestDatabase brokerDb = new TestDatabase();
  @RegisterExtension static TestDatabase appDb = new TestDatabase();

  private static TestBroker broker;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    appDb.registerSpringProperties(registry::add);
    registry.add("halfmsg.producer.broker-urls", () -> broker().url());
  }

  static synchronized TestBroker broker() {
    if (broker == null) {
      broker = TestBroker.start(brokerDb, Map.of("halfmsg.check-back.first-check-after", "1h"));
    }
    return broker;
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Autowired OrderService orders;
  @Autowired HalfmsgTemplate halfmsg;
  @Autowired TransactionTemplate transaction;
  @Autowired JdbcTemplate jdbc;

  @Test
  void sendAfterAndSendAtHoldTheMessageUntilThen() {
    java.time.Instant at =
        java.time.Instant.now()
            .plus(Duration.ofDays(10))
            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String after =
        transaction.execute(
            status -> halfmsg.sendAfter(Duration.ofMinutes(10), "order_created", "o-d1", "{}"));
    String atTime =
        transaction.execute(status -> halfmsg.sendAt(at, "order_created", "o-d2", "{}"));

    broker().awaitState(after, "COMMITTED");
    broker().awaitState(atTime, "COMMITTED");
    JsonNode stored = broker().message(after);
    assertThat(java.time.Instant.parse(stored.path("deliverAt").asText()))
        .isEqualTo(java.time.Instant.parse(stored.path("createdAt").asText()).plusSeconds(600));
    assertThat(broker().message(atTime).path("deliverAt").asText()).isEqualTo(at.toString());
    assertThat(broker().message(atTime).path("keys").asText()).isEqualTo("o-d2");
  }

  @Test
  void aCommittedTransactionCommitsItsMessage() {
    String id = orders.placeOrder("o-1");

    broker().awaitState(id, "COMMITTED");
    assertThat(broker().resolvedBy(id)).isEqualTo("PRODUCER");
    assertThat(broker().message(id).path("body").asText())
        .as("the payload, written by the application's ObjectMapper")
        .isEqualTo("{\"orderNo\":\"o-1\",\"count\":2}");
    assertThat(broker().message(id).path("keys").asText()).isEqualTo("o-1");
    assertThat(orders.exists("o-1")).isTrue();
    assertThat(barrierState(id)).isEqualTo("COMMIT");
  }

  @Test
  void aRolledBackTransactionRollsItsMessageBack() {
    String id = orders.placeOrderButRollBack("o-2");

    broker().awaitState(id, "ROLLED_BACK");
    assertThat(broker().resolvedBy(id)).isEqualTo("PRODUCER");
    assertThat(orders.exists("o-2")).isFalse();
    assertThat(barrierState(id)).isNull();
  }

  @Test
  void anExceptionRollsTheTransactionAndItsMessageBack() {
    AtomicReference<String> id = new AtomicReference<>();

    assertThatThrownBy(() -> orders.placeOrderAndFail("o-3"))
        .isInstanceOfSatisfying(OrderService.OrderFailed.class, e -> id.set(e.messageId));

    broker().awaitState(id.get(), "ROLLED_BACK");
    assertThat(broker().resolvedBy(id.get())).isEqualTo("PRODUCER");
    assertThat(orders.exists("o-3")).isFalse();
  }

  @Test
  void insideAnOuterTransactionTheMessageIsCommittedOnlyWhenTheOuterOneCommits() {
    String id =
        transaction.execute(
            status -> {
              String inner = orders.placeOrder("o-4");
              // The inner @Transactional method has returned; its work is not committed yet.
              await("nothing decided while the outer transaction is open")
                  .during(Duration.ofMillis(500))
                  .atMost(Duration.ofSeconds(2))
                  .until(() -> "PREPARED".equals(broker().state(inner)));
              return inner;
            });

    broker().awaitState(id, "COMMITTED");
    assertThat(broker().resolvedBy(id)).isEqualTo("PRODUCER");
    assertThat(orders.exists("o-4")).isTrue();
  }

  @Test
  void anOuterRollbackRollsBackTheMessageOfTheInnerTransaction() {
    String id =
        transaction.execute(
            status -> {
              String inner = orders.placeOrder("o-5");
              status.setRollbackOnly();
              return inner;
            });

    broker().awaitState(id, "ROLLED_BACK");
    assertThat(orders.exists("o-5")).isFalse();
  }

  @Test
  void aNestedTransactionRolledBackToItsSavepointRollsBackItsMessage() {
    // The outer transaction commits, but the send's savepoint was rolled back with its barrier
    // row: the commit decision comes from the row, not from the outer transaction's status.
    AtomicReference<String> nested = new AtomicReference<>();
    String committed =
        transaction.execute(
            status -> {
              String outer = orders.placeOrder("o-6");
              try {
                orders.placeOrderNestedAndFail("o-7");
              } catch (OrderService.OrderFailed e) {
                nested.set(e.messageId);
              }
              return outer;
            });

    broker().awaitState(committed, "COMMITTED");
    broker().awaitState(nested.get(), "ROLLED_BACK");
    assertThat(orders.exists("o-6")).isTrue();
    assertThat(orders.exists("o-7")).isFalse();
  }

  @Test
  void sendingOutsideATransactionFailsClearlyAndSendsNothing() throws Exception {
    int before = broker().messageCount("order-service");

    assertThatThrownBy(() -> orders.placeOrderWithoutTransaction("o-8"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must be called inside a transaction");
    assertThatThrownBy(() -> halfmsg.send("order_created", "o-9", "{}"))
        .isInstanceOf(IllegalStateException.class);

    assertThat(broker().messageCount("order-service")).isEqualTo(before);
    assertThat(orders.exists("o-8")).isFalse();
  }

  private String barrierState(String id) {
    return jdbc.query(
        "SELECT state FROM halfmsg_barrier WHERE message_id = ?",
        rs -> rs.next() ? rs.getString(1) : null,
        id);
  }
}
