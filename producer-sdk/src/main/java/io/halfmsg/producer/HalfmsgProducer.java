package io.halfmsg.producer;

import io.halfmsg.api.BatchItemResult;
import io.halfmsg.api.MessageIds;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.client.BrokerUrls;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.ProducerMetrics.Operation;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages in transactions through a halfmsg broker: the counterpart of RocketMQ's {@code
 * TransactionMQProducer}. Thread-safe; create one per producer group and {@link #close()} it at
 * shutdown.
 *
 * <pre>{@code
 * HalfmsgProducer producer = HalfmsgProducer.builder()
 *     .brokerUrls("http://halfmsg-1:8080", "http://halfmsg-2:8080")
 *     .token(System.getenv("HALFMSG_TOKEN"))
 *     .producerGroup("order-service")
 *     .build();
 *
 * SendResult r = producer.sendInTransaction(Message.of("repo_deduction", json), msg -> {
 *     orderDao.insert(order);          // the local transaction
 *     return TransactionState.COMMIT;  // or ROLLBACK / UNKNOWN
 * });
 * }</pre>
 *
 * <p>Check-backs reach the application through a {@link CheckBackServer} (plain Java) or the Spring
 * MVC endpoint of the auto-configuration, each of which registers its URL through {@link
 * #startHeartbeat}.
 */
public final class HalfmsgProducer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HalfmsgProducer.class);
  private static final Duration FIRST_PREPARE_RETRY = Duration.ofMillis(100);
  private static final Duration MAX_PREPARE_RETRY = Duration.ofSeconds(2);

  /** When {@link #sendInTransaction} sends the commit or rollback. */
  public enum DecisionMode {
    /**
     * Queued once the local transaction has ended; {@code sendInTransaction} returns without
     * waiting for the broker (as RocketMQ's one-way END_TRANSACTION does). The default: the local
     * transaction has committed, and a decision that never arrives is what check-back is for.
     */
    ASYNC,
    /** {@code sendInTransaction} waits until the broker confirmed the decision (or gave up). */
    SYNC
  }

  private final String producerGroup;
  private final BrokerApi api;
  private final ProducerMetrics metrics;
  private final DecisionMode decisionMode;
  private final Duration requestTimeout;
  private final Duration heartbeatInterval;
  private final ScheduledThreadPoolExecutor background;
  private final BatchingSender<PrepareMessageRequest> prepares;
  private final Decisions decisions;

  private HalfmsgProducer(Builder b) {
    this.producerGroup = b.producerGroup;
    this.api =
        new BrokerApi(b.brokerUrls, b.token, b.connectTimeout, b.requestTimeout, b.sslContext);
    this.metrics =
        b.meterRegistry == null
            ? ProducerMetrics.NONE
            : new MicrometerProducerMetrics(b.meterRegistry, producerGroup);
    this.decisionMode = b.decisionMode;
    this.requestTimeout = b.requestTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    AtomicInteger threads = new AtomicInteger();
    this.background =
        new ScheduledThreadPoolExecutor(
            b.backgroundThreads,
            r -> {
              Thread t = new Thread(r, "halfmsg-producer-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    background.setRemoveOnCancelPolicy(true);
    // A prepare's caller waits for it, so this queue never holds more than the callers' threads;
    // its capacity only has to be above that.
    this.prepares =
        new BatchingSender<>(
            "halfmsg-prepares",
            b.maxRequestsInFlight,
            b.maxBatchSize,
            b.queueCapacity,
            new BatchingSender.Retries(
                b.prepareAttempts,
                b.requestTimeout.multipliedBy(b.prepareAttempts).plus(MAX_PREPARE_RETRY),
                FIRST_PREPARE_RETRY,
                MAX_PREPARE_RETRY),
            PrepareMessageRequest::messageId,
            api::prepareBatch,
            this::submit);
    this.decisions =
        new Decisions(
            producerGroup,
            api,
            metrics,
            this::submit,
            b.maxRequestsInFlight,
            b.maxBatchSize,
            b.queueCapacity,
            b.endTransactionRetryTimeout,
            b.requestTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String producerGroup() {
    return producerGroup;
  }

  /**
   * Prepares {@code message}, runs {@code localTransaction}, and commits or rolls the message back
   * according to its outcome.
   *
   * <p>The prepare is retried on network errors, 5xx answers and answers that cannot be read (a 200
   * that is not the broker's) with the same message id and content, so a lost answer cannot create
   * a second half message; prepares of concurrent callers share one request. The commit or rollback
   * is queued and sent with other threads' decisions; with {@link DecisionMode#ASYNC} (the default)
   * this method returns without waiting for it, with {@link DecisionMode#SYNC} it waits for the
   * broker's answer. If the broker cannot be reached it is retried in the background for {@link
   * Builder#endTransactionRetryTimeout}; should it never arrive, the broker's check-back decides.
   * If the local transaction answers {@link TransactionState#UNKNOWN}, nothing is sent: check-back
   * decides.
   *
   * @return the message id and the state reached (in {@code ASYNC} mode {@link
   *     MessageState#PREPARED} with the decision still on its way: see {@link
   *     SendResult#confirmation()})
   * @throws HalfmsgException if the message could not be prepared (its message names the broker URL
   *     last tried and what went wrong there; {@link HalfmsgException#status()} is 0 when no usable
   *     answer came); the local transaction did not run
   * @throws LocalTransactionException if the local transaction threw; the message stays prepared
   *     until check-back decides it
   */
  public SendResult sendInTransaction(Message message, LocalTransaction localTransaction) {
    Objects.requireNonNull(localTransaction, "localTransaction");
    Message prepared = prepare(message);
    // The local transaction's own log lines carry the message id too.
    try (LogContext ignored = LogContext.producer(prepared.messageId(), producerGroup)) {
      TransactionState local;
      try {
        local = localTransaction.execute(prepared);
      } catch (Exception e) {
        metrics.failed(Operation.LOCAL_TRANSACTION);
        throw new LocalTransactionException(prepared.messageId(), e);
      }
      if (local == null) {
        local = TransactionState.UNKNOWN;
      }
      CompletableFuture<MessageState> confirmation =
          endTransactionAsync(prepared.messageId(), local);
      MessageState state =
          decisionMode == DecisionMode.SYNC ? confirmation.join() : MessageState.PREPARED;
      return new SendResult(prepared.messageId(), local, state, confirmation);
    }
  }

  /**
   * Prepares a half message: the first step of {@link #sendInTransaction}, for integrations that
   * run the local transaction themselves (Spring's {@code HalfmsgTemplate}, the RocketMQ adapter).
   * Retries like {@code sendInTransaction}.
   *
   * @return the message with its id (generated unless it had one)
   * @throws HalfmsgException if the broker refused it or could not be reached
   */
  public Message prepare(Message message) {
    return prepare(message, null);
  }

  /**
   * As {@link #prepare(Message)}, but waits at most {@code timeout} for the broker's answer
   * (RocketMQ's {@code sendMsgTimeout}); {@code null} waits as long as the retries take. A prepare
   * given up on may still reach the broker afterwards: its local transaction never ran, so its
   * check-back should answer rollback, as after a RocketMQ send that timed out.
   *
   * @throws HalfmsgException also when no answer came within {@code timeout}
   */
  public Message prepare(Message message, Duration timeout) {
    Objects.requireNonNull(message, "message");
    Message withId =
        message.messageId() == null ? message.withMessageId(MessageIds.newId()) : message;
    BatchItemResult result;
    try {
      CompletableFuture<BatchItemResult> pending =
          prepares.submit(prepareRequest(withId), requestTimeout);
      result =
          await(
              timeout == null
                  ? pending
                  : pending.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (BatchingSender.QueueFullException e) {
      metrics.failed(Operation.PREPARE);
      throw new HalfmsgException(
          "Prepare of message " + withId.messageId() + " failed: " + e.getMessage(), 0, null, e);
    }
    if (result.ok()) {
      metrics.prepared();
      return withId;
    }
    metrics.failed(Operation.PREPARE);
    throw failure("Prepare of message " + withId.messageId() + " failed", result);
  }

  /**
   * Sends the outcome of a local transaction: commit for {@link TransactionState#COMMIT}, rollback
   * for {@link TransactionState#ROLLBACK}, nothing for {@link TransactionState#UNKNOWN}. Tried at
   * once; if no broker answers, retried in the background (check-back decides if that never
   * succeeds).
   *
   * @return the state the broker confirmed, or {@link MessageState#PREPARED} if nothing was sent or
   *     the call is still being retried
   */
  public MessageState endTransaction(String messageId, TransactionState state) {
    return endTransactionAsync(messageId, state).join();
  }

  /**
   * Queues the outcome of a local transaction like {@link #endTransaction}, without waiting: it
   * goes out with other threads' decisions in one request, and is retried in the background if no
   * broker takes it.
   *
   * @return completes with the state the broker confirmed, or {@link MessageState#PREPARED} if
   *     nothing was sent or the broker never took it (check-back decides then); never exceptionally
   */
  public CompletableFuture<MessageState> endTransactionAsync(
      String messageId, TransactionState state) {
    Objects.requireNonNull(messageId, "messageId");
    if (state == null || state == TransactionState.UNKNOWN) {
      return CompletableFuture.completedFuture(MessageState.PREPARED);
    }
    return decisions.send(messageId, state);
  }

  /**
   * Decides the outcome of a local transaction on a background thread and sends it like {@link
   * #endTransaction}. For code that must not block, or whose decision needs a database connection
   * the caller still holds (e.g. Spring's {@code afterCompletion}). A decision that throws counts
   * as {@link TransactionState#UNKNOWN}: check-back decides.
   */
  public void endTransactionAsync(String messageId, Callable<TransactionState> decision) {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(decision, "decision");
    submit(
        () -> {
          try (LogContext ignored = LogContext.producer(messageId, producerGroup)) {
            TransactionState state;
            try {
              state = decision.call();
            } catch (Exception e) {
              log.warn("Deciding message {} failed; check-back will decide it", messageId, e);
              return;
            }
            endTransactionAsync(messageId, state);
          }
        },
        Duration.ZERO);
  }

  /**
   * Registers {@code checkBackUrl} with the broker as one of this producer group's check-back
   * endpoints, at once and then periodically as a heartbeat (every {@link
   * Builder#heartbeatInterval}, and always well within the broker's endpoint TTL). The first
   * registration happens before this method returns: if the broker refuses the URL (a 4xx, e.g. a
   * host not in its allowed hosts) this method throws with the broker's reason; if no broker
   * answers (or one answers 5xx) it is retried in the background. Close the returned heartbeat to
   * stop.
   *
   * @param checkBackUrl the absolute URL the broker can reach this instance's check-back endpoint
   *     at; its host must be in the broker's {@code halfmsg.check-back.allowed-hosts}
   * @param instanceId an id of this instance for the broker's records (a host or pod name), or
   *     {@code null}
   * @throws HalfmsgException if the broker refused the registration; {@link
   *     HalfmsgException#status()} is its HTTP status
   */
  public EndpointHeartbeat startHeartbeat(String checkBackUrl, String instanceId) {
    EndpointHeartbeat heartbeat =
        new EndpointHeartbeat(
            this, Objects.requireNonNull(checkBackUrl, "checkBackUrl"), instanceId);
    heartbeat.first();
    return heartbeat;
  }

  /**
   * Stops background work. Commit and rollback calls already queued (of transactions that just
   * ended) still go out, for up to 5 s; later retries and heartbeats are dropped, and check-back
   * settles those messages.
   */
  @Override
  public void close() {
    // Dropped before shutdown(), whose wake-up of idle threads lets them see that only due tasks
    // are left; dropped after too, for what was scheduled in between.
    dropScheduledLater();
    background.shutdown();
    dropScheduledLater();
    try {
      if (!background.awaitTermination(5, TimeUnit.SECONDS)) {
        background.shutdownNow();
      }
    } catch (InterruptedException e) {
      background.shutdownNow();
      Thread.currentThread().interrupt();
    }
    // After the background pool: its last tasks may still queue decisions.
    decisions.close(Duration.ofSeconds(5));
    prepares.close(Duration.ofSeconds(1));
  }

  /** The mode {@link #sendInTransaction} sends decisions in. */
  public DecisionMode decisionMode() {
    return decisionMode;
  }

  private void dropScheduledLater() {
    background
        .getQueue()
        .removeIf(task -> task instanceof Delayed d && d.getDelay(TimeUnit.NANOSECONDS) > 0);
  }

  @Override
  public String toString() {
    return "HalfmsgProducer[group=" + producerGroup + ", brokers=" + api.baseUrls() + "]";
  }

  // --- internals shared with the heartbeat and the check-back hosts ---

  BrokerApi api() {
    return api;
  }

  ProducerMetrics metrics() {
    return metrics;
  }

  Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  boolean submit(Runnable task, Duration delay) {
    if (background.isShutdown()) {
      return false;
    }
    try {
      background.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
  }

  private PrepareMessageRequest prepareRequest(Message m) {
    byte[] body = m.bodyBytes();
    String text = strictUtf8(body);
    return new PrepareMessageRequest(
        m.messageId(),
        producerGroup,
        m.topic(),
        m.tag(),
        m.keys(),
        text != null ? text : Base64.getEncoder().encodeToString(body),
        text != null ? PrepareMessageRequest.UTF8 : PrepareMessageRequest.BASE64,
        m.properties().isEmpty() ? null : m.properties(),
        m.checkAfter() == null ? null : m.checkAfter().toMillis(),
        m.deliverAfter() == null ? null : m.deliverAfter().toMillis(),
        m.deliverAt() == null ? null : m.deliverAt().toEpochMilli(),
        m.shardingKey());
  }

  /** The body as text if it is valid UTF-8 (so it stays readable in the broker), else null. */
  private static String strictUtf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static HalfmsgException failure(String what, BatchItemResult result) {
    if (result.status() == 0) {
      // The detail names the broker URL last tried and why its answer was none.
      return new HalfmsgException(what + ": " + result.detail(), null);
    }
    return new HalfmsgException(
        what + ": " + result.status() + " " + result.detail(),
        result.status(),
        result.type(),
        null);
  }

  private static BatchItemResult await(CompletableFuture<BatchItemResult> result) {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HalfmsgException("Interrupted while waiting for the broker", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
        throw new HalfmsgException("No answer from the broker in time", 0, null, e.getCause());
      }
      throw new HalfmsgException("Sending to the broker failed: " + e.getCause(), e.getCause());
    }
  }

  /** Configures a {@link HalfmsgProducer}; broker URL(s) and producer group are required. */
  public static final class Builder {
    /** Default of {@link #maxBatchSize}. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 100;

    /** Default of {@link #maxRequestsInFlight}. */
    public static final int DEFAULT_MAX_REQUESTS_IN_FLIGHT = 4;

    /** Default of {@link #queueCapacity}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

    private List<URI> brokerUrls = List.of();
    private String token;
    private String producerGroup;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int prepareAttempts = 3;
    private Duration endTransactionRetryTimeout = Duration.ofMinutes(5);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private int backgroundThreads = 4;
    private DecisionMode decisionMode = DecisionMode.ASYNC;
    private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    private int maxRequestsInFlight = DEFAULT_MAX_REQUESTS_IN_FLIGHT;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private MeterRegistry meterRegistry;
    private SSLContext sslContext;

    private Builder() {}

    /**
     * Base URLs of the broker instances ({@code http://halfmsg-1:8080}). Calls go to the one that
     * answered last and fail over to the next on network errors, 5xx answers and answers that
     * cannot be read.
     */
    public Builder brokerUrls(String... urls) {
      return brokerUrls(List.of(urls));
    }

    /**
     * Like {@link #brokerUrls(String...)}; blank entries are left out.
     *
     * @throws IllegalArgumentException if one is not an http(s) URL with a host
     */
    public Builder brokerUrls(List<String> urls) {
      brokerUrls = BrokerUrls.parse(urls);
      return this;
    }

    /** A producer-role bearer token of the broker. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * The TLS settings of {@code https} broker URLs: the certificates trusted (e.g. a private CA)
     * and, for mutual TLS, this client's key. Default: the JVM's default {@link SSLContext} ({@code
     * -Djavax.net.ssl.trustStore}). The broker's host name is always checked against its
     * certificate.
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** The producer group: instances of one service share it and answer its check-backs. */
    public Builder producerGroup(String producerGroup) {
      this.producerGroup = producerGroup;
      return this;
    }

    /** TCP connect timeout of broker calls; default 2 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** Whole-request timeout of one broker call; default 5 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /** How often a prepare is tried (each time on every broker URL) before it fails; default 3. */
    public Builder prepareAttempts(int prepareAttempts) {
      if (prepareAttempts < 1) {
        throw new IllegalArgumentException("prepareAttempts must be at least 1");
      }
      this.prepareAttempts = prepareAttempts;
      return this;
    }

    /**
     * How long a commit or rollback that no broker answered is retried in the background, with
     * backoff from 0.5 s to 30 s, the last time at this timeout; default 5 min. Afterwards
     * check-back decides.
     */
    public Builder endTransactionRetryTimeout(Duration timeout) {
      this.endTransactionRetryTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How often check-back endpoints are re-registered; default 10 s. Never less often than a third
     * of the broker's endpoint TTL.
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = positive(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /**
     * Threads for commit and rollback calls made in the background (retries, and all of them for
     * Spring's {@code HalfmsgTemplate}) and heartbeats; default 4.
     */
    public Builder backgroundThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("backgroundThreads must be at least 1");
      }
      this.backgroundThreads = threads;
      return this;
    }

    /**
     * When {@code sendInTransaction} sends the commit or rollback: {@link DecisionMode#ASYNC} (the
     * default) queues it and returns, {@link DecisionMode#SYNC} waits for the broker's answer.
     */
    public Builder decisionMode(DecisionMode decisionMode) {
      this.decisionMode = Objects.requireNonNull(decisionMode, "decisionMode");
      return this;
    }

    /**
     * The most prepares, or commits and rollbacks, one request to the broker carries; default 100.
     * Concurrent callers' items share a request; a lone one is sent at once, never held back.
     */
    public Builder maxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1 || maxBatchSize > WireRules.MAX_BATCH_ITEMS) {
        throw new IllegalArgumentException(
            "maxBatchSize must be 1 to " + WireRules.MAX_BATCH_ITEMS + ": " + maxBatchSize);
      }
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /**
     * How many prepare requests, and as many decision requests, may be under way at once; default
     * 4. While they are, new items queue and go in the next request together.
     */
    public Builder maxRequestsInFlight(int maxRequestsInFlight) {
      if (maxRequestsInFlight < 1) {
        throw new IllegalArgumentException("maxRequestsInFlight must be at least 1");
      }
      this.maxRequestsInFlight = maxRequestsInFlight;
      return this;
    }

    /**
     * How many commits and rollbacks may wait for the broker (queued or between retries); default
     * 10,000. When full, a decision waits up to {@link #requestTimeout} for room, and is then left
     * to check-back: memory stays bounded during a long broker outage.
     */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1");
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * Counts sends, commits, rollbacks, failures and check-backs in this Micrometer registry
     * ({@code halfmsg.producer.*}, tagged with the group). Optional.
     */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    public HalfmsgProducer build() {
      if (brokerUrls.isEmpty()) {
        throw new IllegalStateException("at least one broker URL is required");
      }
      if (!WireRules.isRocketMqName(producerGroup)) {
        throw new IllegalStateException(
            "producerGroup must be 1 to 127 characters of [%a-zA-Z0-9_-]: " + producerGroup);
      }
      return new HalfmsgProducer(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }

    @Override
    public String toString() {
      return "HalfmsgProducer.Builder[token=<redacted>, group=" + producerGroup + "]";
    }
  }
}
