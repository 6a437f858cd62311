package io.halfmsg.rocketmq.spring;

import io.halfmsg.consumer.HalfmsgConsumer;
import io.halfmsg.consumer.spring.HalfmsgConsumerFactory;
import io.halfmsg.consumer.spring.SpringTransactions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.rocketmq.spring.annotation.RocketMQMessageListener;
import org.apache.rocketmq.spring.annotation.SelectorType;
import org.apache.rocketmq.spring.autoconfigure.RocketMQProperties;
import org.apache.rocketmq.spring.core.RocketMQListener;
import org.apache.rocketmq.spring.support.RocketMQMessageConverter;
import org.apache.rocketmq.spring.support.RocketMQMessageListenerContainerRegistrar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.StringUtils;

/**
 * rocketmq-spring's registrar of {@code @RocketMQMessageListener} beans, with the opted-in consumer
 * groups consumed by a halfmsg {@link HalfmsgConsumer} instead of a RocketMQ container: {@code
 * onMessage} runs in a transaction of the application's transaction manager that also holds the
 * dedupe row, and the ack goes to the broker after the commit. Other listeners get
 * rocketmq-spring's own container, as before.
 */
public class HalfmsgListenerContainerRegistrar extends RocketMQMessageListenerContainerRegistrar
    implements SmartLifecycle {

  private static final Logger log =
      LoggerFactory.getLogger(HalfmsgListenerContainerRegistrar.class);

  private record Endpoint(
      String beanName, RocketMQListener<Object> listener, String topic, String tags) {}

  private final RocketMQMessageConverter converter;
  private final ConfigurableEnvironment environment;
  private final RocketMQProperties rocketMQProperties;
  private final HalfmsgRocketMQSpringProperties own;
  private final HalfmsgConsumerFactory factory;
  private final ObjectProvider<DataSource> dataSource;
  private final ObjectProvider<PlatformTransactionManager> transactionManager;
  private final Map<String, List<Endpoint>> byGroup = new LinkedHashMap<>();
  private final Map<String, String> nameServers = new LinkedHashMap<>();
  private final List<HalfmsgConsumer> consumers = new ArrayList<>();
  private volatile boolean running;

  public HalfmsgListenerContainerRegistrar(
      RocketMQMessageConverter converter,
      ConfigurableEnvironment environment,
      RocketMQProperties rocketMQProperties,
      HalfmsgRocketMQSpringProperties own,
      HalfmsgConsumerFactory factory,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<PlatformTransactionManager> transactionManager) {
    super(converter, environment, rocketMQProperties);
    this.converter = converter;
    this.environment = environment;
    this.rocketMQProperties = rocketMQProperties;
    this.own = own;
    this.factory = factory;
    this.dataSource = dataSource;
    this.transactionManager = transactionManager;
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized void registerContainer(
      String beanName, Object bean, RocketMQMessageListener annotation) {
    String group = environment.resolvePlaceholders(annotation.consumerGroup());
    if (!own.consumers().isAcked(group)) {
      super.registerContainer(beanName, bean, annotation);
      return;
    }
    if (!(bean instanceof RocketMQListener<?>)) {
      throw new IllegalStateException(
          "Acked consumer group "
              + group
              + ": bean "
              + beanName
              + " must be a RocketMQListener"
              + " (request-reply listeners are not supported by halfmsg)");
    }
    if (annotation.selectorType() != SelectorType.TAG) {
      throw new IllegalStateException(
          "Acked consumer group "
              + group
              + ": halfmsg filters by tag only, not "
              + annotation.selectorType());
    }
    String topic = environment.resolvePlaceholders(annotation.topic());
    String tags = environment.resolvePlaceholders(annotation.selectorExpression());
    String nameServer = environment.resolvePlaceholders(annotation.nameServer());
    nameServers.put(
        group, StringUtils.hasText(nameServer) ? nameServer : rocketMQProperties.getNameServer());
    byGroup
        .computeIfAbsent(group, g -> new ArrayList<>())
        .add(
            new Endpoint(
                beanName,
                (RocketMQListener<Object>) bean,
                topic,
                StringUtils.hasText(tags) ? tags : "*"));
    log.info("Listener {} (group {}, topic {}) consumes through halfmsg", beanName, group, topic);
  }

  @Override
  public void startContainer() {
    super.startContainer();
    start();
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    try {
      byGroup.forEach((group, endpoints) -> consumers.add(build(group, endpoints)));
      consumers.forEach(HalfmsgConsumer::start);
    } catch (RuntimeException e) {
      closeAll();
      throw e;
    }
    running = true;
  }

  @Override
  public synchronized void stop() {
    closeAll();
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before the data source goes, with rocketmq-spring's listener containers. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 2000;
  }

  private HalfmsgConsumer build(String group, List<Endpoint> endpoints) {
    DataSource ds = dataSource.getIfUnique();
    PlatformTransactionManager tm = transactionManager.getIfUnique();
    if (ds == null || tm == null) {
      throw new IllegalStateException(
          "Acked consumer group "
              + group
              + " needs one DataSource and one"
              + " PlatformTransactionManager for the dedupe row and the listener's transaction");
    }
    if (factory.properties().brokerUrls().isEmpty()) {
      throw new IllegalStateException(
          "halfmsg.consumer.broker-urls is required for acked consumer group " + group);
    }
    return factory.create(
        group,
        nameServers.get(group),
        new SpringTransactions(tm, ds),
        b -> {
          for (Endpoint e : endpoints) {
            // rocketmq-spring's containers decode with UTF-8 unless told otherwise.
            ListenerPayloads payloads =
                new ListenerPayloads(
                    e.listener(), converter.getMessageConverter(), StandardCharsets.UTF_8);
            RocketMQListener<Object> listener = e.listener();
            b.subscribe(
                e.topic(),
                e.tags(),
                byte[].class,
                (body, received, connection) ->
                    listener.onMessage(payloads.convert(body, received)));
          }
        });
  }

  private void closeAll() {
    for (int i = consumers.size() - 1; i >= 0; i--) {
      consumers.get(i).close();
    }
    consumers.clear();
  }
}
