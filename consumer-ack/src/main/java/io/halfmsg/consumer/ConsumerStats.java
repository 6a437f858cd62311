package io.halfmsg.consumer;

/**
 * Counters of one {@link HalfmsgConsumer} since it was built.
 *
 * @param handled messages whose handler ran and committed
 * @param duplicates messages skipped because their dedupe row existed (a redelivery or a concurrent
 *     copy of a message already applied); they are acked again
 * @param failed messages whose handler (or payload conversion) threw; rolled back, not acked, left
 *     to the broker's redelivery
 * @param filtered redeliveries whose tag the group does not subscribe to; acked without a handler
 * @param skipped messages without a valid halfmsg id ({@code HALFMSG_ID}), or of a topic without a
 *     handler; neither handled nor acked
 * @param batches local transactions that applied several messages of a RocketMQ batch together
 *     (their messages are counted in {@code handled})
 * @param batchFallbacks batch transactions rolled back because a message was applied before, was in
 *     the batch twice, or failed; their messages were then processed one by one (and counted there)
 * @param acksSent acks the broker confirmed
 * @param acksDropped acks given up on (queue full, broker refused, or still unsent at close); the
 *     broker redelivers those messages and the dedupe table absorbs them
 * @param acksPending acks waiting to be sent
 */
public record ConsumerStats(
    long handled,
    long duplicates,
    long failed,
    long filtered,
    long skipped,
    long batches,
    long batchFallbacks,
    long acksSent,
    long acksDropped,
    long acksPending) {}
