package io.halfmsg.broker.console;

import io.halfmsg.api.MessageState;
import io.halfmsg.broker.cancel.HeldMessages;
import io.halfmsg.broker.deadgroup.DeadGroups;
import io.halfmsg.broker.delivery.DeliveryService;
import io.halfmsg.broker.delivery.KeyHandover;
import io.halfmsg.broker.message.MessageService;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.parked.ParkedMessages;
import io.halfmsg.broker.pause.PauseKind;
import io.halfmsg.broker.pause.Pauses;
import io.halfmsg.broker.web.Violations;
import java.security.Principal;
import java.util.function.BiConsumer;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's actions, each a form post (with its CSRF token) answered by a redirect to the page
 * that shows the result. The operator is the session's; every action needs a reason but resume.
 */
@Controller
@ConditionalOnConsole
class ConsoleActions {

  private static final String DONE = "done";

  private final MessageService messages;
  private final ParkedMessages parked;
  private final DeliveryService deliveries;
  private final DeadGroups deadGroups;
  private final Pauses pauses;
  private final KeyHandover handover;
  private final HeldMessages held;

  ConsoleActions(
      MessageService messages,
      ParkedMessages parked,
      DeliveryService deliveries,
      DeadGroups deadGroups,
      Pauses pauses,
      KeyHandover handover,
      HeldMessages held) {
    this.messages = messages;
    this.parked = parked;
    this.deliveries = deliveries;
    this.deadGroups = deadGroups;
    this.pauses = pauses;
    this.handover = handover;
    this.held = held;
  }

  @PostMapping("/console/messages/{messageId}/resolve")
  String resolve(
      @PathVariable String messageId,
      @RequestParam(required = false) String decision,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    Violations.requireMessageId(messageId);
    MessageState target =
        switch (decision == null ? "" : decision) {
          case "COMMIT" -> MessageState.COMMITTED;
          case "ROLLBACK" -> MessageState.ROLLED_BACK;
          default -> throw Violations.invalid("decision", "must be COMMIT or ROLLBACK");
        };
    messages.resolveParked(messageId, target, operator(who, reason));
    redirect.addFlashAttribute(DONE, "Resolved " + messageId + ": " + decision);
    return "redirect:/console/messages/" + messageId;
  }

  @PostMapping("/console/messages/{messageId}/rearm")
  String rearm(
      @PathVariable String messageId,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    return onMessage(
        messageId, reason, who, redirect, parked::rearm, "Re-armed %s: check-back asks again");
  }

  @PostMapping("/console/messages/{messageId}/replay")
  String replay(
      @PathVariable String messageId,
      @RequestParam(required = false) String consumerGroup,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    Violations.requireMessageId(messageId);
    Violations v = new Violations();
    v.rocketMqName(consumerGroup, "consumerGroup");
    v.throwIfAny();
    deliveries.replayOne(messageId, consumerGroup, operator(who, reason));
    redirect.addFlashAttribute(DONE, "Replayed the delivery to " + consumerGroup);
    return "redirect:/console/messages/" + messageId;
  }

  @PostMapping("/console/messages/{messageId}/release")
  String release(
      @PathVariable String messageId,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    return onMessage(
        messageId,
        reason,
        who,
        redirect,
        handover::releaseByOperator,
        "Released the sharding key of %s: the messages behind it go ahead");
  }

  @PostMapping("/console/messages/{messageId}/cancel")
  String cancel(
      @PathVariable String messageId,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    return onMessage(
        messageId, reason, who, redirect, held::cancel, "Cancelled %s: it is never delivered");
  }

  @PostMapping("/console/dead/{consumerGroup}/{fingerprint}/replay")
  String replayGroup(
      @PathVariable String consumerGroup,
      @PathVariable String fingerprint,
      @RequestParam(required = false) String confirmation,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    DeadGroups.checked(consumerGroup, fingerprint).throwIfAny();
    int n = deadGroups.replay(consumerGroup, fingerprint, confirmation, operator(who, reason));
    redirect.addFlashAttribute(DONE, "Replayed " + n + " DEAD deliveries of " + consumerGroup);
    return "redirect:/console/dead";
  }

  @PostMapping("/console/pauses")
  String pause(
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String name,
      @RequestParam(required = false) String reason,
      Principal who,
      RedirectAttributes redirect) {
    PauseKind k = kind(kind, name);
    pauses.pause(k, name, operator(who, reason));
    redirect.addFlashAttribute(DONE, "Paused " + k + " " + name);
    return "redirect:/console";
  }

  @PostMapping("/console/pauses/resume")
  String resume(
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String name,
      Principal who,
      RedirectAttributes redirect) {
    PauseKind k = kind(kind, name);
    pauses.resume(k, name, who.getName());
    redirect.addFlashAttribute(DONE, "Resumed " + k + " " + name);
    return "redirect:/console";
  }

  /**
   * An action on one message that takes nothing but a reason, then back to the message's page.
   *
   * @param done the flash message, {@code %s} standing for the message's id
   */
  private static String onMessage(
      String messageId,
      String reason,
      Principal who,
      RedirectAttributes redirect,
      BiConsumer<String, Operator> action,
      String done) {
    Violations.requireMessageId(messageId);
    action.accept(messageId, operator(who, reason));
    redirect.addFlashAttribute(DONE, done.formatted(messageId));
    return "redirect:/console/messages/" + messageId;
  }

  private static Operator operator(Principal who, String reason) {
    return Operator.of(who.getName(), "operator", reason);
  }

  private static PauseKind kind(String kind, String name) {
    Violations v = new Violations();
    PauseKind k = null;
    for (PauseKind candidate : PauseKind.values()) {
      if (candidate.name().equals(kind)) {
        k = candidate;
      }
    }
    v.check(k != null, "kind", "must be TOPIC or CONSUMER_GROUP");
    v.rocketMqName(name, "name");
    v.throwIfAny();
    return k;
  }
}
