package io.halfmsg.testsupport.rocketmq;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link EmbeddedRocketMq} for a test class. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static EmbeddedRocketMqExtension mq = new EmbeddedRocketMqExtension();
 *
 * @DynamicPropertySource
 * static void rocketmq(DynamicPropertyRegistry registry) {
 *   registry.add("rocketmq.name-server", mq::namesrvAddr);
 * }
 * }</pre>
 *
 * <p>{@code new EmbeddedRocketMqExtension()} gives the class its own broker, started before all its
 * tests (or earlier, on first use, e.g. when Spring reads {@code namesrvAddr} while building a
 * context) and stopped after all of them; stopping takes about three seconds. Spring keeps test
 * contexts cached after their class has finished, and their clients would go on talking to the
 * stopped broker: mark such classes {@code @DirtiesContext}, or use {@link #shared()}.
 *
 * <p>{@link #shared()} gives every class that asks for it the same broker, started on first use and
 * stopped when the JVM exits. It saves the start and stop per class; the price is that topics and
 * consumer groups outlive a class, so tests should use names of their own.
 */
public final class EmbeddedRocketMqExtension implements BeforeAllCallback, AfterAllCallback {

  private final boolean shared;
  private EmbeddedRocketMq perClass;

  /** A broker for this test class only. */
  public EmbeddedRocketMqExtension() {
    this(false);
  }

  private EmbeddedRocketMqExtension(boolean shared) {
    this.shared = shared;
  }

  /** The broker shared by all test classes of this JVM that use this form. */
  public static EmbeddedRocketMqExtension shared() {
    return new EmbeddedRocketMqExtension(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Start here rather than on first use so that a broker that cannot start fails the class setup.
    instance();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (shared) {
      return;
    }
    EmbeddedRocketMq stopping;
    synchronized (this) {
      stopping = perClass;
      perClass = null;
    }
    if (stopping != null) {
      stopping.stop();
    }
  }

  /** The running broker, started now if it is not yet. */
  public EmbeddedRocketMq instance() {
    if (shared) {
      return SharedEmbeddedRocketMq.get();
    }
    synchronized (this) {
      if (perClass == null) {
        perClass = EmbeddedRocketMq.start();
      }
      return perClass;
    }
  }

  /** See {@link EmbeddedRocketMq#namesrvAddr()}. */
  public String namesrvAddr() {
    return instance().namesrvAddr();
  }

  /** See {@link EmbeddedRocketMq#createTopic(String)}. */
  public void createTopic(String topic) {
    instance().createTopic(topic);
  }

  /** See {@link EmbeddedRocketMq#createTopic(String, int)}. */
  public void createTopic(String topic, int queues) {
    instance().createTopic(topic, queues);
  }
}
