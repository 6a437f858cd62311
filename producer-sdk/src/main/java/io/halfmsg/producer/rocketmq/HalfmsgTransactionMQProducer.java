package io.halfmsg.producer.rocketmq;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.WireRules;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgException;
import io.halfmsg.producer.HalfmsgProducer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocketMQ's {@link TransactionMQProducer}, sending through halfmsg: code written for RocketMQ's
 * transactional messages moves to halfmsg by changing the class it constructs.
 *
 * <pre>{@code
 * TransactionMQProducer producer = new HalfmsgTransactionMQProducer(
 *     HalfmsgProducer.builder().brokerUrls("http://halfmsg:8080").token(token)
 *         .producerGroup("order-service").build(),
 *     CheckBackServer.builder().port(9300).secret(secret)
 *         .advertisedHost("10.0.0.7"));   // the address the broker calls back at
 * producer.setTransactionListener(listener);   // unchanged from here on
 * producer.start();
 * TransactionSendResult r = producer.sendMessageInTransaction(msg, arg);
 * producer.shutdown();
 * }</pre>
 *
 * <p>The mapping: {@code executeLocalTransaction} runs on the caller's thread after the half
 * message is prepared, with {@link Message#getTransactionId()} set to the halfmsg message id;
 * {@code COMMIT_MESSAGE}, {@code ROLLBACK_MESSAGE} and {@code UNKNOW} become commit, rollback and
 * nothing (check-back decides); a listener that throws counts as {@code UNKNOW}, as in RocketMQ.
 * Check-backs arrive at the {@link CheckBackServer} and call {@code checkLocalTransaction} (on
 * {@link #setExecutorService the executor service}, if one is set) with a {@link MessageExt}
 * carrying the whole message as prepared: topic, tags, keys, user properties, body, {@code
 * bornTimestamp} and {@code storeTimestamp} (both the broker's time of the prepare), msgId and
 * transaction id (the halfmsg id) and {@code TRANSACTION_CHECK_TIMES}. Its {@code bornHost} is this
 * instance's check-back address, not necessarily the sender's (any instance of the group may be
 * asked); {@code storeHost}, queue id and offsets are not known. The user property {@code
 * CHECK_IMMUNITY_TIME_IN_SECONDS} sets the delay before the first check, as in RocketMQ; {@link
 * #setSendMsgTimeout} bounds the wait for the prepare. A delay set on the message ({@code
 * setDelayTimeLevel} with RocketMQ's default levels, {@code setDelayTimeSec}, {@code
 * setDelayTimeMs}, {@code setDeliverTimeMs}), which RocketMQ's transactional producer drops, is
 * kept: the committed message is delivered then (see {@link RocketMqDelays}); an invalid one fails
 * the send with an {@link MQClientException} naming its property.
 *
 * <p>The check-back URL: {@link CheckBackServer.Builder#advertisedHost} or {@link
 * CheckBackServer.Builder#advertisedUrl} name it; without them it is the bound address or, when
 * listening on all interfaces, {@code InetAddress.getLocalHost()} — often a LAN address the
 * broker's {@code halfmsg.check-back.allowed-hosts} does not include. The URL and why it was chosen
 * are logged at INFO; {@link #start()} fails with the broker's reason if the broker refuses it.
 *
 * <p>Only transactional sending goes through halfmsg: {@code send}, {@code sendOneway}, {@code
 * request} and the admin methods throw an {@link MQClientException} saying so (use a plain {@code
 * DefaultMQProducer} for non-transactional messages). Settings that only RocketMQ's client uses
 * ({@code setNamesrvAddr}, retries, compression, the check thread pool, …) are accepted; those that
 * would change behaviour are logged at WARN once as ignored. {@link #shutdown()} closes the {@link
 * HalfmsgProducer} too; as with RocketMQ, a producer starts once.
 */
public class HalfmsgTransactionMQProducer extends TransactionOnlyProducer {

  /** The broker name in {@link TransactionSendResult#getMessageQueue()}. */
  public static final String BROKER_NAME = "halfmsg";

  private static final Logger log = LoggerFactory.getLogger(HalfmsgTransactionMQProducer.class);

  /** Longest a check-back waits for the listener on the user's executor. */
  private static final Duration CHECK_ON_EXECUTOR_TIMEOUT = Duration.ofSeconds(30);

  private enum State {
    CREATE_JUST,
    RUNNING,
    SHUTDOWN_ALREADY
  }

  private final HalfmsgProducer producer;
  private final CheckBackServer.Builder checkBackServer;
  private volatile CheckBackServer server;
  private volatile SocketAddress checkBackAddress;
  private volatile State state = State.CREATE_JUST;
  // Set by overridden setters, which RocketMQ's constructors may call before this class's fields
  // are initialised: no initialisers on these.
  private volatile boolean sendMsgTimeoutSet;
  private Set<String> warnedIgnored;

  /**
   * @param producer the halfmsg producer; its group is this producer's group
   * @param checkBackServer the check-back server to start in {@link #start()} with this producer's
   *     listener as its checker, or {@code null} if check-backs are served elsewhere (through
   *     {@link #transactionChecker()})
   */
  public HalfmsgTransactionMQProducer(
      HalfmsgProducer producer, CheckBackServer.Builder checkBackServer) {
    super(Objects.requireNonNull(producer, "producer").producerGroup());
    this.producer = producer;
    this.checkBackServer = checkBackServer;
  }

  /**
   * Starts the check-back server (if one was given) and registers it with the broker.
   *
   * @throws MQClientException if there is no listener, if started before (as RocketMQ does), or if
   *     the check-back server cannot start or the broker refuses its URL (the message says why,
   *     e.g. a host not in the broker's allowed hosts)
   */
  @Override
  public synchronized void start() throws MQClientException {
    if (state != State.CREATE_JUST) {
      throw new MQClientException(
          "The producer service state not OK, maybe started once, " + state, null);
    }
    if (getTransactionListener() == null) {
      throw new MQClientException("TransactionListener is null", null);
    }
    if (getNamesrvAddr() != null) {
      log.info(
          "Producer group {}: the name server address is not used; halfmsg sends through {}",
          producer.producerGroup(),
          producer);
    }
    if (checkBackServer != null) {
      try {
        server = checkBackServer.checker(transactionChecker()).start(producer);
      } catch (RuntimeException e) {
        throw new MQClientException(
            "Cannot start the halfmsg check-back server: " + e.getMessage(), e);
      }
      checkBackAddress = addressOf(server.url());
    }
    state = State.RUNNING;
  }

  /** Stops the check-back server and closes the halfmsg producer. */
  @Override
  public synchronized void shutdown() {
    if (state == State.SHUTDOWN_ALREADY) {
      return;
    }
    state = State.SHUTDOWN_ALREADY;
    if (server != null) {
      server.close();
      server = null;
    }
    producer.close();
    // Releases what RocketMQ's constructor set up (never started, so this only unregisters it).
    super.shutdown();
  }

  /**
   * Prepares the half message, runs {@code executeLocalTransaction} and sends its outcome.
   *
   * <p>The result's message queue is {@code (topic, "halfmsg", 0)} and its queue offset 0: the
   * message reaches a RocketMQ queue only once committed, so at send time it has neither.
   */
  @Override
  public TransactionSendResult sendMessageInTransaction(Message msg, Object arg)
      throws MQClientException {
    TransactionListener listener = getTransactionListener();
    if (listener == null) {
      throw new MQClientException("TransactionListener is null", null);
    }
    if (state != State.RUNNING) {
      throw new MQClientException(
          "The producer is not running (" + state + "); call start() first", null);
    }
    if (msg == null) {
      throw new MQClientException("the message is null", null);
    }
    if (msg.getTopic() == null || msg.getTopic().isBlank()) {
      throw new MQClientException("The specified topic is blank", null);
    }
    String id;
    try {
      Duration timeout = sendMsgTimeoutSet ? Duration.ofMillis(getSendMsgTimeout()) : null;
      id = producer.prepare(toHalfmsg(msg), timeout).messageId();
    } catch (HalfmsgException e) {
      throw new MQClientException(
          "Sending the half message failed: "
              + e.getMessage()
              + RocketMqDelays.refusedProperty(msg, e),
          e);
    } catch (IllegalArgumentException e) {
      throw new MQClientException("Sending the half message failed: " + e.getMessage(), e);
    }
    // As RocketMQ does after its half message is stored: the id the listener keys its state by.
    MessageAccessor.putProperty(msg, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
    msg.setTransactionId(id);

    LocalTransactionState localState;
    try (LogContext ignored = LogContext.producer(id, producer.producerGroup())) {
      localState = executeAndEnd(listener, msg, arg, id);
    }

    TransactionSendResult result = new TransactionSendResult();
    result.setSendStatus(SendStatus.SEND_OK);
    result.setMsgId(id);
    result.setTransactionId(id);
    result.setMessageQueue(new MessageQueue(msg.getTopic(), BROKER_NAME, 0));
    result.setQueueOffset(0);
    result.setLocalTransactionState(localState);
    return result;
  }

  private LocalTransactionState executeAndEnd(
      TransactionListener listener, Message msg, Object arg, String id) {
    LocalTransactionState localState;
    try {
      localState = listener.executeLocalTransaction(msg, arg);
    } catch (Exception e) {
      log.info("executeLocalTransaction of {} threw; leaving it to checkLocalTransaction", id, e);
      localState = null;
    }
    if (localState == null) {
      localState = LocalTransactionState.UNKNOW;
    }
    // RocketMQ's END_TRANSACTION is one-way: by default the decision is queued, not awaited.
    if (producer.decisionMode() == HalfmsgProducer.DecisionMode.SYNC) {
      producer.endTransaction(id, toHalfmsg(localState));
    } else {
      producer.endTransactionAsync(id, toHalfmsg(localState));
    }
    return localState;
  }

  /**
   * This producer's listener as a halfmsg {@link TransactionChecker}, for hosting check-backs
   * elsewhere than in a {@link CheckBackServer} (e.g. a Spring MVC application).
   */
  public TransactionChecker transactionChecker() {
    return this::check;
  }

  private TransactionState check(CheckBackRequest request) {
    TransactionListener listener = getTransactionListener();
    if (listener == null) {
      return TransactionState.UNKNOWN;
    }
    MessageExt msg = toMessageExt(request, checkBackAddress);
    ExecutorService executor = getExecutorService();
    if (executor == null) {
      return toHalfmsg(listener.checkLocalTransaction(msg));
    }
    // RocketMQ runs checks on the executor service set; so does this, while the broker's call
    // waits for the answer.
    Future<LocalTransactionState> answer;
    try {
      answer = executor.submit(() -> listener.checkLocalTransaction(msg));
    } catch (RejectedExecutionException e) {
      log.warn("The executor service refused the check of {}; answering UNKNOWN", msg.getMsgId());
      return TransactionState.UNKNOWN;
    }
    try {
      return toHalfmsg(answer.get(CHECK_ON_EXECUTOR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer.cancel(true);
      return TransactionState.UNKNOWN;
    } catch (TimeoutException e) {
      answer.cancel(true);
      log.warn(
          "checkLocalTransaction of {} took longer than {}; answering UNKNOWN",
          msg.getMsgId(),
          CHECK_ON_EXECUTOR_TIMEOUT);
      return TransactionState.UNKNOWN;
    } catch (ExecutionException e) {
      throw new IllegalStateException("checkLocalTransaction failed", e.getCause());
    }
  }

  private static io.halfmsg.producer.Message toHalfmsg(Message msg) {
    byte[] body = msg.getBody();
    io.halfmsg.producer.Message.Builder b =
        io.halfmsg.producer.Message.builder(msg.getTopic()).body(body == null ? new byte[0] : body);
    if (msg.getTags() != null && !msg.getTags().isEmpty()) {
      b.tag(msg.getTags());
    }
    if (msg.getKeys() != null && !msg.getKeys().isEmpty()) {
      b.keys(msg.getKeys());
    }
    Map<String, String> properties = msg.getProperties();
    if (properties != null) {
      properties.forEach(
          (name, value) -> {
            // RocketMQ's system properties (TAGS, KEYS, WAIT, UNIQ_KEY, ...) are RocketMQ's to
            // set; the broker refuses them as user properties.
            if (!WireRules.ROCKETMQ_SYSTEM_PROPERTIES.contains(name)
                && !MessageConst.PROPERTY_SHARDING_KEY.equals(name)
                && value != null) {
              b.property(name, value);
            }
          });
    }
    // RocketMQ 5's message group: the messages of one key are delivered in order.
    String shardingKey = msg.getProperty(MessageConst.PROPERTY_SHARDING_KEY);
    if (shardingKey != null && !shardingKey.isEmpty()) {
      try {
        b.shardingKey(shardingKey);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            MessageConst.PROPERTY_SHARDING_KEY + ": " + e.getMessage(), e);
      }
    }
    RocketMqDelays.apply(msg, b);
    String immunity = msg.getUserProperty(MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS);
    if (immunity != null && immunity.matches("\\d{1,6}")) {
      b.checkAfter(Duration.ofSeconds(Long.parseLong(immunity)));
    }
    return b.build();
  }

  private MessageExt toMessageExt(CheckBackRequest request, SocketAddress bornHost) {
    MessageExt ext = new MessageExt();
    ext.setTopic(request.topic());
    ext.setBody(request.bodyBytes());
    if (request.tag() != null) {
      ext.setTags(request.tag());
    }
    if (request.keys() != null) {
      ext.setKeys(request.keys());
    }
    if (request.properties() != null) {
      request.properties().forEach((name, value) -> MessageAccessor.putProperty(ext, name, value));
    }
    MessageAccessor.putProperty(
        ext, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, request.messageId());
    MessageAccessor.putProperty(
        ext,
        MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES,
        Integer.toString(request.checkCount() + 1));
    // As on the half message RocketMQ checks back with.
    MessageAccessor.putProperty(ext, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
    MessageAccessor.putProperty(ext, MessageConst.PROPERTY_PRODUCER_GROUP, getProducerGroup());
    if (request.bornTimestamp() != null) {
      ext.setBornTimestamp(request.bornTimestamp());
      ext.setStoreTimestamp(request.bornTimestamp());
    }
    ext.setBornHost(bornHost);
    ext.setMsgId(request.messageId());
    ext.setTransactionId(request.messageId());
    return ext;
  }

  private static SocketAddress addressOf(String url) {
    try {
      URI uri = URI.create(url);
      return new InetSocketAddress(uri.getHost().replaceAll("^\\[|\\]$", ""), uri.getPort());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static TransactionState toHalfmsg(LocalTransactionState state) {
    if (state == null) {
      return TransactionState.UNKNOWN;
    }
    return switch (state) {
      case COMMIT_MESSAGE -> TransactionState.COMMIT;
      case ROLLBACK_MESSAGE -> TransactionState.ROLLBACK;
      case UNKNOW -> TransactionState.UNKNOWN;
    };
  }

  // --- RocketMQ settings: honoured, or accepted and said to be ignored ---

  /** Bounds the wait for the prepare's answer, as RocketMQ's send timeout bounds its send. */
  @Override
  public void setSendMsgTimeout(int sendMsgTimeout) {
    super.setSendMsgTimeout(sendMsgTimeout);
    sendMsgTimeoutSet = true;
  }

  /**
   * The group is the {@link HalfmsgProducer}'s: prepares, check-backs and the broker's records use
   * it, so another one set here would only make {@link #getProducerGroup()} lie.
   */
  @Override
  public void setProducerGroup(String producerGroup) {
    if (producer == null || producer.producerGroup().equals(producerGroup)) {
      super.setProducerGroup(producerGroup);
    } else {
      ignored("setProducerGroup", "HalfmsgProducer.Builder#producerGroup");
    }
  }

  /** The number of times halfmsg retries is {@link HalfmsgProducer.Builder}'s to set. */
  @Override
  public void setRetryTimesWhenSendFailed(int retryTimesWhenSendFailed) {
    super.setRetryTimesWhenSendFailed(retryTimesWhenSendFailed);
    ignored("setRetryTimesWhenSendFailed", "HalfmsgProducer.Builder#prepareAttempts");
  }

  /** The broker's {@code halfmsg.message.max-body-size} limits the body. */
  @Override
  public void setMaxMessageSize(int maxMessageSize) {
    super.setMaxMessageSize(maxMessageSize);
    ignored("setMaxMessageSize", "the broker's halfmsg.message.max-body-size");
  }

  /** Bodies are sent as they are. */
  @Override
  public void setCompressMsgBodyOverHowmuch(int compressMsgBodyOverHowmuch) {
    super.setCompressMsgBodyOverHowmuch(compressMsgBodyOverHowmuch);
    ignored("setCompressMsgBodyOverHowmuch", "nothing: bodies are not compressed");
  }

  /** Check-backs run on the check-back server's threads, or the executor service. */
  @Override
  public void setCheckThreadPoolMinSize(int checkThreadPoolMinSize) {
    super.setCheckThreadPoolMinSize(checkThreadPoolMinSize);
    ignored("setCheckThreadPoolMinSize", "setExecutorService or CheckBackServer.Builder#threads");
  }

  /** Check-backs run on the check-back server's threads, or the executor service. */
  @Override
  public void setCheckThreadPoolMaxSize(int checkThreadPoolMaxSize) {
    super.setCheckThreadPoolMaxSize(checkThreadPoolMaxSize);
    ignored("setCheckThreadPoolMaxSize", "setExecutorService or CheckBackServer.Builder#threads");
  }

  /** Check-backs are answered while the broker's call waits; nothing is held. */
  @Override
  public void setCheckRequestHoldMax(int checkRequestHoldMax) {
    super.setCheckRequestHoldMax(checkRequestHoldMax);
    ignored("setCheckRequestHoldMax", "CheckBackServer.Builder#threads");
  }

  /**
   * RocketMQ would prefix topics and the group with the namespace; halfmsg sends to the topic as
   * written.
   */
  @Override
  public void setNamespace(String namespace) {
    super.setNamespace(namespace);
    ignored("setNamespace", "nothing: topics are used as written, so put the namespace in them");
  }

  private synchronized void ignored(String setter, String instead) {
    if (warnedIgnored == null) {
      warnedIgnored = ConcurrentHashMap.newKeySet();
    }
    if (producer != null && warnedIgnored.add(setter)) {
      log.warn(
          "{} has no effect under halfmsg (producer group {}); see {}",
          setter,
          producer.producerGroup(),
          instead);
    }
  }
}
