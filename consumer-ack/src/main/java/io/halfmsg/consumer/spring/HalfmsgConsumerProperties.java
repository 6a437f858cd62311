package io.halfmsg.consumer.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the consumers behind {@link HalfmsgListener} methods.
 *
 * @param enabled whether @HalfmsgListener methods are consumed
 * @param brokerUrls base URLs of the halfmsg broker instances (comma-separated); acks and the
 *     subscription fail over from one to the next
 * @param token a consumer-role bearer token of the broker
 * @param sslBundle name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store
 *     verifies https broker URLs (and whose key store, if any, is this client's certificate); unset
 *     means the JVM's default trust store
 * @param namesrvAddr RocketMQ name server address(es); defaults to halfmsg.rocketmq.namesrv-addr
 * @param consumerGroup the consumer group of listeners that do not name one
 * @param ackTimeout how long the broker waits for an ack before sending again; unset means the
 *     broker's default (30 s)
 * @param maxAttempts sends before a delivery is DEAD; unset means the broker's default (16)
 * @param dedupeTable name of the dedupe table
 * @param autoCreateDedupeTable whether to create the dedupe table at start-up if it is missing
 * @param dedupeRetention delete the group's dedupe rows older than this; unset keeps them forever.
 *     Keep well beyond the broker's redelivery window and the time a DEAD delivery may wait for a
 *     replay
 * @param dedupePurgeInterval how often old dedupe rows are deleted when a retention is set
 * @param consumeThreads messages handled in parallel per consumer group
 * @param consumeBatchSize most messages of one RocketMQ pull applied in one local transaction (1 to
 *     1024; 1 is one transaction per message); a duplicate or a failure among them sends them one
 *     by one. 32 is what one pull brings with RocketMQ's defaults
 * @param shutdownTimeout how long shutdown waits for running handlers, then for the last acks
 * @param requestTimeout timeout of one HTTP request to the broker
 * @param ack batching of acks
 */
@ConfigurationProperties("halfmsg.consumer")
public record HalfmsgConsumerProperties(
    @DefaultValue("true") boolean enabled,
    List<String> brokerUrls,
    String token,
    String sslBundle,
    String namesrvAddr,
    String consumerGroup,
    Duration ackTimeout,
    Integer maxAttempts,
    @DefaultValue("halfmsg_consumed") String dedupeTable,
    @DefaultValue("false") boolean autoCreateDedupeTable,
    Duration dedupeRetention,
    @DefaultValue("1h") Duration dedupePurgeInterval,
    @DefaultValue("20") int consumeThreads,
    @DefaultValue("32") int consumeBatchSize,
    @DefaultValue("10s") Duration shutdownTimeout,
    @DefaultValue("5s") Duration requestTimeout,
    @DefaultValue Ack ack) {

  public HalfmsgConsumerProperties {
    brokerUrls = brokerUrls == null ? List.of() : List.copyOf(brokerUrls);
  }

  /**
   * Batching of acks to the broker.
   *
   * @param batchSize most acks per request (1 to 1000)
   * @param maxDelay longest an ack waits for others to share its request
   * @param queueCapacity most acks waiting to be sent; beyond it acks are dropped (and the messages
   *     redelivered later, then absorbed by the dedupe table)
   */
  public record Ack(
      @DefaultValue("200") int batchSize,
      @DefaultValue("20ms") Duration maxDelay,
      @DefaultValue("10000") int queueCapacity) {}
}
