package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The halfmsg broker as operators run it: its executable jar in a JVM of its own, configured only
 * through the documented properties (datasource, name server, tokens, port, pool size, check-back
 * secret). Everything else is the broker's shipped default.
 */
final class BrokerProcess implements AutoCloseable {

  final String producerToken = "bench-producer-" + UUID.randomUUID();
  final String consumerToken = "bench-consumer-" + UUID.randomUUID();
  final String checkBackSecret = "bench-secret-" + UUID.randomUUID();

  private final ChildProcess child;
  private final String url;

  private BrokerProcess(BenchSettings s, BenchDatabases db, String namesrvAddr, Path pidFile) {
    if (!Files.isRegularFile(s.brokerJar())) {
      throw new IllegalStateException(
          "No broker jar at "
              + s.brokerJar()
              + ": build it (./mvnw -pl benchmarks -am package) or set -Dbench.brokerJar");
    }
    int port = JavaCommand.freePort();
    this.url = "http://127.0.0.1:" + port;
    List<String> command = JavaCommand.java(s, s.brokerXmx(), s.outputDir().resolve("broker.jfr"));
    command.addAll(
        List.of(
            "-jar",
            s.brokerJar().toString(),
            "--server.port=" + port,
            "--spring.datasource.url=" + db.brokerUrl(),
            "--spring.datasource.username=" + db.user(),
            "--spring.datasource.password=" + db.password(),
            "--spring.datasource.hikari.maximum-pool-size=" + s.brokerPool(),
            "--halfmsg.rocketmq.namesrv-addr=" + namesrvAddr,
            "--halfmsg.auth.producer-tokens=" + producerToken,
            "--halfmsg.auth.consumer-tokens=" + consumerToken,
            "--halfmsg.check-back.default-secret=" + checkBackSecret));
    this.child =
        ChildProcess.start(
            "broker", command, s.outputDir().resolve("broker.log"), pidFile, l -> null);
  }

  /**
   * Starts the broker; {@link #awaitHealthy()} waits until it serves. The name server need not be
   * up yet: the broker's RocketMQ client connects on first use.
   */
  static BrokerProcess launch(
      BenchSettings s, BenchDatabases db, String namesrvAddr, Path pidFile) {
    return new BrokerProcess(s, db, namesrvAddr, pidFile);
  }

  String url() {
    return url;
  }

  long pid() {
    return child.pid();
  }

  /** Waits until the health endpoint answers UP. */
  void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest health = HttpRequest.newBuilder(URI.create(url + "/actuator/health")).build();
    await("the halfmsg broker at " + url + " to report UP (log: broker.log)")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(250))
        .failFast("the broker process ended", () -> !child.isAlive())
        .until(
            () -> {
              try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"UP\"");
              } catch (IOException e) {
                return false;
              }
            });
  }

  @Override
  public void close() {
    child.close();
  }
}
