package io.halfmsg.chaos;

import static io.halfmsg.chaos.ChaosStack.BROKER_DB;
import static io.halfmsg.chaos.ChaosStack.ORDER_DB;
import static io.halfmsg.chaos.ChaosStack.REPO_DB;

import io.halfmsg.chaos.OrderTraffic.Kind;
import io.halfmsg.chaos.OrderTraffic.Outcome;
import io.halfmsg.process.ChildService;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The guarantees, checked in SQL across the three databases once the run has quiesced. Each check
 * lists what breaks it; an empty list for all of them is the verdict "no violations". The orders'
 * database is the truth: an order row exists iff order-service's local transaction committed.
 */
final class Invariants {

  /** One guarantee and what broke it (at most {@value #EXAMPLES} examples, and the count). */
  record Check(String guarantee, long violations, List<String> examples) {}

  private static final int EXAMPLES = 5;

  private static final String O = ORDER_DB + ".t_order";
  private static final String D = REPO_DB + ".stock_deduction";
  private static final String S = REPO_DB + ".stock";
  private static final String M = BROKER_DB + ".hm_message";
  private static final String DL = BROKER_DB + ".hm_delivery";
  private static final String SUB = BROKER_DB + ".hm_subscription";
  private static final String KQ = BROKER_DB + ".hm_key_queue";

  private final Connection c;

  Invariants(Connection c) {
    this.c = c;
  }

  List<Check> all(OrderTraffic traffic, long initialStock) throws SQLException {
    List<Check> checks = new ArrayList<>();
    checks.add(
        query(
            "every committed order deducted exactly once",
            "SELECT o.order_no, COUNT(d.message_id) FROM "
                + O
                + " o LEFT JOIN "
                + D
                + " d ON d.order_no = o.order_no GROUP BY o.order_no HAVING COUNT(d.message_id) <> 1"));
    checks.add(
        query(
            "nothing deducted without its order (no refused or rolled-back order deducted)",
            "SELECT d.order_no, d.message_id FROM "
                + D
                + " d LEFT JOIN "
                + O
                + " o ON o.order_no = d.order_no WHERE o.order_no IS NULL"));
    checks.add(
        query(
            "stock moved by exactly the committed orders",
            "SELECT s.product, s.deducted, COALESCE(t.q, 0), s.available FROM "
                + S
                + " s LEFT JOIN (SELECT product, SUM(quantity) q FROM "
                + O
                + " GROUP BY product) t ON t.product = s.product"
                + " WHERE s.deducted <> COALESCE(t.q, 0) OR s.available + s.deducted <> ?",
            initialStock));
    checks.add(
        query(
            "every message whose order exists is forwarded and acked by every subscribed group",
            "SELECT o.order_no, m.state, s.consumer_group, d.state FROM "
                + O
                + " o LEFT JOIN "
                + M
                + " m ON m.message_id = o.message_id LEFT JOIN "
                + SUB
                + " s ON s.topic = m.topic LEFT JOIN "
                + DL
                + " d ON d.message_id = o.message_id AND d.consumer_group = s.consumer_group"
                + " WHERE m.state IS NULL OR m.state <> 'FORWARDED' OR s.consumer_group IS NULL"
                + " OR d.state IS NULL OR d.state <> 'ACKED'"));
    checks.add(
        query(
            "every message without its order is rolled back",
            "SELECT m.message_id, m.state FROM "
                + M
                + " m LEFT JOIN "
                + O
                + " o ON o.message_id = m.message_id"
                + " WHERE o.order_no IS NULL AND m.state <> 'ROLLED_BACK'"));
    checks.add(
        query(
            "every order's message carries its product as sharding key",
            "SELECT o.order_no, o.product, m.sharding_key FROM "
                + O
                + " o JOIN "
                + M
                + " m ON m.message_id = o.message_id"
                + " WHERE m.sharding_key IS NULL OR m.sharding_key <> o.product"));
    checks.add(
        query(
            "each key's deductions applied in prepare order (hm_message.id)",
            // Increasing between each applied message and the one before it of its key is
            // increasing throughout; that each committed one is applied once is checked above.
            "SELECT sharding_key, prev_id, message_id, prev_seq, applied_seq FROM ("
                + "SELECT m.sharding_key, m.message_id, d.applied_seq,"
                + " LAG(m.message_id) OVER (PARTITION BY m.topic, m.sharding_key ORDER BY m.id)"
                + " prev_id,"
                + " LAG(d.applied_seq) OVER (PARTITION BY m.topic, m.sharding_key ORDER BY m.id)"
                + " prev_seq FROM "
                + M
                + " m JOIN "
                + D
                + " d ON d.message_id = m.message_id WHERE m.sharding_key IS NOT NULL) t"
                + " WHERE prev_seq > applied_seq"));
    checks.add(
        query(
            "no message still holds its sharding key",
            "SELECT sharding_key, message_id FROM " + KQ));
    checks.add(query("nothing PARKED", "SELECT message_id FROM " + M + " WHERE state = 'PARKED'"));
    checks.add(
        query(
            "no delivery DEAD",
            "SELECT message_id, consumer_group, last_error FROM " + DL + " WHERE state = 'DEAD'"));
    checks.add(
        missing("every order the client saw accepted exists", traffic.orderNos(Outcome.ACCEPTED)));
    checks.add(
        missing(
            "every order whose producer crashed after its local commit exists",
            traffic.orderNos(Kind.PRODUCER_CRASH, Outcome.NO_ANSWER)));
    checks.add(
        present("no order the client saw refused exists", traffic.orderNos(Outcome.REFUSED)));
    return checks;
  }

