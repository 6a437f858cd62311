package io.halfmsg.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The halfmsg broker's own records at the end of the run, read from its database: how each message
 * was resolved (by the producer's commit call or by a check-back) and how many deliveries needed
 * more than one send. These explain latencies the driver alone cannot see.
 */
final class BrokerStoreSummary {

  private static final String MESSAGES =
      "SELECT producer_group, state, COALESCE(resolved_by, '-'), COUNT(*) FROM hm_message"
          + " GROUP BY producer_group, state, resolved_by ORDER BY producer_group, state";
  private static final String DELIVERIES =
      "SELECT consumer_group, state, CASE WHEN attempts > 1 THEN 'yes' ELSE 'no' END, COUNT(*)"
          + " FROM hm_delivery GROUP BY consumer_group, state, attempts > 1"
          + " ORDER BY consumer_group, state";

  private BrokerStoreSummary() {}

  /** Markdown tables; a note instead if the store cannot be read. */
  static String read(BenchDatabases db) {
    StringBuilder md = new StringBuilder("## The broker's records\n\n");
    try (Connection c = DriverManager.getConnection(db.brokerUrl(), db.user(), db.password())) {
      md.append("Messages (`hm_message`), by producer group, state and who resolved them:\n\n");
      md.append("| producer group | state | resolved by | messages |\n|---|---|---|---:|\n");
      rows(c, MESSAGES, md);
      md.append(
          "\nDeliveries (`hm_delivery`), by consumer group, state and whether they were sent");
      md.append(" more than once:\n\n");
      md.append("| consumer group | state | redelivered | deliveries |\n|---|---|---|---:|\n");
      rows(c, DELIVERIES, md);
    } catch (SQLException e) {
      md.append("(not readable: ").append(e.getMessage()).append(")\n");
    }
    return md.append('\n').toString();
  }

  private static void rows(Connection c, String sql, StringBuilder md) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        lines.add(
            "| "
                + rs.getString(1)
                + " | "
                + rs.getString(2)
                + " | "
                + rs.getString(3)
                + " | "
                + rs.getLong(4)
                + " |");
      }
    }
    lines.forEach(l -> md.append(l).append('\n'));
  }
}
