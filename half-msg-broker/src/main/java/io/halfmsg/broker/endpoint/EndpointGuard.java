package io.halfmsg.broker.endpoint;

import io.halfmsg.broker.checkback.CheckBackProperties;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether the broker may call a check-back URL: when it is registered, and again just
 * before every call, since a name may resolve elsewhere by then (DNS rebinding: an allowed address
 * at registration, the cloud's metadata service at call time).
 *
 * <p>How a call is held to what was checked: right before it, the host is resolved and every
 * address checked ({@link AllowedHosts}). For an {@code http} URL whose host is a name allowed by
 * its addresses, the call then goes to {@code http://<first checked address>:<port><path>}, so the
 * HTTP client has no name to resolve again and connects to an address that was checked. The JDK
 * client then sends the address as {@code Host}: it refuses to set that header unless the JVM runs
 * with {@code -Djdk.httpclient.allowRestrictedHeaders=host}, and with that flag the broker sends
 * the registered host instead ({@link Target#hostHeader()}). Setting the flag from code would
 * change it for the whole JVM, and only works before the client classes load, so it is left to the
 * operator.
 *
 * <p>An {@code https} URL is still called by its name, so that TLS verifies the producer's
 * certificate against that name (the JDK client verifies the host of the URL it is given; by
 * address, every certificate issued for the name would fail). Its addresses are checked just before
 * the call as well, but the client resolves the name once more, normally from the JVM's DNS cache
 * that this check filled a moment earlier. Should the answer change in between, the TCP connection
 * and the TLS handshake can reach an address outside the allowed hosts; no request is sent there
 * unless that server presents a certificate for the registered name that the broker trusts.
 *
 * <p>Names allowed by a name or wildcard entry are the operator's own: neither resolved nor pinned.
 * IP literals are checked, and connected to as they are.
 */
@Component
public class EndpointGuard {

  private static final int MAX_URL_LENGTH = 512;

  private final AllowedHosts allowedHosts;

  @Autowired
  EndpointGuard(CheckBackProperties properties, ObjectProvider<HostResolver> resolver) {
    this(
        new AllowedHosts(properties.allowedHosts(), resolver.getIfAvailable(HostResolver::system)));
  }

  EndpointGuard(AllowedHosts allowedHosts) {
    this.allowedHosts = allowedHosts;
  }

  /**
   * Where one check-back call goes.
   *
   * @param uri the URL to request: the registered one, or for a pinned call the registered one with
   *     its host replaced by the checked address
   * @param hostHeader for a pinned call, the registered URL's authority ({@code host[:port]}), the
   *     {@code Host} it would have carried; {@code null} otherwise
   */
  public record Target(URI uri, String hostHeader) {}

  /**
   * Checks a registered URL again, resolving its host now, and tells where to connect.
   *
   * @throws RefusedEndpointException if it may not be called now; nothing was connected to
   */
  public Target target(String checkBackUrl) throws RefusedEndpointException {
    URI uri;
    try {
      uri = new URI(checkBackUrl);
    } catch (URISyntaxException e) {
      throw new RefusedEndpointException("not a valid URL");
    }
    if (uri.getHost() == null) {
      throw new RefusedEndpointException("no host in the URL");
    }
    AllowedHosts.Verdict verdict = allowedHosts.check(uri.getHost());
    if (!verdict.allowed()) {
      throw new RefusedEndpointException(
          "host "
              + uri.getHost()
              + " "
              + verdict.refusal()
              + " (halfmsg.check-back.allowed-hosts)");
    }
    if (verdict.resolved().isEmpty() || !"http".equals(uri.getScheme())) {
      return new Target(uri, null);
    }
    return new Target(withHost(uri, verdict.resolved().get(0)), uri.getRawAuthority());
  }

  /** Why a URL may not be registered (the detail of a 400), or {@code null} if it may. */
  String registrationProblem(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      return "must be at most 512 characters";
    }
    // RFC 3986: a URL is ASCII, anything else percent-encoded.
    if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return "must be an ASCII URL (percent-encode other characters)";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a valid URL";
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return "must be an http or https URL";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return "must be an absolute URL with a host, without user info or fragment";
    }
    AllowedHosts.Verdict verdict = allowedHosts.check(uri.getHost());
    if (!verdict.allowed()) {
      return "host "
          + uri.getHost()
          + " is not allowed by halfmsg.check-back.allowed-hosts of the broker: it "
          + verdict.refusal();
    }
    return null;
  }

  private static URI withHost(URI uri, InetAddress address) {
    String literal;
    try {
      // From the bytes: drops a zone id, which a URL would have to escape.
      literal = InetAddress.getByAddress(address.getAddress()).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("An address of " + address.getAddress().length + " bytes", e);
    }
    StringBuilder url = new StringBuilder(uri.getScheme()).append("://");
    url.append(address instanceof Inet6Address ? "[" + literal + "]" : literal);
    if (uri.getPort() != -1) {
      url.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      url.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      url.append('?').append(uri.getRawQuery());
    }
    return URI.create(url.toString());
  }
}
