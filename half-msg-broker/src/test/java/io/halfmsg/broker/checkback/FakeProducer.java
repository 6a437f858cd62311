package io.halfmsg.broker.checkback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.halfmsg.api.signing.SignatureHeaders;
import io.halfmsg.api.signing.SignatureVerifier;
import io.halfmsg.api.signing.VerificationResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A producer's check-back endpoint over real HTTP, as a test scripts it: it verifies the broker's
 * signature like a real producer, records every call, and answers whatever the script says.
 */
public final class FakeProducer implements AutoCloseable {

  /** What to send back: a status, headers and a raw body, optionally after a pause. */
  public record Reply(int status, Map<String, String> headers, String body, Runnable before) {
    public static Reply state(String state) {
      return raw(200, "{\"state\":\"" + state + "\"}");
    }

    static Reply raw(int status, String body) {
      return new Reply(status, Map.of(), body, () -> {});
    }

    static Reply redirect(String location) {
      return new Reply(302, Map.of("Location", location), "", () -> {});
    }

    Reply after(Runnable pause) {
      return new Reply(status, headers, body, pause);
    }
  }

  /** One check-back the broker made, with the Host header it came with and its whole body. */
  public record Call(
      String messageId,
      int checkCount,
      Instant at,
      VerificationResult signature,
      String host,
      JsonNode request) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final SignatureVerifier verifier;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> callsPerMessage = new ConcurrentHashMap<>();
  private volatile Function<Call, Reply> script = call -> Reply.state("COMMIT");

  public FakeProducer(String secret) throws IOException {
    this.verifier = new SignatureVerifier(secret, Clock.systemUTC());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/halfmsg/check-back", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + port() + "/halfmsg/check-back";
  }

  int port() {
    return server.getAddress().getPort();
  }

  public void answer(Function<Call, Reply> script) {
    this.script = script;
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> callsFor(String messageId) {
    return calls.stream().filter(c -> c.messageId().equals(messageId)).toList();
  }

  Map<String, Integer> callsPerMessage() {
    return Map.copyOf(callsPerMessage);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      VerificationResult signature =
          verifier.verify(
              exchange.getRequestHeaders().getFirst(SignatureHeaders.TIMESTAMP),
              exchange.getRequestHeaders().getFirst(SignatureHeaders.SIGNATURE),
              body);
      // Whatever arrives is recorded, even a body that is not a check-back (a followed redirect).
      JsonNode request;
      try {
        request = body.length == 0 ? JSON.missingNode() : JSON.readTree(body);
      } catch (IOException e) {
        request = JSON.missingNode();
      }
      Call call =
          new Call(
              request.path("messageId").asText(),
              request.path("checkCount").asInt(-1),
              Instant.now(),
              signature,
              exchange.getRequestHeaders().getFirst("Host"),
              request);
      calls.add(call);
      callsPerMessage.merge(call.messageId(), 1, Integer::sum);
      Reply reply =
          signature.isOk()
              ? script.apply(call)
              : Reply.raw(401, "{\"error\":\"" + signature + "\"}");
      reply.before().run();
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      reply.headers().forEach(exchange.getResponseHeaders()::set);
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
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
