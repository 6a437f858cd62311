package io.halfmsg.producer.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP proxy in front of the broker that loses what a test tells it to: the network between a
 * producer and its broker, failing in the two ways that matter — a request that never arrives, and
 * an answer that never comes back although the broker acted on the request.
 */
public final class FaultyProxy implements AutoCloseable {

  /** What happens to one request. */
  public enum Fault {
    /** Passed on, answer passed back. */
    NONE,
    /** Passed on and acted on by the broker, but the answer is lost: the connection closes. */
    LOSE_ANSWER,
    /** Never reaches the broker: the connection closes. */
    LOSE_REQUEST,
    /**
     * Never reaches the broker: answered 503 with {@code Retry-After: 1}, as an overloaded one
     * does.
     */
    OVERLOADED,
    /** Never reaches the broker: answered 404, as a broker without that endpoint does. */
    NO_SUCH_ENDPOINT
  }

  /** One request the proxy saw, and what it did with it. */
  public record Seen(String method, String path, Fault fault, int upstreamStatus) {}

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade", "expect");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile Function<Seen, Fault> rule = request -> Fault.NONE;

  public FaultyProxy(String targetBaseUrl) throws IOException {
    this.target = URI.create(targetBaseUrl);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Decides each request's fault from its method and path (the {@code Seen} has no status yet). */
  public void rule(Function<Seen, Fault> rule) {
    this.rule = rule;
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public List<Seen> seen(String method, String pathSuffix) {
    return seen.stream()
        .filter(s -> s.method().equals(method) && s.path().endsWith(pathSuffix))
        .toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      Fault fault = rule.apply(new Seen(method, path, Fault.NONE, 0));
      if (fault == Fault.LOSE_REQUEST) {
        seen.add(new Seen(method, path, fault, 0));
        return; // closing without an answer closes the connection
      }
      if (fault == Fault.NO_SUCH_ENDPOINT) {
        seen.add(new Seen(method, path, fault, 404));
        exchange.getRequestBody().readAllBytes();
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (fault == Fault.OVERLOADED) {
        seen.add(new Seen(method, path, fault, 503));
        exchange.getRequestBody().readAllBytes();
        byte[] problem = "{\"type\":\"urn:halfmsg:problem:overloaded\",\"status\":503}".getBytes();
        exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
        exchange.getResponseHeaders().set("Retry-After", "1");
        exchange.sendResponseHeaders(503, problem.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(problem);
        }
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()))
              .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> answer;
      try {
        answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      seen.add(new Seen(method, path, fault, answer.statusCode()));
      if (fault == Fault.LOSE_ANSWER) {
        return;
      }
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
