package io.halfmsg.consumer;

/**
 * Whether a {@link HalfmsgConsumer} consumes, for health checks: started, not closed, and RocketMQ
 * has given it the routes of every subscribed topic and of the group's retry topic (which carries
 * the broker's redeliveries). Until then messages wait, so an instance that reports healthy before
 * this would take traffic it cannot serve yet.
 *
 * @param group the consumer group
 * @param consuming whether it consumes now
 * @param detail why not, or {@code "consuming"}
 */
public record ConsumerHealth(String group, boolean consuming, String detail) {}
