package io.halfmsg.producer;

import io.halfmsg.api.BatchItemResult;
import io.halfmsg.api.BatchResponse;
import io.halfmsg.api.DecisionBatchRequest;
import io.halfmsg.api.DecisionRequest;
import io.halfmsg.api.MessageState;
import io.halfmsg.api.MessageStateResponse;
import io.halfmsg.api.PrepareBatchRequest;
import io.halfmsg.api.PrepareMessageRequest;
import io.halfmsg.api.client.BrokerHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The broker's producer endpoints, over {@link BrokerHttp} (failover, connection reuse).
 *
 * <p>Prepares and decisions go in batches. A broker older than the batch endpoints answers them
 * with 404 (or 403: its access policy reserves unknown paths for operators); then the items of that
 * batch are sent one by one on the single endpoints, and batches are tried again a minute later, so
 * an SDK upgraded before its brokers keeps working and speeds up once they are upgraded.
 */
final class BrokerApi {

  static final String PREPARE_BATCH = "/api/v1/messages:batch";
  static final String DECISIONS = "/api/v1/decisions";
  private static final long SINGLE_CALLS_FOR_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final BrokerHttp http;
  private volatile long singleCallsUntil = System.nanoTime();

  BrokerApi(
      List<URI> baseUrls,
      String token,
      Duration connectTimeout,
      Duration requestTimeout,
      SSLContext sslContext) {
    this.http = new BrokerHttp(baseUrls, token, connectTimeout, requestTimeout, sslContext);
  }

  /** Prepares many messages in one request. */
  BatchingSender.Outcome prepareBatch(List<PrepareMessageRequest> messages) {
    if (singleCallsNow()) {
      return BatchingSender.Outcome.of(messages.stream().map(this::prepareOne).toList());
    }
    List<String> ids = messages.stream().map(PrepareMessageRequest::messageId).toList();
    BrokerHttp.Answer answer =
        http.send(
            "POST",
            PREPARE_BATCH,
            Json.write(new PrepareBatchRequest(messages)),
            body -> results(body, ids) != null);
    if (predatesBatches(answer)) {
      return prepareBatch(messages);
    }
    return outcome(answer, ids);
  }

  /** Commits and rolls back many messages in one request. */
  BatchingSender.Outcome decide(List<DecisionRequest> decisions) {
    if (singleCallsNow()) {
      return BatchingSender.Outcome.of(decisions.stream().map(this::decideOne).toList());
    }
    List<String> ids = decisions.stream().map(DecisionRequest::messageId).toList();
    BrokerHttp.Answer answer =
        http.send(
            "POST",
            DECISIONS,
            Json.write(new DecisionBatchRequest(decisions)),
            body -> results(body, ids) != null);
    if (predatesBatches(answer)) {
      return decide(decisions);
    }
    return outcome(answer, ids);
  }

  private boolean singleCallsNow() {
    return singleCallsUntil - System.nanoTime() > 0;
  }

  /** A batch endpoint never answers 404 or 403 as a whole unless it does not exist there. */
  private boolean predatesBatches(BrokerHttp.Answer answer) {
    if (answer.status() != 404 && answer.status() != 405 && answer.status() != 403) {
      return false;
    }
    singleCallsUntil = System.nanoTime() + SINGLE_CALLS_FOR_NANOS;
    return true;
  }

  private BatchItemResult prepareOne(PrepareMessageRequest message) {
    BrokerHttp.Answer answer =
        http.send(
            "POST",
            "/api/v1/messages",
            Json.write(message),
            body -> state(body, message.messageId()) != null);
    return itemResult(message.messageId(), answer, MessageState.PREPARED);
  }

  private BatchItemResult decideOne(DecisionRequest decision) {
    boolean commit = DecisionRequest.COMMIT.equals(decision.decision());
    BrokerHttp.Answer answer =
        http.send(
            "POST",
            "/api/v1/messages/" + decision.messageId() + (commit ? "/commit" : "/rollback"),
            null,
            body -> state(body, decision.messageId()) != null);
    return itemResult(
        decision.messageId(), answer, commit ? MessageState.COMMITTED : MessageState.ROLLED_BACK);
  }

  /** A single call's answer as the batch endpoint would have given it for the item. */
  private static BatchItemResult itemResult(
      String messageId, BrokerHttp.Answer answer, MessageState okState) {
    if (answer.ok()) {
      // A state this SDK does not know yet (a newer broker's) reads as null.
      MessageState state = state(answer.body(), messageId).state();
      return BatchItemResult.ok(messageId, answer.status(), state != null ? state : okState);
    }
    return new BatchItemResult(
        messageId, answer.status(), null, Json.field(answer.body(), "type"), detail(answer));
  }

  /**
   * A single call's 2xx answer if it is one, about {@code messageId}; else null. Only a readable
   * answer counts: an error page with a 200 (a proxy's) must not pass for a prepare.
   */
  private static MessageStateResponse state(String body, String messageId) {
    try {
      MessageStateResponse r = Json.MAPPER.readValue(body, MessageStateResponse.class);
      return r != null && messageId.equals(r.messageId()) ? r : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A batch answer's results if it has a well-formed one for each item, in the items' order; else
   * null. A result without a real HTTP status, or about another message, says nothing about the
   * item it stands for.
   */
  private static List<BatchItemResult> results(String body, List<String> ids) {
    BatchResponse response;
    try {
      response = Json.MAPPER.readValue(body, BatchResponse.class);
    } catch (IOException e) {
      return null;
    }
    List<BatchItemResult> results = response == null ? null : response.results();
    if (results == null || results.size() != ids.size()) {
      return null;
    }
    for (int i = 0; i < results.size(); i++) {
      BatchItemResult r = results.get(i);
      if (r == null
          || r.status() < 200
          || r.status() > 599
          || (r.messageId() != null && !r.messageId().equals(ids.get(i)))) {
        return null;
      }
    }
    return results;
  }

  private static BatchingSender.Outcome outcome(BrokerHttp.Answer answer, List<String> ids) {
    // A 2xx here was read already: BrokerHttp turns one without a result per item into status 0,
    // each item's fate unknown, and retrying is safe since every item is idempotent by its id.
    return answer.ok()
        ? BatchingSender.Outcome.of(results(answer.body(), ids))
        : BatchingSender.Outcome.failed(answer);
  }

  /**
   * What a failed answer says, for exception messages and logs: which broker URL, and the problem's
   * {@code detail}, the body, or why there was no usable answer.
   */
  static String detail(BrokerHttp.Answer answer) {
    if (answer.status() == 0) {
      return answer.describe();
    }
    String detail = Json.field(answer.body(), "detail");
    return "from " + answer.url() + ": " + (detail != null ? detail : answer.excerpt());
  }

  BrokerHttp.Answer registerEndpoint(String producerGroup, byte[] json) {
    // The broker answers with the TTL the heartbeat is paced by: an answer without one is none.
    return http.send(
        "PUT",
        "/api/v1/producer-groups/" + BrokerHttp.segment(producerGroup) + "/endpoints",
        json,
        body -> ttl(body) != null);
  }

  /** The endpoint TTL of a heartbeat's answer, or null if it has none. */
  static Duration ttl(String body) {
    String ttlMs = Json.field(body, "ttlMs");
    return ttlMs != null && ttlMs.matches("\\d{1,12}")
        ? Duration.ofMillis(Long.parseLong(ttlMs))
        : null;
  }

  List<URI> baseUrls() {
    return http.baseUrls();
  }
}
