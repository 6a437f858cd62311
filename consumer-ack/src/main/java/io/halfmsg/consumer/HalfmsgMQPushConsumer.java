package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.client.BrokerUrls;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListener;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DefaultMQPushConsumer} whose listener applies each halfmsg message exactly once, in a
 * local transaction with its dedupe row, and acks it to the halfmsg broker after the commit.
 * Existing RocketMQ consumer code keeps its listener; only the {@code new} changes, plus the
 * halfmsg settings:
 *
 * <pre>{@code
 * HalfmsgMQPushConsumer consumer = new HalfmsgMQPushConsumer("please_rename_unique_group_name_4");
 * consumer.setHalfmsgBrokerUrls("http://halfmsg:8080");
 * consumer.setHalfmsgToken(consumerToken);
 * consumer.setDataSource(dataSource);       // the dedupe table's and the listener's database
 * DataSource db = consumer.getTransactionalDataSource(); // what the listener's JDBC code uses
 * consumer.setNamesrvAddr("rocketmq-ns:9876");
 * consumer.subscribe("TopicTest", "*");
 * consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> { ... });
 * consumer.start();
 * }</pre>
 *
 * <p>Per {@code consumeMessage} call, the messages sent through halfmsg (those with a {@code
 * HALFMSG_ID} property) share one local transaction: their dedupe rows are inserted, those applied
 * before are acked again and left out, the listener is called with the rest, and on {@code
 * CONSUME_SUCCESS} / {@code SUCCESS} the transaction commits and the acks are queued. On {@code
 * RECONSUME_LATER}, {@code SUSPEND_CURRENT_QUEUE_A_MOMENT}, an exception or a failed commit it
 * rolls back and nothing is acked: the broker sends the messages again after the ack timeout. The
 * listener's database work joins the transaction when it takes its connections from {@link
 * #getTransactionalDataSource()} (or, with {@link #setLocalTransactions(LocalTransactions)}, from
 * whatever that transaction manager binds).
 *
 * <p>A concurrently listener's failure is reported to RocketMQ as {@code CONSUME_SUCCESS}: the
 * halfmsg broker is the one that redelivers (see {@link HalfmsgConsumer}). An orderly listener's
 * {@code SUSPEND_CURRENT_QUEUE_A_MOMENT} is passed on, so RocketMQ retries the queue in place and
 * keeps the order; the dedupe rows make the broker's later redelivery of the same messages a no-op.
 *
 * <p>Messages without a {@code HALFMSG_ID} (produced to RocketMQ directly) are handed to the
 * listener as RocketMQ would, in a call of their own, without a transaction, dedupe or ack; the
 * listener's status for them goes to RocketMQ unchanged.
 *
 * <p>As with {@link HalfmsgConsumer}, a halfmsg redelivery whose tag the subscription does not want
 * is acked without the listener, and one of a topic this consumer does not subscribe to is left
 * out, not acked (another instance of the group may consume that topic).
 */
public class HalfmsgMQPushConsumer extends DefaultMQPushConsumer {

  private static final Logger log = LoggerFactory.getLogger(HalfmsgMQPushConsumer.class);
  private static final Duration ROUTE_PATIENCE = Duration.ofSeconds(5);

  private List<URI> brokerUrls = List.of();
  private String token;
  private SSLContext sslContext;
  private MeterRegistry meterRegistry;
  private TransactionBoundDataSource dataSource;
  private LocalTransactions transactions;
  private Duration ackTimeout;
  private Integer maxAttempts;
  private String dedupeTable = DedupeTable.DEFAULT_NAME;
  private boolean autoCreateDedupeTable;
  private Duration requestTimeout = Duration.ofSeconds(5);
  private final Map<String, Subscription> topics = new ConcurrentHashMap<>();
  private final ConsumerCounters counters = new ConsumerCounters();
  private volatile Acks acks;
  private Function<BrokerApi, Acks> ackFactory;
  private volatile ListenerTransaction applier;
  // Set by start(): a subscription made afterwards is registered with the broker at once.
  private BrokerApi broker;

  public HalfmsgMQPushConsumer() {
    super();
  }

  public HalfmsgMQPushConsumer(String consumerGroup) {
    super(consumerGroup);
  }

