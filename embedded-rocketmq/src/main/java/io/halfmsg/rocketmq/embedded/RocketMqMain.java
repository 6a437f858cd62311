package io.halfmsg.rocketmq.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.BrokerConfig;

/**
 * A name server and one broker ({@link EmbeddedRocketMq}) in a process of their own, for the
 * benchmark and the chaos run, which need RocketMQ outside the JVM that drives them. Prints {@value
 * #READY}{@code <namesrv address>} once clients can use the topics named as arguments, then runs
 * until its standard input closes (the parent stopped or died) or it is signalled.
 *
 * <p>Arguments: the name server's port, then any of {@code --broker-port=N} (default: a free one)
 * and {@code --data-dir=DIR} (keep the store there across restarts; default: a temporary directory
 * deleted at the end), then the topics.
 */
public final class RocketMqMain {

  /** The start of the line printed once RocketMQ serves; the name server's address follows. */
  public static final String READY = "ROCKETMQ_NAMESRV=";

  private RocketMqMain() {}

  public static void main(String[] args) throws IOException {
    EmbeddedRocketMq.Builder builder =
        EmbeddedRocketMq.builder()
            // Chosen by the parent, so that its clients can start at the same time.
            .namesrvPort(Integer.parseInt(args[0]))
            .customize(
                c ->
                    // RocketMQ's own default (30 s), not the embedded one (hourly): benchmark
                    // rounds
                    // of native transactional messages rely on RocketMQ's check to resolve a half
                    // message whose one-way END_TRANSACTION was lost. halfmsg never uses it.
                    c.broker()
                        .setTransactionCheckInterval(
                            new BrokerConfig().getTransactionCheckInterval()));
    List<String> topics = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--broker-port=")) {
        builder.brokerPort(Integer.parseInt(a.substring("--broker-port=".length())));
      } else if (a.startsWith("--data-dir=")) {
        builder.baseDir(Path.of(a.substring("--data-dir=".length())));
      } else {
        topics.add(a);
      }
    }
    EmbeddedRocketMq mq = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(mq::stop, "rocketmq-stop"));
    // Each topic is created and registered at once (registerBrokerAll), so its route exists before
    // any client asks; creating one that a kept store already has changes nothing.
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
