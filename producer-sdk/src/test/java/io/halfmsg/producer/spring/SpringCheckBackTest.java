package io.halfmsg.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.signing.RequestSignature;
import io.halfmsg.api.signing.RequestSigner;
import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;
import io.halfmsg.producer.testing.TestBroker;
import io.halfmsg.testsupport.db.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The auto-configured Spring MVC check-back endpoint: registered with the real broker, answering
 * its signed check-backs from the barrier table, refusing everything else.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = OrderApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      OrderApplication.CONFIG_NAME,
      "halfmsg.producer.token=" + TestBroker.PRODUCER_TOKEN,
      "halfmsg.producer.producer-group=order-service",
      "halfmsg.producer.check-back.secret=" + TestBroker.SECRET,
      "halfmsg.producer.check-back.host=127.0.0.1",
      "halfmsg.producer.check-back.path=/internal/halfmsg",
      "server.servlet.context-path=/orders",
      "halfmsg.producer.barrier.auto-create=true",
      "halfmsg.producer.barrier.table=order_barrier"
    })
@DirtiesContext
class SpringCheckBackTest {

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
      broker = TestBroker.withFastCheckBacks(brokerDb);
    }
    return broker;
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @LocalServerPort int port;
  @Autowired HalfmsgProducer producer;
  @Autowired BarrierTable barrier;
  @Autowired BarrierTransactionChecker checker;
  @Autowired TransactionTemplate transaction;
  @Autowired JdbcTemplate jdbc;
  @Autowired MeterRegistry meters;
  @Autowired HalfmsgProducerProperties properties;

  String endpoint() {
    return "http://127.0.0.1:" + port + "/orders/internal/halfmsg";
  }

  @Test
  void theEndpointIsRegisteredWithTheBrokerAtStartUp() throws Exception {
    assertThat(broker().endpoints("order-service")).containsExactly(endpoint());
    assertThat(barrier.name()).isEqualTo("order_barrier");
  }

  @Test
  void aLocalTransactionThatCommittedButNeverSaidSoIsCommittedByCheckBack() {
    // The application dies between its local commit and the commit call: here, it never makes
    // one, because it prepares and writes the barrier row by hand.
    String id =
        transaction.execute(
            status -> {
              String prepared = producer.prepare(Message.of("order_created", "{}")).messageId();
              jdbc.execute(
                  (ConnectionCallback<Void>)
                      c -> {
                        barrier.insert(c, prepared);
                        return null;
                      });
              return prepared;
            });

    broker().awaitState(id, "COMMITTED");
    assertThat(broker().resolvedBy(id)).isEqualTo("CHECK_BACK");
    assertThat(meters.get("halfmsg.producer.checkbacks").tag("state", "COMMIT").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aLocalTransactionThatNeverCommittedIsRolledBackByCheckBack() {
    String id = producer.prepare(Message.of("order_created", "{}")).messageId();

    broker().awaitState(id, "ROLLED_BACK");
    assertThat(broker().resolvedBy(id)).isEqualTo("CHECK_BACK");
    assertThat(checker.check(id)).as("the marker is in").hasToString("ROLLBACK");
  }

  @Test
  void unsignedBadlySignedAndStaleRequestsAreRefused() throws Exception {
    String body =
        "{\"messageId\":\"m-1\",\"producerGroup\":\"order-service\",\"topic\":\"t\",\"checkCount\":0}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RequestSignature good = new RequestSigner(TestBroker.SECRET, Clock.systemUTC()).sign(bytes);
    RequestSignature wrong = new RequestSigner("wrong", Clock.systemUTC()).sign(bytes);
    RequestSignature stale =
        new RequestSigner(
                TestBroker.SECRET, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)))
            .sign(bytes);

    assertThat(post(body, null).statusCode()).isEqualTo(401);
    assertThat(post(body, wrong).statusCode()).isEqualTo(401);
    HttpResponse<String> staleAnswer = post(body, stale);
    assertThat(staleAnswer.statusCode()).isEqualTo(401);
    assertThat(staleAnswer.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    HttpResponse<String> answer = post(body, good);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("{\"state\":\"ROLLBACK\"}");
  }

  @Test
  void theSecretAndTokenAreNeverShown(CapturedOutput output) {
    assertThat(properties.toString())
        .doesNotContain(TestBroker.SECRET)
        .doesNotContain(TestBroker.PRODUCER_TOKEN);
    assertThat(producer.toString()).doesNotContain(TestBroker.PRODUCER_TOKEN);
    assertThat(output.getAll()).doesNotContain(TestBroker.SECRET);
  }

  private HttpResponse<String> post(String body, RequestSignature signature) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      b.header(SignatureHeaders.TIMESTAMP, signature.timestamp())
          .header(SignatureHeaders.SIGNATURE, signature.signature());
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
