package io.halfmsg.producer.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.barrier.BarrierTable;
import io.halfmsg.producer.barrier.BarrierTransactionChecker;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sends messages from Spring {@code @Transactional} code: the message is prepared at once,
 * committed after the surrounding transaction commits and rolled back after it rolls back.
 *
 * <pre>{@code
 * @Transactional
 * public void placeOrder(Order o) {
 *     orders.insert(o);
 *     halfmsg.send("repo_deduction", o.orderNo(), new Deduction(o.product(), o.count()));
 * }
 * }</pre>
 *
 * <p>Each send writes the message's barrier row in the current transaction, on the transaction's
 * own connection of the {@link DataSource}, so the broker's check-back can tell from the database
 * whether the transaction committed even if this process dies before it says so. The commit or
 * rollback call happens after the outermost transaction completes, on a background thread; with
 * {@code REQUIRED} propagation a send in an inner method is committed only when the outer
 * transaction commits.
 */
public class HalfmsgTemplate implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HalfmsgTemplate.class);

  private final HalfmsgProducer producer;
  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final BarrierTable barrier;
  private final BarrierTransactionChecker verifier;
  private final CommittedSends committedSends;
  private final ObjectMapper objectMapper;

  /**
   * @param producer sends the messages
   * @param dataSource the DataSource whose transactions the sends take part in
   * @param barrier the barrier table in that database
   * @param objectMapper serializes payloads that are neither {@code String} nor {@code byte[]}
   */
  public HalfmsgTemplate(
      HalfmsgProducer producer,
      DataSource dataSource,
      BarrierTable barrier,
      ObjectMapper objectMapper) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.jdbc = new JdbcTemplate(dataSource);
    this.barrier = Objects.requireNonNull(barrier, "barrier");
    this.verifier =
        new BarrierTransactionChecker(
            dataSource,
            barrier,
            Duration.ofSeconds(BarrierTransactionChecker.DEFAULT_LOCK_WAIT_SECONDS));
    this.committedSends = new CommittedSends(producer, verifier);
    this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
  }

  /**
   * Sends {@code payload} to {@code topic} with the current transaction.
   *
   * @param keys RocketMQ keys (e.g. the order number), or {@code null}
   * @param payload a {@code String} (sent as is), {@code byte[]}, or an object written as JSON
   * @return the message id
   * @throws IllegalStateException if no transaction on this template's DataSource is active
   */
  public String send(String topic, String keys, Object payload) {
    return send(topic, null, keys, payload);
  }

  /** Like {@link #send(String, String, Object)}, with a RocketMQ tag. */
  public String send(String topic, String tag, String keys, Object payload) {
    return send(Message.builder(topic).tag(tag).keys(keys).body(serialize(payload)).build());
  }

  /**
   * Like {@link #send(String, String, Object)}, delivered no earlier than {@code delay} after now
   * once the transaction commits ({@link Message.Builder#deliverAfter}): the broker holds it, and
   * the consumers see it then. For a tag or other fields, build the {@link Message} and {@link
   * #send(Message)} it.
   */
  public String sendAfter(Duration delay, String topic, String keys, Object payload) {
    return send(
        Message.builder(topic).keys(keys).body(serialize(payload)).deliverAfter(delay).build());
  }

  /**
   * Like {@link #send(String, String, Object)}, delivered no earlier than {@code time} once the
   * transaction commits ({@link Message.Builder#deliverAt}).
   */
  public String sendAt(Instant time, String topic, String keys, Object payload) {
    return send(Message.builder(topic).keys(keys).body(serialize(payload)).deliverAt(time).build());
  }

  /**
   * Sends a fully built message with the current transaction.
   *
   * @return the message id
   * @throws IllegalStateException if no transaction on this template's DataSource is active
   * @throws io.halfmsg.producer.HalfmsgException if the broker refused the message or could not be
   *     reached; the exception rolls the transaction back unless caught
   * @throws org.springframework.dao.DuplicateKeyException if a check-back already rolled the
   *     message back (only when a send and its transaction take longer than the check-back delay)
   */
  public String send(Message message) {
    requireTransaction();
    String messageId = producer.prepare(message).messageId();
    // Registered before the barrier insert: if that insert fails, the transaction rolls back and
    // the rollback call still goes out instead of waiting for a check-back.
    TransactionSynchronizationManager.registerSynchronization(new Completion(messageId));
    try (LogContext ignored = LogContext.producer(messageId, producer.producerGroup())) {
      jdbc.execute(
          (ConnectionCallback<Void>)
              connection -> {
                barrier.insert(connection, messageId);
                return null;
              });
    }
    return messageId;
  }

  /**
   * Sends the commits of transactions that have committed and are still queued (for up to 5 s),
   * then stops; Spring calls it when the context closes. Close the producer after this.
   */
  @Override
  public void close() {
    committedSends.close();
  }

  private void requireTransaction() {
    if (!TransactionSynchronizationManager.isActualTransactionActive()
        || !TransactionSynchronizationManager.isSynchronizationActive()) {
      throw new IllegalStateException(
          "HalfmsgTemplate.send must be called inside a transaction (e.g. a @Transactional"
              + " method): the message is committed or rolled back with it.");
    }
    if (TransactionSynchronizationManager.getResource(dataSource) == null) {
      throw new IllegalStateException(
          "The current transaction does not manage the DataSource of HalfmsgTemplate, so the"
              + " barrier row would not be written with the business change. Use the transaction"
              + " manager of that DataSource.");
    }
  }

  private byte[] serialize(Object payload) {
    Objects.requireNonNull(payload, "payload");
    if (payload instanceof String s) {
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    if (payload instanceof byte[] b) {
      return b;
    }
    try {
      return objectMapper.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write the payload " + payload.getClass().getName() + " as JSON", e);
    }
  }

  /** Ends the message once the outermost transaction has completed. */
  private final class Completion implements TransactionSynchronization {
    private final String messageId;

    Completion(String messageId) {
      this.messageId = messageId;
    }

    @Override
    public void afterCompletion(int status) {
      try (LogContext ignored = LogContext.producer(messageId, producer.producerGroup())) {
        ended(status);
      }
    }

    private void ended(int status) {
      switch (status) {
        // The barrier row is the truth, not the status: a send inside a NESTED savepoint that
        // was rolled back, or a caller that swallowed a failed send, commits without the row.
        // Read on a fresh connection in the background, after this transaction's is released,
        // together with the other messages committed meanwhile.
        case STATUS_COMMITTED -> committedSends.committed(messageId);
        case STATUS_ROLLED_BACK ->
            producer.endTransactionAsync(messageId, () -> TransactionState.ROLLBACK);
        default ->
            log.info(
                "Outcome of the transaction of message {} is unknown; check-back will decide",
                messageId);
      }
    }
  }
}
