package io.halfmsg.demo.order;

import java.time.Instant;

/** A placed order, as {@code t_order} holds it. */
record Order(String orderNo, String product, int quantity, String messageId, Instant createdAt) {}
