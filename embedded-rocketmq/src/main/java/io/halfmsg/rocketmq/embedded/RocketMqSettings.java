package io.halfmsg.rocketmq.embedded;

import java.nio.file.Path;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * The configuration objects of one embedded name server and broker, with defaults chosen for tests
 * on a small machine: everything under one directory, loopback only, small files, few threads, and
 * the features halfmsg does not use switched off.
 */
final class RocketMqSettings {

  /** Loopback only: test brokers must never be reachable from outside the machine. */
  static final String HOST = "127.0.0.1";

  /**
   * 64 MiB instead of 1 GiB: the commit log is memory-mapped, so its size is reserved address space
   * and disk, times the number of brokers a test JVM runs.
   */
  private static final int COMMIT_LOG_FILE_SIZE = 64 * 1024 * 1024;

  /** Entries per consume-queue file (20 bytes each) instead of 300,000. */
  private static final int CONSUME_QUEUE_ENTRIES = 50_000;

  /** The message index (lookup by key) shrunk from about 400 MiB per file to about 2 MiB. */
  private static final int INDEX_ENTRIES = 80_000;

  private static final int INDEX_HASH_SLOTS = 20_000;

  private static final int FEW_THREADS = 4;

  final NamesrvConfig namesrvConfig = new NamesrvConfig();
  final NettyServerConfig namesrvServerConfig = new NettyServerConfig();
  final NettyClientConfig namesrvClientConfig = new NettyClientConfig();
  final BrokerConfig brokerConfig = new BrokerConfig();
  final NettyServerConfig brokerServerConfig = new NettyServerConfig();
  final NettyClientConfig brokerClientConfig = new NettyClientConfig();
  final MessageStoreConfig storeConfig = new MessageStoreConfig();

  /**
   * None: the embedded broker authenticates nobody. A broker.conf may bring one ({@link
   * BrokerConf}).
   */
  AuthConfig authConfig;

  RocketMqSettings(
      Path baseDir, String brokerName, int namesrvPort, int brokerPort, boolean autoCreateTopics) {
    configureNamesrv(baseDir.resolve("namesrv"), namesrvPort);
    configureBroker(baseDir.resolve("broker"), brokerName, brokerPort, autoCreateTopics);
    configureStore(baseDir.resolve("store"), brokerPort);
  }

  private void configureNamesrv(Path dir, int port) {
    // The defaults point into the user's home directory, which tests must not touch.
    namesrvConfig.setKvConfigPath(dir.resolve("kvConfig.json").toString());
    namesrvConfig.setConfigStorePath(dir.resolve("namesrv.properties").toString());
    namesrvConfig.setDefaultThreadPoolNums(FEW_THREADS);
    namesrvConfig.setClientRequestThreadPoolNums(FEW_THREADS);
    // The name server's own client probes the name server at the machine's external address every
    // few seconds; it is only needed for the controller mode, and a loopback-only server refuses
    // it.
    namesrvClientConfig.setScanAvailableNameSrv(false);
    loopbackServer(namesrvServerConfig, port);
  }

  private void configureBroker(Path dir, String brokerName, int port, boolean autoCreateTopics) {
    brokerConfig.setBrokerName(brokerName);
    brokerConfig.setBrokerIP1(HOST);
    brokerConfig.setBrokerIP2(HOST);
    brokerConfig.setBrokerConfigPath(dir.resolve("broker.properties").toString());
    brokerConfig.setAutoCreateTopicEnable(autoCreateTopics);
    brokerConfig.setAutoCreateSubscriptionGroup(true);
    // halfmsg does its own check-back; RocketMQ's transaction check has nothing to do here.
    brokerConfig.setTransactionCheckInterval(60 * 60 * 1000L);
    brokerConfig.setAclEnable(false);
    brokerConfig.setTraceOn(false);
    brokerConfig.setEnableDetailStat(false);
    brokerConfig.setAccountStatsEnable(false);
    // Pop consumption (the 5.x proxy's model) is unused: its eight revive threads and merge thread
    // would only poll, and take seconds to stop.
    brokerConfig.setPopConsumerFSServiceInit(false);
    brokerConfig.setPullMessageThreadPoolNums(FEW_THREADS);
    brokerConfig.setLitePullMessageThreadPoolNums(FEW_THREADS);
    brokerConfig.setAckMessageThreadPoolNums(FEW_THREADS);
    brokerConfig.setProcessReplyMessageThreadPoolNums(FEW_THREADS);
    brokerConfig.setQueryMessageThreadPoolNums(FEW_THREADS);
    brokerConfig.setAdminBrokerThreadPoolNums(FEW_THREADS);
    brokerConfig.setClientManageThreadPoolNums(FEW_THREADS);
    brokerConfig.setConsumerManageThreadPoolNums(FEW_THREADS);
    brokerConfig.setLoadBalanceProcessorThreadPoolNums(FEW_THREADS);
    brokerConfig.setEndTransactionThreadPoolNums(FEW_THREADS);
    loopbackServer(brokerServerConfig, port);
  }

  private void configureStore(Path dir, int brokerPort) {
    storeConfig.setStorePathRootDir(dir.toString());
    storeConfig.setStorePathCommitLog(dir.resolve("commitlog").toString());
    storeConfig.setMappedFileSizeCommitLog(COMMIT_LOG_FILE_SIZE);
    storeConfig.setMappedFileSizeConsumeQueue(CONSUME_QUEUE_ENTRIES * 20);
    storeConfig.setMaxIndexNum(INDEX_ENTRIES);
    storeConfig.setMaxHashSlotNum(INDEX_HASH_SLOTS);
    // The timer wheel (arbitrary delivery times) maps another 100 MiB and runs six threads;
    // retries with delay levels work without it.
    storeConfig.setTimerWheelEnable(false);
    // A nearly full disk on a CI machine must not turn into "disk full" send failures.
    storeConfig.setDiskMaxUsedSpaceRatio(95);
    storeConfig.setDiskSpaceWarningLevelRatio(98);
    storeConfig.setDiskSpaceCleanForciblyRatio(97);
    // RocketMQ's default places HA one above the broker port; 0 lets the OS choose.
    storeConfig.setHaListenPort(brokerPort == 0 ? 0 : brokerPort + 1);
  }

  private static void loopbackServer(NettyServerConfig config, int port) {
    config.setBindAddress(HOST);
    config.setListenPort(port);
    config.setServerWorkerThreads(FEW_THREADS);
    config.setServerSelectorThreads(2);
  }
}
