package io.halfmsg.broker.auth;

/** What a bearer token may do. An admin token may do everything. */
enum Role {
  PRODUCER,
  CONSUMER,
  ADMIN
}
