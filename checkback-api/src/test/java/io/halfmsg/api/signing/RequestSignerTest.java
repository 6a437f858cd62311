package io.halfmsg.api.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestSignerTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
  private static final byte[] BODY = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

  @Test
  void matchesTheDocumentedExample() {
    // Also: printf '1700000000000\n{"a":1}' | openssl dgst -sha256 -hmac secret
    RequestSignature signature = new RequestSigner("secret", CLOCK).sign(BODY);

    assertThat(signature.timestamp()).isEqualTo("1700000000000");
    assertThat(signature.signature())
        .isEqualTo("3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704");
  }

  @Test
  void stringSecretIsItsUtf8Bytes() {
    String secret = "sécret-密钥";
    assertThat(new RequestSigner(secret, CLOCK).sign(BODY))
        .isEqualTo(new RequestSigner(secret.getBytes(StandardCharsets.UTF_8), CLOCK).sign(BODY));
  }

  @Test
  void timestampIsEpochMillisFromTheClock() {
    Clock later = Clock.offset(CLOCK, Duration.ofMillis(1234));

    assertThat(new RequestSigner("secret", later).sign(BODY).timestamp())
        .isEqualTo("1700000001234");
  }

  @Test
  void signatureIsLowerCaseHexOfHmacSha256() {
    assertThat(new RequestSigner("secret", CLOCK).sign(new byte[0]).signature())
        .matches("[0-9a-f]{64}");
  }

  @Test
  void differentBodiesTimestampsAndSecretsSignDifferently() {
    RequestSignature base = new RequestSigner("secret", CLOCK).sign(BODY);

    assertThat(
            new RequestSigner("secret", CLOCK)
                .sign("{\"a\":2}".getBytes(StandardCharsets.UTF_8))
                .signature())
        .isNotEqualTo(base.signature());
    assertThat(new RequestSigner("other", CLOCK).sign(BODY).signature())
        .isNotEqualTo(base.signature());
    assertThat(
            new RequestSigner("secret", Clock.offset(CLOCK, Duration.ofMillis(1)))
                .sign(BODY)
                .signature())
        .isNotEqualTo(base.signature());
  }

  @Test
  void secretBytesAreCopied() {
    byte[] secret = "secret".getBytes(StandardCharsets.UTF_8);
    RequestSigner signer = new RequestSigner(secret, CLOCK);
    secret[0] = 'X';

    assertThat(signer.sign(BODY).signature())
        .isEqualTo("3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704");
  }

  @Test
  void rejectsEmptySecrets() {
    assertThatThrownBy(() -> new RequestSigner(new byte[0], CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RequestSigner("", CLOCK))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RequestSigner("  \t", CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("\t");
    assertThatThrownBy(() -> new RequestSigner((String) null, CLOCK))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RequestSigner((byte[]) null, CLOCK))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void toStringDoesNotRevealTheSecret() {
    String secret = "very-secret-value";
    String text = new RequestSigner(secret, CLOCK).toString();

    assertThat(text).doesNotContain(secret).doesNotContain("very");
  }

  @Test
  void isSafeToShareBetweenThreads() throws Exception {
    RequestSigner signer = new RequestSigner("secret", CLOCK);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results =
          IntStream.range(0, 2_000)
              .mapToObj(i -> pool.submit(() -> signer.sign(BODY).signature()))
              .toList();
      for (Future<String> result : results) {
        assertThat(result.get())
            .isEqualTo("3aa48f74eb83b0bbb36901d66dec25831456d0979bf6ec805b4b9bbfbc5e6704");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
