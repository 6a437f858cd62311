package io.halfmsg.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records serialise with exactly the JSON field names of DESIGN.md's wire contract. */
class WireFormatJsonTest {

  private final ObjectMapper mapper = new ObjectMapper();

  private JsonNode tree(Object value) throws Exception {
    return mapper.readTree(mapper.writeValueAsString(value));
  }

  @Test
  void checkBackRequest() throws Exception {
    CheckBackRequest request =
        new CheckBackRequest(
            "0190f0c4-8a6b-7c3e-9d2f-1a2b3c4d5e6f",
            "order-service",
            "repo_deduction",
            "deduct",
            "order-42",
            "{\"order\":42}",
            "utf8",
            Map.of("source", "web"),
            1_733_140_800_000L,
            3);
    String json =
        """
        {"messageId":"0190f0c4-8a6b-7c3e-9d2f-1a2b3c4d5e6f","producerGroup":"order-service",
         "topic":"repo_deduction","tag":"deduct","keys":"order-42",
         "body":"{\\"order\\":42}","bodyEncoding":"utf8",
         "properties":{"source":"web"},"bornTimestamp":1733140800000,"checkCount":3}
        """;

    assertThat(tree(request)).isEqualTo(mapper.readTree(json));
    assertThat(mapper.readValue(json, CheckBackRequest.class)).isEqualTo(request);
  }

  @Test
  void checkBackRequestOmitsAbsentOptionalFields() throws Exception {
    CheckBackRequest request =
        new CheckBackRequest(
            "id-1", "order-service", "repo_deduction", null, null, null, null, null, null, 0);

    assertThat(tree(request))
        .isEqualTo(
            mapper.readTree(
                """
                {"messageId":"id-1","producerGroup":"order-service","topic":"repo_deduction",
                 "checkCount":0}
                """));
  }

  @Test
  void checkBackRequestBodyDecodesAsItsEncodingSays() {
    assertThat(withBody("caf\u00e9", "utf8").bodyBytes())
        .isEqualTo("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(withBody("AAH/", "base64").bodyBytes()).containsExactly(0, 1, 255);
    assertThat(withBody(null, null).bodyBytes()).isEmpty();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> withBody("x", "gzip").bodyBytes());
  }

  private static CheckBackRequest withBody(String body, String encoding) {
    return new CheckBackRequest("id-1", "g", "t", null, null, body, encoding, null, null, 0);
  }

  @Test
  void checkBackResponse() throws Exception {
    for (TransactionState state : TransactionState.values()) {
      String json = "{\"state\":\"" + state.name() + "\"}";
      assertThat(tree(new CheckBackResponse(state))).isEqualTo(mapper.readTree(json));
      assertThat(mapper.readValue(json, CheckBackResponse.class))
          .isEqualTo(new CheckBackResponse(state));
    }
  }

  @Test
  void ackRequestsAreSentAsAnArray() throws Exception {
    List<AckRequest> acks =
        List.of(new AckRequest("id-1", "repo-service"), new AckRequest("id-2", "repo-service"));
    String json =
        """
        [{"messageId":"id-1","consumerGroup":"repo-service"},
         {"messageId":"id-2","consumerGroup":"repo-service"}]
        """;

    assertThat(tree(acks)).isEqualTo(mapper.readTree(json));
    assertThat(mapper.readValue(json, AckRequest[].class)).containsExactlyElementsOf(acks);
  }

  @Test
  void subscriptionRequest() throws Exception {
    SubscriptionRequest request =
        new SubscriptionRequest(List.of("repo_deduction", "order_paid"), 30_000L, 16);
    String json =
        """
        {"topics":["repo_deduction","order_paid"],"ackTimeoutMs":30000,"maxAttempts":16}
        """;

    assertThat(tree(request)).isEqualTo(mapper.readTree(json));
    assertThat(mapper.readValue(json, SubscriptionRequest.class)).isEqualTo(request);
  }

  @Test
  void subscriptionRequestWithBrokerDefaults() throws Exception {
    String json = "{\"topics\":[\"repo_deduction\"]}";
    SubscriptionRequest request = new SubscriptionRequest(List.of("repo_deduction"), null, null);

    assertThat(tree(request)).isEqualTo(mapper.readTree(json));
    assertThat(mapper.readValue(json, SubscriptionRequest.class)).isEqualTo(request);
  }

  @Test
  void endpointRegistration() throws Exception {
    EndpointRegistration registration =
        new EndpointRegistration("http://10.0.0.7:8080/halfmsg/check-back", "order-service-7");
    String json =
        """
        {"checkBackUrl":"http://10.0.0.7:8080/halfmsg/check-back","instanceId":"order-service-7"}
        """;

    assertThat(tree(registration)).isEqualTo(mapper.readTree(json));
    assertThat(mapper.readValue(json, EndpointRegistration.class)).isEqualTo(registration);
    assertThat(tree(new EndpointRegistration("http://h/cb", null)))
        .isEqualTo(mapper.readTree("{\"checkBackUrl\":\"http://h/cb\"}"));
  }
}
