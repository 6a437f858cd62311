package io.halfmsg.producer.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.halfmsg.broker.BrokerClient;
import io.halfmsg.broker.BrokerInstances;
import io.halfmsg.testsupport.db.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The real broker, in-process on its own database and a random port, for the SDK's tests. */
public final class TestBroker implements AutoCloseable {

  /** The check-back secret of every producer group in these tests. */
  public static final String SECRET = "producer-sdk-test-secret";

  public static final String PRODUCER_TOKEN = BrokerClient.PRODUCER_TOKEN;

  public static final Duration PATIENCE = Duration.ofSeconds(20);

  private final TestDatabase db;
  private final ConfigurableApplicationContext context;
  private final BrokerClient admin;

  private TestBroker(TestDatabase db, ConfigurableApplicationContext context) {
    this.db = db;
    this.context = context;
    this.admin = BrokerInstances.client(context, BrokerClient.ADMIN_TOKEN);
  }

  /** A broker that checks back within a few hundred milliseconds. */
  public static TestBroker withFastCheckBacks(TestDatabase db) {
    return start(db, Map.of());
  }

  /**
   * A broker with the test secret, fast check-backs and {@code extra} properties on top (e.g. a
   * late first check so that only the producer's own calls decide).
   */
  public static TestBroker start(TestDatabase db, Map<String, ?> extra) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("halfmsg.check-back.default-secret", SECRET);
    props.put("halfmsg.check-back.first-check-after", "200ms");
    props.put("halfmsg.check-back.poll-interval", "100ms");
    props.put("halfmsg.check-back.backoff", "300ms");
    props.put("halfmsg.check-back.max-checks", "100");
    props.put("logging.level.io.halfmsg.broker", "WARN");
    props.putAll(extra);
    return new TestBroker(db, BrokerInstances.start(db, props));
  }

  public String url() {
    return "http://127.0.0.1:" + BrokerInstances.port(context);
  }

  public int port() {
    return BrokerInstances.port(context);
  }

  /** The message as the admin API shows it; null if the broker does not know it. */
  public JsonNode message(String messageId) {
    BrokerClient.Response r = admin.get("/api/v1/messages/" + messageId);
    return r.status() == 200 ? r.json() : null;
  }

  public String state(String messageId) {
    JsonNode m = message(messageId);
    return m == null ? null : m.path("state").asText();
  }

  public String resolvedBy(String messageId) {
    JsonNode m = message(messageId);
    return m == null ? null : m.path("resolvedBy").asText(null);
  }

  /** Waits until the message is in {@code state}. */
  public void awaitState(String messageId, String state) {
    await("message " + messageId + " " + state)
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> state.equals(state(messageId)));
  }

  /** Half messages of a producer group, straight from the broker's table. */
  public int messageCount(String producerGroup) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM hm_message WHERE producer_group = ?")) {
      ps.setString(1, producerGroup);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Check-back URLs the broker has for a group (live or not). */
  public java.util.List<String> endpoints(String producerGroup) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT check_back_url FROM hm_producer_endpoint WHERE producer_group = ?")) {
      ps.setString(1, producerGroup);
      java.util.List<String> urls = new java.util.ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          urls.add(rs.getString(1));
        }
      }
      return urls;
    }
  }

  /** When the broker last heard from an endpoint, as stored (UTC). */
  public java.time.LocalDateTime lastSeen(String producerGroup, String url) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT last_seen_at FROM hm_producer_endpoint"
                    + " WHERE producer_group = ? AND check_back_url = ?")) {
      ps.setString(1, producerGroup);
      ps.setString(2, url);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1, java.time.LocalDateTime.class) : null;
      }
    }
  }

  @Override
  public void close() {
    context.close();
  }
}
