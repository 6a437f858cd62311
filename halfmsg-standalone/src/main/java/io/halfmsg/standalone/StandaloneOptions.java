package io.halfmsg.standalone;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link StandaloneStack} starts. Port 0 picks a free port; a {@code null} data directory keeps
 * everything in memory and in a temporary directory deleted on close.
 *
 * @param brokerPort the half-msg-broker's HTTP port
 * @param namesrvPort the embedded RocketMQ name server's port
 * @param rocketMqBrokerPort the embedded RocketMQ broker's port
 * @param dataDir where the H2 database and the RocketMQ store live across restarts, or {@code null}
 * @param properties further broker properties (any {@code halfmsg.*}, {@code server.*}, …); they
 *     override the standalone defaults
 */
public record StandaloneOptions(
    int brokerPort,
    int namesrvPort,
    int rocketMqBrokerPort,
    Path dataDir,
    Map<String, String> properties) {

  /** The fixed ports of the {@code StandaloneBroker} command: 8080, 9876 and 10911. */
  public static final int DEFAULT_BROKER_PORT = 8080;

  public static final int DEFAULT_NAMESRV_PORT = 9876;
  public static final int DEFAULT_ROCKETMQ_BROKER_PORT = 10911;

  public StandaloneOptions {
    properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
  }

  /** Free ports, in memory, nothing kept: for tests and for a demo launcher in one JVM. */
  public static StandaloneOptions ephemeral() {
    return new StandaloneOptions(0, 0, 0, null, Map.of());
  }

  /** The ports RocketMQ users expect, data kept under {@code dataDir}. */
  public static StandaloneOptions defaults(Path dataDir) {
    return new StandaloneOptions(
        DEFAULT_BROKER_PORT, DEFAULT_NAMESRV_PORT, DEFAULT_ROCKETMQ_BROKER_PORT, dataDir, Map.of());
  }

  public StandaloneOptions withBrokerPort(int port) {
    return new StandaloneOptions(port, namesrvPort, rocketMqBrokerPort, dataDir, properties);
  }

  public StandaloneOptions withNamesrvPort(int port) {
    return new StandaloneOptions(brokerPort, port, rocketMqBrokerPort, dataDir, properties);
  }

  public StandaloneOptions withRocketMqBrokerPort(int port) {
    return new StandaloneOptions(brokerPort, namesrvPort, port, dataDir, properties);
  }

  public StandaloneOptions withDataDir(Path dir) {
    return new StandaloneOptions(brokerPort, namesrvPort, rocketMqBrokerPort, dir, properties);
  }

  /** Adds one broker property, e.g. {@code halfmsg.check-back.first-check-after=1s}. */
  public StandaloneOptions withProperty(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(properties);
    more.put(name, value);
    return new StandaloneOptions(brokerPort, namesrvPort, rocketMqBrokerPort, dataDir, more);
  }
}
