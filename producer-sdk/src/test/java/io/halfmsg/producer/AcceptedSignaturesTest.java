package io.halfmsg.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.halfmsg.api.TransactionState;
import io.halfmsg.api.signing.RequestSignature;
import io.halfmsg.api.signing.RequestSigner;
import io.halfmsg.producer.AcceptedSignatures.Outcome;
import io.halfmsg.producer.testing.ScriptedChecker;
import io.halfmsg.testsupport.time.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The memory that lets the check-back handler refuse replays: what it keeps, and for how long. */
@ExtendWith(OutputCaptureExtension.class)
class AcceptedSignaturesTest {

  private static final Duration TOLERANCE = Duration.ofMinutes(5);
  private static final String SECRET = "accepted-signatures-test-secret";

  private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));

  @Test
  void aSignatureIsAcceptedOnceWhileItsTimestampIsInTheWindow() {
    AcceptedSignatures memory = new AcceptedSignatures(clock, TOLERANCE, 10);
    long now = clock.millis();

    assertThat(memory.remember("aa", now)).isEqualTo(Outcome.FIRST);
    assertThat(memory.remember("aa", now)).isEqualTo(Outcome.REPLAY);
    assertThat(memory.remember("bb", now)).isEqualTo(Outcome.FIRST);
    clock.advance(TOLERANCE);
    assertThat(memory.remember("aa", now))
        .as("still acceptable to the verifier")
        .isEqualTo(Outcome.REPLAY);
    assertThat(memory.size()).isEqualTo(2);
  }

  @Test
  void entriesAreForgottenOnlyOnceTheirTimestampLeftTheWindow() {
    AcceptedSignatures memory = new AcceptedSignatures(clock, TOLERANCE, 10);
    long now = clock.millis();
    memory.remember("past", now - 60_000);
    memory.remember("present", now);
    // Up to the tolerance ahead of this clock is accepted too, so it must be kept that much longer.
    memory.remember("future", now + TOLERANCE.toMillis());

    clock.advance(TOLERANCE.minusMinutes(1).plusMillis(1));
    memory.remember("trigger-1", clock.millis());
    assertThat(memory.size()).as("past left the window").isEqualTo(3);

    clock.advance(Duration.ofMinutes(1));
    memory.remember("trigger-2", clock.millis());
    assertThat(memory.size()).as("present left it too").isEqualTo(3);
    assertThat(memory.remember("future", now + TOLERANCE.toMillis())).isEqualTo(Outcome.REPLAY);

    clock.advance(TOLERANCE.plusMinutes(5));
    assertThat(memory.remember("trigger-3", clock.millis())).isEqualTo(Outcome.FIRST);
    assertThat(memory.size()).as("only the last one").isEqualTo(1);
  }

  @Test
  void whenFullOfFreshEntriesItRefusesNewOnesRatherThanForgettingAndSaysSo(CapturedOutput log) {
    AcceptedSignatures memory = new AcceptedSignatures(clock, TOLERANCE, 2);
    long now = clock.millis();
    memory.remember("a", now);
    memory.remember("b", now);

    assertThat(memory.remember("c", now)).isEqualTo(Outcome.FULL);
    assertThat(memory.remember("d", now)).isEqualTo(Outcome.FULL);
    assertThat(memory.remember("a", now)).as("its entries are kept").isEqualTo(Outcome.REPLAY);
    assertThat(log.getOut())
        .contains("WARN")
        .contains("2 check-back signatures")
        .containsOnlyOnce("refusing new check-backs");

    clock.advance(TOLERANCE.plusMillis(1));
    assertThat(memory.remember("c", clock.millis())).isEqualTo(Outcome.FIRST);
    assertThat(log.getOut()).contains("accepting check-backs again after refusing 2");
  }

  @Test
  void theHandlerAnswersAFullMemoryWith503AndAReplayWith401() {
    HalfmsgProducer producer =
        HalfmsgProducer.builder()
            .brokerUrls("http://127.0.0.1:1")
            .token("t")
            .producerGroup("order-service")
            .build();
    try (producer) {
      CheckBackHandler handler =
          new CheckBackHandler(
              producer, SECRET, new ScriptedChecker(TransactionState.COMMIT), clock, 1);
      byte[] first = body("m-1");
      byte[] second = body("m-2");
      RequestSignature s1 = new RequestSigner(SECRET, clock).sign(first);
      RequestSignature s2 = new RequestSigner(SECRET, clock).sign(second);

      assertThat(handler.handle(s1.timestamp(), s1.signature(), first).status()).isEqualTo(200);
      assertThat(handler.handle(s1.timestamp(), s1.signature(), first).status()).isEqualTo(401);
      CheckBackHandler.Reply full = handler.handle(s2.timestamp(), s2.signature(), second);
      assertThat(full.status()).isEqualTo(503);
      assertThat(new String(full.body(), StandardCharsets.UTF_8)).contains("replay-memory-full");

      clock.advance(TOLERANCE.plusMillis(1));
      RequestSignature later = new RequestSigner(SECRET, clock).sign(second);
      assertThat(handler.handle(later.timestamp(), later.signature(), second).status())
          .isEqualTo(200);
    }
  }

  private static byte[] body(String messageId) {
    return ("{\"messageId\":\"" + messageId + "\",\"producerGroup\":\"order-service\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
