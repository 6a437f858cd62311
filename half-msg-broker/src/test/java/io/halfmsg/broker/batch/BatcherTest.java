package io.halfmsg.broker.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BatcherTest {

  @Test
  void aHandlerThatThrowsAnErrorDoesNotStopTheDrainThread() {
    List<String> handled = new CopyOnWriteArrayList<>();
    try (Batcher<String> batcher =
        new Batcher<>(
            "test-batcher",
            100,
            10,
            1,
            batch -> {
              if (batch.contains("poison")) {
                throw new AssertionError("an Error, not an exception (on purpose)");
              }
              handled.addAll(batch);
            })) {
      assertThat(batcher.offer("poison")).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> batcher.failures() == 1);

      assertThat(batcher.offer("next")).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> handled.contains("next"));
    }
  }

  @Test
  void aUnitIsHandledWholeInOneBatch() {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    try (Batcher<String> batcher = new Batcher<>("test-batcher", 100, 2, 1, batches::add)) {
      assertThat(batcher.offerAll(List.of("a", "b", "c"))).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> !batches.isEmpty());
      assertThat(batches.get(0)).containsExactly("a", "b", "c");
    }
  }
}
