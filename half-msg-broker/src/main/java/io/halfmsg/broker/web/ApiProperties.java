package io.halfmsg.broker.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * HTTP API limits.
 *
 * @param maxRequestSize largest request body accepted; larger ones get 413 before being read
 */
@ConfigurationProperties("halfmsg.api")
public record ApiProperties(DataSize maxRequestSize) {

  public ApiProperties {
    if (maxRequestSize == null) {
      maxRequestSize = DataSize.ofMegabytes(8);
    }
  }
}
