package io.halfmsg.benchmarks;

import io.halfmsg.consumer.spring.HalfmsgListener;
import io.halfmsg.producer.spring.HalfmsgTemplate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The order workload as a Spring Boot application writes it: a {@code @Transactional} service that
 * inserts the order and sends with {@link HalfmsgTemplate}, and a {@link HalfmsgListener} method
 * that deducts the stock, both on the one DataSource Spring Boot configures, everything else from
 * the SDKs' auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class SpringOrderApplication {

  static final String TOPIC = "bench_spring_order";
  static final String GROUP = "bench_spring_order";

  @Bean
  OrderService orderService(JdbcTemplate jdbc, HalfmsgTemplate halfmsg, DeliveryTracker tracker) {
    return new OrderService(jdbc, halfmsg, tracker);
  }

  @Bean
  StockListener stockListener(JdbcTemplate jdbc, DeliveryTracker tracker) {
    return new StockListener(jdbc, tracker);
  }

  /** The producer side: one local transaction with the order and the message's barrier row. */
  static class OrderService {
    private final JdbcTemplate jdbc;
    private final HalfmsgTemplate halfmsg;
    private final DeliveryTracker tracker;

    OrderService(JdbcTemplate jdbc, HalfmsgTemplate halfmsg, DeliveryTracker tracker) {
      this.jdbc = jdbc;
      this.halfmsg = halfmsg;
      this.tracker = tracker;
    }

    @Transactional
    public void placeOrder(OrderEvent order) {
      jdbc.update(
          OrderWorkload.INSERT_ORDER,
          order.orderNo(),
          order.product(),
          order.amount(),
          LocalDateTime.now(ZoneOffset.UTC));
      halfmsg.send(TOPIC, "order", order.orderNo(), order);
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              // The local commit is done; HalfmsgTemplate's commit call comes after this.
              tracker.localCommitted(order.orderNo());
            }
          });
    }
  }

  /** The consumer side: runs in the SDK's transaction with the dedupe row. */
  static class StockListener {
    private final JdbcTemplate jdbc;
    private final DeliveryTracker tracker;
    private final AtomicLong committed = new AtomicLong();

    StockListener(JdbcTemplate jdbc, DeliveryTracker tracker) {
      this.jdbc = jdbc;
      this.tracker = tracker;
    }

    @HalfmsgListener(topic = TOPIC, consumerGroup = GROUP)
    public void onOrder(OrderEvent order) {
      tracker.arrived(order.orderNo());
      jdbc.update(OrderWorkload.DEDUCT_STOCK, order.amount(), order.product());
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              committed.incrementAndGet();
            }
          });
    }

    long committed() {
      return committed.get();
    }
  }
}
