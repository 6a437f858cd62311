package io.halfmsg.producer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which check-back URL a producer advertises to the broker when none is configured, for the
 * built-in {@link CheckBackServer} and the Spring MVC endpoint alike: the configured host, else the
 * address the server is bound to (if it is one address), else this machine's address as {@link
 * InetAddress#getLocalHost()} names it, else loopback.
 */
public final class CheckBackUrls {

  private CheckBackUrls() {}

  /**
   * An {@code http} URL.
   *
   * @param advertisedHost the host to advertise, or null to choose one
   * @param bound the address the server listens on, or null (or the wildcard) for all
   * @param path the URL's path, starting with a slash
   */
  public static String of(String advertisedHost, InetAddress bound, int port, String path) {
    return of("http", advertisedHost, bound, port, path);
  }

  /**
   * Like {@link #of(String, InetAddress, int, String)}, with the scheme the server speaks ({@code
   * https} for one with TLS).
   */
  public static String of(
      String scheme, String advertisedHost, InetAddress bound, int port, String path) {
    String host;
    if (advertisedHost != null && !advertisedHost.isBlank()) {
      host = advertisedHost;
    } else if (bound != null && !bound.isAnyLocalAddress()) {
      host = bound.getHostAddress();
    } else {
      try {
        host = InetAddress.getLocalHost().getHostAddress();
      } catch (UnknownHostException e) {
        host = InetAddress.getLoopbackAddress().getHostAddress();
      }
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + ":" + port + path;
  }

  /**
   * Why {@link #of} picks the host it picks, for the log line that announces the URL: the machine's
   * own address is often a LAN address that the broker's allowed hosts do not include.
   */
  public static String choice(String advertisedHost, InetAddress bound) {
    if (advertisedHost != null && !advertisedHost.isBlank()) {
      return "the configured advertised host";
    }
    if (bound != null && !bound.isAnyLocalAddress()) {
      return "the address the server is bound to";
    }
    return "this machine's address as InetAddress.getLocalHost() names it, since the server"
        + " listens on all interfaces; the broker's halfmsg.check-back.allowed-hosts must include"
        + " it, or set an advertised host (or bind to one address)";
  }
}
