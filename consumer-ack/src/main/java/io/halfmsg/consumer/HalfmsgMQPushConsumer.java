package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.client.BrokerUrls;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
 */
public class HalfmsgMQPushConsumer extends DefaultMQPushConsumer {

  private static final Duration RETRY_ROUTE_PATIENCE = Duration.ofSeconds(5);

  private List<URI> brokerUrls = List.of();
  private String token;
  private TransactionBoundDataSource dataSource;
  private LocalTransactions transactions;
  private Duration ackTimeout;
  private Integer maxAttempts;
  private String dedupeTable = DedupeTable.DEFAULT_NAME;
  private boolean autoCreateDedupeTable;
  private Duration requestTimeout = Duration.ofSeconds(5);
  private final Map<String, Subscription> topics = new ConcurrentHashMap<>();
  private Acks acks;
  private Function<BrokerApi, Acks> ackFactory;
  private volatile ListenerTransaction applier;

  public HalfmsgMQPushConsumer() {
    super();
  }

  public HalfmsgMQPushConsumer(String consumerGroup) {
    super(consumerGroup);
  }

  /** Base URLs of the halfmsg broker instances; requests fail over from one to the next. */
  public void setHalfmsgBrokerUrls(String... urls) {
    this.brokerUrls = BrokerUrls.parse(List.of(urls));
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
    this.transactions = LocalTransactions.jdbc(this.dataSource.target());
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
   * Instead of {@link #setDataSource(DataSource)}: another transaction manager, e.g. Spring's, so
   * that {@code JdbcTemplate} or MyBatis code in the listener joins the transaction.
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

  /** Subscribes in RocketMQ and, from {@link #start()}, with the halfmsg broker. */
  @Override
  public void subscribe(String topic, String subExpression) throws MQClientException {
    TagExpression tags = TagExpression.parse(subExpression);
    super.subscribe(topic, subExpression);
    topics.put(topic, new Subscription(topic, tags, null, null));
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
    if (listener instanceof MessageListenerConcurrently c) {
      super.setMessageListener(c instanceof Concurrently ? c : new Concurrently(c));
    } else if (listener instanceof MessageListenerOrderly o) {
      super.setMessageListener(o instanceof Orderly ? o : new Orderly(o));
    } else {
      super.setMessageListener(listener);
    }
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
    if (transactions == null) {
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
    ObjectMapper json = new ObjectMapper();
    BrokerApi broker = new BrokerApi(brokerUrls, token, json, requestTimeout, null);
    DedupeTable dedupe = new DedupeTable(dedupeTable);
    dedupe.prepare(transactions, autoCreateDedupeTable);
    new SubscriptionRegistration(broker, group, topics, ackTimeout, maxAttempts).register();
    Duration shutdownTimeout =
        Duration.ofMillis(Math.max(getAwaitTerminationMillisWhenShutdown(), 10_000));
    acks =
        ackFactory != null
            ? ackFactory.apply(broker)
            : new AckSender(broker, group, 200, Duration.ofMillis(20), 10_000, shutdownTimeout);
    acks.start();
    applier =
        new ListenerTransaction(group, transactions, dataSource, dedupe, acks, Clock.systemUTC());
    try {
      super.start();
    } catch (MQClientException | RuntimeException e) {
      acks.close();
      throw e;
    }
    RetryTopicRoute.awaitAndRebalance(this, RETRY_ROUTE_PATIENCE);
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
   * The halfmsg messages and the others. A halfmsg redelivery (on the retry topic, which RocketMQ
   * does not filter by tag) whose tag the group does not consume is acked here without the
   * listener, as RocketMQ would never have delivered it.
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
      if (s != null && !s.tags().matches(m.getTags())) {
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
