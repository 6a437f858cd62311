package io.halfmsg.testsupport.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.testsupport.db.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * RocketMQ embedded in a JVM that also runs a Spring Boot web application with MyBatis and MySQL,
 * as the halfmsg services' tests do: Spring Boot's managed versions (Netty, Logback, Jackson, ...)
 * replace RocketMQ's own, and both must still work.
 */
class SpringBootClasspathTest {

  @RegisterExtension static TestDatabase db = new TestDatabase();
  @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();

  @Test
  void rocketMqAndASpringBootWebAppShareTheJvm() throws Exception {
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", "0");
    properties.put("server.address", "127.0.0.1");
    db.registerSpringProperties((name, value) -> properties.put(name, value.get()));

    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(App.class).properties(properties).run()) {
      // Spring Boot refuses to start when SLF4J is bound to anything but its Logback.
      assertThat(LoggerFactory.getILoggerFactory())
          .isInstanceOf(ch.qos.logback.classic.LoggerContext.class);
      assertThat(((WebServerApplicationContext) app).getWebServer().getPort()).isPositive();
      assertThat(app.getBean(SqlSessionFactory.class)).isNotNull();
      assertThat(app.getBean(JdbcTemplate.class).queryForObject("SELECT 1", Integer.class))
          .isEqualTo(1);

      mq.createTopic("spring-side-by-side");
      MessageExt got = RoundTrip.sendAndReceive(mq.namesrvAddr(), "spring-side-by-side", "boot");

      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("boot");
      assertThat(got.getTags()).isEqualTo("TagA");
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}
}
