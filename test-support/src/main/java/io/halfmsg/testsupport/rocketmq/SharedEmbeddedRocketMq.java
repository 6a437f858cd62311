package io.halfmsg.testsupport.rocketmq;

import io.halfmsg.rocketmq.embedded.EmbeddedRocketMq;

/**
 * The one {@link EmbeddedRocketMq} per JVM behind {@link EmbeddedRocketMqExtension#shared()}.
 *
 * <p>It is stopped by a shutdown hook rather than at the end of a test class, because no single
 * class knows it is the last one to use it.
 */
final class SharedEmbeddedRocketMq {

  private static EmbeddedRocketMq instance;

  private SharedEmbeddedRocketMq() {}

  static synchronized EmbeddedRocketMq get() {
    if (instance == null) {
      EmbeddedRocketMq started = EmbeddedRocketMq.start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "embedded-rocketmq-shutdown"));
      instance = started;
    }
    return instance;
  }
}
