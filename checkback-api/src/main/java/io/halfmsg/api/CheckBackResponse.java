package io.halfmsg.api;

/**
 * The producer's answer to a check-back: {@code 200 {"state":"COMMIT"|"ROLLBACK"|"UNKNOWN"}}.
 *
 * <p>Producers may write it with any JSON library. The broker reads it strictly: anything but a 200
 * with exactly {@code "COMMIT"} or {@code "ROLLBACK"} as the state counts as {@link
 * TransactionState#UNKNOWN}, never as a commit.
 *
 * @param state what the producer knows about its local transaction
 */
public record CheckBackResponse(TransactionState state) {}
