package io.halfmsg.api.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * HTTP to a set of halfmsg brokers with failover, for the producer and consumer libraries: a
 * request goes to the broker URL that last answered and, on a network error, an answer that may be
 * different elsewhere (5xx, 408, 429), or a 2xx the caller cannot read, to the next one, each URL
 * tried once per call. One {@link HttpClient}, so connections are reused. Bodies are JSON bytes the
 * caller wrote.
 *
 * <p>{@code https} broker URLs are verified with the JVM's default {@link SSLContext} (its trust
 * store: {@code -Djavax.net.ssl.trustStore}) unless one is given, e.g. one that trusts a private
 * CA; the host name is always checked against the certificate.
 */
public final class BrokerHttp {

  /**
   * What a broker answered; {@code status} 0 means no usable answer: none could be reached, the
   * answer was cut short, or it was a 2xx the caller could not read ({@code body} then says which).
   * {@code retryAfter} is the broker's {@code Retry-After} (an overloaded broker asks clients to
   * wait), or null.
   */
  public record Answer(int status, String body, String url, Duration retryAfter) {

    private static final int EXCERPT = 300;

    public Answer(int status, String body, String url) {
      this(status, body, url, null);
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** A network error, a 5xx, 408 or 429: the same request may succeed later or elsewhere. */
    public boolean retryable() {
      return status == 0 || status >= 500 || status == 408 || status == 429;
    }

    /** For logs and exception messages: which broker URL, and what went wrong there. */
    public String describe() {
      return status == 0
          ? "no usable answer from " + url + " (" + body + ")"
          : url + " answered HTTP " + status + ": " + excerpt();
    }

    /** The body, shortened for a log line (an error page can be long); never empty. */
    public String excerpt() {
      if (body == null || body.isBlank()) {
        return "(empty body)";
      }
      return body.length() <= EXCERPT
          ? body
          : body.substring(0, EXCERPT) + "… (" + body.length() + " characters)";
    }
  }

  private final List<URI> baseUrls;
  private final List<String> bases;
  private final String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final AtomicInteger preferred = new AtomicInteger();

  /**
   * @param token a bearer token of the broker, or null
   */
  public BrokerHttp(
      List<URI> baseUrls, String token, Duration connectTimeout, Duration requestTimeout) {
    this(baseUrls, token, connectTimeout, requestTimeout, null);
  }

  /**
   * @param token a bearer token of the broker, or null
   * @param sslContext the TLS settings (trusted certificates, a client certificate) of {@code
   *     https} broker URLs, or null for the JVM's default
   */
  public BrokerHttp(
      List<URI> baseUrls,
      String token,
      Duration connectTimeout,
      Duration requestTimeout,
      SSLContext sslContext) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URL is required");
    }
    this.baseUrls = List.copyOf(baseUrls);
    // Once here rather than per request: a regex replace compiles its pattern on every call.
    this.bases = this.baseUrls.stream().map(BrokerHttp::withoutTrailingSlashes).toList();
    this.authorization = token == null || token.isBlank() ? null : "Bearer " + token;
    this.requestTimeout = requestTimeout;
    // HTTP/1.1 explicitly: the default would offer an h2c upgrade on every new connection.
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (sslContext != null) {
      http.sslContext(sslContext);
    }
    this.http = http.build();
  }

  public List<URI> baseUrls() {
    return baseUrls;
  }

  /** Sends {@code body} (JSON, or null for none) to {@code path} on the brokers, failing over. */
  public Answer send(String method, String path, byte[] body) {
    return send(method, path, body, answer -> true);
  }

  /**
   * Like {@link #send(String, String, byte[])}, for an endpoint whose 2xx answer the caller reads:
   * a 2xx body that {@code readable} rejects (a proxy's error page, another endpoint's JSON) is no
   * answer at all, so the next broker URL is tried, and if none answers better the result has
   * status 0. A 2xx that was not read must not count as done: whatever it claims is unknown.
   */
  public Answer send(String method, String path, byte[] body, Predicate<String> readable) {
    int start = preferred.get();
    Answer last = null;
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (start + i) % baseUrls.size();
      last = sendTo(bases.get(index), method, path, body);
      if (last.ok() && !readable.test(last.body())) {
        last =
            new Answer(
                0,
                "HTTP " + last.status() + " with an unreadable body: " + last.excerpt(),
                last.url());
      }
      if (!last.retryable()) {
        preferred.set(index);
        return last;
      }
    }
    preferred.set((start + 1) % baseUrls.size());
    return last;
  }

  /** A path segment for a topic or group name: those are {@code [%a-zA-Z0-9_-]}. */
  public static String segment(String name) {
    return name.replace("%", "%25");
  }

  private static String withoutTrailingSlashes(URI url) {
    String s = url.toString();
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  /** A {@code Retry-After} in seconds (the broker never sends the HTTP-date form); null if not. */
  private static Duration seconds(String retryAfter) {
    try {
      long s = Long.parseLong(retryAfter.trim());
      return s < 0 ? null : Duration.ofSeconds(Math.min(s, 300));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Answer sendTo(String base, String method, String path, byte[] body) {
    String url = base + path;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(requestTimeout)
            .header("Accept", "application/json, application/problem+json");
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(),
          r.body(),
          url,
          r.headers().firstValue("Retry-After").map(BrokerHttp::seconds).orElse(null));
    } catch (IOException e) {
      return new Answer(0, e.toString(), url);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "interrupted", url);
    }
  }
}
