package io.halfmsg.broker.delivery;

import io.halfmsg.broker.message.MessageRepository;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.rocketmq.RocketMqSender;
import io.halfmsg.broker.scan.ClaimingScanner;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Forwards what the fast path missed: COMMITTED messages still unconfirmed {@code
 * forward-retry-after} after their commit (a broker crash between commit and send, RocketMQ
 * unavailable). A failed send is retried when the lease runs out.
 */
@Component
class ForwardRecoveryScanner extends ClaimingScanner<StoredMessage> {

  private static final Logger log = LoggerFactory.getLogger(ForwardRecoveryScanner.class);

  private final DeliveryMapper mapper;
  private final MessageRepository messages;
  private final RocketMqSender sender;
  private final ForwardConfirmations confirmations;
  private final TransactionTemplate transaction;
  private final DeliveryProperties properties;
  private final Clock clock;

  ForwardRecoveryScanner(
      DeliveryMapper mapper,
      MessageRepository messages,
      RocketMqSender sender,
      ForwardConfirmations confirmations,
      TransactionTemplate transaction,
      DeliveryProperties properties,
      Clock clock) {
    super(
        "halfmsg-forward-recovery",
        new Settings(
            properties.pollInterval(),
            properties.batchSize(),
            properties.concurrency(),
            properties.enabled() && sender.enabled()));
    this.mapper = mapper;
    this.messages = messages;
    this.sender = sender;
    this.confirmations = confirmations;
    this.transaction = transaction;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  protected List<StoredMessage> claim(int limit) {
    Instant now = clock.instant();
    List<Long> ids =
        transaction.execute(
            status -> {
              List<Long> due = mapper.lockUnforwarded(now, limit);
              if (!due.isEmpty()) {
                mapper.extendForwardLease(due, now.plus(properties.lease()));
              }
              return due;
            });
    return messages.findAllByIds(ids);
  }

  @Override
  protected void process(StoredMessage m) {
    try {
      sender.send(m);
      confirmations.confirmNow(m.id());
    } catch (Exception e) {
      log.warn("Forwarding {} to RocketMQ failed; retrying later: {}", m.messageId(), e.toString());
    }
  }
}
