package io.halfmsg.api;

import java.util.List;

/**
 * Answer ({@code 200}) to a batch request: one result per item, in the order of the request. The
 * request as a whole fails only when it cannot be read at all (400), is not allowed (401/403), is
 * too large (413), or the broker is overloaded or its store unavailable (429/503 with {@code
 * Retry-After}); then no item was written and the whole request may be sent again.
 */
public record BatchResponse(List<BatchItemResult> results) {}
