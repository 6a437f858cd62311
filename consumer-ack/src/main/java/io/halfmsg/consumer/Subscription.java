package io.halfmsg.consumer;

import com.fasterxml.jackson.databind.JavaType;

/** One topic of a consumer group: which tags, converted to what, handled by whom. */
record Subscription(
    String topic, TagExpression tags, JavaType payloadType, MessageHandler<Object> handler) {}
