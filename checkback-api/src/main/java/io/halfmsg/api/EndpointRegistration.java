package io.halfmsg.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code PUT /api/v1/producer-groups/{group}/endpoints}: a producer instance announces
 * where it answers check-backs. Sent again periodically as a heartbeat; the broker forgets
 * endpoints that stop doing so.
 *
 * @param checkBackUrl the absolute URL the broker POSTs {@link CheckBackRequest}s to
 * @param instanceId optional stable id of the instance (a host name, a pod name), which lets the
 *     broker recognise the same instance registering again; {@code null} if it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EndpointRegistration(String checkBackUrl, String instanceId) {}
