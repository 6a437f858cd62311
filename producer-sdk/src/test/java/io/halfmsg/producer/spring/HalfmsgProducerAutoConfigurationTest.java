package io.halfmsg.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.barrier.BarrierPurger;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;
import io.halfmsg.testsupport.db.TestDatabase;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which beans the auto-configuration makes, and how it refuses an unsafe configuration. */
class HalfmsgProducerAutoConfigurationTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();

  // Nothing listens on port 1: heartbeats fail (and are retried), which is all these tests need.
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(HalfmsgProducerAutoConfiguration.class))
          .withPropertyValues(
              "halfmsg.producer.broker-urls=http://127.0.0.1:1",
              "halfmsg.producer.producer-group=order-service",
              "halfmsg.producer.check-back.secret=s3cret",
              "halfmsg.producer.check-back.host=127.0.0.1");

  private ApplicationContextRunner withDatabase() {
    return runner
        .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + db.jdbcUrl(),
            "spring.datasource.username=" + db.user(),
            "spring.datasource.password=" + db.password());
  }

  @Test
  void withoutBrokerUrlsNothingIsConfigured() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HalfmsgProducerAutoConfiguration.class))
        .run(context -> assertThat(context).doesNotHaveBean(HalfmsgProducer.class));
  }

  @Test
  void brokerUrlsMayBeAYamlList() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(HalfmsgProducerAutoConfiguration.class))
        .withPropertyValues(
            "halfmsg.producer.broker-urls[0]=http://127.0.0.1:1",
            "halfmsg.producer.broker-urls[1]=http://127.0.0.1:2",
            "halfmsg.producer.producer-group=order-service",
            "halfmsg.producer.check-back.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(HalfmsgProducer.class).toString())
                    .contains("http://127.0.0.1:1", "http://127.0.0.1:2"));
  }

  @Test
  void outsideAWebApplicationTheBuiltInServerAnswersWithTheApplicationsChecker() {
    TransactionChecker mine = request -> TransactionState.COMMIT;
    runner
        .withBean(TransactionChecker.class, () -> mine)
        .run(
            context -> {
              assertThat(context).hasSingleBean(HalfmsgProducer.class);
              assertThat(context).hasSingleBean(CheckBackServer.class);
              assertThat(context).doesNotHaveBean(HalfmsgTemplate.class);
              assertThat(context.getBean(CheckBackServer.class).url())
                  .startsWith("http://127.0.0.1:")
                  .endsWith("/halfmsg/check-back");
            });
  }

  @Test
  void withADataSourceTheBarrierIsTheChecker() {
    withDatabase()
        .withPropertyValues("halfmsg.producer.barrier.auto-create=true")
        .run(
            context -> {
              assertThat(context).hasSingleBean(HalfmsgTemplate.class);
              assertThat(context).hasSingleBean(BarrierTransactionChecker.class);
              assertThat(context).hasSingleBean(CheckBackServer.class);
              assertThat(context.getBean(BarrierPurger.class))
                  .hasToString("BarrierPurger[halfmsg_barrier, retention=PT168H]");
            });
  }

  @Test
  void theBarrierPurgeFollowsItsPropertiesAndCanBeSwitchedOff() {
    withDatabase()
        .withPropertyValues(
            "halfmsg.producer.barrier.auto-create=true",
            "halfmsg.producer.barrier.purge.retention=3d")
        .run(
            context ->
                assertThat(context.getBean(BarrierPurger.class))
                    .hasToString("BarrierPurger[halfmsg_barrier, retention=PT72H]"));
    withDatabase()
        .withPropertyValues(
            "halfmsg.producer.barrier.auto-create=true",
            "halfmsg.producer.barrier.purge.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(BarrierPurger.class));
  }

  @Test
  void aMissingBarrierTableStopsTheStartWithTheDdlToUse() {
    withDatabase()
        .withPropertyValues("halfmsg.producer.barrier.table=not_created")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining("The barrier table not_created is not usable")
                    .hasStackTraceContaining("halfmsg_barrier-mysql.sql"));
  }

  @Test
  void theBarrierCanBeSwitchedOffForAnApplicationThatAnswersCheckBacksItself() {
    withDatabase()
        // No table: with the barrier on, the start would fail as above.
        .withPropertyValues(
            "halfmsg.producer.barrier.table=not_created", "halfmsg.producer.barrier.enabled=false")
        .withBean(TransactionChecker.class, () -> id -> TransactionState.COMMIT)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(BarrierTable.class);
              assertThat(context).doesNotHaveBean(HalfmsgTemplate.class);
              assertThat(context).hasSingleBean(CheckBackServer.class);
              assertThat(context.getBean(HalfmsgProducerProperties.class).barrier().enabled())
                  .isFalse();
            });
  }

  @Test
  void theBarrierSwitchIsInTheConfigurationMetadataWithItsDefaultAndMeaning() throws Exception {
    JsonNode metadata;
    try (InputStream in =
        HalfmsgProducerProperties.class.getResourceAsStream(
            "/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    JsonNode enabled = null;
    for (JsonNode p : metadata.path("properties")) {
      if (p.path("name").asText().equals("halfmsg.producer.barrier.enabled")) {
        enabled = p;
      }
    }

    assertThat(enabled).isNotNull();
    assertThat(enabled.path("type").asText()).isEqualTo("java.lang.Boolean");
    assertThat(enabled.path("defaultValue").asBoolean(false)).isTrue();
    assertThat(enabled.path("description").asText()).contains("TransactionChecker");
  }

  @Test
  void withoutASecretTheStartFailsWithTheProperty() {
    runner
        .withPropertyValues("halfmsg.producer.check-back.secret=")
        .withBean(TransactionChecker.class, () -> request -> TransactionState.UNKNOWN)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("halfmsg.producer.check-back.secret"));
  }

  @Test
  void checkBackCanBeSwitchedOff() {
    runner
        .withPropertyValues(
            "halfmsg.producer.check-back.enabled=false", "halfmsg.producer.check-back.secret=")
        .run(
            context -> {
              assertThat(context).hasSingleBean(HalfmsgProducer.class);
              assertThat(context).doesNotHaveBean(CheckBackServer.class);
            });
  }

  @Test
  void anSslBundleThatDoesNotExistStopsTheStartNamingTheProperty() {
    runner
        .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
        .withPropertyValues(
            "halfmsg.producer.ssl-bundle=nowhere", "halfmsg.producer.check-back.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .hasStackTraceContaining(
                        "halfmsg.producer.ssl-bundle=nowhere names no SSL bundle")
                    .hasStackTraceContaining("spring.ssl.bundle.jks.nowhere.truststore.location"));
  }

  @Test
  void theSecretIsNotInThePropertiesToString() {
    runner
        .withPropertyValues("halfmsg.producer.check-back.enabled=false")
        .run(
            context ->
                assertThat(context.getBean(HalfmsgProducerProperties.class).toString())
                    .doesNotContain("s3cret")
                    .contains("<redacted>"));
  }
}
