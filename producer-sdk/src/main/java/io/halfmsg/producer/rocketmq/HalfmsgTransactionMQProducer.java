package io.halfmsg.producer.rocketmq;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.CheckBackServer;
import io.halfmsg.producer.HalfmsgException;
import io.halfmsg.producer.HalfmsgProducer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
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
 *     CheckBackServer.builder().port(9300).secret(secret));
 * producer.setTransactionListener(listener);   // unchanged from here on
 * producer.start();
 * TransactionSendResult r = producer.sendMessageInTransaction(msg, arg);
 * producer.shutdown();
 * }</pre>
 *
 * <p>The mapping: {@code executeLocalTransaction} runs after the half message is prepared, with
 * {@link Message#getTransactionId()} set to the halfmsg message id; {@code COMMIT_MESSAGE}, {@code
 * ROLLBACK_MESSAGE} and {@code UNKNOW} become commit, rollback and nothing (check-back decides); a
 * listener that throws counts as {@code UNKNOW}, as in RocketMQ. Check-backs arrive at the {@link
 * CheckBackServer} and call {@code checkLocalTransaction} with a {@link MessageExt} carrying the
 * topic, tags, keys, user properties, transaction id and {@code TRANSACTION_CHECK_TIMES} — but an
 * empty body, since the broker's check-back does not carry it: let the check look at keys or
 * properties. The user property {@code CHECK_IMMUNITY_TIME_IN_SECONDS} sets the delay before the
 * first check, as in RocketMQ.
 *
 * <p>Only transactional sending goes through halfmsg; {@code send(...)} and the other {@link
 * org.apache.rocketmq.client.producer.DefaultMQProducer} methods are not available (use a plain
 * {@code DefaultMQProducer} for non-transactional messages). {@code setNamesrvAddr} and {@code
 * setExecutorService} are accepted and ignored. {@link #shutdown()} closes the {@link
 * HalfmsgProducer} too.
 */
public class HalfmsgTransactionMQProducer extends TransactionMQProducer {

  private static final Logger log = LoggerFactory.getLogger(HalfmsgTransactionMQProducer.class);

  private final HalfmsgProducer producer;
  private final CheckBackServer.Builder checkBackServer;
  private volatile CheckBackServer server;
  private volatile boolean started;

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

  /** Starts the check-back server (if one was given) and registers it with the broker. */
  @Override
  public synchronized void start() throws MQClientException {
    if (started) {
      return;
    }
    if (getTransactionListener() == null) {
      throw new MQClientException("TransactionListener is null", null);
    }
    if (checkBackServer != null) {
      try {
        server = checkBackServer.checker(transactionChecker()).start(producer);
      } catch (RuntimeException e) {
        throw new MQClientException("Cannot start the halfmsg check-back server", e);
      }
    }
    started = true;
  }

  /** Stops the check-back server and closes the halfmsg producer. */
  @Override
  public synchronized void shutdown() {
    started = false;
    if (server != null) {
      server.close();
      server = null;
    }
    producer.close();
    // Releases what RocketMQ's constructor set up (never started, so this only unregisters it).
    super.shutdown();
  }

  @Override
  public TransactionSendResult sendMessageInTransaction(Message msg, Object arg)
      throws MQClientException {
    TransactionListener listener = getTransactionListener();
    if (listener == null) {
      throw new MQClientException("TransactionListener is null", null);
    }
    if (!started) {
      throw new MQClientException("The producer is not started; call start() first", null);
    }
    Objects.requireNonNull(msg, "msg");
    String id;
    try {
      id = producer.prepare(toHalfmsg(msg)).messageId();
    } catch (HalfmsgException | IllegalArgumentException e) {
      throw new MQClientException("Sending the half message failed: " + e.getMessage(), e);
    }
    // As RocketMQ does after its half message is stored: the id the listener keys its state by.
    MessageAccessor.putProperty(msg, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
    msg.setTransactionId(id);

    LocalTransactionState state;
    try (LogContext ignored = LogContext.producer(id, producer.producerGroup())) {
      state = executeAndEnd(listener, msg, arg, id);
    }

    TransactionSendResult result = new TransactionSendResult();
    result.setSendStatus(SendStatus.SEND_OK);
    result.setMsgId(id);
    result.setTransactionId(id);
    result.setLocalTransactionState(state);
    return result;
  }

  private LocalTransactionState executeAndEnd(
      TransactionListener listener, Message msg, Object arg, String id) {
    LocalTransactionState state;
    try {
      state = listener.executeLocalTransaction(msg, arg);
    } catch (Exception e) {
      log.info("executeLocalTransaction of {} threw; leaving it to checkLocalTransaction", id, e);
      state = null;
    }
    if (state == null) {
      state = LocalTransactionState.UNKNOW;
    }
    // RocketMQ's END_TRANSACTION is one-way: by default the decision is queued, not awaited.
    if (producer.decisionMode() == HalfmsgProducer.DecisionMode.SYNC) {
      producer.endTransaction(id, toHalfmsg(state));
    } else {
      producer.endTransactionAsync(id, toHalfmsg(state));
    }
    return state;
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
    return toHalfmsg(listener.checkLocalTransaction(toMessageExt(request)));
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
            if (!MessageConst.STRING_HASH_SET.contains(name) && value != null) {
              b.property(name, value);
            }
          });
    }
    String immunity = msg.getUserProperty(MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS);
    if (immunity != null && immunity.matches("\\d{1,6}")) {
      b.checkAfter(Duration.ofSeconds(Long.parseLong(immunity)));
    }
    return b.build();
  }

  private static MessageExt toMessageExt(CheckBackRequest request) {
    MessageExt ext = new MessageExt();
    ext.setTopic(request.topic());
    ext.setBody(new byte[0]);
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
    ext.setMsgId(request.messageId());
    ext.setTransactionId(request.messageId());
    return ext;
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
}
