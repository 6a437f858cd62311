package io.halfmsg.consumer.spring;

import io.halfmsg.consumer.HalfmsgConsumer;

/**
 * Adjusts each auto-configured {@link HalfmsgConsumer} (one per consumer group of the {@link
 * HalfmsgListener} methods) before it is built.
 */
@FunctionalInterface
public interface HalfmsgConsumerBuilderCustomizer {

  void customize(HalfmsgConsumer.Builder builder);
}
