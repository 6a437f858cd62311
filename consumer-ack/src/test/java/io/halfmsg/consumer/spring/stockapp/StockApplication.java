package io.halfmsg.consumer.spring.stockapp;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A small repo-service: consumes stock deductions with {@code @HalfmsgListener}. */
@SpringBootApplication
public class StockApplication {

  /** What Actuator would provide: the consumer's meters land here. */
  @Bean
  MeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  public static void main(String[] args) {
    SpringApplication.run(StockApplication.class, args);
  }
}