  /**
   * Base URLs of the halfmsg broker instances, each argument one URL or several separated by commas
   * ({@code "http://halfmsg-1:8080,http://halfmsg-2:8080"}); requests fail over from one to the
   * next.
   *
   * @throws IllegalArgumentException naming a URL that is not {@code http(s)} with a host, or if
   *     there is none
   */
  public void setHalfmsgBrokerUrls(String... urls) {
    List<URI> parsed =
        BrokerUrls.parse(
            Arrays.stream(urls)
                .filter(Objects::nonNull)
                .flatMap(u -> Arrays.stream(u.split(",")))
                .toList());
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URL is required");
    }
    this.brokerUrls = parsed;
  }

  /**
   * The TLS settings of {@code https} broker URLs, as {@link HalfmsgConsumer.Builder#sslContext}:
   * the certificates trusted and, for mutual TLS, this client's key. Default: the JVM's default.
   * RocketMQ's own connections are not affected.
   */
  public void setHalfmsgSslContext(SSLContext sslContext) {
    this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
  }

  /**
   * Publishes {@link #getHalfmsgStats()} to {@code registry} from {@link #start()}, with the meters
   * of {@link HalfmsgConsumer.Builder#meterRegistry}. Needs micrometer-core on the class path.
   */
  public void setMeterRegistry(MeterRegistry registry) {
    this.meterRegistry = registry;
  }

  /**
   * Counters of the halfmsg messages since this consumer was made: {@code handled} (applied and
   * committed), {@code duplicates}, {@code failed} (rolled back), {@code filtered} (acked without
   * the listener), {@code skipped} (a topic not subscribed here), {@code batches} (calls that
   * applied several together) and the acks. Messages without a {@code HALFMSG_ID} are not counted.
   */
  public ConsumerStats getHalfmsgStats() {
    return counters.stats(acks);
  }

  /** A consumer-role bearer token of the broker ({@code halfmsg.auth.consumer-tokens}). */
  public void setHalfmsgToken(String token) {
    this.token = token;
  }

  /**
   * The database of the dedupe table, and of the listener's work: plain JDBC transactions on it,
   * with {@link #getTransactionalDataSource()} handing the listener their connection.
   */
  public void setDataSource(DataSource dataSource) {
    this.dataSource = new TransactionBoundDataSource(dataSource);
  }

  /**
   * The data source for the listener's own JDBC code: during a listener call it returns the
   * connection of the call's local transaction; elsewhere, connections of {@link
   * #setDataSource(DataSource)}'s data source.
   */
  public DataSource getTransactionalDataSource() {
    if (dataSource == null) {
      throw new IllegalStateException("setDataSource first");
    }
    return dataSource;
  }

  /**
   * Instead of {@link #setDataSource(DataSource)}'s plain JDBC transactions: another transaction
   * manager, e.g. {@code new SpringTransactions(transactionManager, dataSource)}, so that {@code
   * JdbcTemplate} or MyBatis code in the listener joins the transaction. With both, {@link
   * #getTransactionalDataSource()} hands out this transaction's connection.
   */
  public void setLocalTransactions(LocalTransactions transactions) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
  }

  /** How long the broker waits for this group's ack before sending again; default the broker's. */
  public void setHalfmsgAckTimeout(Duration ackTimeout) {
    this.ackTimeout = ackTimeout;
  }

  /** How many sends the broker makes before the delivery is DEAD; default the broker's. */
  public void setHalfmsgMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  /** Name of the dedupe table; default {@code halfmsg_consumed}. */
  public void setDedupeTable(String dedupeTable) {
    this.dedupeTable = dedupeTable;
  }

  /** Whether {@link #start()} creates a missing dedupe table; default false. */
  public void setAutoCreateDedupeTable(boolean autoCreate) {
    this.autoCreateDedupeTable = autoCreate;
  }

  /** Timeout of one HTTP request to the halfmsg broker; default 5 s. */
  public void setHalfmsgRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  /** Replaces the ack sender, for tests that lose acks on purpose. */
  void acks(Function<BrokerApi, Acks> factory) {
    this.ackFactory = factory;
  }

  /**
   * Subscribes in RocketMQ and with the halfmsg broker: at {@link #start()}, or, once started, at
   * once, before RocketMQ (the broker makes deliveries to the group only for topics it knows).
   *
   * @throws IllegalStateException after the start, if the broker refuses the subscription or cannot
   *     be reached; RocketMQ's subscription is then left as it was
   */
  @Override
  public void subscribe(String topic, String subExpression) throws MQClientException {
    Subscription s = new Subscription(topic, TagExpression.parse(subExpression), null, null);
    boolean started;
    synchronized (this) {
      started = broker != null;
      if (started) {
        Map<String, Subscription> next = new LinkedHashMap<>(topics);
        next.put(topic, s);
        register(broker, next);
      }
      super.subscribe(topic, subExpression);
      topics.put(topic, s);
    }
    if (started) {
      // RocketMQ would look the new topic's route up only at its next refresh (up to 30 s).
      RetryTopicRoute.awaitAndRebalance(this, topic, ROUTE_PATIENCE);
    }
  }

  /**
   * Not supported: the halfmsg broker tracks deliveries by tag expression, which a SQL92 selector
   * is not; a {@code TAG} selector is treated as {@link #subscribe(String, String)}.
   *
   * @throws UnsupportedOperationException for a SQL92 selector
   */
  @Override
  public void subscribe(String topic, MessageSelector selector) throws MQClientException {
    if (selector == null || ExpressionType.isTagType(selector.getExpressionType())) {
      subscribe(topic, selector == null ? "*" : selector.getExpression());
      return;
    }
    throw new UnsupportedOperationException(
        "halfmsg consumers subscribe with tag expressions, not " + selector.getExpressionType());
  }

  @Override
  public void unsubscribe(String topic) {
    super.unsubscribe(topic);
    topics.remove(topic);
  }

  /**
   * Refused: RocketMQ's filter classes are gone from its brokers, and halfmsg tracks deliveries by
   * tag expression.
   *
   * @deprecated as in RocketMQ
   */
  @Deprecated
  @Override
  public void subscribe(String topic, String fullClassName, String filterClassSource) {
    throw new UnsupportedOperationException(
        "halfmsg consumers subscribe with tag expressions: subscribe(topic, \"TagA || TagB\")");
  }

  /**
   * Refused: subscriptions set this way would bypass the halfmsg broker's registration.
   *
   * @deprecated as in RocketMQ
   */
  @Deprecated
  @Override
  public void setSubscription(Map<String, String> subscription) {
    throw new UnsupportedOperationException(
        "call subscribe(topic, expression) for each topic: it also registers it with halfmsg");
  }

  /** The listener typed as the interface: wrapped as its kind is (see the typed overloads). */
  @Override
  public void registerMessageListener(MessageListener listener) {
    super.registerMessageListener(wrapped(listener));
  }

  @Override
  public void registerMessageListener(MessageListenerConcurrently listener) {
    super.registerMessageListener(new Concurrently(listener));
  }

  @Override
  public void registerMessageListener(MessageListenerOrderly listener) {
    super.registerMessageListener(new Orderly(listener));
  }

  /**
   * @deprecated as in RocketMQ; use the typed overloads, which halfmsg wraps.
   */
  @Deprecated
  @Override
  public void setMessageListener(MessageListener listener) {
    super.setMessageListener(wrapped(listener));
  }

  private MessageListener wrapped(MessageListener listener) {
    if (listener instanceof Concurrently || listener instanceof Orderly) {
      return listener;
    }
    if (listener instanceof MessageListenerConcurrently c) {
      return new Concurrently(c);
    }
    if (listener instanceof MessageListenerOrderly o) {
      return new Orderly(o);
    }
    throw new IllegalArgumentException(
        "the listener must be a MessageListenerConcurrently or a MessageListenerOrderly");
  }

  /**
   * Checks the dedupe table, registers the subscription with the halfmsg broker, starts the ack
   * sender, then RocketMQ.
   *
   * @throws IllegalStateException if halfmsg is not configured, the dedupe table is missing or the
   *     broker refuses the subscription
   */
  @Override
  public synchronized void start() throws MQClientException {
    if (brokerUrls.isEmpty()) {
      throw new IllegalStateException("setHalfmsgBrokerUrls is required");
    }
    if (transactions == null && dataSource == null) {
      throw new IllegalStateException("setDataSource (or setLocalTransactions) is required");
    }
    if (getMessageModel() != MessageModel.CLUSTERING) {
      throw new IllegalStateException(
          "halfmsg acks one delivery per consumer group: only MessageModel.CLUSTERING is supported");
    }
    if (topics.isEmpty()) {
      throw new IllegalStateException("subscribe to at least one topic");
    }
    String group = getConsumerGroup();
    LocalTransactions tx =
        transactions != null ? transactions : LocalTransactions.jdbc(dataSource.target());
    BrokerApi api =
        new BrokerApi(brokerUrls, token, new ObjectMapper(), requestTimeout, sslContext);
    DedupeTable dedupe = new DedupeTable(dedupeTable);
    dedupe.prepare(tx, autoCreateDedupeTable);
    register(api, topics);
    Duration shutdownTimeout =
        Duration.ofMillis(Math.max(getAwaitTerminationMillisWhenShutdown(), 10_000));
    acks =
        ackFactory != null
            ? ackFactory.apply(api)
            : new AckSender(api, group, 200, Duration.ofMillis(20), 10_000, shutdownTimeout);
    acks.start();
    applier =
        new ListenerTransaction(group, tx, dataSource, dedupe, acks, counters, Clock.systemUTC());
    try {
      super.start();
    } catch (MQClientException | RuntimeException e) {
      acks.close();
      throw e;
    }
    broker = api;
    if (meterRegistry != null) {
      MicrometerConsumerMetrics.bind(
          meterRegistry, group, this, HalfmsgMQPushConsumer::getHalfmsgStats);
    }
    RetryTopicRoute.awaitAndRebalance(this, ROUTE_PATIENCE);
  }

  private void register(BrokerApi api, Map<String, Subscription> subscriptions) {
    new SubscriptionRegistration(api, getConsumerGroup(), subscriptions, ackTimeout, maxAttempts)
        .register();
  }

  /** Stops RocketMQ (running listeners finish first), then sends the queued acks. */
  @Override
  public synchronized void shutdown() {
    super.shutdown();
    if (acks != null) {
      acks.close();
    }
  }

  /**
   * The halfmsg messages for the listener and the others. Halfmsg redeliveries come on the group's
   * retry topic, which RocketMQ filters neither by tag nor by topic: one whose tag the group does
   * not consume (the subscription changed meanwhile) is acked here without the listener, as
   * RocketMQ would never have delivered it; one of a topic not subscribed here is left out and not
   * acked, as {@link HalfmsgConsumer} does, for an instance that subscribes to it.
   */
  private List<List<MessageExt>> split(List<MessageExt> messages) {
    List<MessageExt> halfmsg = new ArrayList<>();
    List<MessageExt> plain = new ArrayList<>();
    for (MessageExt m : messages) {
      if (!ListenerTransaction.sentThroughHalfmsg(m)) {
        plain.add(m);
        continue;
      }
      Subscription s = topics.get(m.getTopic());
      if (s == null) {
        counters.skipped();
        log.warn(
            "Skipped {} on topic {}: group {} does not subscribe to that topic here; not acked",
            ListenerTransaction.id(m),
            m.getTopic(),
            getConsumerGroup());
      } else if (!s.tags().matches(m.getTags())) {
        counters.filtered();
        acks.enqueue(ListenerTransaction.id(m));
      } else {
        halfmsg.add(m);
      }
    }
    return List.of(halfmsg, plain);
  }

  private final class Concurrently implements MessageListenerConcurrently {
    private final MessageListenerConcurrently user;

    Concurrently(MessageListenerConcurrently user) {
      this.user = Objects.requireNonNull(user, "listener");
    }

    @Override
    public ConsumeConcurrentlyStatus consumeMessage(
        List<MessageExt> messages,
        org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext context) {
      List<List<MessageExt>> parts = split(messages);
      if (!parts.get(0).isEmpty()) {
        // Not applied means redelivered by the broker, not by RocketMQ: always CONSUME_SUCCESS.
        applier.apply(
            parts.get(0),
            ms -> user.consumeMessage(ms, context) == ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
      }
      return parts.get(1).isEmpty()
          ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
          : user.consumeMessage(parts.get(1), context);
    }
  }

  private final class Orderly implements MessageListenerOrderly {
    private final MessageListenerOrderly user;

    Orderly(MessageListenerOrderly user) {
      this.user = Objects.requireNonNull(user, "listener");
    }

    @Override
    @SuppressWarnings("deprecation")
    public ConsumeOrderlyStatus consumeMessage(
        List<MessageExt> messages,
        org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyContext context) {
      List<List<MessageExt>> parts = split(messages);
      if (!parts.get(0).isEmpty()
          && !applier.apply(
              parts.get(0),
              ms -> {
                ConsumeOrderlyStatus s = user.consumeMessage(ms, context);
                return s == ConsumeOrderlyStatus.SUCCESS || s == ConsumeOrderlyStatus.COMMIT;
              })) {
        // RocketMQ retries the queue in place, which keeps the order; the dedupe rows absorb it.
        return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
      }
      return parts.get(1).isEmpty()
          ? ConsumeOrderlyStatus.SUCCESS
          : user.consumeMessage(parts.get(1), context);
    }
  }
}
