package io.halfmsg.broker.console;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.admin.AdminQueries;
import io.halfmsg.broker.admin.MessageFilter;
import io.halfmsg.broker.deadgroup.DeadGroups;
import io.halfmsg.broker.delivery.KeyQueue;
import io.halfmsg.broker.endpoint.EndpointRegistry;
import io.halfmsg.broker.message.MessageService;
import io.halfmsg.broker.message.MessageView;
import io.halfmsg.broker.subscription.Subscriptions;
import io.halfmsg.broker.web.Violations;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The console's pages: server-rendered, read-only; the forms post to {@link ConsoleActions}. */
@Controller
@ConditionalOnConsole
class ConsolePages {

  private static final int PAGE = 50;
  // The dashboard's short list: the most blocked keys; GET /api/v1/blocked-keys has them all.
  private static final int BLOCKED_KEYS = 10;

  private final AdminQueries queries;
  private final MessageService messages;
  private final DeadGroups deadGroups;
  private final Subscriptions subscriptions;
  private final EndpointRegistry endpoints;
  private final KeyQueue keys;
  private final Clock clock;

  ConsolePages(
      AdminQueries queries,
      MessageService messages,
      DeadGroups deadGroups,
      Subscriptions subscriptions,
      EndpointRegistry endpoints,
      KeyQueue keys,
      Clock clock) {
    this.queries = queries;
    this.messages = messages;
    this.deadGroups = deadGroups;
    this.subscriptions = subscriptions;
    this.endpoints = endpoints;
    this.keys = keys;
    this.clock = clock;
  }

  @GetMapping(ConsoleSecurity.LOGIN)
  String login() {
    return "console/login";
  }

  @GetMapping({"/console", "/console/"})
  String dashboard(Model model) {
    model.addAttribute("stats", queries.stats());
    model.addAttribute("deadGroups", deadGroups.groups());
    model.addAttribute("blockedKeys", keys.blockedKeys(BLOCKED_KEYS));
    model.addAttribute("subscriptions", subscriptions.withLag());
    model.addAttribute("producers", endpoints.allInstances());
    return "console/dashboard";
  }

  /**
   * Messages by filter, a page at a time. The time range comes from the browser's date-time inputs,
   * read as UTC like every time the console shows.
   */
  @GetMapping("/console/messages")
  String messages(
      @RequestParam(required = false) String state,
      @RequestParam(required = false) String topic,
      @RequestParam(required = false) String producerGroup,
      @RequestParam(required = false) String consumerGroup,
      @RequestParam(required = false) String messageId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String after,
      Model model) {
    MessageFilter filter =
        MessageFilter.of(
            blankToNull(state),
            blankToNull(topic),
            blankToNull(producerGroup),
            blankToNull(consumerGroup),
            blankToNull(messageId),
            utc(from, "from"),
            utc(to, "to"));
    model.addAttribute("filter", filter);
    model.addAttribute("states", MessageState.values());
    model.addAttribute("from", blankToNull(from));
    model.addAttribute("to", blankToNull(to));
    model.addAttribute("page", queries.page(filter, blankToNull(after), PAGE));
    return "console/messages";
  }

  @GetMapping("/console/parked")
  String parked(@RequestParam(required = false) String after, Model model) {
    model.addAttribute(
        "page",
        queries.page(
            MessageFilter.of("PARKED", null, null, null, null, null, null),
            blankToNull(after),
            PAGE));
    return "console/parked";
  }

  @GetMapping("/console/messages/{messageId}")
  String message(@PathVariable String messageId, Model model) {
    Violations.requireMessageId(messageId);
    MessageView m = messages.view(messageId);
    model.addAttribute("m", m);
    model.addAttribute("cancellable", m.heldAt(clock.instant()));
    return "console/message";
  }

  @GetMapping("/console/dead")
  String dead(Model model) {
    model.addAttribute("groups", deadGroups.groups());
    return "console/dead";
  }

  @GetMapping("/console/dead/{consumerGroup}/{fingerprint}")
  String preview(
      @PathVariable String consumerGroup, @PathVariable String fingerprint, Model model) {
    DeadGroups.checked(consumerGroup, fingerprint).throwIfAny();
    model.addAttribute("preview", deadGroups.preview(consumerGroup, fingerprint));
    return "console/preview";
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** A {@code datetime-local} value (no zone) as an ISO instant in UTC. */
  private static String utc(String local, String field) {
    String s = blankToNull(local);
    if (s == null) {
      return null;
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toString();
    } catch (DateTimeParseException e) {
      throw Violations.invalid(field, "must be a date and time such as 2026-01-31T23:59");
    }
  }
}
