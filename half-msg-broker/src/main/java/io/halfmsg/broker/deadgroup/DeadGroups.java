package io.halfmsg.broker.deadgroup;

import io.halfmsg.broker.delivery.DeliveryService;
import io.halfmsg.broker.history.MessageHistory;
import io.halfmsg.broker.operator.Operator;
import io.halfmsg.broker.web.ApiException;
import io.halfmsg.broker.web.ProblemType;
import io.halfmsg.broker.web.Violations;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * DEAD deliveries grouped by consumer group and the fingerprint of the failure that made them DEAD,
 * and their bulk replay: a preview says how many and which (a first page), and a replay must name
 * what the preview showed ({@link Confirmation}), so that a group that changed meanwhile is not
 * replayed blindly. One preview covers at most {@value #MAX_BULK} deliveries, the oldest.
 */
@Service
public class DeadGroups {

  private static final Pattern FINGERPRINT = Pattern.compile("^([0-9a-f]{16}|unrecorded)$");

  static final int MAX_BULK = 5000;
  static final int FIRST_PAGE = 20;

  private final DeadGroupMapper mapper;
  private final DeliveryService deliveries;
  private final TransactionTemplate transaction;

  DeadGroups(DeadGroupMapper mapper, DeliveryService deliveries, TransactionTemplate transaction) {
    this.mapper = mapper;
    this.deliveries = deliveries;
    this.transaction = transaction;
  }

  /**
   * What a bulk replay of a group would replay.
   *
   * @param total the group's DEAD deliveries now
   * @param count how many of them the confirmation replays (the oldest, at most {@value #MAX_BULK})
   * @param upperId the highest delivery id among them
   * @param firstPage the first of them
   * @param confirmation what the replay must send back
   */
  public record Preview(
      String consumerGroup,
      String fingerprint,
      long total,
      int count,
      long upperId,
      List<DeadDelivery> firstPage,
      String confirmation) {}

  /** What is wrong with a group's name and fingerprint as a request names them. */
  public static Violations checked(String consumerGroup, String fingerprint) {
    Violations v = new Violations();
    v.rocketMqName(consumerGroup, "consumerGroup");
    v.check(
        FINGERPRINT.matcher(fingerprint).matches(),
        "fingerprint",
        "must be 16 hex digits (or unrecorded)");
    return v;
  }

  public List<DeadGroup> groups() {
    return mapper.groups();
  }

  public Preview preview(String consumerGroup, String fingerprint) {
    List<DeadDelivery> members = mapper.members(consumerGroup, fingerprint, null, MAX_BULK);
    if (members.isEmpty()) {
      throw new ApiException(
          ProblemType.DEAD_GROUP_NOT_FOUND,
          "No DEAD delivery of consumer group "
              + consumerGroup
              + " has the failure fingerprint "
              + fingerprint
              + ".");
    }
    Confirmation c = Confirmation.of(members);
    return new Preview(
        consumerGroup,
        fingerprint,
        mapper.count(consumerGroup, fingerprint),
        c.count(),
        c.upperId(),
        members.subList(0, Math.min(FIRST_PAGE, members.size())),
        c.toString());
  }

  /**
   * Replays the deliveries a preview showed, if the group's deliveries up to its {@code upperId}
   * are still exactly those; else 409 {@code preview-stale} and nothing is replayed. Returns how
   * many were replayed.
   */
  public int replay(
      String consumerGroup, String fingerprint, String confirmation, Operator operator) {
    Confirmation previewed = Confirmation.parse(confirmation);
    return transaction.execute(
        status -> {
          List<DeadDelivery> locked =
              mapper.lockMembers(consumerGroup, fingerprint, previewed.upperId(), MAX_BULK + 1);
          Confirmation now = Confirmation.of(locked);
          if (!now.equals(previewed)) {
            throw new ApiException(
                ProblemType.PREVIEW_STALE,
                "The preview showed "
                    + previewed.count()
                    + " deliveries up to id "
                    + previewed.upperId()
                    + "; the group now has "
                    + now.count()
                    + " there. Nothing was replayed: preview it again.",
                Map.of("previewed", previewed.toString()));
          }
          return deliveries.replayLocked(
              locked.stream()
                  .map(d -> new MessageHistory.Delivery(d.messageId(), d.consumerGroup()))
                  .toList(),
              operator,
              "bulk replay of " + now.count() + " DEAD deliveries failing as " + fingerprint);
        });
  }
}
