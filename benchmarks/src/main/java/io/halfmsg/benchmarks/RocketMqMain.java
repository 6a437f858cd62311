package io.halfmsg.benchmarks;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import java.io.IOException;
import java.io.InputStream;
import org.apache.rocketmq.common.BrokerConfig;

/**
 * The RocketMQ process of a benchmark run: a name server and one broker ({@link EmbeddedRocketMq}:
 * free loopback ports, a temporary directory deleted at the end), with the topics named as
 * arguments created up front. Prints {@value #READY}{@code <namesrv address>} once clients can use
 * them, then runs until its standard input closes (the parent stopped or died) or it is signalled.
 */
public final class RocketMqMain {

  static final String READY = "ROCKETMQ_NAMESRV=";

  private RocketMqMain() {}

  /** Arguments: the name server's port, then the topics. */
  public static void main(String[] args) throws IOException {
    int namesrvPort = Integer.parseInt(args[0]);
    String[] topics = java.util.Arrays.copyOfRange(args, 1, args.length);
    // EmbeddedRocketMq sets rocketmq.remoting.version before it starts; without it the name server
    // would ignore the broker's topics. Each topic is created and then registered at once
    // (registerBrokerAll), so the route exists before any client asks.
    EmbeddedRocketMq mq =
        EmbeddedRocketMq.builder()
            // Chosen by the parent, so that the halfmsg broker can start at the same time.
            .namesrvPort(namesrvPort)
            .customize(
                c ->
                    // The embedded default (hourly) suits halfmsg, which does its own check-back;
                    // the native rounds need RocketMQ's own check at its default (30 s), which is
                    // what resolves a half message whose one-way END_TRANSACTION was lost.
                    c.broker()
                        .setTransactionCheckInterval(
                            new BrokerConfig().getTransactionCheckInterval()))
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(mq::stop, "rocketmq-stop"));
    for (String topic : topics) {
      mq.createTopic(topic);
    }
    System.out.println(READY + mq.namesrvAddr());
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // Nothing is ever sent; EOF means the parent is gone.
    }
    System.exit(0);
  }
}
