/**
 * Signing of the broker's check-back requests, so that a producer acts only on check-backs that
 * really come from its broker.
 *
 * <p>The scheme, for implementers in other languages:
 *
 * <ul>
 *   <li>{@code X-Halfmsg-Timestamp}: the signing time as decimal epoch <b>milliseconds</b> (ASCII
 *       digits only, no sign, no fraction), the unit every other duration and time on this wire
 *       contract uses.
 *   <li>{@code X-Halfmsg-Signature}: HMAC-SHA256 keyed with the shared secret (the UTF-8 bytes of
 *       the configured secret string) over the ASCII timestamp, one {@code '\n'} byte and the exact
 *       request body bytes, encoded as 64 <b>lower-case hex</b> digits (verifiers accept either
 *       case).
 *   <li>A verifier rejects requests whose timestamp is more than five minutes (by default) from its
 *       own clock, in either direction.
 *   <li>A verifier also rejects a replay: a request whose signature it accepted before. It
 *       remembers each accepted signature until the timestamp leaves the tolerance window (then the
 *       age check refuses it anyway). The broker signs every call anew, with a new timestamp,
 *       including its next check of the same message and a failover to another instance, so only a
 *       byte-identical copy of a request is refused. {@link
 *       io.halfmsg.api.signing.SignatureVerifier} itself is stateless; the producer SDK's
 *       check-back handler keeps this memory.
 * </ul>
 *
 * <p>Example: secret {@code secret}, timestamp {@code 1700000000000}, body {@code {"a":1}} give
 * signature {@code 3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704}.
 */
package io.halfmsg.api.signing;
