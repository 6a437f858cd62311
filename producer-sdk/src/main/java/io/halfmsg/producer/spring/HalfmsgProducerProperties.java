package io.halfmsg.producer.spring;

import io.halfmsg.producer.HalfmsgProducer;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the halfmsg producer ({@code halfmsg.producer.*}). The auto-configuration is active
 * when {@code broker-urls} is set.
 *
 * @param brokerUrls Base URLs of the halfmsg broker instances (comma-separated). Calls fail over
 *     from one to the next.
 * @param token Producer-role bearer token of the broker. Never logged.
 * @param sslBundle Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust store
 *     verifies https broker URLs (and whose key store, if any, is this client's certificate).
 *     Unset: the JVM's default trust store.
 * @param producerGroup Producer group: the instances of one service share it and answer its
 *     check-backs.
 * @param connectTimeout TCP connect timeout of calls to the broker.
 * @param requestTimeout Whole-request timeout of one call to the broker.
 * @param prepareAttempts How often a prepare is tried (each time on every broker URL) before the
 *     send fails.
 * @param endTransactionRetryTimeout How long a commit or rollback that no broker answered is
 *     retried in the background. Afterwards the broker's check-back decides.
 * @param decisionMode ASYNC (default): a commit or rollback is queued and sent in the background
 *     with other threads' decisions; SYNC: sendInTransaction waits for the broker's answer.
 *     HalfmsgTemplate always sends them after the transaction completes, in the background.
 * @param maxBatchSize The most prepares, or commits and rollbacks, one request carries (default
 *     100). Concurrent sends share requests; a lone one is sent at once.
 * @param maxRequestsInFlight How many prepare requests, and as many decision requests, may be under
 *     way at once (default 4).
 * @param queueCapacity How many commits and rollbacks may wait for the broker (default 10000);
 *     beyond that they are left to check-back, so memory stays bounded in a broker outage.
 * @param checkBack Check-back endpoint of this application.
 * @param barrier Barrier table behind automatic check-back.
 */
@ConfigurationProperties("halfmsg.producer")
public record HalfmsgProducerProperties(
    List<String> brokerUrls,
    String token,
    String sslBundle,
    String producerGroup,
    @DefaultValue("2s") Duration connectTimeout,
    @DefaultValue("5s") Duration requestTimeout,
    @DefaultValue("3") int prepareAttempts,
    @DefaultValue("5m") Duration endTransactionRetryTimeout,
    // No defaults here: unset means the builder's own (one home for each default).
    HalfmsgProducer.DecisionMode decisionMode,
    Integer maxBatchSize,
    Integer maxRequestsInFlight,
    Integer queueCapacity,
    @DefaultValue CheckBack checkBack,
    @DefaultValue Barrier barrier) {

  public HalfmsgProducerProperties {
    brokerUrls = brokerUrls == null ? List.of() : List.copyOf(brokerUrls);
  }

  @Override
  public String toString() {
    return "HalfmsgProducerProperties[brokerUrls="
        + brokerUrls
        + ", token=<redacted>, sslBundle="
        + sslBundle
        + ", producerGroup="
        + producerGroup
        + ", checkBack="
        + checkBack
        + ", barrier="
        + barrier
        + "]";
  }

  /**
   * The check-back endpoint: served by Spring MVC in a servlet web application, by a small built-in
   * HTTP server otherwise, and registered with the broker by heartbeat.
   *
   * @param enabled Whether to serve check-backs and register the endpoint with the broker.
   * @param secret Check-back signing secret of the producer group, as configured on the broker
   *     (halfmsg.check-back.secrets.GROUP). Required when enabled. Never logged.
   * @param path Path of the endpoint, below the servlet context path and DispatcherServlet path.
   * @param url URL to register with the broker, when the broker must reach this instance at another
   *     address than the derived one (http://HOST:SERVER_PORT/CONTEXT_PATH/PATH; https:// when the
   *     server has TLS, server.ssl.*).
   * @param host Host name or IP address in the derived URL. Default: the address of this machine.
   * @param port Port of the built-in check-back server of applications without Spring MVC (0: any
   *     free port).
   * @param instanceId Id of this instance in the broker's endpoint records, e.g. a pod name.
   * @param heartbeatInterval How often the endpoint is registered again. Never less often than a
   *     third of the broker's endpoint TTL.
   */
  public record CheckBack(
      @DefaultValue("true") boolean enabled,
      String secret,
      @DefaultValue("/halfmsg/check-back") String path,
      String url,
      String host,
      @DefaultValue("0") int port,
      String instanceId,
      @DefaultValue("10s") Duration heartbeatInterval) {

    @Override
    public String toString() {
      return "CheckBack[enabled="
          + enabled
          + ", secret=<redacted>, path="
          + path
          + ", url="
          + url
          + ", heartbeatInterval="
          + heartbeatInterval
          + "]";
    }
  }

  /**
   * The barrier table: written by {@code HalfmsgTemplate} in each sending transaction, read by the
   * automatic check-back.
   *
   * @param enabled Whether to set up the barrier table, HalfmsgTemplate and the barrier's
   *     check-back (with a single DataSource). Off for applications whose check-backs are answered
   *     otherwise (their own TransactionChecker, a RocketMQ transaction listener), which then need
   *     no barrier table.
   * @param table Name of the barrier table.
   * @param autoCreate Whether to create the table at start-up if it is missing. Otherwise it must
   *     exist: the DDL is classpath:io/halfmsg/producer/barrier/halfmsg_barrier-mysql.sql.
   * @param lockWaitTimeout How long a check-back waits for a local transaction that is still open
   *     before answering UNKNOWN. Whole seconds; keep it below the broker's check-back request
   *     timeout.
   * @param purge Deleting rows the broker can no longer ask about.
   */
  public record Barrier(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("halfmsg_barrier") String table,
      @DefaultValue("false") boolean autoCreate,
      @DefaultValue("3s") Duration lockWaitTimeout,
      @DefaultValue Purge purge) {}

  /**
   * Deleting old barrier rows ({@code BarrierPurger}).
   *
   * @param enabled Whether each producer instance deletes old rows of the barrier table.
   * @param retention How long rows are kept. The broker's check-backs end about 7 hours after a
   *     prepare with its default policies; keep well beyond its check-back window.
   * @param interval How often old rows are deleted.
   */
  public record Purge(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("7d") Duration retention,
      @DefaultValue("1h") Duration interval) {}
}
