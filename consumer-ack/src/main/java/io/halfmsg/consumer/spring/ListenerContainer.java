package io.halfmsg.consumer.spring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.consumer.ConsumerHealth;
import io.halfmsg.consumer.HalfmsgConsumer;
import io.halfmsg.consumer.LocalTransactions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Runs one {@link HalfmsgConsumer} per consumer group of the {@link HalfmsgListener} methods:
 * starts them once the context is refreshed (failing the start-up if one cannot start) and closes
 * them first at shutdown, before the data source and the web server go.
 */
final class ListenerContainer implements SmartLifecycle {

  private final ListenerMethods methods;
  private final HalfmsgConsumerFactory factory;
  private final HalfmsgConsumerProperties properties;
  private final Environment environment;
  private final ObjectProvider<DataSource> dataSource;
  private final ObjectProvider<PlatformTransactionManager> transactionManager;
  private final ObjectProvider<ObjectMapper> objectMapper;
  // Read by health checks while start() runs, hence copy-on-write rather than synchronized.
  private final List<HalfmsgConsumer> consumers = new CopyOnWriteArrayList<>();
  private volatile boolean running;

  ListenerContainer(
      ListenerMethods methods,
      HalfmsgConsumerFactory factory,
      Environment environment,
      ObjectProvider<DataSource> dataSource,
      ObjectProvider<PlatformTransactionManager> transactionManager,
      ObjectProvider<ObjectMapper> objectMapper) {
    this.methods = methods;
    this.factory = factory;
    this.properties = factory.properties();
    this.environment = environment;
    this.dataSource = dataSource;
    this.transactionManager = transactionManager;
    this.objectMapper = objectMapper;
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    Map<String, List<ListenerMethods.Endpoint>> byGroup = endpointsByGroup();
    if (!byGroup.isEmpty()) {
      LocalTransactions transactions = transactions();
      ObjectMapper json = objectMapper.getIfUnique();
      try {
        byGroup.forEach(
            (group, endpoints) -> consumers.add(consumer(group, endpoints, transactions, json)));
        consumers.forEach(HalfmsgConsumer::start);
      } catch (RuntimeException e) {
        closeAll();
        throw e;
      }
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

  /**
   * Each group's health, once the consumers are started; empty before that (and when there are no
   * listeners, check {@link #hasListeners()}).
   */
  List<ConsumerHealth> health() {
    return running ? consumers.stream().map(HalfmsgConsumer::health).toList() : List.of();
  }

  boolean hasListeners() {
    return !methods.endpoints().isEmpty();
  }

  private HalfmsgConsumer consumer(
      String group,
      List<ListenerMethods.Endpoint> endpoints,
      LocalTransactions transactions,
      ObjectMapper json) {
    required(properties.brokerUrls().isEmpty() ? null : properties.brokerUrls(), "broker-urls");
    return factory.create(
        group,
        required(namesrvAddr(), "namesrv-addr"),
        transactions,
        b -> subscribe(b.objectMapper(json), endpoints, json));
  }

  private void subscribe(
      HalfmsgConsumer.Builder b, List<ListenerMethods.Endpoint> endpoints, ObjectMapper json) {
    ObjectMapper types = json != null ? json : new ObjectMapper();
    for (ListenerMethods.Endpoint e : endpoints) {
      ListenerInvoker invoker = new ListenerInvoker(e.bean(), e.method());
      String topic = environment.resolveRequiredPlaceholders(e.annotation().topic());
      String tags = environment.resolveRequiredPlaceholders(e.annotation().tags());
      try {
        b.subscribe(topic, tags, types.constructType(invoker.payloadType()), invoker);
      } catch (IllegalArgumentException ex) {
        throw new IllegalStateException(
            "@HalfmsgListener " + invoker + " (bean " + e.beanName() + "): " + ex.getMessage(), ex);
      }
    }
  }

  private Map<String, List<ListenerMethods.Endpoint>> endpointsByGroup() {
    Map<String, List<ListenerMethods.Endpoint>> byGroup = new LinkedHashMap<>();
    for (ListenerMethods.Endpoint e : methods.endpoints()) {
      String group = environment.resolveRequiredPlaceholders(e.annotation().consumerGroup());
      if (group.isBlank()) {
        group = properties.consumerGroup();
      }
      if (group == null || group.isBlank()) {
        throw new IllegalStateException(
            "@HalfmsgListener "
                + e.method()
                + " names no consumerGroup and halfmsg.consumer.consumer-group is not set");
      }
      byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(e);
    }
    return byGroup;
  }

  private LocalTransactions transactions() {
    DataSource ds = dataSource.getIfUnique();
    PlatformTransactionManager tm = transactionManager.getIfUnique();
    if (ds == null || tm == null) {
      throw new IllegalStateException(
          "@HalfmsgListener methods need one DataSource and one PlatformTransactionManager (or a"
              + " @Primary one of each) for the dedupe table and the listener's transaction");
    }
    return new SpringTransactions(tm, ds);
  }

  private String namesrvAddr() {
    String own = properties.namesrvAddr();
    return own != null && !own.isBlank()
        ? own
        : environment.getProperty("halfmsg.rocketmq.namesrv-addr");
  }

  private static <T> T required(T value, String property) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new IllegalStateException(
          "halfmsg.consumer." + property + " is required for @HalfmsgListener methods");
    }
    return value;
  }

  private void closeAll() {
    for (int i = consumers.size() - 1; i >= 0; i--) {
      consumers.get(i).close();
    }
    consumers.clear();
  }
}
