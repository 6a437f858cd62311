package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.client.BrokerUrls;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Type;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reliable consumer of halfmsg messages for one consumer group: a RocketMQ push consumer that
 * applies each message exactly once to the consumer's own database and acks it to the halfmsg
 * broker.
 *
 * <pre>{@code
 * HalfmsgConsumer consumer =
 *     HalfmsgConsumer.builder()
 *         .brokerUrls("http://halfmsg-1:8080", "http://halfmsg-2:8080")
 *         .token(consumerToken)
 *         .namesrvAddr("rocketmq-ns:9876")
 *         .consumerGroup("repo-service")
 *         .dataSource(dataSource)
 *         .subscribe("repo_deduction", "*", Deduction.class,
 *             (deduction, message, connection) -> stock.deduct(connection, deduction))
 *         .build()
 *         .start();
 * ...
 * consumer.close();
 * }</pre>
 *
 * <h2>What happens to each message</h2>
 *
 * In one local transaction on the consumer's database: insert {@code (consumer_group, message_id)}
 * into the dedupe table ({@code halfmsg_consumed}, DDL in {@code
 * classpath:io/halfmsg/consumer/halfmsg_consumed-mysql.sql}); if the row already existed, the
 * message was applied before and the handler is skipped; otherwise the body is converted to the
 * payload type and the handler runs; then the transaction commits, and only then is the ack queued
 * for the broker. If the handler throws, everything rolls back (the dedupe row too) and no ack is
 * sent: the broker sends the message again to this group after its ack timeout, with backoff, up to
 * {@code maxAttempts} times, then marks the delivery DEAD for an operator to replay. Two copies of
 * one message processed at the same time are safe: the second one's insert waits for the first
 * one's transaction and then finds the row.
 *
 * <p>RocketMQ hands the listener up to {@code consumeBatchSize} (32) messages of one pull at a
 * time, and the messages of such a batch share that transaction: one multi-row insert of all their
 * dedupe rows, then each handler in the batch's order on the same connection, one commit, then all
 * their acks. If the insert finds any row already there (a redelivery, or one message twice in the
 * batch), or any handler or payload conversion throws, or the commit fails, the whole batch rolls
 * back and each of its messages is then processed alone as above: duplicates skipped and acked, the
 * failing one rolled back and not acked, the others applied and acked. A handler may therefore run
 * twice for one message, but its first run's database work was rolled back: it takes effect once.
 * Messages without a halfmsg id, of a topic without a handler, or filtered by tag never join a
 * batch transaction (see below).
 *
 * <h2>RocketMQ always hears CONSUME_SUCCESS</h2>
 *
 * The listener returns {@code CONSUME_SUCCESS} for every batch, also when a handler failed. The
 * halfmsg broker is the one retry mechanism: it tracks each group's delivery, redelivers after the
 * ack timeout with backoff, counts attempts, parks the delivery as DEAD and lets an operator replay
 * it. Returning {@code RECONSUME_LATER} would add RocketMQ's own retry schedule on top: the message
 * would be retried twice over, on two clocks, and after 16 RocketMQ retries end in a {@code %DLQ%}
 * topic that halfmsg does not watch, while the broker's attempt count and DEAD state would no
 * longer describe what happened.
 *
 * <h2>Messages without a halfmsg id</h2>
 *
 * A message without a valid {@code HALFMSG_ID} property was not sent through halfmsg (someone
 * produced to the topic directly). It cannot be deduplicated and there is no delivery to ack, so it
 * is skipped: logged as a warning, counted in {@link ConsumerStats#skipped()}, not handled.
 *
 * <h2>Tags</h2>
 *
 * The subscription sent to the broker carries each topic's tag expression, so the broker creates
 * deliveries, and waits for acks, only for the tags the group consumes; RocketMQ filters the first
 * deliveries by the same expression. A redelivery of a message whose tag the group does not consume
 * (possible if the subscription changed meanwhile) is acked without running a handler ({@link
 * ConsumerStats#filtered()}).
 *
 * <h2>Acks</h2>
 *
 * Acks are sent asynchronously by one background thread, up to {@code ackBatchSize} per request,
 * each batch after at most {@code ackMaxDelay}; failed requests are retried with backoff and fail
 * over to the next broker URL. {@link #close()} stops consuming, lets running handlers finish and
 * sends the queued acks. A lost ack costs a redelivery, never a second application.
 */
public final class HalfmsgConsumer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HalfmsgConsumer.class);

  /**
   * What the consumer keeps of its builder, copied at {@code build()}: a builder changed or reused
   * afterwards does not reach a consumer built from it.
   */
  private record Settings(
      String consumerGroup,
      List<URI> brokerUrls,
      String namesrvAddr,
      String instanceName,
      int consumeThreads,
      int consumeBatchSize,
      Duration shutdownTimeout,
      LocalTransactions transactions,
      boolean autoCreateDedupeTable,
      MeterRegistry meterRegistry,
      SSLContext sslContext) {}

  private final Settings settings;
  private final Map<String, Subscription> subscriptions;
  private final SubscriptionRegistration registration;
  private final DedupeTable dedupe;
  private final Acks acks;
  private final MessageProcessor processor;
  private final BatchProcessor batches;
  private final DedupePurger purger;
  private volatile DefaultMQPushConsumer pushConsumer;
  private boolean started;
  private volatile boolean closed;

  private HalfmsgConsumer(Builder b) {
    this.settings =
        new Settings(
            b.consumerGroup,
            List.copyOf(b.brokerUrls),
            b.namesrvAddr,
            b.instanceName,
            b.consumeThreads,
            b.consumeBatchSize,
            b.shutdownTimeout,
            b.transactions,
            b.autoCreateDedupeTable,
            b.meterRegistry,
            b.sslContext);
    ObjectMapper json = b.objectMapper != null ? b.objectMapper : defaultObjectMapper();
    PayloadReader payloads = new PayloadReader(json);
    Map<String, Subscription> subs = new LinkedHashMap<>();
    b.subscriptions.forEach(
        (topic, s) ->
            subs.put(
                topic, new Subscription(topic, s.tags, payloads.type(s.payloadType), s.handler)));
    this.subscriptions = Map.copyOf(subs);
    BrokerApi broker =
        new BrokerApi(
            settings.brokerUrls(), b.token, json, b.requestTimeout, settings.sslContext());
    this.registration =
        new SubscriptionRegistration(broker, b.consumerGroup, subs, b.ackTimeout, b.maxAttempts);
    this.dedupe = new DedupeTable(b.dedupeTable);
    this.acks =
        b.acks != null
            ? b.acks.apply(broker)
            : new AckSender(
                broker,
                b.consumerGroup,
                b.ackBatchSize,
                b.ackMaxDelay,
                b.ackQueueCapacity,
                b.shutdownTimeout);
    this.processor =
        new MessageProcessor(
            b.consumerGroup, subs, b.transactions, dedupe, payloads, acks, b.clock);
    this.batches = new BatchProcessor(b.consumerGroup, processor, b.transactions, dedupe, b.clock);
    this.purger =
        b.dedupeRetention == null
            ? null
            : new DedupePurger(
                b.transactions,
                dedupe,
                b.consumerGroup,
                b.dedupeRetention,
                b.dedupePurgeInterval,
                b.clock);
  }

  /** A builder; {@code brokerUrls}, {@code namesrvAddr}, {@code consumerGroup}, a data source. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts consuming: checks (or creates) the dedupe table, registers the group's subscription with
   * the broker ({@code PUT /api/v1/subscriptions/{group}}: its topics, ack timeout and attempts;
   * topics of the group this consumer does not name stay, and are logged as a warning), then starts
   * the RocketMQ push consumer. For a new group it waits (up to 5 s) until the name server knows
   * the group's retry topic, which RocketMQ creates at the group's first heartbeat and which
   * carries the broker's redeliveries.
   *
   * @return this consumer
   * @throws IllegalStateException if the dedupe table is missing, the broker refuses the
   *     subscription, cannot be reached or gives no usable answer (each broker URL is tried once),
   *     or RocketMQ cannot be started; nothing keeps running
   */
  public synchronized HalfmsgConsumer start() {
    if (started) {
      throw new IllegalStateException("Consumer of group " + group() + " was already started");
    }
    started = true;
    dedupe.prepare(settings.transactions(), settings.autoCreateDedupeTable());
    registration.register();
    if (purger != null) {
      purger.start();
    }
    if (settings.meterRegistry() != null) {
      MicrometerConsumerMetrics.bind(
          settings.meterRegistry(), group(), this, HalfmsgConsumer::stats);
    }
    acks.start();
    try {
      pushConsumer =
          PushConsumers.start(
              group(),
              settings.namesrvAddr(),
              settings.instanceName(),
              settings.consumeThreads(),
              settings.consumeBatchSize(),
              settings.shutdownTimeout(),
              subscriptions.values(),
              batches);
    } catch (RuntimeException e) {
      // Nothing keeps running after a failed start: the purger's thread would otherwise stay.
      acks.close();
      if (purger != null) {
        purger.close();
      }
      throw e;
    }
    log.info(
        "halfmsg consumer group {} started on topics {} (dedupe table {}, brokers {})",
        group(),
        subscriptions.keySet(),
        dedupe.name(),
        settings.brokerUrls());
    return this;
  }

  /**
   * Stops consuming, waits for running handlers (up to the shutdown timeout), then sends the queued
   * acks (up to the same timeout). Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (purger != null) {
      purger.close();
    }
    if (pushConsumer != null) {
      pushConsumer.shutdown();
    }
    acks.close();
    log.info("halfmsg consumer group {} stopped; {}", group(), stats());
  }

  /** The consumer group. */
  public String group() {
    return settings.consumerGroup();
  }

  /** Counters since the consumer was built. */
  public ConsumerStats stats() {
    return processor.stats();
  }

  /** Whether it consumes now, and if not, why; see {@link ConsumerHealth}. */
  public ConsumerHealth health() {
    String group = group();
    if (closed) {
      return new ConsumerHealth(group, false, "closed");
    }
    if (pushConsumer == null) {
      return new ConsumerHealth(group, false, "not started");
    }
    List<String> unknown = RetryTopicRoute.unknownRoutes(pushConsumer, subscriptions.keySet());
    return unknown.isEmpty()
        ? new ConsumerHealth(group, true, "consuming")
        : new ConsumerHealth(
            group, false, "waiting for RocketMQ's routes of " + String.join(", ", unknown));
  }

  /** The running RocketMQ consumer, for tests that pause it to let a backlog build up. */
  synchronized DefaultMQPushConsumer rocketMqConsumer() {
    return pushConsumer;
  }

  private static ObjectMapper defaultObjectMapper() {
    // Producers may add fields before consumers know them.
    return new ObjectMapper()
        .findAndRegisterModules()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** Settings of a {@link HalfmsgConsumer}; see each method for its default. */
  public static final class Builder {

    private List<URI> brokerUrls = List.of();
    private String token;
    private SSLContext sslContext;
    private String namesrvAddr;
    private String consumerGroup;
    private final Map<String, PendingSubscription> subscriptions = new LinkedHashMap<>();
    private LocalTransactions transactions;
    private ObjectMapper objectMapper;
    private Duration ackTimeout;
    private Integer maxAttempts;
    private String dedupeTable = DedupeTable.DEFAULT_NAME;
    private boolean autoCreateDedupeTable;
    private Duration dedupeRetention;
    private Duration dedupePurgeInterval = Duration.ofHours(1);
    private MeterRegistry meterRegistry;
    private int ackBatchSize = 200;
    private Duration ackMaxDelay = Duration.ofMillis(20);
    private int ackQueueCapacity = 10_000;
    private int consumeThreads = 20;
    private int consumeBatchSize = 32;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private String instanceName;
    private Clock clock = Clock.systemUTC();
    private Function<BrokerApi, Acks> acks;

    private record PendingSubscription(
        TagExpression tags, Type payloadType, MessageHandler<Object> handler) {}

    private Builder() {}

    /**
     * Base URLs of the halfmsg broker instances, e.g. {@code http://halfmsg:8080}; requests fail
     * over from one to the next. Required.
     */
    public Builder brokerUrls(String... urls) {
      return brokerUrls(List.of(urls));
    }

    /**
     * See {@link #brokerUrls(String...)}; blank entries are left out.
     *
     * @throws IllegalArgumentException if one is not an http(s) URL with a host
     */
    public Builder brokerUrls(List<String> urls) {
      brokerUrls = BrokerUrls.parse(urls);
      return this;
    }

    /** A consumer-role bearer token of the broker ({@code halfmsg.auth.consumer-tokens}). */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * The TLS settings of {@code https} broker URLs: the certificates trusted (e.g. a private CA)
     * and, for mutual TLS, this client's key. Default: the JVM's default {@link SSLContext} ({@code
     * -Djavax.net.ssl.trustStore}). The broker's host name is always checked against its
     * certificate. (RocketMQ's own connections are not affected.)
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** RocketMQ name server address(es), {@code host:port;host:port}. Required. */
    public Builder namesrvAddr(String namesrvAddr) {
      this.namesrvAddr = namesrvAddr;
      return this;
    }

    /**
     * The consumer group: the halfmsg subscription and the RocketMQ consumer group, one name.
     * Required; RocketMQ's rules apply ({@code [%a-zA-Z0-9_-]}, at most 127 characters).
     */
    public Builder consumerGroup(String consumerGroup) {
      this.consumerGroup = consumerGroup;
      return this;
    }

    /**
     * Handles the messages of {@code topic} whose tag matches {@code tagExpression} ({@code *},
     * {@code TagA}, {@code TagA || TagB}). The body is converted to {@code payloadType} with
     * Jackson; {@code String} (UTF-8) and {@code byte[]} receive it as it is. One handler per
     * topic.
     */
    public <T> Builder subscribe(
        String topic,
        String tagExpression,
        Class<T> payloadType,
        MessageHandler<? super T> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(topic, tagExpression, payloadType, (p, m, c) -> handler.handle(cast(p), m, c));
    }

    /**
     * Like {@link #subscribe(String, String, Class, MessageHandler)}, for generic payload types
     * such as {@code List<Deduction>} (build the type with the object mapper's type factory).
     */
    public Builder subscribe(
        String topic, String tagExpression, JavaType payloadType, MessageHandler<Object> handler) {
      Objects.requireNonNull(handler, "handler");
      return add(topic, tagExpression, payloadType, handler);
    }

    /**
     * The consumer's database, used with plain JDBC transactions (see {@link
     * LocalTransactions#jdbc(DataSource)}). This or {@link #transactions(LocalTransactions)} is
     * required.
     */
    public Builder dataSource(DataSource dataSource) {
      return transactions(LocalTransactions.jdbc(dataSource));
    }

    /** How the dedupe row and the handler's work get their transaction. */
    public Builder transactions(LocalTransactions transactions) {
      this.transactions = Objects.requireNonNull(transactions, "transactions");
      return this;
    }

    /**
     * The Jackson mapper for payloads and the broker API. Default: a plain {@code ObjectMapper}
     * with the modules found on the class path, ignoring unknown properties.
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = objectMapper;
      return this;
    }

    /**
     * How long the broker waits for this group's ack before sending a message again (at least 100
     * ms). Default: the broker's ({@code halfmsg.delivery.ack-timeout}, 30 s). Make it longer than
     * the handler's slowest run.
     */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
      return this;
    }

    /**
     * How many sends the broker makes before the delivery is DEAD. Default: the broker's ({@code
     * halfmsg.delivery.max-attempts}, 16).
     */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Name of the dedupe table; default {@code halfmsg_consumed}. */
    public Builder dedupeTable(String dedupeTable) {
      this.dedupeTable = dedupeTable;
      return this;
    }

    /**
     * Whether {@link HalfmsgConsumer#start()} creates the dedupe table if it does not exist (needs
     * the DDL privilege). Default {@code false}: create it with your migrations from {@code
     * classpath:io/halfmsg/consumer/halfmsg_consumed-mysql.sql}; start-up fails if it is missing.
     */
    public Builder autoCreateDedupeTable(boolean autoCreate) {
      this.autoCreateDedupeTable = autoCreate;
      return this;
    }

    /**
     * Deletes this group's dedupe rows older than {@code retention}, every purge interval, while
     * the consumer runs. Default: never (rows are kept). A row must outlive every redelivery of its
     * message: keep well beyond the broker's redelivery window (about 9 h with its defaults), and
     * beyond the time an operator may take to replay a DEAD delivery — a message that was applied
     * but whose acks never reached the broker is applied again if replayed after its row is gone.
     */
    public Builder dedupeRetention(Duration retention) {
      if (retention != null && (retention.isNegative() || retention.isZero())) {
        throw new IllegalArgumentException("dedupeRetention must be positive, not " + retention);
      }
      this.dedupeRetention = retention;
      return this;
    }

    /**
     * Publishes the consumer's {@link ConsumerStats} to {@code registry} from {@link
     * HalfmsgConsumer#start()}: {@code halfmsg.consumer.messages}, {@code halfmsg.consumer.batches}
     * and {@code halfmsg.consumer.acks} (tagged {@code group} and {@code outcome}), {@code
     * halfmsg.consumer.acks.pending}. Needs micrometer-core on the class path.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /** How often old dedupe rows are deleted when a retention is set; default 1 h. */
    public Builder dedupePurgeInterval(Duration interval) {
      if (Objects.requireNonNull(interval, "dedupePurgeInterval").isNegative()
          || interval.isZero()) {
        throw new IllegalArgumentException("dedupePurgeInterval must be positive");
      }
      this.dedupePurgeInterval = interval;
      return this;
    }

    /** Most acks per request to the broker, 1 to 1000; default 200. */
    public Builder ackBatchSize(int ackBatchSize) {
      this.ackBatchSize = ackBatchSize;
      return this;
    }

    /** Longest an ack waits for others to share its request; default 20 ms. */
    public Builder ackMaxDelay(Duration ackMaxDelay) {
      this.ackMaxDelay = Objects.requireNonNull(ackMaxDelay, "ackMaxDelay");
      return this;
    }

    /**
     * Most acks waiting to be sent; default 10,000. When full (the broker unreachable for long),
     * further acks are dropped and counted: the broker redelivers those messages later and the
     * dedupe table absorbs them.
     */
    public Builder ackQueueCapacity(int ackQueueCapacity) {
      if (ackQueueCapacity < 1) {
        throw new IllegalArgumentException("ackQueueCapacity must be positive");
      }
      this.ackQueueCapacity = ackQueueCapacity;
      return this;
    }

    /** Messages handled in parallel (RocketMQ consume threads); default 20. */
    public Builder consumeThreads(int consumeThreads) {
      if (consumeThreads < 1) {
        throw new IllegalArgumentException("consumeThreads must be positive");
      }
      this.consumeThreads = consumeThreads;
      return this;
    }

    /**
     * Most messages applied in one local transaction; 1 to 1024, default 32. RocketMQ hands the
     * listener up to this many messages of one pull ({@code consumeMessageBatchMaxSize}); those
     * with a handler share one dedupe insert and one commit, and fall back to one transaction each
     * if one of them was applied before or fails (see "What happens to each message"). 32 is what
     * one pull brings with RocketMQ's defaults (the client's {@code pullBatchSize} and the broker's
     * {@code maxTransferCountOnMessageInMemory}); larger batches also need the broker's limit
     * raised, and hold the handlers' row locks longer. 1 is one transaction per message. All
     * handlers of a batch must finish, and commit, within the ack timeout.
     */
    public Builder consumeBatchSize(int consumeBatchSize) {
      if (consumeBatchSize < 1 || consumeBatchSize > 1024) {
        throw new IllegalArgumentException(
            "consumeBatchSize must be 1 to 1024 (RocketMQ's limit), not " + consumeBatchSize);
      }
      this.consumeBatchSize = consumeBatchSize;
      return this;
    }

    /**
     * How long {@link HalfmsgConsumer#close()} waits for running handlers, and then for the last
     * acks; default 10 s.
     */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /** Timeout of one HTTP request to the broker; default 5 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * The RocketMQ client instance name. Default: unique per consumer, so that consumers in one JVM
     * do not share a RocketMQ client.
     */
    public Builder instanceName(String instanceName) {
      this.instanceName = instanceName;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Replaces the ack sender, for tests that lose acks on purpose. */
    Builder acks(Function<BrokerApi, Acks> acks) {
      this.acks = acks;
      return this;
    }

    /**
     * Checks the settings and builds the consumer; {@link HalfmsgConsumer#start()} starts it.
     *
     * @throws IllegalArgumentException if a required setting is missing or invalid
     */
    public HalfmsgConsumer build() {
      require(!brokerUrls.isEmpty(), "at least one broker URL is required");
      require(namesrvAddr != null && !namesrvAddr.isBlank(), "namesrvAddr is required");
      require(
          WireRules.isRocketMqName(consumerGroup),
          "consumerGroup must be 1 to 127 characters of [%a-zA-Z0-9_-]: " + consumerGroup);
      require(!subscriptions.isEmpty(), "subscribe to at least one topic");
      require(transactions != null, "a dataSource (or transactions) is required");
      require(ackBatchSize >= 1 && ackBatchSize <= 1000, "ackBatchSize must be 1 to 1000");
      require(
          ackTimeout == null || ackTimeout.toMillis() >= 100, "ackTimeout must be at least 100 ms");
      require(maxAttempts == null || maxAttempts >= 1, "maxAttempts must be positive");
      return new HalfmsgConsumer(this);
    }

    private Builder add(
        String topic, String tagExpression, Type payloadType, MessageHandler<Object> handler) {
      require(
          WireRules.isRocketMqName(topic),
          "topic must be 1 to 127 characters of [%a-zA-Z0-9_-]: " + topic);
      Objects.requireNonNull(payloadType, "payloadType");
      if (subscriptions.containsKey(topic)) {
        throw new IllegalArgumentException(
            "Topic " + topic + " already has a handler in this consumer group");
      }
      subscriptions.put(
          topic, new PendingSubscription(TagExpression.parse(tagExpression), payloadType, handler));
      return this;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object payload) {
      return (T) payload;
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
