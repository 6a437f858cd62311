package io.halfmsg.broker.pause;

import java.time.Instant;

/** A paused topic or consumer group, with who paused it, when and why. */
public record Pause(
    PauseKind kind, String name, Instant pausedAt, String pausedBy, String reason) {}
