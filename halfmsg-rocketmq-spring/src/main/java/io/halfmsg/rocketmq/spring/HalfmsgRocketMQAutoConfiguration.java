package io.halfmsg.rocketmq.spring;

import io.halfmsg.api.TransactionChecker;
import io.halfmsg.consumer.spring.HalfmsgConsumerBuilderCustomizer;
import io.halfmsg.consumer.spring.HalfmsgConsumerFactory;
import io.halfmsg.consumer.spring.HalfmsgConsumerProperties;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.rocketmq.HalfmsgTransactionMQProducer;
import io.halfmsg.producer.spring.HalfmsgProducerAutoConfiguration;
import io.halfmsg.producer.spring.OnBrokerUrls;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.apache.rocketmq.spring.autoconfigure.RocketMQProperties;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.apache.rocketmq.spring.support.RocketMQMessageConverter;
import org.apache.rocketmq.spring.support.RocketMQMessageListenerContainerRegistrar;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Moves a rocketmq-spring application's transactional sends to halfmsg, active when {@code
 * halfmsg.producer.broker-urls} is set: the {@code rocketMQTemplate} bean becomes a {@link
 * HalfmsgRocketMQTemplate} wired as rocketmq-spring wires its own (the {@code defaultMQProducer}
 * and {@code defaultLitePullConsumer} beans, the message converter), and its listener answers the
 * check-backs producer-sdk's auto-configuration hosts (Spring MVC route or built-in server).
 *
 * <p>Templates declared with {@code @ExtRocketMQTemplateConfiguration} stay rocketmq-spring's;
 * those with a transaction listener are named in a warning at start-up ({@link
 * ExtTemplateWarning}).
 *
 * <p>With {@code halfmsg.rocketmq-spring.consumers.*}, {@code @RocketMQMessageListener} consumer
 * groups opt into halfmsg's acked, deduplicated path ({@link HalfmsgListenerContainerRegistrar}).
 *
 * <p>Runs before rocketmq-spring's auto-configuration, whose template bean then steps aside (it is
 * conditional on no bean named {@code rocketMQTemplate}), and before producer-sdk's, whose barrier
 * checker steps aside for this one.
 */
@AutoConfiguration(
    before = {RocketMQAutoConfiguration.class, HalfmsgProducerAutoConfiguration.class},
    after = {
      DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class
    })
@ConditionalOnClass(RocketMQTemplate.class)
public class HalfmsgRocketMQAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @Conditional(OnBrokerUrls.class)
  static class Producer {

    /** Check-backs of this producer go to the template's listener, not to a barrier table. */
    @Bean
    @ConditionalOnMissingBean(TransactionChecker.class)
    TransactionChecker halfmsgRocketMQTransactionChecker(
        @Qualifier(RocketMQAutoConfiguration.ROCKETMQ_TEMPLATE_DEFAULT_GLOBAL_NAME)
            HalfmsgRocketMQTemplate template) {
      return template.halfmsgProducer().transactionChecker();
    }

    @Bean
    ExtTemplateWarning halfmsgExtTemplateWarning(ListableBeanFactory beans) {
      return new ExtTemplateWarning(beans);
    }

    @Bean(
        name = RocketMQAutoConfiguration.ROCKETMQ_TEMPLATE_DEFAULT_GLOBAL_NAME,
        destroyMethod = "destroy")
    @ConditionalOnMissingBean(
        name = RocketMQAutoConfiguration.ROCKETMQ_TEMPLATE_DEFAULT_GLOBAL_NAME)
    HalfmsgRocketMQTemplate rocketMQTemplate(
        HalfmsgProducer producer,
        ObjectProvider<DefaultMQProducer> rocketMqProducer,
        ObjectProvider<DefaultLitePullConsumer> rocketMqConsumer,
        RocketMQMessageConverter converter) {
      // Not a bean of its own: as a DefaultMQProducer it would make rocketmq-spring's
      // defaultMQProducer, conditional on there being none, step aside.
      HalfmsgRocketMQTemplate template =
          new HalfmsgRocketMQTemplate(new HalfmsgTransactionMQProducer(producer, null));
      // The same beans rocketmq-spring's own template would get: plain sends stay on RocketMQ.
      rocketMqProducer.ifUnique(template::setProducer);
      rocketMqConsumer.ifUnique(template::setConsumer);
      template.setMessageConverter(converter.getMessageConverter());
      return template;
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties({
    HalfmsgRocketMQSpringProperties.class,
    HalfmsgConsumerProperties.class,
    RocketMQProperties.class
  })
  static class Consumers {

    /** rocketmq-spring's registrar steps aside for this one (it is conditional on none). */
    @Bean
    @ConditionalOnMissingBean(RocketMQMessageListenerContainerRegistrar.class)
    HalfmsgListenerContainerRegistrar halfmsgListenerContainerRegistrar(
        RocketMQMessageConverter converter,
        ConfigurableEnvironment environment,
        RocketMQProperties rocketMQProperties,
        HalfmsgRocketMQSpringProperties properties,
        HalfmsgConsumerProperties consumerProperties,
        ObjectProvider<HalfmsgConsumerBuilderCustomizer> customizers,
        ObjectProvider<SslBundles> sslBundles,
        ObjectProvider<DataSource> dataSource,
        ObjectProvider<PlatformTransactionManager> transactionManager) {
      // As consumer-ack builds its consumers: the same properties, SSL bundle and customizers
      // (among them the Micrometer registry).
      return new HalfmsgListenerContainerRegistrar(
          converter,
          environment,
          rocketMQProperties,
          properties,
          HalfmsgConsumerFactory.of(consumerProperties, sslBundles, customizers),
          dataSource,
          transactionManager);
    }
  }
}
