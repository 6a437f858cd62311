package io.halfmsg.consumer.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler of a halfmsg topic for a consumer group.
 *
 * <pre>{@code
 * @Component
 * class DeductionListener {
 *   private final JdbcTemplate jdbc;
 *   DeductionListener(JdbcTemplate jdbc) { this.jdbc = jdbc; }
 *
 *   @HalfmsgListener(topic = "repo_deduction", consumerGroup = "repo-service")
 *   void onDeduction(Deduction d) {
 *     jdbc.update("UPDATE stock SET count = count - ? WHERE product = ?", d.count(), d.product());
 *   }
 * }
 * }</pre>
 *
 * <p>The method takes the payload, converted from the message body with the application's Jackson
 * {@code ObjectMapper} to the parameter's (possibly generic) type ({@code String} and {@code
 * byte[]} get the body as it is), and optionally a {@link io.halfmsg.consumer.ReceivedMessage}
 * parameter for the message id, tag, keys and properties. Its return value is ignored.
 *
 * <p>It runs inside a Spring-managed transaction on the application's {@code
 * PlatformTransactionManager} that first inserted the message's dedupe row: {@code JdbcTemplate},
 * MyBatis or other {@code DataSource}-bound work in the method joins that transaction. If the
 * method throws, the transaction rolls back (the dedupe row and the method's writes), the message
 * is not acked and the broker sends it again after the ack timeout. A message already applied by
 * the group does not reach the method. After the commit the message is acked to the broker.
 *
 * <p>The messages of one RocketMQ batch ({@code halfmsg.consumer.consume-batch-size}, default 32)
 * share that transaction: the method runs once per message, in order, and one commit applies them
 * all. If one of them throws or was applied before, the whole batch rolls back and each message
 * runs again in a transaction of its own, so the method may be called twice for one message while
 * its writes take effect once. The batch size is a setting of the group, not of a method: all
 * methods of a group share its RocketMQ consumer.
 *
 * <p>All methods of one consumer group share one RocketMQ consumer and one broker subscription
 * (registered at start-up with all their topics); a group has at most one method per topic.
 * Attribute values may use {@code ${...}} placeholders. Configuration is under {@code
 * halfmsg.consumer.*}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HalfmsgListener {

  /** The topic. */
  String topic();

  /**
   * The consumer group: the broker's subscription and the RocketMQ consumer group. Empty means
   * {@code halfmsg.consumer.consumer-group}.
   */
  String consumerGroup() default "";

  /** RocketMQ tag expression: {@code *}, {@code TagA} or {@code TagA || TagB}. */
  String tags() default "*";
}
