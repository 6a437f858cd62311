package io.halfmsg.producer;

import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.CheckBackResponse;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.TransactionState;
import io.halfmsg.api.logging.LogContext;
import io.halfmsg.api.signing.SignatureVerifier;
import io.halfmsg.api.signing.VerificationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the broker's check-back requests, whatever serves the HTTP: verifies the signature
 * (unsigned, badly signed or stale requests get {@code 401}, and so does a replay: a request whose
 * signature was accepted before), asks the {@link TransactionChecker}, and writes {@code 200
 * {"state":"COMMIT"|"ROLLBACK"|"UNKNOWN"}}. A checker that throws or returns {@code null} is
 * answered with {@code UNKNOWN}, never with a commit. Thread-safe.
 *
 * <p>Accepted signatures are remembered until their timestamps leave the verifier's tolerance (5
 * minutes), at most 100,000 of them; should that many be fresh at once, further check-backs are
 * answered {@code 503} (the broker asks again later) rather than any forgotten.
 *
 * <p>The {@link CheckBackServer} and the Spring MVC endpoint use it; other HTTP stacks can too.
 */
public final class CheckBackHandler {

  private static final Logger log = LoggerFactory.getLogger(CheckBackHandler.class);
  private static final String JSON = "application/json";
  private static final String PROBLEM_JSON = "application/problem+json";

  private final String producerGroup;
  private final SignatureVerifier verifier;
  private final AcceptedSignatures accepted;
  private final TransactionChecker checker;
  private final ProducerMetrics metrics;

  /**
   * @param producer the producer whose group is asked (and whose metrics count the answers)
   * @param secret the group's check-back secret, as configured on the broker
   * @param checker answers for the group's messages
   */
  public CheckBackHandler(HalfmsgProducer producer, String secret, TransactionChecker checker) {
    this(producer, secret, checker, Clock.systemUTC(), AcceptedSignatures.DEFAULT_CAPACITY);
  }

  CheckBackHandler(
      HalfmsgProducer producer,
      String secret,
      TransactionChecker checker,
      Clock clock,
      int rememberedSignatures) {
    this.producerGroup = producer.producerGroup();
    this.metrics = producer.metrics();
    this.verifier = new SignatureVerifier(Objects.requireNonNull(secret, "secret"), clock);
    this.accepted =
        new AcceptedSignatures(clock, SignatureVerifier.DEFAULT_TOLERANCE, rememberedSignatures);
    this.checker = Objects.requireNonNull(checker, "checker");
  }

  /** An HTTP answer to write back: status, content type and body. */
  public record Reply(int status, String contentType, byte[] body) {}

  /**
   * Handles one check-back request.
   *
   * @param timestampHeader the {@code X-Halfmsg-Timestamp} header, or {@code null}
   * @param signatureHeader the {@code X-Halfmsg-Signature} header, or {@code null}
   * @param body the exact request body bytes
   */
  public Reply handle(String timestampHeader, String signatureHeader, byte[] body) {
    if (body == null) {
      body = new byte[0];
    }
    // The broker never sends more (it leaves a body out rather than exceed it).
    if (body.length > CheckBackRequest.MAX_REQUEST_BYTES) {
      metrics.checkBackAnswered(null);
      return problem(
          413,
          "payload-too-large",
          "A check-back request is at most " + CheckBackRequest.MAX_REQUEST_BYTES + " bytes.");
    }
    VerificationResult verification = verifier.verify(timestampHeader, signatureHeader, body);
    AcceptedSignatures.Outcome seen = null;
    if (verification.isOk()) {
      // Verified, so both headers are of the documented form. The same MAC bytes in other hex
      // case or padding are the same request.
      seen =
          accepted.remember(
              signatureHeader.strip().toLowerCase(Locale.ROOT),
              Long.parseLong(timestampHeader.strip()));
      if (seen == AcceptedSignatures.Outcome.REPLAY) {
        verification = VerificationResult.REPLAYED;
      }
    }
    if (!verification.isOk()) {
      metrics.checkBackAnswered(null);
      log.warn("Refused a check-back request: signature {}", verification);
      return problem(
          401, "unauthorized", "The check-back signature is " + verification.name() + ".");
    }
    if (seen == AcceptedSignatures.Outcome.FULL) {
      metrics.checkBackAnswered(null);
      return problem(
          503, "replay-memory-full", "Too many recent check-backs to remember; ask again later.");
    }
    CheckBackRequest request;
    try {
      request = Json.MAPPER.readValue(body, CheckBackRequest.class);
    } catch (IOException e) {
      request = null;
    }
    if (request == null || request.messageId() == null || request.messageId().isBlank()) {
      metrics.checkBackAnswered(null);
      return problem(400, "invalid-request", "The body is not a check-back request.");
    }
    TransactionState state = check(request);
    metrics.checkBackAnswered(state);
    return new Reply(200, JSON, Json.write(new CheckBackResponse(state)));
  }

  private TransactionState check(CheckBackRequest request) {
    try (LogContext ignored = LogContext.producer(request.messageId(), request.producerGroup())) {
      return checked(request);
    }
  }

  private TransactionState checked(CheckBackRequest request) {
    if (!producerGroup.equals(request.producerGroup())) {
      // Signed with our secret but for another group: a shared secret and a misrouted URL.
      // Answering for a group we do not know could commit what was never committed.
      log.warn(
          "Check-back for message {} of group {} reached group {}; answering UNKNOWN",
          request.messageId(),
          request.producerGroup(),
          producerGroup);
      return TransactionState.UNKNOWN;
    }
    try {
      TransactionState state = checker.check(request);
      return state == null ? TransactionState.UNKNOWN : state;
    } catch (RuntimeException e) {
      log.warn(
          "TransactionChecker failed for message {}; answering UNKNOWN", request.messageId(), e);
      return TransactionState.UNKNOWN;
    }
  }

  private static Reply problem(int status, String type, String detail) {
    String json =
        "{\"type\":\"urn:halfmsg:problem:"
            + type
            + "\",\"status\":"
            + status
            + ",\"detail\":\""
            + detail
            + "\"}";
    return new Reply(status, PROBLEM_JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "CheckBackHandler[group=" + producerGroup + ", secret=<redacted>]";
  }
}
