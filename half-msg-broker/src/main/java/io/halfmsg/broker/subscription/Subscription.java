package io.halfmsg.broker.subscription;

/** One consumer group's subscription to one topic. */
record Subscription(String consumerGroup, String topic, long ackTimeoutMs, int maxAttempts) {}
