package io.halfmsg.producer;

import io.halfmsg.api.EndpointRegistration;
import io.halfmsg.api.client.BrokerHttp;
import io.halfmsg.producer.ProducerMetrics.Operation;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one check-back URL registered with the broker: a {@code PUT
 * /api/v1/producer-groups/{group}/endpoints} now and then again periodically, since the broker
 * stops calling endpoints whose heartbeats stop. Created by {@link HalfmsgProducer#startHeartbeat};
 * {@link #close()} stops it (the broker then forgets the URL after its TTL).
 */
public final class EndpointHeartbeat implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EndpointHeartbeat.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);

  private final HalfmsgProducer producer;
  private final String checkBackUrl;
  private final byte[] body;
  private volatile boolean closed;
  private volatile Instant lastRegistered;
  private volatile Duration ttl;
  private int failures;

  EndpointHeartbeat(HalfmsgProducer producer, String checkBackUrl, String instanceId) {
    this.producer = producer;
    this.checkBackUrl = checkBackUrl;
    this.body = Json.write(new EndpointRegistration(checkBackUrl, instanceId));
  }

  /** The URL being registered. */
  public String checkBackUrl() {
    return checkBackUrl;
  }

  /** When the broker last accepted a heartbeat, or {@code null} if it never did. */
  public Instant lastRegistered() {
    return lastRegistered;
  }

  /** Whether the broker accepted the last heartbeat within its TTL. */
  public boolean isRegistered() {
    Instant last = lastRegistered;
    Duration t = ttl;
    return last != null && t != null && last.plus(t).isAfter(Instant.now());
  }

  @Override
  public void close() {
    closed = true;
  }

  /**
   * The first registration. A refusal (a 4xx: host not in the broker's allowed hosts, no secret or
   * no access for the group, a malformed URL) throws: retrying cannot help, and a producer left
   * running unregistered would see every undecided message parked. No answer, or a 5xx, is retried
   * in the background as later heartbeats are: the broker may be starting.
   */
  synchronized void first() {
    BrokerHttp.Answer answer = producer.api().registerEndpoint(producer.producerGroup(), body);
    if (!answer.ok() && !answer.retryable()) {
      closed = true;
      producer.metrics().failed(Operation.HEARTBEAT);
      // The problem's detail says why (e.g. "checkBackUrl host … is not in …allowed-hosts").
      String detail = Json.field(answer.body(), "detail");
      throw new HalfmsgException(
          "The broker refused check-back URL "
              + checkBackUrl
              + " of group "
              + producer.producerGroup()
              + ": "
              + (detail == null
                  ? answer.describe()
                  : answer.url() + " answered HTTP " + answer.status() + ": " + detail),
          answer.status(),
          Json.field(answer.body(), "type"),
          null);
    }
    scheduleAfter(answer);
  }

  synchronized void beat() {
    if (closed) {
      return;
    }
    scheduleAfter(producer.api().registerEndpoint(producer.producerGroup(), body));
  }

  private void scheduleAfter(BrokerHttp.Answer answer) {
    Duration next = producer.heartbeatInterval();
    if (answer.ok()) {
      failures = 0;
      lastRegistered = Instant.now();
      // An answer without a TTL never gets here: BrokerApi counts it as no answer.
      ttl = BrokerApi.ttl(answer.body());
      // A third of the TTL leaves room for two lost heartbeats before the broker forgets us.
      Duration third = ttl.dividedBy(3);
      if (!third.isZero() && third.compareTo(next) < 0) {
        next = third;
      }
    } else {
      producer.metrics().failed(Operation.HEARTBEAT);
      // Retry sooner than the interval, but back off so a down broker is not hammered.
      Duration retry = FIRST_RETRY.multipliedBy(1L << Math.min(failures, 6));
      if (retry.compareTo(next) < 0) {
        next = retry;
      }
      if (failures++ == 0 || !answer.retryable()) {
        // A 4xx (host not allowed, no secret for the group) needs an operator: say why every time.
        log.warn(
            "Registering check-back URL {} for group {} failed: {}",
            checkBackUrl,
            producer.producerGroup(),
            answer.describe());
      }
    }
    producer.submit(this::beat, next);
  }

  @Override
  public String toString() {
    return "EndpointHeartbeat[" + checkBackUrl + "]";
  }
}
