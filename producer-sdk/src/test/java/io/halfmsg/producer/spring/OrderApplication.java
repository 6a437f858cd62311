package io.halfmsg.producer.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A producer application as users write one: Spring Boot, a DataSource, {@code @Transactional}
 * services, and the halfmsg producer from auto-configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(
    // The broker's jar on the test class path brings Flyway and MyBatis, which this application
    // does not use.
    exclude = FlywayAutoConfiguration.class,
    excludeName = "org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration")
class OrderApplication {

  /**
   * Properties every test of this application uses. {@code spring.config.name} keeps the broker's
   * own application.yml, also on the test class path, out of this application.
   */
  static final String CONFIG_NAME = "spring.config.name=producer-sdk-test";

  @Bean
  OrderService orderService(JdbcTemplate jdbc, HalfmsgTemplate halfmsg) {
    jdbc.execute(
        "CREATE TABLE IF NOT EXISTS t_order (order_no VARCHAR(64) NOT NULL PRIMARY KEY,"
            + " message_id VARCHAR(64) NOT NULL) ENGINE = InnoDB");
    return new OrderService(jdbc, halfmsg);
  }
}
