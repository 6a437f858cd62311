package io.halfmsg.broker;

import io.halfmsg.testsupport.db.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts whole broker instances (own context, own port) on a test database, for tests that need
 * several of them, or one that stops and starts again.
 */
public final class BrokerInstances {

  private BrokerInstances() {}

  /** A broker on {@code db} with the test tokens and {@code extra} properties on top. */
  public static ConfigurableApplicationContext start(TestDatabase db, Map<String, ?> extra) {
    Map<String, Object> props = new LinkedHashMap<>(BrokerClient.TOKEN_PROPERTIES);
    props.putAll(extra);
    return startWithout(db, props);
  }

  /** A broker on {@code db} with exactly {@code properties}, no test tokens added. */
  public static ConfigurableApplicationContext startWithout(
      TestDatabase db, Map<String, ?> properties) {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("server.port", "0");
    props.put("spring.profiles.active", "test");
    props.put("spring.datasource.url", db.jdbcUrl());
    props.put("spring.datasource.username", db.user());
    props.put("spring.datasource.password", db.password());
    props.putAll(properties);
    // As command-line arguments, so they win over application.yml like an operator's would.
    String[] args =
        props.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(HalfMsgBrokerApplication.class).run(args);
  }

  public static int port(ConfigurableApplicationContext broker) {
    return ((WebServerApplicationContext) broker).getWebServer().getPort();
  }

  public static BrokerClient client(ConfigurableApplicationContext broker, String token) {
    return new BrokerClient(port(broker), token);
  }
}
