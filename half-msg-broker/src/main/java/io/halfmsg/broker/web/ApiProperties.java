package io.halfmsg.broker.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * HTTP API limits.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413 before being read
 * @param maxBatchRequestSize largest body of a batch request ({@code POST /api/v1/messages:batch},
 *     {@code POST /api/v1/decisions}); larger ones get 413 before being read. Bigger than {@code
 *     maxRequestSize} by default, since a batch carries many messages, but bounded: every request
 *     thread may hold one parsed body in memory.
 * @param retryAfter what {@code Retry-After} tells clients to wait after a 503 (overloaded, store
 *     unavailable); whole seconds, at least 1
 */
@ConfigurationProperties("halfmsg.api")
public record ApiProperties(
    DataSize maxRequestSize, DataSize maxBatchRequestSize, Duration retryAfter) {

  public ApiProperties {
    if (maxRequestSize == null) {
      maxRequestSize = DataSize.ofMegabytes(8);
    }
    if (maxBatchRequestSize == null) {
      maxBatchRequestSize = DataSize.ofMegabytes(16);
    }
    if (retryAfter == null) {
      retryAfter = Duration.ofSeconds(1);
    }
    if (maxRequestSize.toBytes() < 1 || maxBatchRequestSize.toBytes() < 1) {
      throw new IllegalArgumentException(
          "halfmsg.api.max-request-size and max-batch-request-size must be positive");
    }
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("halfmsg.api.retry-after must be positive");
    }
  }

  /** {@link #retryAfter} as the header's whole seconds, rounded up. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
