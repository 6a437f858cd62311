package io.halfmsg.broker.web;

import java.io.IOException;

/**
 * Thrown while reading a request body that is not UTF-8. An {@link IOException} so that it travels
 * through the JSON reader unchanged.
 */
class BodyNotUtf8Exception extends IOException {

  static final String DETAIL = "The request body is not valid UTF-8 (RFC 8259: JSON is UTF-8).";

  BodyNotUtf8Exception() {
    super(DETAIL, null);
  }
}
