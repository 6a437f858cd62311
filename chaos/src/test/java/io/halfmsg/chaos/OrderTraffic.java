package io.halfmsg.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The clients of order-service: orders offered at a steady rate from a pool of client threads,
 * faults or not, each with what the client saw of it, over {@link ChaosStack#PRODUCTS}, each
 * product a sharding key. Most orders are plain; some are refused by order-service's rules (an
 * unknown product, too many at once), some lose their commit call on purpose. An order offered
 * while all clients are stuck (order-service frozen) is not sent at all and counted as skipped, so
 * the backlog stays bounded.
 */
final class OrderTraffic implements AutoCloseable {

  /** What an order is meant to test. */
  enum Kind {
    PLAIN,
    /** order-service refuses it (422): its message must be rolled back, nothing deducted. */
    REFUSED,
    /** Committed locally, commit call never sent: check-back must commit it. */
    LOST_COMMIT,
    /** order-service halts right after the local commit: check-back must commit it. */
    PRODUCER_CRASH,
    /** repo-service halts right after applying it, before the ack: redelivered, deduped. */
    CONSUMER_CRASH
  }

  /** What the client saw. */
  enum Outcome {
    /** 201: the order exists. */
    ACCEPTED,
    /** 422: order-service refused it. */
    REFUSED,
    /** Any other answer (5xx while the database is down, say). */
    FAILED,
    /** No answer: connection refused or reset, or timed out. */
    NO_ANSWER
  }

  record Placed(String orderNo, Kind kind, Outcome outcome, int status) {}

  /**
   * Half of the orders go to these few products, so that their keys often have several messages in
   * flight at once (held behind a lost commit's check-back or a crashed consumer's redelivery); the
   * rest spread over all products.
   */
  private static final int HOT_PRODUCTS = 10;

  private final String orderServiceUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Map<String, Placed> placed = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong offered = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final ThreadPoolExecutor clients;
  private final ScheduledExecutorService pacer =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "chaos-pacer"));

  OrderTraffic(String orderServiceUrl, int clientThreads) {
    this.orderServiceUrl = orderServiceUrl;
    this.clients =
        new ThreadPoolExecutor(
            clientThreads,
            clientThreads,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(clientThreads),
            r -> new Thread(r, "chaos-client"),
            (task, pool) -> skipped.incrementAndGet());
  }

  /** Offers {@code perSecond} orders a second until {@link #stop()}. */
  void start(int perSecond) {
    pacer.scheduleAtFixedRate(
        () -> clients.execute(this::placeNext), 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
  }

  /** Stops offering orders and waits for those under way. */
  void stop() throws InterruptedException {
    pacer.shutdownNow();
    pacer.awaitTermination(10, TimeUnit.SECONDS);
    clients.shutdown();
    if (!clients.awaitTermination(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("Order clients still busy a minute after the traffic ended");
    }
  }

  private void placeNext() {
    long n = offered.incrementAndGet();
    Kind kind =
        n % 20 == 7 || n % 20 == 13 ? Kind.REFUSED : n % 25 == 3 ? Kind.LOST_COMMIT : Kind.PLAIN;
    place(kind);
  }

  /** Places one order of this kind now, on the caller's thread. */
  Placed place(Kind kind) {
    long n = sequence.incrementAndGet();
    String orderNo = (kind == Kind.CONSUMER_CRASH ? ChaosStack.CONSUMER_CRASH_PREFIX : "o-") + n;
    String product = kind == Kind.REFUSED && n % 2 == 0 ? "unicorn" : product();
    int quantity = kind == Kind.REFUSED && n % 2 == 1 ? 9 : 1 + (int) (n % 5);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(orderServiceUrl + "/orders"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"orderNo\":\""
                        + orderNo
                        + "\",\"product\":\""
                        + product
                        + "\",\"quantity\":"
                        + quantity
                        + "}"));
    if (kind == Kind.LOST_COMMIT) {
      request.header("X-Demo-Lose-Commit", "true");
    }
    if (kind == Kind.PRODUCER_CRASH) {
      request.header("X-Demo-Crash-After-Commit", "true");
    }
    Placed result;
    try {
      int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      Outcome outcome =
          status == 201 ? Outcome.ACCEPTED : status == 422 ? Outcome.REFUSED : Outcome.FAILED;
      result = new Placed(orderNo, kind, outcome, status);
    } catch (IOException e) {
      result = new Placed(orderNo, kind, Outcome.NO_ANSWER, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result = new Placed(orderNo, kind, Outcome.NO_ANSWER, 0);
    }
    placed.put(orderNo, result);
    if (result.outcome() == Outcome.ACCEPTED) {
      accepted.incrementAndGet();
    }
    return result;
  }

  private static String product() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<String> products = ChaosStack.PRODUCTS;
    return products.get(random.nextInt(random.nextBoolean() ? HOT_PRODUCTS : products.size()));
  }

  List<Placed> placed() {
    return List.copyOf(placed.values());
  }

  Set<String> orderNos(Outcome outcome) {
    return placed.values().stream()
        .filter(p -> p.outcome() == outcome)
        .map(Placed::orderNo)
        .collect(Collectors.toSet());
  }

  Set<String> orderNos(Kind kind, Outcome outcome) {
    return placed.values().stream()
        .filter(p -> p.kind() == kind && p.outcome() == outcome)
        .map(Placed::orderNo)
        .collect(Collectors.toSet());
  }

  /** How many orders order-service accepted so far. */
  long accepted() {
    return accepted.get();
  }

  /** Orders offered while every client was busy, never sent. */
  long skipped() {
    return skipped.get();
  }

  /** Kind → outcome → count. */
  Map<Kind, Map<Outcome, Long>> byKindAndOutcome() {
    Map<Kind, Map<Outcome, Long>> table = new EnumMap<>(Kind.class);
    for (Placed p : placed.values()) {
      table
          .computeIfAbsent(p.kind(), k -> new EnumMap<>(Outcome.class))
          .merge(p.outcome(), 1L, Long::sum);
    }
    return table;
  }

  @Override
  public void close() throws InterruptedException {
    pacer.shutdownNow();
    clients.shutdownNow();
  }
}
