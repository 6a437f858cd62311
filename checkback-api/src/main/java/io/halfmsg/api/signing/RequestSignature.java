package io.halfmsg.api.signing;

/**
 * The two header values that sign one request body: send {@link #timestamp()} as {@link
 * SignatureHeaders#TIMESTAMP} and {@link #signature()} as {@link SignatureHeaders#SIGNATURE}.
 *
 * @param timestamp decimal epoch milliseconds
 * @param signature lower-case hex HMAC-SHA256
 */
public record RequestSignature(String timestamp, String signature) {}
