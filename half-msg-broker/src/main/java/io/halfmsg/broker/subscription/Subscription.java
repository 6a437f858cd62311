package io.halfmsg.broker.subscription;

/**
 * One consumer group's subscription to one topic.
 *
 * @param tags the tags it consumes joined by {@code ||}, or null for every tag
 */
record Subscription(
    String consumerGroup, String topic, String tags, long ackTimeoutMs, int maxAttempts) {}
