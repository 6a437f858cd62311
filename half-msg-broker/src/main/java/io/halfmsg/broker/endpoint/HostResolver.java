package io.halfmsg.broker.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Resolves the host names of check-back URLs for the SSRF guard, at registration and again before
 * every call. The system's resolver, unless the application context holds a bean of this type
 * (tests script DNS answers with one).
 */
@FunctionalInterface
public interface HostResolver {

  /** All addresses of {@code host}; throws if it has none. */
  InetAddress[] resolve(String host) throws UnknownHostException;

  static HostResolver system() {
    return InetAddress::getAllByName;
  }
}
