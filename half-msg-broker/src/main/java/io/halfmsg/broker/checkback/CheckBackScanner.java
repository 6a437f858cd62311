package io.halfmsg.broker.checkback;

import io.halfmsg.broker.endpoint.EndpointRegistry;
import io.halfmsg.broker.scan.ClaimingScanner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Finds PREPARED messages whose check-back is due and asks their producers, on every broker
 * instance at once (see {@link ClaimingScanner}).
 */
@Component
class CheckBackScanner extends ClaimingScanner<DueCheck> {

  private static final Duration FORGET_ENDPOINTS_AFTER = Duration.ofDays(1);

  private final CheckBackRepository repository;
  private final CheckBackClient client;
  private final CheckBackOutcomes outcomes;
  private final EndpointRegistry endpoints;
  private final CheckBackProperties properties;
  private final Clock clock;

  CheckBackScanner(
      CheckBackRepository repository,
      CheckBackClient client,
      CheckBackOutcomes outcomes,
      EndpointRegistry endpoints,
      CheckBackProperties properties,
      Clock clock) {
    super(
        "halfmsg-checkback",
        new Settings(
            properties.pollInterval(),
            properties.batchSize(),
            properties.concurrency(),
            properties.enabled()));
    this.repository = repository;
    this.client = client;
    this.outcomes = outcomes;
    this.endpoints = endpoints;
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  protected List<DueCheck> claim(int limit) {
    Instant now = clock.instant();
    List<DueMessage> due = repository.claimDue(now, limit, now.plus(properties.lease()));
    if (due.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> live =
        endpoints.liveEndpoints(due.stream().map(DueMessage::producerGroup).distinct().toList());
    return due.stream()
        .map(m -> new DueCheck(m, live.getOrDefault(m.producerGroup(), List.of())))
        .toList();
  }

  @Override
  protected void process(DueCheck check) throws InterruptedException {
    CheckBackAnswer answer = client.check(check.message(), check.endpoints());
    if (isRunning()) {
      outcomes.apply(check.message(), answer);
    }
  }

  @Override
  protected void housekeeping() {
    endpoints.forgetLongGone(FORGET_ENDPOINTS_AFTER, 100);
  }
}
