package io.halfmsg.rocketmq.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.store.config.BrokerRole;

/**
 * RocketMQ in a process of its own, for the benchmark, the chaos run and the compose stack test,
 * which need it outside the JVM that drives them. Prints {@value #READY}{@code <namesrv address>}
 * once it serves, then runs until its standard input closes (the parent stopped or died) or it is
 * signalled. Three forms:
 *
 * <ul>
 *   <li>{@code PORT [--broker-port=N] [--data-dir=DIR] [TOPIC...]}: a name server on PORT and one
 *       broker ({@link EmbeddedRocketMq}); ready once clients can use the topics named. Without
 *       {@code --broker-port} the broker takes a free port, without {@code --data-dir} a temporary
 *       directory deleted at the end.
 *   <li>{@code namesrv PORT --data-dir=DIR}: a name server alone, as {@code mqnamesrv} runs one.
 *   <li>{@code broker [-n ADDR] -c FILE --data-dir=DIR}: a broker alone that registers with the
 *       name server(s) at ADDR, as {@code mqbroker -n ADDR -c FILE} runs one: FILE applied the way
 *       mqbroker applies it, but refused if a key of it is taken by no setting ({@link
 *       BrokerConf}); mqbroker's defaults where FILE is silent about the listen port (10911), the
 *       HA port (the listen port + 1) and a master's id (0); the embedded defaults for the rest
 *       (files under DIR and small, loopback only). Without {@code -n}, RocketMQ's own default (the
 *       {@code NAMESRV_ADDR} environment variable) or FILE's {@code namesrvAddr}.
 * </ul>
 */
public final class RocketMqMain {

  /** The start of the line printed once RocketMQ serves; the name server's address follows. */
  public static final String READY = "ROCKETMQ_NAMESRV=";

  /** mqbroker's listen port when its configuration names none. */
  private static final int MQBROKER_PORT = 10911;

  private RocketMqMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException(
          "Usage: PORT [--broker-port=N] [--data-dir=DIR] [TOPIC...]"
              + " | namesrv PORT --data-dir=DIR | broker [-n ADDR] -c FILE --data-dir=DIR");
    }
    switch (args[0]) {
      case "namesrv" -> namesrvAlone(args);
      case "broker" -> brokerAlone(args);
      default -> both(args);
    }
    InputStream in = System.in;
    while (in.read() >= 0) {
      // Nothing is ever sent; EOF means the parent is gone.
    }
    System.exit(0);
  }

  private static void both(String[] args) {
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
    ready(mq.namesrvAddr());
  }

  private static void namesrvAlone(String[] args) throws Exception {
    Options options = Options.parse(args, 2);
    RocketMqSettings settings =
        new RocketMqSettings(options.dataDir(), "unused", Integer.parseInt(args[1]), 0, true);
    EmbeddedRocketMq.Builder.prepareJvm();
    NamesrvController namesrv = EmbeddedRocketMq.Builder.startNamesrv(settings);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> Shutdown.stop(null, namesrv), "rocketmq-stop"));
    ready(RocketMqSettings.HOST + ":" + namesrv.getNettyServerConfig().getListenPort());
  }

  private static void brokerAlone(String[] args) throws Exception {
    Options options = Options.parse(args, 1);
    if (options.configFile() == null) {
      throw new IllegalArgumentException("broker needs -c FILE, as mqbroker -c takes it");
    }
    RocketMqSettings settings =
        new RocketMqSettings(options.dataDir(), "broker", 0, MQBROKER_PORT, true);
    // Unset, so that the rule below applies unless the file names one.
    settings.storeConfig.setHaListenPort(0);
    // RocketMQ's default (the NAMESRV_ADDR variable), which the file or -n may override.
    settings.brokerConfig.setNamesrvAddr(new BrokerConfig().getNamesrvAddr());
    BrokerConf.apply(options.configFile(), settings);
    if (options.namesrvAddr() != null) {
      settings.brokerConfig.setNamesrvAddr(options.namesrvAddr());
    }
    if (settings.brokerConfig.getNamesrvAddr() == null) {
      throw new IllegalArgumentException("No name server: give -n, namesrvAddr or NAMESRV_ADDR");
    }
    // What mqbroker decides after reading its file.
    if (settings.storeConfig.getBrokerRole() != BrokerRole.SLAVE) {
      settings.brokerConfig.setBrokerId(MixAll.MASTER_ID);
    }
    if (settings.storeConfig.getHaListenPort() <= 0) {
      settings.storeConfig.setHaListenPort(settings.brokerServerConfig.getListenPort() + 1);
    }
    settings.authConfig.setConfigName(settings.brokerConfig.getBrokerName());
    settings.authConfig.setClusterName(settings.brokerConfig.getBrokerClusterName());
    settings.authConfig.setAuthConfigPath(
        Path.of(settings.storeConfig.getStorePathRootDir(), "config").toString());
    EmbeddedRocketMq.Builder.prepareJvm();
    BrokerController broker = EmbeddedRocketMq.Builder.startBroker(settings, null);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> Shutdown.stop(broker, null), "rocketmq-stop"));
    ready(settings.brokerConfig.getNamesrvAddr());
  }

  private static void ready(String namesrvAddr) {
    System.out.println(READY + namesrvAddr);
    System.out.flush();
  }

  /** The options of the name server's and the broker's forms. */
  private record Options(Path dataDir, String namesrvAddr, Path configFile) {

    static Options parse(String[] args, int from) throws IOException {
      Path dataDir = null;
      String namesrvAddr = null;
      Path configFile = null;
      for (int i = from; i < args.length; i++) {
        String a = args[i];
        if (a.startsWith("--data-dir=")) {
          dataDir = Path.of(a.substring("--data-dir=".length()));
        } else if (a.equals("-n") && i + 1 < args.length) {
          namesrvAddr = args[++i];
        } else if (a.equals("-c") && i + 1 < args.length) {
          configFile = Path.of(args[++i]);
        } else {
          throw new IllegalArgumentException("Unknown argument: " + a);
        }
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--data-dir=DIR is required");
      }
      Files.createDirectories(dataDir);
      return new Options(dataDir, namesrvAddr, configFile);
    }
  }
}
