package io.halfmsg.producer.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.producer.CheckBackHandler;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.barrier.BarrierPurger;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of the halfmsg producer, active when {@code halfmsg.producer.broker-urls} is
 * set: a {@link HalfmsgProducer}; with a single {@link DataSource}, the barrier table, a {@link
 * HalfmsgTemplate} and a {@link BarrierTransactionChecker} (unless the application defines its own
 * {@link TransactionChecker}); and the check-back endpoint, in Spring MVC or a built-in server,
 * registered with the broker. Micrometer metrics when a {@link MeterRegistry} exists.
 */
@AutoConfiguration(
    after = {DataSourceAutoConfiguration.class, JacksonAutoConfiguration.class},
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@Conditional(OnBrokerUrls.class)
@EnableConfigurationProperties(HalfmsgProducerProperties.class)
public class HalfmsgProducerAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  HalfmsgProducer halfmsgProducer(
      HalfmsgProducerProperties properties,
      ObjectProvider<HalfmsgProducerBuilderCustomizer> customizers,
      ObjectProvider<SslBundles> sslBundles) {
    if (properties.producerGroup() == null || properties.producerGroup().isBlank()) {
      throw new IllegalStateException("Set halfmsg.producer.producer-group");
    }
    HalfmsgProducer.Builder builder =
        HalfmsgProducer.builder()
            .brokerUrls(properties.brokerUrls())
            .token(properties.token())
            .producerGroup(properties.producerGroup())
            .connectTimeout(properties.connectTimeout())
            .requestTimeout(properties.requestTimeout())
            .prepareAttempts(properties.prepareAttempts())
            .endTransactionRetryTimeout(properties.endTransactionRetryTimeout())
            .heartbeatInterval(properties.checkBack().heartbeatInterval());
    if (properties.decisionMode() != null) {
      builder.decisionMode(properties.decisionMode());
    }
    if (properties.maxBatchSize() != null) {
      builder.maxBatchSize(properties.maxBatchSize());
    }
    if (properties.maxRequestsInFlight() != null) {
      builder.maxRequestsInFlight(properties.maxRequestsInFlight());
    }
    if (properties.queueCapacity() != null) {
      builder.queueCapacity(properties.queueCapacity());
    }
    if (properties.sslBundle() != null && !properties.sslBundle().isBlank()) {
      builder.sslContext(
          SslBundleContexts.of(sslBundles, "halfmsg.producer.ssl-bundle", properties.sslBundle()));
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    HalfmsgProducerBuilderCustomizer halfmsgProducerMetrics(
        ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifAvailable(builder::meterRegistry);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcTemplate.class)
  @ConditionalOnSingleCandidate(DataSource.class)
  // Read as a property, not from HalfmsgProducerProperties (where it is documented): conditions
  // are evaluated before the properties are bound.
  @ConditionalOnProperty(
      prefix = "halfmsg.producer.barrier",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  static class Barrier {

    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    BarrierTable halfmsgBarrierTable(HalfmsgProducerProperties properties, DataSource dataSource)
        throws SQLException {
      BarrierTable table = new BarrierTable(properties.barrier().table());
      if (properties.barrier().autoCreate()) {
        table.create(dataSource);
      }
      table.verify(dataSource);
      return table;
    }

    @Bean
    @ConditionalOnMissingBean(TransactionChecker.class)
    BarrierTransactionChecker halfmsgTransactionChecker(
        HalfmsgProducerProperties properties, DataSource dataSource, BarrierTable table) {
      return new BarrierTransactionChecker(
          dataSource, table, properties.barrier().lockWaitTimeout());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(
        name = "halfmsg.producer.barrier.purge.enabled",
        havingValue = "true",
        matchIfMissing = true)
    BarrierPurger halfmsgBarrierPurger(
        HalfmsgProducerProperties properties, DataSource dataSource, BarrierTable table) {
      HalfmsgProducerProperties.Purge purge = properties.barrier().purge();
      return new BarrierPurger(
          dataSource, table, purge.retention(), purge.interval(), Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    HalfmsgTemplate halfmsgTemplate(
        HalfmsgProducer producer,
        DataSource dataSource,
        BarrierTable table,
        ObjectProvider<ObjectMapper> objectMapper) {
      return new HalfmsgTemplate(
          producer, dataSource, table, objectMapper.getIfAvailable(ObjectMapper::new));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(RouterFunction.class)
  @ConditionalOnProperty(
      prefix = "halfmsg.producer.check-back",
      name = "enabled",
      matchIfMissing = true)
  static class MvcCheckBack {

    @Bean
    RouterFunction<ServerResponse> halfmsgCheckBackRoute(
        HalfmsgProducerProperties properties,
        HalfmsgProducer producer,
        ObjectProvider<TransactionChecker> checker) {
      return CheckBackRoute.of(
          properties.checkBack().path(), handler(properties, producer, checker));
    }

    @Bean
    CheckBackRegistration halfmsgCheckBackRegistration(
        HalfmsgProducerProperties properties, HalfmsgProducer producer, Environment environment) {
      return new CheckBackRegistration(producer, properties.checkBack(), environment);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @Conditional(NotServletWebApplication.class)
  @ConditionalOnProperty(
      prefix = "halfmsg.producer.check-back",
      name = "enabled",
      matchIfMissing = true)
  static class BuiltInCheckBack {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    CheckBackServer halfmsgCheckBackServer(
        HalfmsgProducerProperties properties,
        HalfmsgProducer producer,
        ObjectProvider<TransactionChecker> checker) {
      HalfmsgProducerProperties.CheckBack c = properties.checkBack();
      requireSecret(c);
      return CheckBackServer.builder()
          .port(c.port())
          .path(c.path())
          .advertisedUrl(c.url() == null || c.url().isBlank() ? null : c.url())
          .advertisedHost(c.host() == null || c.host().isBlank() ? null : c.host())
          .instanceId(c.instanceId())
          .secret(c.secret())
          .checker(requireChecker(checker))
          .start(producer);
    }
  }

  static final class NotServletWebApplication extends AnyNestedCondition {
    NotServletWebApplication() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnNotWebApplication
    static class NotWeb {}

    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class Reactive {}
  }

  private static CheckBackHandler handler(
      HalfmsgProducerProperties properties,
      HalfmsgProducer producer,
      ObjectProvider<TransactionChecker> checker) {
    requireSecret(properties.checkBack());
    return new CheckBackHandler(producer, properties.checkBack().secret(), requireChecker(checker));
  }

  private static void requireSecret(HalfmsgProducerProperties.CheckBack checkBack) {
    if (checkBack.secret() == null || checkBack.secret().isBlank()) {
      throw new IllegalStateException(
          "Set halfmsg.producer.check-back.secret to the producer group's check-back secret"
              + " configured on the broker, or halfmsg.producer.check-back.enabled=false.");
    }
  }

  private static TransactionChecker requireChecker(ObjectProvider<TransactionChecker> checker) {
    TransactionChecker c = checker.getIfUnique();
    if (c == null) {
      throw new IllegalStateException(
          "The halfmsg check-back endpoint needs exactly one TransactionChecker bean; without a"
              + " single DataSource for the barrier table, define one.");
    }
    return c;
  }
}
