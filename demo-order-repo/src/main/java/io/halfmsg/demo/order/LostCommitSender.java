package io.halfmsg.demo.order;

import io.halfmsg.producer.HalfmsgProducer;
import io.halfmsg.producer.Message;
import io.halfmsg.producer.barrier.BarrierTable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * For the demo scenario only: sends a message whose commit call is lost, as if order-service died
 * between its local commit and telling the broker.
 *
 * <p>It does what {@code HalfmsgTemplate.send} does inside the transaction — prepare at the broker,
 * then write the barrier row on the transaction's own connection — but registers nothing to run
 * after the transaction, so no commit or rollback is ever sent. The broker's check-back then asks
 * order-service, whose barrier checker answers from the committed row: COMMIT. The producer SDK has
 * no hook to drop its own commit call (its {@code HalfmsgProducer} is final and the template's
 * completion is private), so the demo skips the call instead of intercepting it.
 *
 * <p>Off unless {@code demo.order.allow-lost-commits=true}.
 */
@Component
class LostCommitSender {

  private final HalfmsgProducer producer;
  private final BarrierTable barrier;
  private final JdbcTemplate jdbc;
  private final boolean allowed;

  LostCommitSender(
      HalfmsgProducer producer,
      BarrierTable barrier,
      JdbcTemplate jdbc,
      @Value("${demo.order.allow-lost-commits:false}") boolean allowed) {
    this.producer = producer;
    this.barrier = barrier;
    this.jdbc = jdbc;
    this.allowed = allowed;
  }

  boolean allowed() {
    return allowed;
  }

  /** Must run inside a transaction on the application's DataSource. */
  String send(Message message) {
    if (!allowed) {
      throw new IllegalStateException("Set demo.order.allow-lost-commits=true to lose commits");
    }
    String messageId = producer.prepare(message).messageId();
    jdbc.execute(
        (ConnectionCallback<Void>)
            connection -> {
              barrier.insert(connection, messageId);
              return null;
            });
    return messageId;
  }
}
