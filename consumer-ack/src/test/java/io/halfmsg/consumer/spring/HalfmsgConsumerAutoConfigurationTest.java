package io.halfmsg.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * How the auto-configuration refuses a configuration that cannot work, before consuming. (A bundle
 * that exists, used over TLS: demo-order-repo's TlsEndToEndTest.)
 */
class HalfmsgConsumerAutoConfigurationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  SslAutoConfiguration.class, HalfmsgConsumerAutoConfiguration.class))
          .withPropertyValues("halfmsg.consumer.broker-urls=https://127.0.0.1:1");

  @Test
  void anSslBundleThatDoesNotExistStopsTheStartNamingTheProperty() {
    runner
        .withPropertyValues("halfmsg.consumer.ssl-bundle=nowhere")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "halfmsg.consumer.ssl-bundle=nowhere names no SSL bundle")
                    .hasStackTraceContaining("spring.ssl.bundle.jks.nowhere.truststore.location"));
  }
}
