package io.halfmsg.chaos;

import static io.halfmsg.chaos.ChaosStack.BROKER_DB;
import static io.halfmsg.chaos.ChaosStack.ORDER_DB;

import io.halfmsg.chaos.FaultInjector.Fault;
import io.halfmsg.chaos.FaultInjector.FaultKind;
import io.halfmsg.chaos.Invariants.Check;
import io.halfmsg.chaos.OrderTraffic.Kind;
import io.halfmsg.chaos.OrderTraffic.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of a chaos run, as the Markdown that RELIABILITY.md shows. */
final class ChaosReport {

  private ChaosReport() {}

  static String render(
      ChaosSettings settings,
      Duration faultPhase,
      Duration quiescence,
      boolean quiesced,
      OrderTraffic traffic,
      FaultInjector injector,
      List<Check> checks,
      Connection c)
      throws SQLException {
    StringBuilder out = new StringBuilder();
    long violations =
        checks.stream().mapToLong(Check::violations).sum() + injector.violations().size();
    out.append("## Chaos run: ")
        .append(violations == 0 ? "no violations" : violations + " VIOLATIONS")
        .append("\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%d orders/s offered from %d clients for %s while faults were injected; quiescent %s"
                + " after the last fault%s.%n%n",
            settings.rate(),
            settings.clients(),
            seconds(faultPhase),
            seconds(quiescence),
            quiesced ? "" : " (NOT quiescent: gave up waiting)"));

    out.append("| orders (what the client saw) | accepted | refused | failed | no answer |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    Map<Kind, Map<Outcome, Long>> table = traffic.byKindAndOutcome();
    for (Kind kind : Kind.values()) {
      Map<Outcome, Long> row = table.getOrDefault(kind, Map.of());
      out.append("| ").append(kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
      for (Outcome o : Outcome.values()) {
        out.append(" | ").append(row.getOrDefault(o, 0L));
      }
      out.append(" |\n");
    }
    out.append("\nOffered while every client was stuck, not sent: ")
        .append(traffic.skipped())
        .append(". Orders in order-service's database: ")
        .append(single(c, "SELECT COUNT(*) FROM " + ORDER_DB + ".t_order"))
        .append(".\n\n");

    out.append("| fault | count | recovery (max) | what |\n|---|---:|---:|---|\n");
    Map<FaultKind, List<Fault>> byKind = new EnumMap<>(FaultKind.class);
    for (Fault f : injector.faults()) {
      byKind.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f);
    }
    byKind.forEach(
        (kind, list) ->
            out.append("| ")
                .append(kind.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .append(" | ")
                .append(list.size())
                .append(" | ")
                .append(seconds(list.stream().map(Fault::recovery).max(Duration::compareTo).get()))
                .append(" | ")
                .append(kind.description)
                .append(" |\n"));

    Map<String, Long> broker = new LinkedHashMap<>();
    broker.putAll(
        grouped(
            c,
            "SELECT CONCAT('messages ', state), COUNT(*) FROM "
                + BROKER_DB
                + ".hm_message GROUP BY state"));
    broker.putAll(
        grouped(
            c,
            "SELECT CONCAT('deliveries ', state), COUNT(*) FROM "
                + BROKER_DB
                + ".hm_delivery GROUP BY state"));
    broker.put(
        "redeliveries (sends beyond the first)",
        single(c, "SELECT COALESCE(SUM(attempts - 1), 0) FROM " + BROKER_DB + ".hm_delivery"));
    broker.put(
        "check-backs answered",
        single(
            c,
            "SELECT COUNT(*) FROM " + BROKER_DB + ".hm_message_event WHERE event = 'CHECK_BACK'"));
    broker.put(
        "check-backs undecided (timed out, unreachable or UNKNOWN)",
        single(
            c,
            "SELECT COUNT(*) FROM "
                + BROKER_DB
                + ".hm_message_event WHERE event = 'CHECK_BACK' AND detail LIKE '%: UNKNOWN %'"));
    out.append("\n| at the broker | count |\n|---|---:|\n");
    broker.forEach((k, v) -> out.append("| ").append(k).append(" | ").append(v).append(" |\n"));

    out.append(
        String.format(
            Locale.ROOT,
            "%nOrdered per product (the sharding key): %d keys; %d committed messages were prepared"
                + " before the one ahead of them of their key was acked, and so waited for it.%n",
            single(
                c,
                "SELECT COUNT(DISTINCT sharding_key) FROM "
                    + BROKER_DB
                    + ".hm_message WHERE state = 'FORWARDED' AND sharding_key IS NOT NULL"),
            single(
                c,
                "SELECT COUNT(*) FROM (SELECT m.created_at, LAG(d.acked_at) OVER"
                    + " (PARTITION BY m.topic, m.sharding_key ORDER BY m.id) ahead_acked FROM "
                    + BROKER_DB
                    + ".hm_message m JOIN "
                    + BROKER_DB
                    + ".hm_delivery d ON d.message_id = m.message_id"
                    + " WHERE m.state = 'FORWARDED' AND m.sharding_key IS NOT NULL) t"
                    + " WHERE t.created_at < t.ahead_acked")));

    List<Long> micros = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT TIMESTAMPDIFF(MICROSECOND, m.resolved_at, d.acked_at) FROM "
                    + BROKER_DB
                    + ".hm_message m JOIN "
                    + BROKER_DB
                    + ".hm_delivery d ON d.message_id = m.message_id WHERE d.state = 'ACKED'")) {
      while (rs.next()) {
        micros.add(rs.getLong(1));
      }
    }
    Collections.sort(micros);
    out.append(
        String.format(
            Locale.ROOT,
            "%nCommit → ack, every acked message of the run (faults throughout): p50 %s, p99 %s,"
                + " max %s (%d messages).%n",
            millis(percentile(micros, 0.50)),
            millis(percentile(micros, 0.99)),
            millis(micros.isEmpty() ? 0 : micros.get(micros.size() - 1)),
            micros.size()));

    out.append("\n| guarantee | violations |\n|---|---:|\n");
    for (Check check : checks) {
      out.append("| ").append(check.guarantee()).append(" | ").append(check.violations());
      if (!check.examples().isEmpty()) {
        out.append(" (e.g. ").append(String.join("; ", check.examples())).append(")");
      }
      out.append(" |\n");
    }
    out.append("| every process stopped only when the run said so | ")
        .append(injector.violations().size());
    if (!injector.violations().isEmpty()) {
      out.append(" (").append(String.join("; ", injector.violations())).append(")");
    }
    out.append(" |\n\nViolations: ").append(violations).append(".\n");
    return out.toString();
  }

  private static long percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }

  private static String millis(long micros) {
    return micros >= 10_000_000
        ? String.format(Locale.ROOT, "%.1f s", micros / 1e6)
        : String.format(Locale.ROOT, "%d ms", micros / 1000);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, Long> grouped(Connection c, String sql) throws SQLException {
    Map<String, Long> result = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        result.put(rs.getString(1), rs.getLong(2));
      }
    }
    return result;
  }
}
