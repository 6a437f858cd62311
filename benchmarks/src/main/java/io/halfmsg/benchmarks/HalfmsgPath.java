package io.halfmsg.benchmarks;

import static org.awaitility.Awaitility.await;

import io.halfmsg.api.RocketMqHeaders;
import io.halfmsg.benchmarks.HotPathBenchmark.Result;
import io.halfmsg.broker.HalfMsgBrokerApplication;
import io.halfmsg.testsupport.db.TestDatabase;
import io.halfmsg.testsupport.rocketmq.EmbeddedRocketMq;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * halfmsg's hot path over real HTTP: prepare, the local transaction, commit; the broker forwards to
 * RocketMQ; a consumer receives and acks in batches, as the consumer-ack library does.
 */
final class HalfmsgPath implements AutoCloseable {

  private static final String TOPIC = "bench_halfmsg";
  private static final String GROUP = "bench_halfmsg_consumer";
  private static final String PRODUCER_TOKEN = "bench-producer";
  private static final String CONSUMER_TOKEN = "bench-consumer";

  private final ConfigurableApplicationContext broker;
  private final LocalTransactions local;
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          // Responses are completed on the client's selector thread instead of being handed to a
          // pool thread each: the handlers here (ofString, discarding) never block, and the
          // hand-offs cost the JVM under test about a tenth of its CPU.
          .executor(Runnable::run)
          .build();
  private final DefaultMQPushConsumer consumer;
  private final ExecutorService senders;
  private final ExecutorService committers;
  private final int threads;
  private final AtomicInteger received = new AtomicInteger();
  private final Semaphore commitsInFlight = new Semaphore(256);
  private final LongAdder prepareNanos = new LongAdder();
  private final LongAdder localNanos = new LongAdder();
  private final AtomicInteger acked = new AtomicInteger();
  private final BlockingQueue<String> acks = new ArrayBlockingQueue<>(1_000_000);
  private final Thread ackSender;

  HalfmsgPath(EmbeddedRocketMq mq, TestDatabase brokerDb, LocalTransactions local, int threads)
      throws Exception {
    this.local = local;
    this.threads = threads;
    mq.createTopic(TOPIC);
    broker =
        new SpringApplicationBuilder(HalfMsgBrokerApplication.class)
            .run(
                "--server.port=0",
                "--spring.datasource.url=" + brokerDb.jdbcUrl(),
                "--spring.datasource.username=" + brokerDb.user(),
                "--spring.datasource.password=" + brokerDb.password(),
                "--halfmsg.rocketmq.namesrv-addr=" + mq.namesrvAddr(),
                "--halfmsg.auth.producer-tokens=" + PRODUCER_TOKEN,
                "--halfmsg.auth.consumer-tokens=" + CONSUMER_TOKEN,
                "--logging.level.root=WARN");
    baseUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) broker).getWebServer().getPort();
    send(
        "PUT",
        "/api/v1/subscriptions/" + GROUP,
        CONSUMER_TOKEN,
        "{\"topics\":[\"" + TOPIC + "\"],\"ackTimeoutMs\":600000}");
    consumer = new DefaultMQPushConsumer(GROUP);
    consumer.setNamesrvAddr(mq.namesrvAddr());
    consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
    consumer.subscribe(TOPIC, "*");
    consumer.registerMessageListener(
        (MessageListenerConcurrently)
            (msgs, ctx) -> {
              for (MessageExt m : msgs) {
                acks.add(m.getUserProperty(RocketMqHeaders.MESSAGE_ID));
              }
              received.addAndGet(msgs.size());
              return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
    consumer.start();
    ackSender = new Thread(this::sendAcks, "bench-acks");
    ackSender.setDaemon(true);
    ackSender.start();
    senders = Executors.newFixedThreadPool(threads);
    committers = Executors.newFixedThreadPool(threads);
  }

  List<Result> run(int messages) throws Exception {
    received.set(0);
    acked.set(0);
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(threads);
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      senders.execute(
          () -> {
            try {
              while (next.getAndIncrement() < messages) {
                sendInTransaction();
              }
            } finally {
              done.countDown();
            }
          });
    }
    done.await();
    await()
        .atMost(5, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> received.get() >= messages);
    double consumed = (System.nanoTime() - start) / 1e9;
    await()
        .atMost(5, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(2))
        .until(() -> acked.get() >= messages);
    double ackedAt = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "halfmsg mean per message: prepare %.2f ms, local tx %.2f ms%n",
        prepareNanos.sumThenReset() / 1e6 / messages, localNanos.sumThenReset() / 1e6 / messages);
    return List.of(
        new Result("halfmsg: prepare → local tx → commit → consumed", messages, consumed),
        new Result("halfmsg: … → consumed → acked (end to end)", messages, ackedAt));
  }

  private void sendInTransaction() {
    String id = UUID.randomUUID().toString();
    String body =
        "{\"messageId\":\""
            + id
            + "\",\"producerGroup\":\"bench_producer\",\"topic\":\""
            + TOPIC
            + "\",\"tag\":\"deduct\",\"keys\":\""
            + id
            + "\",\"body\":\"{\\\"sku\\\":\\\"p-1\\\",\\\"count\\\":1}\"}";
    long t0 = System.nanoTime();
    require(send("POST", "/api/v1/messages", PRODUCER_TOKEN, body), 201);
    long t1 = System.nanoTime();
    local.insertOrder(id);
    prepareNanos.add(t1 - t0);
    localNanos.add(System.nanoTime() - t1);
    // Like RocketMQ's producer, which sends END_TRANSACTION one-way, and like halfmsg's SDK, the
    // producer does not wait for the commit: check-back covers a lost one.
    // Blocking sends on a pool rather than HttpClient.sendAsync: sendAsync hands every response to
    // CompletableFuture's default executor, which on a machine with fewer than 3 cores starts a new
    // thread per task, one thread per commit.
    commitsInFlight.acquireUninterruptibly();
    committers.execute(
        () -> {
          try {
            http.send(
                request("POST", "/api/v1/messages/" + id + "/commit", PRODUCER_TOKEN, ""),
                HttpResponse.BodyHandlers.discarding());
          } catch (IOException e) {
            // Like a lost one-way END_TRANSACTION: check-back would settle it.
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            commitsInFlight.release();
          }
        });
  }

  private void sendAcks() {
    List<String> batch = new ArrayList<>();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        batch.add(acks.take());
        acks.drainTo(batch, 499);
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < batch.size(); i++) {
          json.append(i == 0 ? "" : ",")
              .append("{\"messageId\":\"")
              .append(batch.get(i))
              .append("\",\"consumerGroup\":\"")
              .append(GROUP)
              .append("\"}");
        }
        require(send("POST", "/api/v1/acks", CONSUMER_TOKEN, json.append(']').toString()), 200);
        acked.addAndGet(batch.size());
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private HttpRequest request(String method, String path, String token, String body) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> send(String method, String path, String token, String body) {
    try {
      return http.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void require(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(response.statusCode() + " " + response.body());
    }
  }

  @Override
  public void close() {
    senders.shutdownNow();
    committers.shutdownNow();
    ackSender.interrupt();
    consumer.shutdown();
    broker.close();
  }
}
