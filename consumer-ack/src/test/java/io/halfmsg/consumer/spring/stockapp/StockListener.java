package io.halfmsg.consumer.spring.stockapp;

import io.halfmsg.consumer.ReceivedMessage;
import io.halfmsg.consumer.spring.HalfmsgListener;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Applies deductions to the application's own table through {@link JdbcTemplate}: the write joins
 * the transaction of the dedupe row. A negative count fails after the write, which must roll back.
 */
@Component
public class StockListener {

  private final JdbcTemplate jdbc;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  StockListener(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @HalfmsgListener(topic = "${stock.topic}", consumerGroup = "${stock.group}")
  void onDeduction(Deduction deduction, ReceivedMessage message) {
    calls.computeIfAbsent(message.messageId(), k -> new AtomicInteger()).incrementAndGet();
    jdbc.update(
        "INSERT INTO stock_deduction (message_id, product, amount) VALUES (?, ?, ?)",
        message.messageId(),
        deduction.product(),
        deduction.count());
    if (deduction.count() < 0) {
      throw new IllegalArgumentException("negative count " + deduction.count());
    }
  }

  @HalfmsgListener(topic = "${stock.audit-topic}", consumerGroup = "${stock.group}")
  void onAudit(String line) {
    jdbc.update("INSERT INTO audit_line (line) VALUES (?)", line);
  }

  public int calls(String messageId) {
    AtomicInteger n = calls.get(messageId);
    return n == null ? 0 : n.get();
  }
}
