package io.halfmsg.producer.spring;

import io.halfmsg.producer.HalfmsgProducer;

/** Adjusts the auto-configured {@link HalfmsgProducer} before it is built. */
@FunctionalInterface
public interface HalfmsgProducerBuilderCustomizer {

  void customize(HalfmsgProducer.Builder builder);
}
