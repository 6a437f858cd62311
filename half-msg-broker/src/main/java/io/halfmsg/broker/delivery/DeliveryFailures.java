package io.halfmsg.broker.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The latest failed attempts of each delivery ({@value #KEPT} kept), with a fingerprint of their
 * cause that groups DEAD deliveries failing the same way. Written by the redelivery scanner, off
 * the hot path; in the caller's transaction.
 */
@Component
public class DeliveryFailures {

  static final int KEPT = 5;
  static final int MAX_DETAIL = 512;

  /** Numbers and long hex runs (ids, addresses, ports, times) do not tell causes apart. */
  private static final Pattern VARYING = Pattern.compile("[0-9a-fA-F]{8,}|[0-9]+");

  private final DeliveryFailureMapper mapper;

  DeliveryFailures(DeliveryFailureMapper mapper) {
    this.mapper = mapper;
  }

  /** Records a failed attempt and forgets the ones older than the latest {@value #KEPT}. */
  void record(
      DueDelivery d,
      int attempt,
      Instant at,
      FailureCause cause,
      String errorClass,
      String detail) {
    String shortDetail =
        detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL);
    mapper.insert(
        d.messageId(),
        d.consumerGroup(),
        attempt,
        at,
        cause,
        errorClass,
        shortDetail,
        fingerprint(cause, errorClass, detail));
    Long oldest = mapper.oldestKept(d.messageId(), d.consumerGroup(), KEPT - 1);
    if (oldest != null) {
      mapper.deleteBefore(d.messageId(), d.consumerGroup(), oldest);
    }
  }

  /** A message's kept failures by consumer group, oldest first. */
  Map<String, List<DeliveryFailure>> ofMessage(String messageId) {
    return mapper.findByMessageId(messageId).stream()
        .collect(
            Collectors.groupingBy(
                DeliveryFailure::consumerGroup, LinkedHashMap::new, Collectors.toList()));
  }

  /** Deletes the failures of messages being deleted. */
  public void deleteOf(List<String> messageIds) {
    if (!messageIds.isEmpty()) {
      mapper.deleteOf(messageIds);
    }
  }

  /**
   * 16 hex digits naming a kind of failure: the cause, the error class, and the error message with
   * its numbers blanked, so that "timeout after 3001 ms" and "timeout after 2999 ms" are one kind.
   */
  static String fingerprint(FailureCause cause, String errorClass, String detail) {
    String normalized = detail == null ? "" : VARYING.matcher(detail).replaceAll("#");
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  (cause + "\n" + errorClass + "\n" + normalized).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
