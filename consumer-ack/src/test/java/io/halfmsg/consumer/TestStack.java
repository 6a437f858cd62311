package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.tls.SelfSignedTls;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real halfmsg broker (in-process, over HTTP) on its own test database, forwarding to an embedded
 * RocketMQ; with the producer and admin calls the consumer tests need.
 */
public final class TestStack implements AutoCloseable {

  private final TestDatabase brokerDb;
  private final Map<String, Object> properties;
  private final EmbeddedRocketMq mq;
  private final ConfigurableApplicationContext broker;
  private final BrokerClient producer;
  private final BrokerClient admin;

  private TestStack(
      TestDatabase brokerDb,
      Map<String, Object> properties,
      EmbeddedRocketMq mq,
      ConfigurableApplicationContext broker) {
    this.brokerDb = brokerDb;
    this.properties = properties;
    this.mq = mq;
    this.broker = broker;
    this.producer = BrokerInstances.client(broker, BrokerClient.PRODUCER_TOKEN);
    this.admin = producer.withToken(BrokerClient.ADMIN_TOKEN);
  }

  /**
   * A broker that looks for due redeliveries every 100 ms and waits at most 1 s between two sends,
   * so that a subscription's short ack timeout is what the tests wait for.
   */
  public static TestStack start(TestDatabase brokerDb, EmbeddedRocketMq mq) {
    return start(brokerDb, mq, Map.of());
  }

  /** Like {@link #start(TestDatabase, EmbeddedRocketMq)}, with {@code extra} broker properties. */
  public static TestStack start(TestDatabase brokerDb, EmbeddedRocketMq mq, Map<String, ?> extra) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("halfmsg.rocketmq.namesrv-addr", mq.namesrvAddr());
    props.put("halfmsg.delivery.poll-interval", "100ms");
    props.put("halfmsg.delivery.max-backoff", "1s");
    props.put("halfmsg.check-back.first-check-after", "1h");
    props.putAll(extra);
    return new TestStack(brokerDb, props, mq, BrokerInstances.start(brokerDb, props));
  }

  /**
   * A second broker instance on the same database and RocketMQ, serving only HTTPS with {@code
   * tls}'s certificate, at {@code https://127.0.0.1:<BrokerInstances.port>}; the test closes it.
   * Messages sent through this stack reach consumers that talk to it: instances share their
   * database.
   */
  public ConfigurableApplicationContext startHttpsInstance(SelfSignedTls tls) {
    Map<String, Object> props = new LinkedHashMap<>(properties);
    props.putAll(tls.springBundles("server", "trust"));
    props.put("server.ssl.bundle", "server");
    return BrokerInstances.start(brokerDb, props);
  }

  public String brokerUrl() {
    return "http://127.0.0.1:" + BrokerInstances.port(broker);
  }

  public String namesrvAddr() {
    return mq.namesrvAddr();
  }

  /**
   * A consumer of {@code group} on this broker (consumer token) and RocketMQ; the rest is the
   * test's.
   */
  public HalfmsgConsumer.Builder consumer(String group) {
    return HalfmsgConsumer.builder()
        .brokerUrls(brokerUrl())
        .token(BrokerClient.CONSUMER_TOKEN)
        .namesrvAddr(namesrvAddr())
        .consumerGroup(group);
  }

  /** A fresh topic name, created in RocketMQ so that consumers see its route at once. */
  public String newTopic(String prefix) {
    String topic = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic);
    return topic;
  }

  /**
   * Like {@link #newTopic(String)}, with {@code queues} queues; with one, every message of the
   * topic is in the one queue a pull, and so a batch, is made from.
   */
  public String newTopic(String prefix, int queues) {
    String topic = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    mq.createTopic(topic, queues);
    return topic;
  }

  /** How many messages the broker holds in {@code state} ({@code GET /api/v1/stats}). */
  public long messagesIn(String state) {
    return admin.get("/api/v1/stats").json().path("messages").path(state).asLong();
  }

  /** The message's state as the admin API shows it, e.g. FORWARDED once RocketMQ stored it. */
  public String messageState(String messageId) {
    return admin.get("/api/v1/messages/" + messageId).json().path("state").asText();
  }

  /** Prepares and commits a message as a producer would; returns its id. */
  public String send(String topic, String tag, String body) {
    return send(topic, tag, body, null);
  }

  /** {@link #send(String, String, String)} with a sharding key (none if null). */
  public String send(String topic, String tag, String body, String shardingKey) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (shardingKey != null) {
      m.put("shardingKey", shardingKey);
    }
    m.put("producerGroup", "test-producer");
    m.put("topic", topic);
    if (tag != null) {
      m.put("tag", tag);
    }
    m.put("keys", "k1 k2");
    m.put("body", body);
    m.put("properties", Map.of("traceId", "trace-1"));
    BrokerClient.Response prepared = producer.prepare(m);
    if (prepared.status() != 201) {
      throw new IllegalStateException("prepare: " + prepared);
    }
    String id = prepared.text("messageId");
    BrokerClient.Response committed = producer.commit(id);
    if (committed.status() != 200) {
      throw new IllegalStateException("commit: " + committed);
    }
    return id;
  }

  /** The message's delivery to {@code group} as the admin API shows it, or a missing node. */
  public JsonNode delivery(String messageId, String group) {
    BrokerClient.Response r = admin.get("/api/v1/messages/" + messageId);
    for (JsonNode d : r.json().path("deliveries")) {
      if (group.equals(d.path("consumerGroup").asText())) {
        return d;
      }
    }
    return r.json().path("no-such-delivery");
  }

  public String deliveryState(String messageId, String group) {
    return delivery(messageId, group).path("state").asText();
  }

  public int attempts(String messageId, String group) {
    return delivery(messageId, group).path("attempts").asInt();
  }

  public BrokerClient.Response replay(String messageId, String group) {
    return admin.post(
        "/api/v1/deliveries/replay",
        BrokerClient.json(
            Map.of("messageId", messageId, "consumerGroup", group, "reason", "consumer fixed")));
  }

  /** A small connection pool on a test database, for a consumer's own data. */
  public static HikariDataSource dataSource(TestDatabase db) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  @Override
  public void close() {
    broker.close();
  }
}
