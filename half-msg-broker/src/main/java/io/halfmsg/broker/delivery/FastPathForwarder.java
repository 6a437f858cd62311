package io.halfmsg.broker.delivery;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.message.MessageRepository;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.rocketmq.RocketMqSender;
import io.halfmsg.broker.scan.Batcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Forwards a message to RocketMQ right after its commit, without waiting for a poll: messages
 * committed at about the same time are loaded with one query and sent asynchronously; each stored
 * send is confirmed in batches. Whatever this misses (a full queue, a crash, RocketMQ down) stays
 * COMMITTED and the {@link ForwardRecoveryScanner} sends it later.
 */
@Component
class FastPathForwarder implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(FastPathForwarder.class);

  private final MessageRepository messages;
  private final RocketMqSender sender;
  private final ForwardConfirmations confirmations;
  private final Batcher<String> queue;
  private final Counter failed;

  FastPathForwarder(
      MessageRepository messages,
      RocketMqSender sender,
      ForwardConfirmations confirmations,
      MeterRegistry meters) {
    this.messages = messages;
    this.sender = sender;
    this.confirmations = confirmations;
    this.failed =
        Counter.builder("halfmsg.forward.fast-path.failures")
            .description("Fast-path sends that failed and were left to the recovery scanner")
            .register(meters);
    this.queue = new Batcher<>("halfmsg-forward", 50_000, 200, 2, this::forward);
  }

  void forwardSoon(String messageId) {
    if (sender.enabled() && !queue.offer(messageId)) {
      log.debug("Fast-path queue full; {} is left to the recovery scanner", messageId);
    }
  }

  private void forward(List<String> messageIds) {
    for (StoredMessage m : messages.findAllByMessageIds(messageIds)) {
      if (m.state() == MessageState.COMMITTED) {
        sender.sendAsync(
            m,
            new SendCallback() {
              @Override
              public void onSuccess(SendResult result) {
                confirmations.confirm(m.id());
              }

              @Override
              public void onException(Throwable e) {
                failed.increment();
                log.debug("Fast-path send of {} failed: {}", m.messageId(), e.toString());
              }
            });
      }
    }
  }

  @Override
  public void destroy() {
    queue.close();
  }
}
