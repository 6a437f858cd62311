package io.halfmsg.broker.deadgroup;

import java.time.Instant;

/**
 * DEAD deliveries of one consumer group that failed the same way: their latest failures have one
 * fingerprint ({@code unrecorded} for deliveries that died before failures were recorded).
 *
 * @param cause what the latest failures were (a {@code FailureCause})
 * @param errorClass the exception's class, for failed sends
 * @param sample one of their error messages
 * @param deliveries how many
 * @param lastFailedAt the latest of their failures
 */
public record DeadGroup(
    String consumerGroup,
    String fingerprint,
    String cause,
    String errorClass,
    String sample,
    long deliveries,
    Instant lastFailedAt) {}
