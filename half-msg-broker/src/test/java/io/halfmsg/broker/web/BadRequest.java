package io.halfmsg.broker.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated request, with the defect that makes the broker refuse it.
 *
 * @param endpoint the endpoint it is aimed at
 * @param defect what is wrong with it, for the report (e.g. {@code auth: wrong role})
 * @param expect how its answer is judged
 * @param method the method token as sent
 * @param target the request target as sent (not encoded any further)
 * @param version the protocol version as sent
 * @param headers header lines as sent, one string each (may be malformed on purpose); the framing's
 *     headers are added after them
 * @param body the body bytes, or null for none
 * @param framing how the body is framed
 */
record BadRequest(
    String endpoint,
    String defect,
    Expect expect,
    String method,
    String target,
    String version,
    List<String> headers,
    byte[] body,
    Framing framing) {

  /** What answer the request must get. */
  enum Expect {
    /** A 4xx problem document. */
    REFUSED,
    /** A 4xx problem document, or a batch answer (200) in which every item is refused. */
    REFUSED_ITEMS
  }

  /** How the body is framed on the wire. */
  enum Framing {
    /** {@code Content-Length} of the body. */
    LENGTH,
    /** {@code Transfer-Encoding: chunked}, in chunks of random sizes. */
    CHUNKED,
    /** A {@code Content-Length} larger than the body that is sent: a truncated upload. */
    SHORT,
    /** Chunked, with a chunk size that is not hexadecimal. */
    BAD_CHUNKS,
    /** No framing headers: whatever the headers say (or nothing) goes as it is. */
    AS_IS
  }

  /** The request's bytes; header lines and the request line go as ISO-8859-1. */
  byte[] bytes(java.util.Random random) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target);
    if (!version.isEmpty()) {
      head.append(' ').append(version);
    }
    head.append("\r\n");
    headers.forEach(h -> head.append(h).append("\r\n"));
    byte[] payload = body == null ? new byte[0] : body;
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    switch (framing) {
      case LENGTH -> head.append("Content-Length: ").append(payload.length).append("\r\n");
      case SHORT ->
          head.append("Content-Length: ")
              .append(payload.length + 1 + random.nextInt(1000))
              .append("\r\n");
      case CHUNKED, BAD_CHUNKS -> head.append("Transfer-Encoding: chunked\r\n");
      case AS_IS -> {}
    }
    head.append("\r\n");
    wire.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    switch (framing) {
      case CHUNKED -> {
        for (int at = 0; at < payload.length; ) {
          int size = Math.min(payload.length - at, 1 + random.nextInt(4096));
          wire.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          wire.write(payload, at, size);
          wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          at += size;
        }
        wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      case BAD_CHUNKS -> {
        wire.writeBytes("zz\r\n".getBytes(StandardCharsets.US_ASCII));
        wire.writeBytes(payload);
        wire.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      default -> wire.writeBytes(payload);
    }
    return wire.toByteArray();
  }

  /** The request for a report: its defect, request line, headers and body start, escaped. */
  String describe() {
    StringBuilder s = new StringBuilder();
    s.append(endpoint).append(" [").append(defect).append("] ");
    s.append(abbreviate(method + " " + target + " " + version, 300));
    headers.forEach(h -> s.append(" | ").append(abbreviate(h, 120)));
    s.append(" | framing=").append(framing);
    if (body != null) {
      s.append(" | body(").append(body.length).append(")=");
      s.append(abbreviate(new String(body, StandardCharsets.ISO_8859_1), 300));
    }
    return s.toString();
  }

  static String abbreviate(String text, int max) {
    StringBuilder escaped = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c < 0x20 || c >= 0x7f) {
        escaped.append(String.format("\\x%02x", (int) c & 0xff));
      } else {
        escaped.append(c);
      }
    }
    return escaped.length() <= max
        ? escaped.toString()
        : escaped.substring(0, max) + "…(" + escaped.length() + " chars)";
  }
}
