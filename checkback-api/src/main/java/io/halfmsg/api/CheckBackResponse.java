package io.halfmsg.api;

/**
 * The producer's answer to a check-back: {@code 200 {"state":"COMMIT"|"ROLLBACK"|"UNKNOWN"}}.
 *
 * <p>Producers may write it with any JSON library. The broker must not read it by binding it with
 * Jackson, which would fail (or, configured leniently, guess) on a state it does not know; it reads
 * the answer with {@link CheckBackAnswers#fromHttpResponse(int, String)}, which turns anything but
 * an exact {@code COMMIT} or {@code ROLLBACK} into {@link TransactionState#UNKNOWN}.
 *
 * @param state what the producer knows about its local transaction
 */
public record CheckBackResponse(TransactionState state) {}
