package io.halfmsg.broker.checkback;

import io.halfmsg.api.logging.LogContext;
import io.halfmsg.broker.endpoint.EndpointRegistry;
import io.halfmsg.broker.message.DueMessage;
import io.halfmsg.broker.message.MessageStore;
import io.halfmsg.broker.message.StoredMessage;
import io.halfmsg.broker.scan.ClaimingScanner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds PREPARED messages whose check-back is due and asks their producers, on every broker
 * instance at once (see {@link ClaimingScanner}).
 */
@Component
class CheckBackScanner extends ClaimingScanner<DueMessage, DueCheck> {

  private static final Duration FORGET_ENDPOINTS_AFTER = Duration.ofDays(1);

  private final MessageStore messages;
  private final CheckBackClient client;
  private final CheckBackOutcomes outcomes;
  private final EndpointRegistry endpoints;
  private final Map<String, Timer> checks = new HashMap<>();

  CheckBackScanner(
      MessageStore messages,
      CheckBackClient client,
      CheckBackOutcomes outcomes,
      EndpointRegistry endpoints,
      CheckBackProperties properties,
      TransactionTemplate transaction,
      Clock clock,
      MeterRegistry meters) {
    super(
        "halfmsg-checkback",
        new Settings(
            properties.pollInterval(),
            properties.batchSize(),
            properties.concurrency(),
            properties.lease(),
            properties.enabled()),
        transaction,
        clock);
    this.messages = messages;
    this.client = client;
    this.outcomes = outcomes;
    this.endpoints = endpoints;
    for (String outcome : CheckBackAnswer.OUTCOMES) {
      checks.put(
          outcome,
          Timer.builder("halfmsg.checkback")
              .description("Check-backs by outcome: the producer's answer, or NO_ANSWER")
              .tag("outcome", outcome)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(meters));
    }
  }

  @Override
  protected List<DueMessage> lockDue(Instant now, int limit) {
    return messages.lockDuePrepared(now, limit);
  }

  @Override
  protected long idOf(DueMessage row) {
    return row.id();
  }

  @Override
  protected int extendLease(List<Long> ids, Instant leaseUntil) {
    return messages.extendLease(ids, leaseUntil);
  }

  /**
   * Each message with its body and the live check-back endpoints of its producer group. The bodies
   * are read here, for the claimed rows only and after the claim's locks are gone; the claim bounds
   * how many are held at once (see {@link ClaimingScanner}).
   */
  @Override
  protected List<DueCheck> toWork(List<DueMessage> due, Instant now) {
    Map<String, List<String>> live =
        endpoints.liveEndpoints(due.stream().map(DueMessage::producerGroup).distinct().toList());
    Map<Long, StoredMessage> stored =
        messages.findAllByIds(due.stream().map(DueMessage::id).toList()).stream()
            .collect(Collectors.toMap(StoredMessage::id, Function.identity()));
    return due.stream()
        .map(
            m -> {
              StoredMessage s = stored.get(m.id());
              return new DueCheck(
                  m,
                  s == null ? null : s.body(),
                  s == null ? null : s.bodyEncoding(),
                  live.getOrDefault(m.producerGroup(), List.of()));
            })
        .toList();
  }

  @Override
  protected void process(DueCheck check) throws InterruptedException {
    long start = System.nanoTime();
    CheckBackAnswer answer = client.check(check);
    checks.get(answer.outcome()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    if (isRunning()) {
      outcomes.apply(check.message(), answer);
    }
  }

  @Override
  protected LogContext logContext(DueCheck check) {
    return LogContext.producer(check.message().messageId(), check.message().producerGroup());
  }

  @Override
  protected void housekeeping() {
    endpoints.forgetLongGone(FORGET_ENDPOINTS_AFTER, 100);
  }
}
