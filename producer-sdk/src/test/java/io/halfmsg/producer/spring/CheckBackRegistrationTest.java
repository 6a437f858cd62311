package io.halfmsg.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The check-back URL the Spring MVC endpoint registers when none is configured. */
class CheckBackRegistrationTest {

  private static final HalfmsgProducerProperties.CheckBack CHECK_BACK =
      new HalfmsgProducerProperties.CheckBack(
          true, "s3cret", "/halfmsg/check-back", null, "10.0.0.7", 0, null, Duration.ofSeconds(10));

  @Test
  void aServerWithoutTlsIsCalledOverHttp() {
    assertThat(url(new MockEnvironment().withProperty("server.servlet.context-path", "/orders/")))
        .isEqualTo("http://10.0.0.7:8443/orders/halfmsg/check-back");
  }

  @Test
  void aServerWithTlsIsCalledOverHttps() {
    // Before, the derived URL was http:// also then: every check-back hit the TLS port in clear
    // text, was answered 400 and counted as UNKNOWN until the message was parked.
    assertThat(url(new MockEnvironment().withProperty("server.ssl.bundle", "server")))
        .isEqualTo("https://10.0.0.7:8443/halfmsg/check-back");
    assertThat(
            url(
                new MockEnvironment()
                    .withProperty("server.ssl.bundle", "server")
                    .withProperty("server.ssl.enabled", "false")))
        .startsWith("http://");
  }

  private static String url(MockEnvironment environment) {
    return new CheckBackRegistration(null, CHECK_BACK, environment).url(8443);
  }
}
