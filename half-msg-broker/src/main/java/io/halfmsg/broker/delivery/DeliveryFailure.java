package io.halfmsg.broker.delivery;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * One failed attempt of a delivery, as the admin API shows it.
 *
 * @param attempt which send of the delivery (1 is the first, through the topic)
 * @param failedAt when the failure was seen: the send's error, or the ack timeout's end
 * @param cause why
 * @param errorClass the exception's class, for SEND_FAILED
 * @param detail the error message, or what the timeout was
 */
public record DeliveryFailure(
    @JsonIgnore String consumerGroup,
    int attempt,
    Instant failedAt,
    FailureCause cause,
    String errorClass,
    String detail) {}
