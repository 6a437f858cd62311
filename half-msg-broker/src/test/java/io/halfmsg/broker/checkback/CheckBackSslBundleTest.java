package io.halfmsg.broker.checkback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.halfmsg.broker.BrokerConfigurationException;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;

/**
 * {@code halfmsg.check-back.ssl-bundle}: the trust of https check-back calls. (Calls over TLS are
 * in demo-order-repo's TlsEndToEndTest.)
 */
class CheckBackSslBundleTest {

  @Test
  void unsetMeansTheJvmsDefaultTrust() throws Exception {
    assertThat(bind(Map.of()).sslContext(new DefaultSslBundleRegistry()))
        .isSameAs(SSLContext.getDefault());
  }

  @Test
  void aBundleThatDoesNotExistStopsTheStartNamingTheProperty() {
    CheckBackProperties properties = bind(Map.of("halfmsg.check-back.ssl-bundle", "nowhere"));

    assertThatThrownBy(() -> properties.sslContext(new DefaultSslBundleRegistry()))
        .isInstanceOf(BrokerConfigurationException.class)
        .hasMessageContaining("halfmsg.check-back.ssl-bundle=nowhere names no SSL bundle")
        .hasMessageContaining("spring.ssl.bundle.jks.nowhere.truststore.location");
  }

  private static CheckBackProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("halfmsg.check-back", CheckBackProperties.class);
  }
}
