package io.halfmsg.demo.scenario;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a scenario run found, once the broker had resolved and delivered every message.
 *
 * @param placed orders sent to order-service
 * @param committed orders order-service accepted, whose message the broker committed
 * @param rolledBack orders refused by a business rule, whose message the broker rolled back
 * @param lostCommits accepted orders whose commit call was lost on purpose
 * @param resolvedByCheckBack messages the broker resolved by asking order-service
 * @param ordered per product, the quantities of the committed orders
 * @param deducted per product, how much repo-service's stock went down during the run
 * @param duplicatesAbsorbed deliveries to repo-service beyond the first of each message; each was
 *     skipped by the dedupe table (one deduction per message is what {@code stock_deduction} holds)
 * @param problems every disagreement found; none means CONSISTENT
 */
public record Summary(
    int placed,
    int committed,
    int rolledBack,
    int lostCommits,
    int resolvedByCheckBack,
    Map<String, Integer> ordered,
    Map<String, Integer> deducted,
    long duplicatesAbsorbed,
    List<String> problems) {

  public boolean consistent() {
    return problems.isEmpty();
  }

  /** The summary as the runner prints it. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("halfmsg demo scenario: ").append(placed).append(" orders placed\n");
    out.append(line("orders committed", committed));
    out.append(line("orders rolled back", rolledBack));
    out.append(line("commit calls lost on purpose", lostCommits));
    out.append(line("messages resolved by check-back", resolvedByCheckBack));
    out.append("  stock deducted per product (committed orders' quantities):\n");
    TreeSet<String> products = new TreeSet<>(ordered.keySet());
    products.addAll(deducted.keySet());
    for (String p : products) {
      out.append(
          String.format(
              "    %-12s %5d  (%d)%n", p, deducted.getOrDefault(p, 0), ordered.getOrDefault(p, 0)));
    }
    out.append(line("duplicate deliveries absorbed", duplicatesAbsorbed));
    problems.forEach(p -> out.append("  problem: ").append(p).append('\n'));
    out.append(consistent() ? "CONSISTENT" : "INCONSISTENT").append('\n');
    return out.toString();
  }

  private static String line(String label, long value) {
    return String.format("  %-34s %5d%n", label + ":", value);
  }
}
