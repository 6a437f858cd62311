package io.halfmsg.api.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The one rule for the broker base URLs an SDK is given: absolute {@code http(s)} with a host. */
public final class BrokerUrls {

  private BrokerUrls() {}

  /**
   * The URLs, trimmed; blank entries (a trailing comma in a property) are left out.
   *
   * @throws IllegalArgumentException naming the first URL that is not an http(s) URL with a host
   */
  public static List<URI> parse(Collection<String> urls) {
    List<URI> parsed = new ArrayList<>(urls.size());
    for (String url : urls) {
      if (url == null || url.isBlank()) {
        continue;
      }
      URI uri;
      try {
        uri = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Not a broker URL: " + url + " (" + e.getReason() + ")");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "A broker URL must be http:// or https:// with a host: " + url);
      }
      parsed.add(uri);
    }
    return List.copyOf(parsed);
  }
}
