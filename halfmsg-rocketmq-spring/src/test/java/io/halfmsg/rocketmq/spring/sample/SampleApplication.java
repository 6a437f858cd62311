package io.halfmsg.rocketmq.spring.sample;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/**
 * An application written the way rocketmq-spring's samples write one: a {@code RocketMQTemplate}
 * producer with a {@code @RocketMQTransactionListener}, two
 * {@code @ExtRocketMQTemplateConfiguration} templates (one with its own transaction listener), and
 * {@code @RocketMQMessageListener} consumers. Nothing in it knows about halfmsg; the tests add the
 * module and its configuration.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(
    // The broker's jar on the test class path brings Flyway and MyBatis, which this application
    // does not use.
    exclude = FlywayAutoConfiguration.class,
    excludeName = "org.mybatis.spring.boot.autoconfigure.MybatisAutoConfiguration")
@ComponentScan
public class SampleApplication {}
