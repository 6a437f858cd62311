package io.halfmsg.consumer.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Consumes halfmsg topics with {@link HalfmsgListener} methods; see there. Configured under {@code
 * halfmsg.consumer.*} ({@link HalfmsgConsumerProperties}); {@code halfmsg.consumer.enabled=false}
 * turns it off. Without {@code @HalfmsgListener} methods it does nothing.
 */
@AutoConfiguration(
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class,
      JacksonAutoConfiguration.class
    })
@ConditionalOnClass({DefaultMQPushConsumer.class, DataSourceUtils.class})
@ConditionalOnProperty(
    prefix = "halfmsg.consumer",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(HalfmsgConsumerProperties.class)
public class HalfmsgConsumerAutoConfiguration {

  @Bean
  static ListenerMethods halfmsgListenerMethods() {
    return new ListenerMethods();
  }

  @Bean
  ListenerContainer halfmsgListenerContainer(
      ListenerMethods halfmsgListenerMethods,
      HalfmsgConsumerProperties properties,
      Environment environment,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<PlatformTransactionManager> transactionManager,
      ObjectProvider<ObjectMapper> objectMapper,
      ObjectProvider<HalfmsgConsumerBuilderCustomizer> customizers,
      ObjectProvider<SslBundles> sslBundles) {
    // The factory resolves the SSL bundle here, not when the consumers start: a bundle that does
    // not exist fails the start as a bean creation failure naming the property.
    return new ListenerContainer(
        halfmsgListenerMethods,
        HalfmsgConsumerFactory.of(properties, sslBundles, customizers),
        environment,
        dataSource,
        transactionManager,
        objectMapper);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  static class HealthCheck {
    @Bean
    HalfmsgConsumerHealthIndicator halfmsgConsumerHealthIndicator(
        ListenerContainer halfmsgListenerContainer) {
      return new HalfmsgConsumerHealthIndicator(halfmsgListenerContainer);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    HalfmsgConsumerBuilderCustomizer halfmsgConsumerMetrics(
        ObjectProvider<MeterRegistry> registry) {
      return builder -> registry.ifAvailable(builder::meterRegistry);
    }
  }
}
