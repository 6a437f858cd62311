package io.halfmsg.api.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignatureVerifierTest {

  private static final String SECRET = "s3cr3t-for-tests";
  private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final byte[] BODY =
      "{\"messageId\":\"m-1\",\"producerGroup\":\"order-service\",\"checkCount\":0}"
          .getBytes(StandardCharsets.UTF_8);

  private final SignatureVerifier verifier = new SignatureVerifier(SECRET, CLOCK);

  private static RequestSignature signedAt(Duration offsetFromNow, byte[] body) {
    return new RequestSigner(SECRET, Clock.offset(CLOCK, offsetFromNow)).sign(body);
  }

  private VerificationResult verify(RequestSignature signature, byte[] body) {
    return verifier.verify(signature.timestamp(), signature.signature(), body);
  }

  @Test
  void acceptsWhatTheSignerSigned() {
    assertThat(verify(signedAt(Duration.ZERO, BODY), BODY)).isEqualTo(VerificationResult.OK);
    assertThat(VerificationResult.OK.isOk()).isTrue();
  }

  @Test
  void acceptsAnEmptyBody() {
    assertThat(verify(signedAt(Duration.ZERO, new byte[0]), new byte[0]))
        .isEqualTo(VerificationResult.OK);
  }

  @Test
  void acceptsTheDocumentedExample() {
    SignatureVerifier exampleVerifier =
        new SignatureVerifier("secret", Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(
            exampleVerifier.verify(
                "1700000000000",
                "3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704",
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(VerificationResult.OK);
  }

  @Test
  void acceptsUpperCaseHexAndSurroundingWhitespace() {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);

    assertThat(
            verifier.verify(
                " " + signature.timestamp() + "\t",
                " " + signature.signature().toUpperCase(Locale.ROOT) + " ",
                BODY))
        .isEqualTo(VerificationResult.OK);
  }

  @Test
  void rejectsATamperedBody() {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);
    byte[] tampered = BODY.clone();
    tampered[tampered.length - 2] = '1';

    assertThat(verify(signature, tampered)).isEqualTo(VerificationResult.BAD_SIGNATURE);
    assertThat(verify(signature, new byte[0])).isEqualTo(VerificationResult.BAD_SIGNATURE);
    byte[] extended =
        (new String(BODY, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8);
    assertThat(verify(signature, extended)).isEqualTo(VerificationResult.BAD_SIGNATURE);
  }

  @Test
  void rejectsATamperedTimestamp() {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);
    String otherTimestamp = Long.toString(Long.parseLong(signature.timestamp()) + 1);

    assertThat(verifier.verify(otherTimestamp, signature.signature(), BODY))
        .isEqualTo(VerificationResult.BAD_SIGNATURE);
    // Same instant, different text: the signature covers the header text, not the number.
    assertThat(verifier.verify("0" + signature.timestamp(), signature.signature(), BODY))
        .isEqualTo(VerificationResult.BAD_SIGNATURE);
  }

  @Test
  void rejectsAnotherSecret() {
    RequestSignature signature = new RequestSigner("another-secret", CLOCK).sign(BODY);

    assertThat(verify(signature, BODY)).isEqualTo(VerificationResult.BAD_SIGNATURE);
  }

  @Test
  void rejectsSignaturesOfAnotherLength() {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);
    String hex = signature.signature();

    assertThat(verifier.verify(signature.timestamp(), hex.substring(0, 62), BODY))
        .isEqualTo(VerificationResult.BAD_SIGNATURE);
    assertThat(verifier.verify(signature.timestamp(), hex + "00", BODY))
        .isEqualTo(VerificationResult.BAD_SIGNATURE);
    assertThat(verifier.verify(signature.timestamp(), "00", BODY))
        .isEqualTo(VerificationResult.BAD_SIGNATURE);
  }

  @Test
  void acceptsTimestampsUpToTheToleranceInEitherDirection() {
    assertThat(verify(signedAt(Duration.ofMinutes(-5), BODY), BODY))
        .isEqualTo(VerificationResult.OK);
    assertThat(verify(signedAt(Duration.ofMinutes(5), BODY), BODY))
        .isEqualTo(VerificationResult.OK);
  }

  @Test
  void rejectsStaleTimestamps() {
    assertThat(verify(signedAt(Duration.ofMinutes(-5).minusMillis(1), BODY), BODY))
        .isEqualTo(VerificationResult.STALE);
    assertThat(verify(signedAt(Duration.ofHours(-1), BODY), BODY))
        .isEqualTo(VerificationResult.STALE);
    assertThat(
            verify(
                new RequestSigner(SECRET, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).sign(BODY),
                BODY))
        .isEqualTo(VerificationResult.STALE);
  }

  @Test
  void rejectsTimestampsFromTheFuture() {
    assertThat(verify(signedAt(Duration.ofMinutes(5).plusMillis(1), BODY), BODY))
        .isEqualTo(VerificationResult.STALE);
    assertThat(verify(signedAt(Duration.ofDays(1), BODY), BODY))
        .isEqualTo(VerificationResult.STALE);
  }

  @Test
  void rejectsASecondsTimestampAsStale() {
    // A sender that used seconds by mistake is told so by STALE, not let through.
    String seconds = Long.toString(NOW.getEpochSecond());
    byte[] mac = new HmacSha256(SECRET.getBytes(StandardCharsets.UTF_8)).sign(seconds, BODY);

    assertThat(verifier.verify(seconds, HexFormat.of().formatHex(mac), BODY))
        .isEqualTo(VerificationResult.STALE);
  }

  @Test
  void rejectsTheLargestTimestampWithoutOverflow() {
    String max = Long.toString(Long.MAX_VALUE);
    byte[] mac = new HmacSha256(SECRET.getBytes(StandardCharsets.UTF_8)).sign(max, BODY);
    SignatureVerifier atNegativeTime =
        new SignatureVerifier(SECRET, Clock.fixed(Instant.ofEpochMilli(-1), ZoneOffset.UTC));

    assertThat(atNegativeTime.verify(max, HexFormat.of().formatHex(mac), BODY))
        .isEqualTo(VerificationResult.STALE);
  }

  @Test
  void honoursAConfiguredTolerance() {
    SignatureVerifier strict = new SignatureVerifier(SECRET, CLOCK, Duration.ofSeconds(30));
    RequestSignature oneMinuteOld = signedAt(Duration.ofMinutes(-1), BODY);
    RequestSignature tenSecondsOld = signedAt(Duration.ofSeconds(-10), BODY);

    assertThat(strict.verify(oneMinuteOld.timestamp(), oneMinuteOld.signature(), BODY))
        .isEqualTo(VerificationResult.STALE);
    assertThat(strict.verify(tenSecondsOld.timestamp(), tenSecondsOld.signature(), BODY))
        .isEqualTo(VerificationResult.OK);
  }

  @Test
  void checksTheSignatureBeforeTheAge() {
    RequestSignature oldAndForged =
        new RequestSigner("another-secret", Clock.offset(CLOCK, Duration.ofHours(-1))).sign(BODY);

    assertThat(verify(oldAndForged, BODY)).isEqualTo(VerificationResult.BAD_SIGNATURE);
  }

  @Test
  void reportsMissingHeaders() {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);

    assertThat(verifier.verify(null, signature.signature(), BODY))
        .isEqualTo(VerificationResult.MISSING);
    assertThat(verifier.verify(signature.timestamp(), null, BODY))
        .isEqualTo(VerificationResult.MISSING);
    assertThat(verifier.verify(null, null, BODY)).isEqualTo(VerificationResult.MISSING);
    assertThat(verifier.verify("", signature.signature(), BODY))
        .isEqualTo(VerificationResult.MISSING);
    assertThat(verifier.verify(signature.timestamp(), " ", BODY))
        .isEqualTo(VerificationResult.MISSING);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abc",
        "-1700000000000",
        "+1700000000000",
        "1700000000000.0",
        "1.7e12",
        "17000 00000000",
        "0x18BCFE56800",
        "１７００００００００００００",
        "99999999999999999999",
        "9223372036854775808",
        "2023-11-14T22:13:20Z",
      })
  void reportsMalformedTimestamps(String timestamp) {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);

    assertThat(verifier.verify(timestamp, signature.signature(), BODY))
        .isEqualTo(VerificationResult.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "xyz",
        "abc",
        "3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e670g",
        "sha256=3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704",
        "OqSPdOuDsLu2aQHWbewlgxRW0Jeb9uwFtLm7+8XmZwQ=",
        "3a a4",
      })
  void reportsMalformedSignatures(String signatureHeader) {
    RequestSignature signature = signedAt(Duration.ZERO, BODY);

    assertThat(verifier.verify(signature.timestamp(), signatureHeader, BODY))
        .isEqualTo(VerificationResult.MALFORMED);
  }

  @Test
  void onlyOkIsOk() {
    for (VerificationResult result : VerificationResult.values()) {
      assertThat(result.isOk()).isEqualTo(result == VerificationResult.OK);
    }
  }

  @Test
  void rejectsBadConfiguration() {
    assertThatThrownBy(() -> new SignatureVerifier(new byte[0], CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignatureVerifier("", CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignatureVerifier(" ", CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignatureVerifier(SECRET, CLOCK, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> new SignatureVerifier(SECRET, CLOCK, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> new SignatureVerifier(SECRET, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void toStringDoesNotRevealTheSecret() {
    assertThat(verifier.toString()).doesNotContain(SECRET).contains("PT5M");
  }
}
