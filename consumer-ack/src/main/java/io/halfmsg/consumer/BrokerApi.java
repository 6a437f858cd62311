package io.halfmsg.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.AckRequest;
import io.halfmsg.api.SubscriptionRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's consumer endpoints over HTTP, with failover: a request goes to the broker URL that
 * last answered, and on a network error or a 5xx to the next one, each tried once per call.
 */
final class BrokerApi {

  /** What a broker answered; {@code status} 0 means none could be reached. */
  record Answer(int status, String body, String url) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** A network error, a 5xx, 408 or 429: the same request may succeed later. */
    boolean retryable() {
      return status == 0 || status >= 500 || status == 408 || status == 429;
    }
  }

  private final List<URI> baseUrls;
  private final String token;
  private final ObjectMapper json;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final AtomicInteger preferred = new AtomicInteger();

  BrokerApi(List<URI> baseUrls, String token, ObjectMapper json, Duration requestTimeout) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("at least one broker URL is required");
    }
    this.baseUrls = List.copyOf(baseUrls);
    this.token = token;
    this.json = json;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
  }

  Answer subscribe(String consumerGroup, SubscriptionRequest request) {
    // Group names are [%a-zA-Z0-9_-]; only '%' needs escaping in a path.
    return send("PUT", "/api/v1/subscriptions/" + consumerGroup.replace("%", "%25"), request);
  }

  Answer ack(List<AckRequest> acks) {
    return send("POST", "/api/v1/acks", acks);
  }

  private Answer send(String method, String path, Object body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    int start = preferred.get();
    Answer last = null;
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (start + i) % baseUrls.size();
      last = sendTo(baseUrls.get(index), method, path, bytes);
      if (!last.retryable()) {
        preferred.set(index);
        return last;
      }
    }
    preferred.set((start + 1) % baseUrls.size());
    return last;
  }

  private Answer sendTo(URI base, String method, String path, byte[] body) {
    String url = base.toString().replaceAll("/+$", "") + path;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), url);
    } catch (IOException e) {
      return new Answer(0, e.toString(), url);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "interrupted", url);
    }
  }
}
