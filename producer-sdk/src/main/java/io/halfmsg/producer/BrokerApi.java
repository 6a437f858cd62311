package io.halfmsg.producer;

import io.halfmsg.api.client.BrokerHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The broker's producer endpoints, over {@link BrokerHttp} (failover, connection reuse). */
final class BrokerApi {

  private final BrokerHttp http;

  BrokerApi(List<URI> baseUrls, String token, Duration connectTimeout, Duration requestTimeout) {
    this.http = new BrokerHttp(baseUrls, token, connectTimeout, requestTimeout);
  }

  BrokerHttp.Answer prepare(byte[] json) {
    return http.send("POST", "/api/v1/messages", json);
  }

  BrokerHttp.Answer commit(String messageId) {
    return http.send("POST", "/api/v1/messages/" + messageId + "/commit", null);
  }

  BrokerHttp.Answer rollback(String messageId) {
    return http.send("POST", "/api/v1/messages/" + messageId + "/rollback", null);
  }

  BrokerHttp.Answer registerEndpoint(String producerGroup, byte[] json) {
    return http.send(
        "PUT", "/api/v1/producer-groups/" + BrokerHttp.segment(producerGroup) + "/endpoints", json);
  }

  List<URI> baseUrls() {
    return http.baseUrls();
  }
}
