package io.halfmsg.broker.admin;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** What operators look at: messages by state, topic, group, time and id, and counts of all. */
@RestController
class AdminController {

  private final AdminQueries queries;

  AdminController(AdminQueries queries) {
    this.queries = queries;
  }

  @GetMapping("/api/v1/messages")
  AdminQueries.Page messages(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String topic,
      @RequestParam(required = false) String producerGroup,
      @RequestParam(required = false) String consumerGroup,
      @RequestParam(required = false) String messageId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String after,
      @RequestParam(required = false) Integer limit) {
    return queries.page(
        MessageFilter.of(state, topic, producerGroup, consumerGroup, messageId, from, to),
        after,
        limit);
  }

  @GetMapping("/api/v1/stats")
  AdminQueries.Stats stats() {
    return queries.stats();
  }
}
