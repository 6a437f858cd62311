package io.halfmsg.broker.admin;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.delivery.DeliveryState;
import io.halfmsg.broker.web.Violations;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What operators look at: messages by state, topic and group, and counts of everything. */
@RestController
class AdminController {

  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 500;

  private final AdminMapper mapper;

  AdminController(AdminMapper mapper) {
    this.mapper = mapper;
  }

  /** A page of messages; pass {@code next} back as {@code after} for the following page. */
  record Page(List<MessageSummary> items, String next) {}

  @GetMapping("/api/v1/messages")
  Page messages(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String topic,
      @RequestParam(required = false) String producerGroup,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Integer limit) {
    Violations v = new Violations();
    if (state != null) {
      v.check(
          Arrays.stream(MessageState.values()).anyMatch(s -> s.name().equals(state)),
          "state",
          "must be one of " + Arrays.toString(MessageState.values()));
    }
    if (topic != null) {
      v.rocketMqName(topic, "topic");
    }
    if (producerGroup != null) {
      v.rocketMqName(producerGroup, "producerGroup");
    }
    v.check(after == null || after.matches("^[0-9]{1,18}$"), "after", "must be a cursor from next");
    int size = limit == null ? DEFAULT_LIMIT : limit;
    v.check(size >= 1 && size <= MAX_LIMIT, "limit", "must be 1 to 500");
    v.throwIfAny();
    List<MessageSummary> items =
        mapper.findMessages(
            state, topic, producerGroup, after == null ? 0 : Long.parseLong(after), size);
    String next = items.size() == size ? Long.toString(items.get(items.size() - 1).id()) : null;
    return new Page(items, next);
  }

  record Stats(Map<String, Long> messages, Map<String, Long> deliveries) {}

  @GetMapping("/api/v1/stats")
  Stats stats() {
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
    return new Stats(messages, deliveries);
  }
}
