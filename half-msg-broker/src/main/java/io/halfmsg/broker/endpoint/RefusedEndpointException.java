package io.halfmsg.broker.endpoint;

/**
 * A registered check-back URL that may not be called now, e.g. because its host name resolves to an
 * address outside the allowed hosts since it was registered. The message says why; it names the
 * host and the address, never a secret.
 */
public final class RefusedEndpointException extends Exception {

  private static final long serialVersionUID = 1L;

  RefusedEndpointException(String message) {
    super(message, null, false, false);
  }
}
