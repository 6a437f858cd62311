package io.halfmsg.broker.web;

import java.io.IOException;

/**
 * Thrown while reading a request body that grows past the limit without having announced its
 * length. An {@link IOException} so that it travels through the JSON reader unchanged.
 */
class RequestTooLargeException extends IOException {

  static final String DETAIL =
      "The request body exceeds halfmsg.api.max-request-size (batch endpoints:"
          + " halfmsg.api.max-batch-request-size).";

  RequestTooLargeException() {
    super(DETAIL, null);
  }
}
