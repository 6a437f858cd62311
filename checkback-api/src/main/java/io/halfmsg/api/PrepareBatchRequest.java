package io.halfmsg.api;

import java.util.List;

/**
 * Body of {@code POST /api/v1/messages:batch}: many prepares in one request, each with the same
 * meaning as a {@code POST /api/v1/messages} of its own (idempotent per {@code messageId}). The
 * answer is a {@link BatchResponse} with one result per message, in the same order.
 *
 * @param messages 1 to {@link WireRules#MAX_BATCH_ITEMS} prepares
 */
public record PrepareBatchRequest(List<PrepareMessageRequest> messages) {}
