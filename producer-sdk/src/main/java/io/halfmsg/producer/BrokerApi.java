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
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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

  BrokerApi(List<URI> baseUrls, String token, Duration connectTimeout, Duration requestTimeout) {
    this.http = new BrokerHttp(baseUrls, token, connectTimeout, requestTimeout);
  }

  /** Prepares many messages in one request. */
  BatchingSender.Outcome prepareBatch(List<PrepareMessageRequest> messages) {
    if (singleCallsNow()) {
      return BatchingSender.Outcome.of(messages.stream().map(this::prepareOne).toList());
    }
    BrokerHttp.Answer answer =
        http.send("POST", PREPARE_BATCH, Json.write(new PrepareBatchRequest(messages)));
    if (predatesBatches(answer)) {
      return prepareBatch(messages);
    }
    return outcome(answer, messages.size());
  }

  /** Commits and rolls back many messages in one request. */
  BatchingSender.Outcome decide(List<DecisionRequest> decisions) {
    if (singleCallsNow()) {
      return BatchingSender.Outcome.of(decisions.stream().map(this::decideOne).toList());
    }
    BrokerHttp.Answer answer =
        http.send("POST", DECISIONS, Json.write(new DecisionBatchRequest(decisions)));
    if (predatesBatches(answer)) {
      return decide(decisions);
    }
    return outcome(answer, decisions.size());
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
    BrokerHttp.Answer answer = http.send("POST", "/api/v1/messages", Json.write(message));
    return itemResult(message.messageId(), answer, MessageState.PREPARED);
  }

  private BatchItemResult decideOne(DecisionRequest decision) {
    boolean commit = DecisionRequest.COMMIT.equals(decision.decision());
    BrokerHttp.Answer answer =
        http.send(
            "POST",
            "/api/v1/messages/" + decision.messageId() + (commit ? "/commit" : "/rollback"),
            null);
    return itemResult(
        decision.messageId(), answer, commit ? MessageState.COMMITTED : MessageState.ROLLED_BACK);
  }

  /** A single call's answer as the batch endpoint would have given it for the item. */
  private static BatchItemResult itemResult(
      String messageId, BrokerHttp.Answer answer, MessageState okState) {
    if (answer.ok()) {
      MessageState state = null;
      try {
        MessageStateResponse r = Json.MAPPER.readValue(answer.body(), MessageStateResponse.class);
        state = r.state();
      } catch (IOException e) {
        // The state the call implies is good enough.
      }
      return BatchItemResult.ok(messageId, answer.status(), state != null ? state : okState);
    }
    return new BatchItemResult(
        messageId,
        answer.status(),
        null,
        Json.field(answer.body(), "type"),
        answer.status() == 0
            ? answer.describe()
            : Objects.requireNonNullElse(Json.field(answer.body(), "detail"), answer.body()));
  }

  private static BatchingSender.Outcome outcome(BrokerHttp.Answer answer, int items) {
    if (!answer.ok()) {
      return BatchingSender.Outcome.failed(answer);
    }
    try {
      BatchResponse response = Json.MAPPER.readValue(answer.body(), BatchResponse.class);
      if (response.results() != null && response.results().size() == items) {
        return BatchingSender.Outcome.of(response.results());
      }
    } catch (IOException e) {
      // Reported below like any answer that does not say what happened to each item.
    }
    // A 2xx without a result per item leaves each item's fate unknown: retrying is safe, since
    // every item is idempotent by its message id.
    return BatchingSender.Outcome.failed(
        new BrokerHttp.Answer(
            502, "unreadable batch answer: " + answer.body(), answer.url(), answer.retryAfter()));
  }

  BrokerHttp.Answer registerEndpoint(String producerGroup, byte[] json) {
    return http.send(
        "PUT", "/api/v1/producer-groups/" + BrokerHttp.segment(producerGroup) + "/endpoints", json);
  }

  List<URI> baseUrls() {
    return http.baseUrls();
  }
}
