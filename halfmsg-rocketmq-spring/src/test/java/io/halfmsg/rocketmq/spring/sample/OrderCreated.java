package io.halfmsg.rocketmq.spring.sample;

/** The event the producer sends, as JSON. */
public record OrderCreated(String orderNo, int amount) {}
