package io.halfmsg.broker.admin;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryState;
import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.pause.Pause;
import io.halfmsg.broker.pause.Pauses;
import io.halfmsg.broker.rocketmq.RocketMqReachability;
import io.halfmsg.broker.web.Violations;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Service;

/** What operators look at, for the admin API and the console: listings and counts. */
@Service
public class AdminQueries {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  private final AdminMapper mapper;
  private final Pauses pauses;
  private final RocketMqReachability rocketMq;
  private final Clock clock;

  AdminQueries(AdminMapper mapper, Pauses pauses, RocketMqReachability rocketMq, Clock clock) {
    this.mapper = mapper;
    this.pauses = pauses;
    this.rocketMq = rocketMq;
    this.clock = clock;
  }

  /** A page of messages; pass {@code next} back as {@code after} for the following page. */
  public record Page(List<MessageSummary> items, String next) {}

  /** A page; {@code after} is a previous page's {@code next}, 400 if it is not one. */
  public Page page(MessageFilter f, String after, Integer limit) {
    Violations v = new Violations();
    v.check(after == null || after.matches("^[0-9]{1,18}$"), "after", "must be a cursor from next");
    int size = limit == null ? DEFAULT_LIMIT : limit;
    v.check(size >= 1 && size <= MAX_LIMIT, "limit", "must be 1 to 500");
    v.throwIfAny();
    List<MessageSummary> items =
        mapper.findMessages(
            f.state(),
            f.topic(),
            f.producerGroup(),
            f.consumerGroup(),
            f.messageId(),
            f.from(),
            f.to(),
            after == null ? 0 : Long.parseLong(after),
            size);
    String next = items.size() == size ? Long.toString(items.get(items.size() - 1).id()) : null;
    return new Page(items, next);
  }

  /**
   * Counts by state, the oldest of what waits, what is paused, and whether RocketMQ takes this
   * instance's sends.
   *
   * @param oldestPrepared when the oldest PREPARED message was prepared
   * @param oldestUnforwarded since when the oldest COMMITTED message not yet in RocketMQ could be
   *     forwarded (its commit, or its delivery time); held ones not yet due are left out
   * @param oldestPendingDelivery when the oldest un-acked, not DEAD delivery was created
   * @param rocketMq this instance's {@code rocketMq} health: status and, while sends fail, since
   *     when and the last error
   */
  public record Stats(
      Map<String, Long> messages,
      Map<String, Long> deliveries,
      Instant oldestPrepared,
      Instant oldestUnforwarded,
      Instant oldestPendingDelivery,
      List<Pause> paused,
      Map<String, Object> rocketMq) {}

  public Stats stats() {
    Map<String, Long> messages = new LinkedHashMap<>();
    for (MessageState s : MessageState.values()) {
      messages.put(s.name(), 0L);
    }
    mapper.countMessagesByState().forEach(c -> messages.put(c.state(), c.count()));
    Map<String, Long> deliveries = new LinkedHashMap<>();
    for (DeliveryState s : DeliveryState.values()) {
      deliveries.put(s.name(), 0L);
    }
    mapper.countDeliveriesByState().forEach(c -> deliveries.put(c.state(), c.count()));
    Health health = rocketMq.health();
    Map<String, Object> sends = new LinkedHashMap<>();
    sends.put("status", health.getStatus().getCode());
    sends.putAll(health.getDetails());
    return new Stats(
        messages,
        deliveries,
        mapper.oldestPrepared(),
        // What waits behind the head of its sharding key is not late: blocked-keys shows it.
        mapper.oldestUnforwarded(clock.instant(), KeyQueue.HELD),
        mapper.oldestPendingDelivery(KeyQueue.HELD),
        pauses.all(),
        sends);
  }
}
