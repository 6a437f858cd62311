package io.halfmsg.api;

import java.util.List;

/**
 * Body of {@code POST /api/v1/decisions}: commits and rollbacks of many messages in one request,
 * each idempotent like its single call. The answer is a {@link BatchResponse} with one result per
 * decision, in the same order.
 *
 * @param decisions 1 to {@link WireRules#MAX_BATCH_ITEMS} decisions
 */
public record DecisionBatchRequest(List<DecisionRequest> decisions) {}
