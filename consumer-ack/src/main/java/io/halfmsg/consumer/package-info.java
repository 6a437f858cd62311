/**
 * The halfmsg consumer: applies each message exactly once to the consumer's own database and acks
 * it to the broker. Start with {@link io.halfmsg.consumer.HalfmsgConsumer#builder()}; Spring Boot
 * applications use {@link io.halfmsg.consumer.spring.HalfmsgListener} instead.
 */
package io.halfmsg.consumer;
