package io.halfmsg.broker.message;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits on message content.
 *
 * @param maxBodySize largest message body, after base64 decoding; larger ones get 413. RocketMQ's
 *     own default limit is 4 MiB.
 */
@ConfigurationProperties("halfmsg.message")
public record MessageProperties(DataSize maxBodySize) {

  public MessageProperties {
    if (maxBodySize == null) {
      maxBodySize = DataSize.ofMegabytes(4);
    }
  }
}
