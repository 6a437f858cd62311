package io.halfmsg.rocketmq.embedded;

import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * RocketMQ's own configuration objects of an {@link EmbeddedRocketMq} before it starts, for {@link
 * EmbeddedRocketMq.Builder#customize}. They already hold the embedded defaults, including the
 * builder's paths and ports; change only what is needed. The broker's name server address is set
 * after this, from the name server actually started.
 */
public final class RocketMqConfigs {

  private final RocketMqSettings settings;

  RocketMqConfigs(RocketMqSettings settings) {
    this.settings = settings;
  }

  /** The name server's settings. */
  public NamesrvConfig namesrv() {
    return settings.namesrvConfig;
  }

  /** The name server's listener; e.g. {@code setBindAddress("0.0.0.0")} to serve other hosts. */
  public NettyServerConfig namesrvServer() {
    return settings.namesrvServerConfig;
  }

  /** The broker's settings, e.g. {@code setBrokerClusterName} or {@code setAclEnable}. */
  public BrokerConfig broker() {
    return settings.brokerConfig;
  }

  /**
   * The broker's listener; e.g. {@code setBindAddress("0.0.0.0")} to serve other hosts, together
   * with {@code broker().setBrokerIP1(...)}, the address the broker gives clients.
   */
  public NettyServerConfig brokerServer() {
    return settings.brokerServerConfig;
  }

  /**
   * The message store's settings, e.g. {@code setTimerWheelEnable(true)} for messages with a
   * delivery time, or {@code setMessageDelayLevel} for shorter retry delays.
   */
  public MessageStoreConfig store() {
    return settings.storeConfig;
  }
}
