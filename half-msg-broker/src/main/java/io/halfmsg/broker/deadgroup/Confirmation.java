package io.halfmsg.broker.deadgroup;

import io.halfmsg.broker.web.Violations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a preview of a DEAD group showed, as its confirmation must name it: how many deliveries, the
 * highest delivery id, and a digest of all their ids — {@code <count>.<upperId>.<digest>}. A
 * confirmation replays the group's deliveries up to {@code upperId} only if they are still exactly
 * these; deliveries that died later (higher ids) are left for the next preview.
 */
record Confirmation(int count, long upperId, String digest) {

  private static final Pattern TEXT =
      Pattern.compile("^([1-9][0-9]{0,8})\\.([1-9][0-9]{0,17})\\.([0-9a-f]{16})$");

  static Confirmation of(List<DeadDelivery> deliveries) {
    StringBuilder ids = new StringBuilder();
    deliveries.forEach(d -> ids.append(d.id()).append(','));
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(ids.toString().getBytes(StandardCharsets.US_ASCII));
      return new Confirmation(
          deliveries.size(),
          deliveries.isEmpty() ? 0 : deliveries.get(deliveries.size() - 1).id(),
          HexFormat.of().formatHex(hash, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** A confirmation as a request sends it; 400 if it is not one. */
  static Confirmation parse(String text) {
    Matcher m = text == null ? null : TEXT.matcher(text);
    if (m == null || !m.matches()) {
      throw Violations.invalid(
          "confirmation", "must be the confirmation of a preview (<count>.<upperId>.<digest>)");
    }
    return new Confirmation(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), m.group(3));
  }

  @Override
  public String toString() {
    return count + "." + upperId + "." + digest;
  }
}
