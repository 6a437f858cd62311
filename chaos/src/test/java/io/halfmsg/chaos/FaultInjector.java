package io.halfmsg.chaos;

import static org.awaitility.Awaitility.await;

import io.halfmsg.chaos.OrderTraffic.Kind;
import io.halfmsg.chaos.OrderTraffic.Outcome;
import io.halfmsg.chaos.OrderTraffic.Placed;
import io.halfmsg.process.ChildService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The faults of a chaos round, one after the other while orders flow, each followed by the recovery
 * an operator's supervisor (systemd, Kubernetes) would do — start the process again on the same
 * port and data — and a calm: the next fault comes once order-service has accepted a number of new
 * orders, which also proves the stack serves again. Every fault is recorded with its time to
 * recovery; a process that died without being told to is recorded as a violation and started again.
 */
final class FaultInjector {

  enum FaultKind {
    BROKER_KILLED("kill -9 of a broker instance, then restart"),
    CONSUMER_CRASHED_BEFORE_ACK("repo-service halted between its local commit and its ack"),
    PRODUCER_CRASHED_BEFORE_COMMIT(
        "order-service halted between its local commit and its commit call"),
    ROCKETMQ_RESTARTED("kill -9 of RocketMQ, restarted on its store"),
    CHECK_BACKS_TIMED_OUT("order-service frozen (SIGSTOP) while check-backs were due"),
    DATABASE_RESTARTED("kill -9 of the MariaDB server, restarted on its data");

    final String description;

    FaultKind(String description) {
      this.description = description;
    }
  }

  /** One injected fault: which, on what, when, and how long until the process served again. */
  record Fault(FaultKind kind, String target, Instant at, Duration recovery, String detail) {}

  private static final Duration RESTART = Duration.ofMinutes(3);
  private static final Duration CRASH = Duration.ofMinutes(2);

  private final ChaosStack stack;
  private final OrderTraffic traffic;
  private final int calmOrders;
  private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

  FaultInjector(ChaosStack stack, OrderTraffic traffic, int calmOrders) {
    this.stack = stack;
    this.traffic = traffic;
    this.calmOrders = calmOrders;
  }

  /** One of each fault, the first broker instance twice. */
  void round() throws SQLException {
    killAndRestart(FaultKind.BROKER_KILLED, stack.brokerA);
    crashConsumerBeforeAck();
    crashProducerBeforeCommit();
    killAndRestart(FaultKind.ROCKETMQ_RESTARTED, stack.rocketMq);
    killAndRestart(FaultKind.BROKER_KILLED, stack.brokerB);
    timeOutCheckBacks();
    killAndRestart(FaultKind.DATABASE_RESTARTED, stack.db.server());
    killAndRestart(FaultKind.BROKER_KILLED, stack.brokerA);
  }

  List<Fault> faults() {
    return List.copyOf(faults);
  }