  /**
   * The broker answers a fault it can recover from with 503 and a problem to retry on, never 500:
   * each 500 logs "Unexpected error" with its stack trace.
   */
  static Check noUnexpectedBrokerErrors(List<ChildService> brokers) throws IOException {
    List<String> examples = new ArrayList<>();
    long count = 0;
    for (ChildService broker : brokers) {
      try (var lines = Files.lines(broker.log())) {
        List<String> found =
            lines
                .filter(l -> l.contains("RestExceptionHandler") && l.contains("Unexpected error"))
                .toList();
        count += found.size();
        found.stream().limit(EXAMPLES).forEach(l -> examples.add(broker.name() + ": " + l));
      }
    }
    return new Check(
        "the brokers answered no 500 (a lost database is a 503 to retry)", count, examples);
  }

  /**
   * No secret of the run — tokens, the check-back secret, the database password — appears in any
   * process's log of the whole run, nor in what the brokers' admin API and actuator answer.
   */
  static Check noSecretsShown(ChaosStack stack, String aMessageId)
      throws IOException, InterruptedException {
    List<String> places = new ArrayList<>();
    for (ChildService service : stack.services()) {
      places.add(service.name() + " log");
    }
    List<String> texts = new ArrayList<>();
    for (ChildService service : stack.services()) {
      texts.add(Files.readString(service.log(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    for (String broker : stack.brokerUrls) {
      for (String path :
          List.of(
              "/api/v1/messages?limit=100",
              "/api/v1/messages/" + aMessageId,
              "/api/v1/stats",
              "/api/v1/subscriptions",
              "/actuator/health",
              "/actuator/info",
              "/actuator/metrics")) {
        places.add("GET " + broker + path);
        texts.add(ChaosStack.get(broker + path, stack.adminToken));
      }
    }
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      for (int k = 0; k < stack.secrets().size(); k++) {
        if (texts.get(i).contains(stack.secrets().get(k))) {
          // Say which secret by its position, never by its value.
          examples.add("secret #" + (k + 1) + " in " + places.get(i));
        }
      }
    }
    return new Check(
        "no secret (tokens, check-back secret, database password) in any log or API answer",
        examples.size(),
        examples.subList(0, Math.min(EXAMPLES, examples.size())));
  }

  private Check query(String guarantee, String sql, Object... params) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        s.setObject(i + 1, params[i]);
      }
      List<String> examples = new ArrayList<>();
      long count = 0;
      try (ResultSet rs = s.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          count++;
          if (examples.size() < EXAMPLES) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
              row.add(String.valueOf(rs.getObject(i)));
            }
            examples.add(String.join(" | ", row));
          }
        }
      }
      return new Check(guarantee, count, examples);
    }
  }

  private Check missing(String guarantee, Collection<String> orderNos) throws SQLException {
    List<String> absent = new ArrayList<>();
    for (String orderNo : orderNos) {
      if (!exists(orderNo)) {
        absent.add(orderNo);
      }
    }
    return new Check(
        guarantee, absent.size(), absent.subList(0, Math.min(EXAMPLES, absent.size())));
  }

  private Check present(String guarantee, Collection<String> orderNos) throws SQLException {
    List<String> found = new ArrayList<>();
    for (String orderNo : orderNos) {
      if (exists(orderNo)) {
        found.add(orderNo);
      }
    }
    return new Check(guarantee, found.size(), found.subList(0, Math.min(EXAMPLES, found.size())));
  }

  private boolean exists(String orderNo) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + O + " WHERE order_no = ?")) {
      s.setString(1, orderNo);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }
}
