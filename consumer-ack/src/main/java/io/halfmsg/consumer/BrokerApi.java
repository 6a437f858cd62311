package io.halfmsg.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.halfmsg.api.AckRequest;
import io.halfmsg.api.SubscriptionRequest;
import io.halfmsg.api.client.BrokerHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The broker's consumer endpoints, over {@link BrokerHttp} (failover, connection reuse). */
final class BrokerApi {

  private final BrokerHttp http;
  private final ObjectMapper json;

  BrokerApi(List<URI> baseUrls, String token, ObjectMapper json, Duration requestTimeout) {
    this.http = new BrokerHttp(baseUrls, token, requestTimeout, requestTimeout);
    this.json = json;
  }

  BrokerHttp.Answer subscribe(String consumerGroup, SubscriptionRequest request) {
    return send("PUT", "/api/v1/subscriptions/" + BrokerHttp.segment(consumerGroup), request);
  }

  BrokerHttp.Answer ack(List<AckRequest> acks) {
    return send("POST", "/api/v1/acks", acks);
  }

  private BrokerHttp.Answer send(String method, String path, Object body) {
    try {
      return http.send(method, path, json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
