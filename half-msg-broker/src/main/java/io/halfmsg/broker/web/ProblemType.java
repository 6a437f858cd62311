package io.halfmsg.broker.web;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every error the API answers with, each with a stable {@code type} URI (RFC 9457). Clients may
 * switch on the type; the title and detail are for humans and may change.
 */
public enum ProblemType {
  INVALID_REQUEST(HttpStatus.BAD_REQUEST, "The request is invalid"),
  MALFORMED_JSON(
      HttpStatus.BAD_REQUEST, "The request body is not valid JSON of the expected shape"),
  UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "A valid bearer token is required"),
  FORBIDDEN(HttpStatus.FORBIDDEN, "The token's role may not do this"),
  NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
  MESSAGE_NOT_FOUND(HttpStatus.NOT_FOUND, "No message with this id"),
  METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
  NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "No acceptable representation"),
  NO_CHECK_BACK_SECRET(
      HttpStatus.BAD_REQUEST, "The broker has no check-back secret for this producer group"),
  NOT_PARKED(
      HttpStatus.CONFLICT, "Only a parked message can be resolved or re-armed by an operator"),
  NOT_HELD(
      HttpStatus.CONFLICT,
      "Only a committed message waiting for its delivery time can be cancelled, before that time"),
  DELIVERY_NOT_FOUND(HttpStatus.NOT_FOUND, "No such delivery"),
  SUBSCRIPTION_NOT_FOUND(HttpStatus.NOT_FOUND, "The group is not subscribed to this topic"),
  NOT_DEAD(HttpStatus.CONFLICT, "Only a DEAD delivery can be replayed"),
  NOT_HOLDING_KEY(HttpStatus.CONFLICT, "The message holds no sharding key back"),
  DEAD_GROUP_NOT_FOUND(HttpStatus.NOT_FOUND, "No DEAD deliveries of this group fail this way"),
  PAUSE_NOT_FOUND(HttpStatus.NOT_FOUND, "Not paused"),
  PREVIEW_STALE(HttpStatus.CONFLICT, "The DEAD group changed since its preview; preview it again"),
  MESSAGE_CONFLICT(HttpStatus.CONFLICT, "A message with this id exists with different content"),
  STATE_CONFLICT(HttpStatus.CONFLICT, "The message is already resolved the other way"),
  PAYLOAD_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE, "The request or message body is too large"),
  UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send application/json"),
  STORE_UNAVAILABLE(
      HttpStatus.SERVICE_UNAVAILABLE, "The message store is unavailable; retry", true),
  OVERLOADED(
      HttpStatus.SERVICE_UNAVAILABLE,
      "The broker is writing as fast as its store allows; retry after a moment",
      true),
  INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

  private final HttpStatus status;
  private final String title;
  private final URI type;
  private final boolean retryLater;

  ProblemType(HttpStatus status, String title) {
    this(status, title, false);
  }

  ProblemType(HttpStatus status, String title, boolean retryLater) {
    this.status = status;
    this.title = title;
    this.type = URI.create("urn:halfmsg:problem:" + name().toLowerCase().replace('_', '-'));
    this.retryLater = retryLater;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  public URI type() {
    return type;
  }

  /**
   * Whether the request was fine and nothing was written, so the same request may be sent again:
   * such answers carry {@code Retry-After}, telling clients how long to back off.
   */
  public boolean retryLater() {
    return retryLater;
  }
}
