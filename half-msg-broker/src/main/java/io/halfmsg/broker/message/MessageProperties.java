package io.halfmsg.broker.message;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits on message content and on the writes waiting for the store.
 *
 * @param maxBodySize largest message body, after base64 decoding; larger ones get 413. RocketMQ's
 *     own default limit is 4 MiB.
 * @param writeQueueCapacity most prepares, and separately most decisions, waiting to be written; a
 *     request that does not fit gets 503 {@code overloaded} with Retry-After and nothing of it is
 *     written. A batch request larger than this is admitted only when nothing waits.
 */
@ConfigurationProperties("halfmsg.message")
public record MessageProperties(DataSize maxBodySize, Integer writeQueueCapacity) {

  public MessageProperties {
    if (maxBodySize == null) {
      maxBodySize = DataSize.ofMegabytes(4);
    }
    if (writeQueueCapacity == null) {
      writeQueueCapacity = 10_000;
    }
    if (maxBodySize.toBytes() < 1) {
      throw new IllegalArgumentException("halfmsg.message.max-body-size must be positive");
    }
    if (writeQueueCapacity < 1) {
      throw new IllegalArgumentException("halfmsg.message.write-queue-capacity must be at least 1");
    }
  }
}
