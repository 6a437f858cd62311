package io.halfmsg.rocketmq.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.namesrv.NamesrvController;

/**
 * Makes the broker's registration with the name server happen now, and checks that it did.
 *
 * <p>The broker sends its registration only to name servers that its client has already found
 * reachable. That check runs on a timer thread started together with the broker, so the
 * registration at the end of {@code BrokerController.start()} often finds no reachable name server
 * yet and is silently skipped; the broker would then register with its next periodic registration,
 * 30 s later, and until then clients get "No route info of this topic".
 */
final class Registration {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Registration() {}

  /** Waits until the broker can reach the name server, then registers it and checks the result. */
  static void await(BrokerController broker, NamesrvController namesrv, String namesrvAddr) {
    waitFor(
        () ->
            broker
                .getBrokerOuterAPI()
                .getRemotingClient()
                .getAvailableNameSrvList()
                .contains(namesrvAddr),
        "Broker " + broker.getBrokerAddr() + " cannot reach the name server at " + namesrvAddr);
    // Every broker serves this system topic; its route proves the registration went through.
    registerNow(broker, namesrv, TopicValidator.RMQ_SYS_SELF_TEST_TOPIC);
  }

  /**
   * Registers the broker with all its topics and checks that the name server has a route for {@code
   * topic}: {@code namesrv} if it runs in this JVM, else (null) asked over the network.
   */
  static void registerNow(BrokerController broker, NamesrvController namesrv, String topic) {
    broker.registerBrokerAll(true, false, true);
    if (!hasRoute(broker, namesrv, topic)) {
      throw new IllegalStateException(
          "The name server has no route for topic " + topic + " after the broker registered it");
    }
  }

  private static boolean hasRoute(
      BrokerController broker, NamesrvController namesrv, String topic) {
    if (namesrv != null) {
      return namesrv.getRouteInfoManager().pickupTopicRouteData(topic) != null;
    }
    try {
      return broker.getBrokerOuterAPI().getTopicRouteInfoFromNameServer(topic, TIMEOUT.toMillis())
          != null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception noRoute) {
      // MQBrokerException TOPIC_NOT_EXIST, or the name server did not answer.
      return false;
    }
  }

  private static void waitFor(BooleanSupplier condition, String failure) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(failure + " within " + TIMEOUT.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }
}
