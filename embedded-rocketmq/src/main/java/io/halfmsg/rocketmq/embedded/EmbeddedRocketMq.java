package io.halfmsg.rocketmq.embedded;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.common.TlsMode;
import org.apache.rocketmq.remoting.netty.TlsSystemConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * A RocketMQ name server and one master broker running inside this JVM, for tests and local runs.
 *
 * <pre>{@code
 * try (EmbeddedRocketMq mq = EmbeddedRocketMq.start()) {
 *   mq.createTopic("orders");
 *   producer.setNamesrvAddr(mq.namesrvAddr());
 *   ...
 * }
 * }</pre>
 *
 * <p>By default both listen on free loopback ports and keep their files in a fresh temporary
 * directory that {@link #stop()} deletes. Several instances can run in one JVM side by side. The
 * broker's files are kept small (64 MiB commit log files, small consume queues and index), and the
 * features halfmsg does not use are off (timer wheel, pop consumption, ACL, tracing) or idle
 * (RocketMQ's own transaction check runs hourly). Delay levels, and so consumer retries, work.
 * Topics can be auto-created on first send, as in RocketMQ's defaults, but a consumer only sees
 * such a topic after its next route refresh (up to 30 s), so tests should call {@link
 * #createTopic(String)} first.
 *
 * <p>The listeners speak plain TCP: TLS is off unless the JVM was started with {@code
 * -Dtls.server.mode}. RocketMQ logs through its own shaded Logback; this module's {@code
 * rmq.logback.xml} sends its warnings and errors to the console and drops the rest.
 */
public final class EmbeddedRocketMq implements AutoCloseable {

  /** Read and write queues of a topic made by {@link #createTopic(String)}. */
  public static final int DEFAULT_QUEUES = 4;

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Path baseDir;
  private final boolean deleteBaseDir;
  private final NamesrvController namesrv;
  private final BrokerController broker;
  private boolean stopped;

  private EmbeddedRocketMq(
      Path baseDir, boolean deleteBaseDir, NamesrvController namesrv, BrokerController broker) {
    this.baseDir = baseDir;
    this.deleteBaseDir = deleteBaseDir;
    this.namesrv = namesrv;
    this.broker = broker;
  }

  /** Starts a name server and broker on free ports in a temporary directory. */
  public static EmbeddedRocketMq start() {
    return builder().start();
  }

  /** For fixed ports, a kept data directory or other broker settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** The name server address for {@code setNamesrvAddr}, e.g. {@code 127.0.0.1:40123}. */
  public String namesrvAddr() {
    return RocketMqSettings.HOST + ":" + namesrv.getNettyServerConfig().getListenPort();
  }

  /** The broker's address as it registers with the name server. */
  public String brokerAddr() {
    return broker.getBrokerAddr();
  }

  /** The cluster the broker belongs to, for admin tools that create topics per cluster. */
  public String clusterName() {
    return broker.getBrokerConfig().getBrokerClusterName();
  }

  /** The directory holding the name server's and broker's files. */
  public Path baseDir() {
    return baseDir;
  }

  /**
   * Creates (or widens) a topic with {@value #DEFAULT_QUEUES} read and write queues; clients see
   * its route as soon as this returns.
   */
  public void createTopic(String topic) {
    createTopic(topic, DEFAULT_QUEUES);
  }

  /**
   * Creates (or resizes) a topic with the given number of read and write queues; clients see its
   * route as soon as this returns.
   *
   * @throws IllegalStateException if the name server did not take the route
   */
  public synchronized void createTopic(String topic, int queues) {
    Objects.requireNonNull(topic, "topic");
    if (queues < 1) {
      throw new IllegalArgumentException("queues must be positive: " + queues);
    }
    checkRunning();
    TopicConfig config =
        new TopicConfig(topic, queues, queues, PermName.PERM_READ | PermName.PERM_WRITE);
    broker.getTopicConfigManager().updateTopicConfig(config);
    // The broker would otherwise announce the topic with its next periodic registration (30 s).
    Registration.registerNow(broker, namesrv, topic);
  }

  /**
   * Stops the broker and the name server, releases their ports and threads and deletes the
   * temporary directory. Takes about 3.5 s, most of it RocketMQ's store pausing for in-flight work.
   * Calling it again does nothing.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      Shutdown.stop(broker, namesrv);
    } finally {
      if (deleteBaseDir) {
        Directories.deleteRecursively(baseDir);
      }
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void checkRunning() {
    if (stopped) {
      throw new IllegalStateException("Embedded RocketMQ at " + namesrvAddr() + " is stopped");
    }
  }

  /** Options for {@link EmbeddedRocketMq}; every one has a test-friendly default. */
  public static final class Builder {
    private int namesrvPort;
    private int brokerPort;
    private Path baseDir;
    private boolean autoCreateTopics = true;
    private Consumer<RocketMqConfigs> customizer = configs -> {};

    private Builder() {}

    /** The name server's port; 0 (the default) picks a free one. */
    public Builder namesrvPort(int port) {
      this.namesrvPort = port;
      return this;
    }

    /**
     * The broker's port; 0 (the default) picks a free one. A fixed port {@code p} also takes {@code
     * p - 2} (RocketMQ's "VIP" channel) and {@code p + 1} (replication), as in RocketMQ.
     */
    public Builder brokerPort(int port) {
      this.brokerPort = port;
      return this;
    }

    /**
     * Keeps the files in this directory and leaves them there on stop, so that a restart finds its
     * topics and messages again. By default a fresh temporary directory is used and deleted.
     */
    public Builder baseDir(Path dir) {
      this.baseDir = dir;
      return this;
    }

    /** Whether the broker creates a topic on the first send to it; on by default. */
    public Builder autoCreateTopics(boolean enabled) {
      this.autoCreateTopics = enabled;
      return this;
    }

    /** Last word on the RocketMQ configuration objects, applied before anything starts. */
    public Builder customize(Consumer<RocketMqConfigs> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Starts the name server and the broker and waits until the broker has registered.
     *
     * @throws IllegalStateException if either fails to start; whatever had started is stopped
     */
    public EmbeddedRocketMq start() {
      prepareJvm();
      boolean tempDir = baseDir == null;
      Path dir = tempDir ? Directories.createTemp("halfmsg-rocketmq-") : baseDir;
      NamesrvController namesrv = null;
      BrokerController broker = null;
      try {
        RocketMqSettings settings =
            new RocketMqSettings(
                dir,
                "embedded-broker-" + INSTANCES.incrementAndGet(),
                namesrvPort,
                brokerPort,
                autoCreateTopics);
        customizer.accept(new RocketMqConfigs(settings));
        namesrv = startNamesrv(settings);
        settings.brokerConfig.setNamesrvAddr(
            RocketMqSettings.HOST + ":" + namesrv.getNettyServerConfig().getListenPort());
        broker = startBroker(settings, namesrv);
        return new EmbeddedRocketMq(dir, tempDir, namesrv, broker);
      } catch (Exception | Error e) {
        stopQuietly(broker, namesrv, e);
        if (tempDir) {
          Directories.deleteRecursively(dir);
        }
        if (e instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException("Embedded RocketMQ failed to start in " + dir, e);
      }
    }

    /** What RocketMQ's servers need of the JVM before either starts. */
    static void prepareJvm() {
      // Without this the broker's registration carries protocol version 0; the name server takes
      // it for a pre-3.0.11 broker and ignores its topic list, and clients get "No route info".
      System.setProperty(
          RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
      if (System.getProperty(TlsSystemConfig.TLS_SERVER_MODE) == null) {
        // RocketMQ's default, "permissive", has every listener generate a self-signed RSA key as it
        // starts, which takes from 0.1 s to several seconds; plain TCP on loopback needs none.
        TlsSystemConfig.tlsMode = TlsMode.DISABLED;
      }
    }

    static NamesrvController startNamesrv(RocketMqSettings settings) throws Exception {
      NamesrvController namesrv =
          new NamesrvController(
              settings.namesrvConfig, settings.namesrvServerConfig, settings.namesrvClientConfig);
      if (!namesrv.initialize()) {
        throw new IllegalStateException("Name server did not initialize");
      }
      namesrv.start();
      return namesrv;
    }

    /**
     * Starts the broker and waits until it has registered with its name server: {@code namesrv} if
     * it runs in this JVM, else the one at the broker's name server address.
     */
    static BrokerController startBroker(RocketMqSettings settings, NamesrvController namesrv)
        throws Exception {
      BrokerController broker =
          new BrokerController(
              settings.brokerConfig,
              settings.brokerServerConfig,
              settings.brokerClientConfig,
              settings.storeConfig,
              settings.authConfig);
      try {
        if (!broker.initialize()) {
          throw new IllegalStateException("Broker did not initialize (store could not load)");
        }
        broker.start();
        Registration.await(broker, namesrv, settings.brokerConfig.getNamesrvAddr());
        return broker;
      } catch (Exception | Error e) {
        // The half-built broker may already hold ports, threads and mapped files.
        stopQuietly(broker, null, e);
        throw e;
      }
    }

    static void stopQuietly(BrokerController broker, NamesrvController namesrv, Throwable cause) {
      try {
        Shutdown.stop(broker, namesrv);
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
