/**
 * Spring Boot auto-configuration of the halfmsg consumer: {@link
 * io.halfmsg.consumer.spring.HalfmsgListener} methods, configured under {@code halfmsg.consumer.*}
 * ({@link io.halfmsg.consumer.spring.HalfmsgConsumerProperties}).
 */
package io.halfmsg.consumer.spring;
