package io.halfmsg.broker.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerClient.Response;
import io.halfmsg.broker.BrokerTest;
import io.halfmsg.testsupport.db.TestDatabase;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** {@code PUT /api/v1/producer-groups/{group}/endpoints}: heartbeats, the SSRF guard, secrets. */
@BrokerTest(
    properties = {
      "halfmsg.check-back.secrets.order-service=order-secret",
      "halfmsg.check-back.allowed-hosts=127.0.0.1,*.internal.example,10.0.0.0/8,::1/128,2001:db8::/32",
      "halfmsg.check-back.endpoint-ttl=45s"
    })
class EndpointRegistrationTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  /** DNS as these tests script it; every other name does not resolve. */
  @TestConfiguration
  static class ScriptedDns {
    private static final Map<String, String> ANSWERS =
        Map.of(
            "orders.corp", "10.1.2.3",
            "metadata.corp", "169.254.169.254",
            "mixed.corp", "10.0.0.1,169.254.169.254",
            "mapped.corp", "::ffff:169.254.169.254");

    @Bean
    HostResolver scriptedDns() {
      return host -> {
        String answer = ANSWERS.get(host);
        if (answer == null) {
          throw new UnknownHostException(host);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : answer.split(",")) {
          addresses.add(InetAddress.getByName(ip));
        }
        return addresses.toArray(InetAddress[]::new);
      };
    }
  }

  @LocalServerPort int port;
  BrokerClient producer;

  @BeforeEach
  void client() {
    producer = new BrokerClient(port, BrokerClient.PRODUCER_TOKEN);
  }

  private Response register(String group, Object url) {
    Map<String, Object> body = new HashMap<>();
    body.put("checkBackUrl", url);
    body.put("instanceId", "order-service-1");
    return producer.put("/api/v1/producer-groups/" + group + "/endpoints", BrokerClient.json(body));
  }

  @Test
  void aHeartbeatIsAcceptedAndRepeatable() {
    Response first = register("order-service", "http://127.0.0.1:9001/halfmsg/check-back");
    Response again = register("order-service", "http://127.0.0.1:9001/halfmsg/check-back");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("ttlMs").asLong()).isEqualTo(45_000);
    assertThat(again.status()).isEqualTo(200);
    assertThat(register("order-service", "https://orders.internal.example/cb").status())
        .isEqualTo(200);
    assertThat(register("order-service", "http://10.20.30.40:8080/cb").status()).isEqualTo(200);
  }

  @Test
  void urlsOutsideTheAllowedHostsAreRefused() {
    for (String url :
        new String[] {
          "http://169.254.169.254/latest/meta-data",
          "http://192.168.1.10/cb",
          "http://localhost:9001/cb",
          "http://internal.example/cb",
          "http://nonexistent.invalid/cb"
        }) {
      Response r = register("order-service", url);
      assertThat(r.status()).as(url).isEqualTo(400);
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:invalid-request");
      assertThat(r.body()).contains("allowed-hosts");
    }
  }

  static Stream<Arguments> hostForms() {
    String refused = "is not allowed by halfmsg.check-back.allowed-hosts";
    return Stream.of(
        Arguments.of("http://[::1]:9001/cb", 200, null),
        Arguments.of("http://[2001:db8::1]:9001/cb", 200, null),
        Arguments.of("http://[fe80::1]:9001/cb", 400, "is in no allowed block"),
        Arguments.of("http://[::ffff:169.254.169.254]/cb", 400, "IPv4-mapped"),
        Arguments.of("http://[::ffff:127.0.0.1]:9001/cb", 400, "IPv4-mapped"),
        Arguments.of("http://[::ffff:10.0.0.1]/cb", 400, "IPv4-mapped"),
        Arguments.of("http://2130706433:9001/cb", 400, "a.b.c.d"),
        Arguments.of("http://167772161/cb", 400, "a.b.c.d"),
        Arguments.of("http://0x7f000001:9001/cb", 400, "a.b.c.d"),
        Arguments.of("http://0x0a000001/cb", 400, "a.b.c.d"),
        Arguments.of("http://0177.0.0.1:9001/cb", 400, "a.b.c.d"),
        Arguments.of("http://012.0.0.1/cb", 400, "a.b.c.d"),
        Arguments.of("http://127.1:9001/cb", 400, "must be an absolute URL with a host"),
        Arguments.of("http://0.0.0.0:9001/cb", 400, "unspecified"),
        Arguments.of("http://orders.corp:8080/cb", 200, null),
        Arguments.of("http://metadata.corp/cb", 400, "resolves to 169.254.169.254"),
        Arguments.of("http://mixed.corp/cb", 400, "resolves to 169.254.169.254"),
        Arguments.of("http://mapped.corp/cb", 400, "resolves to 169.254.169.254"),
        Arguments.of("https://mixed.corp/cb", 400, refused));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("hostForms")
  void hostsAreAllowedOnlyInAnUnambiguousFormAndByEveryAddressTheyResolveTo(
      String url, int status, String why) {
    Response r = register("order-service", url);

    assertThat(r.status()).as(r.body()).isEqualTo(status);
    if (why != null) {
      assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:invalid-request");
      assertThat(r.body()).contains(why);
    }
  }

  @Test
  void malformedRegistrationsAre400() {
    for (Object url :
        new Object[] {
          null,
          "",
          "not a url",
          "ftp://127.0.0.1/cb",
          "http://user:pw@127.0.0.1/cb",
          "http://127.0.0.1/cb#frag",
          "/relative/cb",
          "http://127.0.0.1/" + "x".repeat(600)
        }) {
      assertThat(register("order-service", url).status()).as(String.valueOf(url)).isEqualTo(400);
    }
    assertThat(register("bad%20group!", "http://127.0.0.1:9001/cb").status()).isEqualTo(400);
    assertThat(producer.put("/api/v1/producer-groups/order-service/endpoints", "{").status())
        .isEqualTo(400);
  }

  @Test
  void aGroupWithoutASecretCannotRegister() {
    Response r = register("payment-service", "http://127.0.0.1:9001/cb");

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.problemType()).isEqualTo("urn:halfmsg:problem:no-check-back-secret");
    assertThat(r.body()).doesNotContain("order-secret");
  }

  @Test
  void onlyProducersRegister() {
    BrokerClient consumer = producer.withToken(BrokerClient.CONSUMER_TOKEN);
    Response r =
        consumer.put(
            "/api/v1/producer-groups/order-service/endpoints",
            BrokerClient.json(Map.of("checkBackUrl", "http://127.0.0.1:9001/cb")));

    assertThat(r.status()).isEqualTo(403);
  }
}