  /** What went wrong with the processes themselves: unexpected exits, crashes that did not come. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  private void killAndRestart(FaultKind kind, ChildService service) {
    beforeFault();
    Instant at = Instant.now();
    service.kill();
    service.startAndAwaitReady(RESTART);
    recovered(kind, service.name(), at, "");
  }

  private void crashConsumerBeforeAck() {
    beforeFault();
    Instant at = Instant.now();
    Placed order = placeAccepted(Kind.CONSUMER_CRASH);
    if (order == null) {
      return;
    }
    exitedByItself(stack.repoService, order);
    recovered(FaultKind.CONSUMER_CRASHED_BEFORE_ACK, stack.repoService.name(), at, order.orderNo());
  }

  private void crashProducerBeforeCommit() {
    beforeFault();
    Instant at = Instant.now();
    Placed order = traffic.place(Kind.PRODUCER_CRASH);
    if (order.outcome() != Outcome.NO_ANSWER) {
      violations.add("order " + order.orderNo() + " meant to crash order-service got " + order);
      return;
    }
    exitedByItself(stack.orderService, order);
    recovered(
        FaultKind.PRODUCER_CRASHED_BEFORE_COMMIT, stack.orderService.name(), at, order.orderNo());
  }

  /**
   * Loses the commit calls of a few orders, then freezes order-service until the brokers have
   * recorded undecided check-backs of them (timed out), and thaws it: check-back must still commit
   * them.
   */
  private void timeOutCheckBacks() throws SQLException {
    beforeFault();
    Instant at = Instant.now();
    List<String> orderNos = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Placed p = traffic.place(Kind.LOST_COMMIT);
      if (p.outcome() == Outcome.ACCEPTED) {
        orderNos.add(p.orderNo());
      }
    }
    if (orderNos.isEmpty()) {
      violations.add("no lost-commit order accepted before the check-back freeze");
      return;
    }
    stack.orderService.pause();
    long undecided;
    try {
      undecided =
          await("undecided check-backs of " + orderNos + " while order-service is frozen")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> undecidedCheckBacks(orderNos), n -> n >= orderNos.size());
    } catch (ConditionTimeoutException e) {
      violations.add("no check-back timed out within 60 s of freezing order-service");
      undecided = 0;
    } finally {
      stack.orderService.resume();
    }
    stack.orderService.awaitReady(RESTART);
    recovered(
        FaultKind.CHECK_BACKS_TIMED_OUT,
        stack.orderService.name(),
        at,
        undecided + " check-backs of " + orderNos.size() + " lost commits undecided");
  }

  private long undecidedCheckBacks(List<String> orderNos) throws SQLException {
    String marks = String.join(",", Collections.nCopies(orderNos.size(), "?"));
    try (Connection c = stack.db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT COUNT(*) FROM "
                    + ChaosStack.BROKER_DB
                    + ".hm_message_event e JOIN "
                    + ChaosStack.ORDER_DB
                    + ".t_order o ON o.message_id = e.message_id"
                    + " WHERE e.event = 'CHECK_BACK' AND e.detail NOT LIKE '%: COMMIT %'"
                    + " AND o.order_no IN ("
                    + marks
                    + ")")) {
      for (int i = 0; i < orderNos.size(); i++) {
        s.setString(i + 1, orderNos.get(i));
      }
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** An accepted order of this kind, a few tries if order-service is busy recovering. */
  private Placed placeAccepted(Kind kind) {
    Placed p = null;
    for (int i = 0; i < 5; i++) {
      p = traffic.place(kind);
      if (p.outcome() == Outcome.ACCEPTED) {
        return p;
      }
    }
    violations.add("no " + kind + " order accepted in 5 tries; last: " + p);
    return null;
  }

  private void exitedByItself(ChildService service, Placed cause) {
    int exit;
    try {
      exit = service.awaitExit(CRASH);
    } catch (IllegalStateException e) {
      violations.add(service.name() + " did not halt after order " + cause.orderNo());
      service.kill();
      exit = -1;
    }
    if (exit != 137 && exit != -1) {
      violations.add(service.name() + " exited with " + exit + ", not 137, after " + cause);
    }
    service.startAndAwaitReady(RESTART);
  }

  private void recovered(FaultKind kind, String service, Instant at, String detail) {
    faults.add(new Fault(kind, service, at, Duration.between(at, Instant.now()), detail));
    long target = traffic.accepted() + calmOrders;
    try {
      await("order-service to accept " + calmOrders + " orders after " + kind)
          .atMost(RESTART)
          .until(() -> traffic.accepted() >= target);
    } catch (ConditionTimeoutException e) {
      violations.add("the stack accepted no " + calmOrders + " orders within 3 min of " + kind);
    }
  }

  /** Every process should be up between faults; one that is not died on its own. */
  private void beforeFault() {
    for (ChildService service : stack.services()) {
      if (!service.isAlive()) {
        violations.add(service.name() + " exited unexpectedly; see " + service.log());
        service.startAndAwaitReady(RESTART);
      }
    }
  }
}
