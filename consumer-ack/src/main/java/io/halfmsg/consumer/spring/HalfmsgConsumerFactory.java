package io.halfmsg.consumer.spring;

import io.halfmsg.consumer.HalfmsgConsumer;
import io.halfmsg.consumer.LocalTransactions;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builds the {@link HalfmsgConsumer} of one consumer group as {@code halfmsg.consumer.*} configures
 * it: the one mapping of {@link HalfmsgConsumerProperties} onto {@link HalfmsgConsumer.Builder},
 * for {@link HalfmsgListener} methods and for integrations that bring their own listeners (such as
 * halfmsg-rocketmq-spring's {@code @RocketMQMessageListener} consumers).
 *
 * <p>Each consumer gets the broker, dedupe, thread, ack and attempt settings, the trust of {@code
 * halfmsg.consumer.ssl-bundle}, its subscriptions, and then the application's {@link
 * HalfmsgConsumerBuilderCustomizer}s in order (among them the auto-configuration's, which binds the
 * Micrometer registry).
 */
public final class HalfmsgConsumerFactory {

  private final HalfmsgConsumerProperties properties;
  private final SSLContext sslContext;
  private final ObjectProvider<HalfmsgConsumerBuilderCustomizer> customizers;

  private HalfmsgConsumerFactory(
      HalfmsgConsumerProperties properties,
      SSLContext sslContext,
      ObjectProvider<HalfmsgConsumerBuilderCustomizer> customizers) {
    this.properties = properties;
    this.sslContext = sslContext;
    this.customizers = customizers;
  }

  /**
   * @throws IllegalStateException naming {@code halfmsg.consumer.ssl-bundle} if it names no SSL
   *     bundle: resolved now, so that the application's start fails rather than its first consumer
   */
  public static HalfmsgConsumerFactory of(
      HalfmsgConsumerProperties properties,
      ObjectProvider<SslBundles> sslBundles,
      ObjectProvider<HalfmsgConsumerBuilderCustomizer> customizers) {
    SSLContext sslContext =
        properties.sslBundle() == null || properties.sslBundle().isBlank()
            ? null
            : SslBundleContexts.of(
                sslBundles, "halfmsg.consumer.ssl-bundle", properties.sslBundle());
    return new HalfmsgConsumerFactory(properties, sslContext, customizers);
  }

  public HalfmsgConsumerProperties properties() {
    return properties;
  }

  /**
   * @param namesrvAddr the RocketMQ name server(s) the group consumes from
   * @param transactions the transactions the dedupe row and the handlers' work share
   * @param subscriptions adds the group's subscriptions (and anything else of the caller's) before
   *     the customizers run
   */
  public HalfmsgConsumer create(
      String group,
      String namesrvAddr,
      LocalTransactions transactions,
      Consumer<HalfmsgConsumer.Builder> subscriptions) {
    HalfmsgConsumerProperties p = properties;
    HalfmsgConsumer.Builder b =
        HalfmsgConsumer.builder()
            .brokerUrls(p.brokerUrls())
            .token(p.token())
            .namesrvAddr(namesrvAddr)
            .consumerGroup(group)
            .transactions(transactions)
            .dedupeTable(p.dedupeTable())
            .autoCreateDedupeTable(p.autoCreateDedupeTable())
            .dedupeRetention(p.dedupeRetention())
            .dedupePurgeInterval(p.dedupePurgeInterval())
            .consumeThreads(p.consumeThreads())
            .consumeBatchSize(p.consumeBatchSize())
            .shutdownTimeout(p.shutdownTimeout())
            .requestTimeout(p.requestTimeout())
            .ackBatchSize(p.ack().batchSize())
            .ackMaxDelay(p.ack().maxDelay())
            .ackQueueCapacity(p.ack().queueCapacity());
    // Unset: the broker's defaults apply.
    if (p.ackTimeout() != null) {
      b.ackTimeout(p.ackTimeout());
    }
    if (p.maxAttempts() != null) {
      b.maxAttempts(p.maxAttempts());
    }
    if (sslContext != null) {
      b.sslContext(sslContext);
    }
    subscriptions.accept(b);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }
}
