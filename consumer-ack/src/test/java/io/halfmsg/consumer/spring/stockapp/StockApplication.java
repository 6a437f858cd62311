package io.halfmsg.consumer.spring.stockapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A small repo-service: consumes stock deductions with {@code @HalfmsgListener}. */
@SpringBootApplication
public class StockApplication {

  public static void main(String[] args) {
    SpringApplication.run(StockApplication.class, args);
  }
}
