package io.halfmsg.standalone;

import io.halfmsg.broker.HalfMsgBrokerApplication;
import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole halfmsg server side in this JVM: an embedded RocketMQ name server and broker (topics
 * created on first send), and the half-msg-broker on an H2 database in MySQL mode, with {@link
 * DevCredentials}.
 *
 * <pre>{@code
 * try (StandaloneStack stack = StandaloneStack.start(StandaloneOptions.ephemeral())) {
 *   producerSdk.brokerUrl(stack.brokerUrl()).token(stack.producerToken());
 *   consumer.namesrvAddr(stack.namesrvAddr());
 * }
 * }</pre>
 */
public final class StandaloneStack implements AutoCloseable {

  private final EmbeddedRocketMq rocketMq;
  private final ConfigurableApplicationContext broker;
  private final String brokerUrl;
  private final String jdbcUrl;

  private StandaloneStack(
      EmbeddedRocketMq rocketMq,
      ConfigurableApplicationContext broker,
      String brokerUrl,
      String jdbcUrl) {
    this.rocketMq = rocketMq;
    this.broker = broker;
    this.brokerUrl = brokerUrl;
    this.jdbcUrl = jdbcUrl;
  }

  /** Starts RocketMQ, then the broker; returns once both accept requests. */
  public static StandaloneStack start(StandaloneOptions options) {
    EmbeddedRocketMq.Builder mq =
        EmbeddedRocketMq.builder()
            .namesrvPort(options.namesrvPort())
            .brokerPort(options.rocketMqBrokerPort())
            .autoCreateTopics(true);
    if (options.dataDir() != null) {
      mq.baseDir(options.dataDir().resolve("rocketmq"));
    }
    EmbeddedRocketMq rocketMq = mq.start();
    try {
      String jdbcUrl = jdbcUrl(options.dataDir());
      Map<String, Object> properties = brokerProperties(options, rocketMq.namesrvAddr(), jdbcUrl);
      ConfigurableApplicationContext context =
          new SpringApplicationBuilder(HalfMsgBrokerApplication.class)
              // close() orders the shutdown: the broker first, then RocketMQ.
              .registerShutdownHook(false)
              .properties(properties)
              .run(arguments(options));
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      return new StandaloneStack(rocketMq, context, "http://127.0.0.1:" + port, jdbcUrl);
    } catch (RuntimeException | Error e) {
      try {
        rocketMq.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static String jdbcUrl(Path dataDir) {
    // DATABASE_TO_LOWER: the mappers' unquoted lower-case names match the DDL's, as on MySQL.
    // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database under the broker's
    // scanners while close() is still stopping them.
    String settings = ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE";
    if (dataDir == null) {
      return "jdbc:h2:mem:halfmsg-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1" + settings;
    }
    return "jdbc:h2:file:" + dataDir.resolve("h2").resolve("halfmsg").toAbsolutePath() + settings;
  }

  private static Map<String, Object> brokerProperties(
      StandaloneOptions options, String namesrvAddr, String jdbcUrl) {
    // Default properties: the lowest precedence, so the operator's environment and application.yml
    // still win.
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("spring.datasource.url", jdbcUrl);
    p.put("spring.datasource.username", "sa");
    p.put("spring.datasource.password", "");
    p.put("halfmsg.rocketmq.namesrv-addr", namesrvAddr);
    p.put("server.address", "127.0.0.1");
    p.put("halfmsg.auth.producer-tokens", DevCredentials.PRODUCER_TOKEN);
    p.put("halfmsg.auth.consumer-tokens", DevCredentials.CONSUMER_TOKEN);
    p.put("halfmsg.auth.admin-tokens", DevCredentials.ADMIN_TOKEN);
    p.put("halfmsg.check-back.default-secret", DevCredentials.CHECK_BACK_SECRET);
    return p;
  }

  private static String[] arguments(StandaloneOptions options) {
    // As command-line arguments, these beat the broker's own @PropertySource defaults
    // (server.port).
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + options.brokerPort());
    options.properties().forEach((name, value) -> args.add("--" + name + "=" + value));
    return args.toArray(String[]::new);
  }

  /** The broker's base URL, e.g. {@code http://127.0.0.1:8080}. */
  public String brokerUrl() {
    return brokerUrl;
  }

  /** The embedded RocketMQ name server, {@code host:port}. */
  public String namesrvAddr() {
    return rocketMq.namesrvAddr();
  }

  /** The H2 database the broker stores its messages in. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String producerToken() {
    return DevCredentials.PRODUCER_TOKEN;
  }

  public String consumerToken() {
    return DevCredentials.CONSUMER_TOKEN;
  }

  public String adminToken() {
    return DevCredentials.ADMIN_TOKEN;
  }

  public String checkBackSecret() {
    return DevCredentials.CHECK_BACK_SECRET;
  }

  /** Creates a topic now, so that consumers see its route at once (auto-creation lags). */
  public void createTopic(String topic) {
    rocketMq.createTopic(topic);
  }

  /** Stops the broker first (it drains its sends), then RocketMQ. */
  @Override
  public void close() {
    try {
      broker.close();
    } finally {
      rocketMq.close();
    }
  }
}
