package io.halfmsg.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.AckRequest;
import io.halfmsg.api.SubscriptionRequest;
import io.halfmsg.api.client.BrokerHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/** The broker's consumer endpoints, over {@link BrokerHttp} (failover, connection reuse). */
final class BrokerApi {

  private final BrokerHttp http;
  private final ObjectMapper json;

  /**
   * @param sslContext TLS settings of {@code https} broker URLs, or null for the JVM's default
   */
  BrokerApi(
      List<URI> baseUrls,
      String token,
      ObjectMapper json,
      Duration requestTimeout,
      SSLContext sslContext) {
    this.http = new BrokerHttp(baseUrls, token, requestTimeout, requestTimeout, sslContext);
    this.json = json;
  }

  /** Registers a subscription; a 2xx counts only with the broker's answer (its {@code topics}). */
  BrokerHttp.Answer subscribe(String consumerGroup, SubscriptionRequest request) {
    return send(
        "PUT",
        "/api/v1/subscriptions/" + BrokerHttp.segment(consumerGroup),
        request,
        answer -> answer.path("topics").isArray());
  }

  /**
   * Sends acks; a 2xx counts only with the broker's answer (how many it {@code received}): acks
   * whose answer could not be read are sent again, not counted as sent.
   */
  BrokerHttp.Answer ack(List<AckRequest> acks) {
    return send("POST", "/api/v1/acks", acks, answer -> answer.path("received").isIntegralNumber());
  }

  private BrokerHttp.Answer send(
      String method, String path, Object body, Predicate<JsonNode> readable) {
    try {
      return http.send(
          method, path, json.writeValueAsBytes(body), answer -> read(answer, readable));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private boolean read(String answer, Predicate<JsonNode> readable) {
    try {
      JsonNode node = json.readTree(answer);
      return node != null && readable.test(node);
    } catch (IOException e) {
      return false;
    }
  }
}
