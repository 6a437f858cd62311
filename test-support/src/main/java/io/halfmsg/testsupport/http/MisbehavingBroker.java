package io.halfmsg.testsupport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A halfmsg broker that misbehaves on demand, for the SDKs' tests: a small in-memory imitation of
 * the wire contract under {@code /api/v1} (prepares, commits and rollbacks, single and batched;
 * check-back endpoint heartbeats; subscriptions; acks) that answers each call normally or with the
 * {@link Fault} a test scripted for that call's {@link Endpoint}. It speaks HTTP/1.1 over raw
 * sockets, one request per connection, so that it can also do what no HTTP server library would:
 * cut an answer short, or reset the connection.
 *
 * <p>It remembers what it was asked ({@link #calls}) and what it holds ({@link #messages}, {@link
 * #heartbeats}, {@link #subscriptions}, {@link #acked}). Instances made by {@link
 * #anotherInstance()} share one store, as broker instances share one database, and misbehave each
 * on its own.
 */
public final class MisbehavingBroker implements AutoCloseable {

  /** The endpoints of the wire contract, each scripted on its own. */
  public enum Endpoint {
    /** {@code POST /api/v1/messages} */
    PREPARE,
    /** {@code POST /api/v1/messages:batch} */
    PREPARE_BATCH,
    /** {@code POST /api/v1/messages/{id}/commit} */
    COMMIT,
    /** {@code POST /api/v1/messages/{id}/rollback} */
    ROLLBACK,
    /** {@code POST /api/v1/decisions} */
    DECISIONS,
    /** {@code PUT /api/v1/producer-groups/{group}/endpoints} */
    HEARTBEAT,
    /** {@code PUT /api/v1/subscriptions/{group}} */
    SUBSCRIPTION,
    /** {@code POST /api/v1/acks} */
    ACKS,
    /** Any other path: 404. */
    OTHER
  }

  /**
   * What one call gets. Those marked <em>acted</em> do what the request asks and then lose or spoil
   * the answer (the client cannot tell whether it happened); the others refuse before acting.
   */
  public enum Fault {
    /** Answered as the broker would. */
    NONE(true),
    /** Acted; answered normally, but only after {@link #slowBy} (longer than a client waits). */
    SLOW(true),
    /** 500 with an {@code application/problem+json} body. */
    SERVER_ERROR(false),
    /** 502 with an HTML page, as a load balancer whose backend is gone answers. */
    BAD_GATEWAY(false),
    /** 503 without a body. */
    UNAVAILABLE(false),
    /** Acted; 200 {@code application/json} whose body is not JSON (a proxy's HTML page). */
    GARBAGE(true),
    /** Acted; 200 with valid JSON of another shape than the endpoint's answer. */
    WRONG_SHAPE(true),
    /** Acted; 200 whose {@code Content-Length} promises more than is sent before the close. */
    TRUNCATED(true),
    /** The request is read, then the connection is reset (TCP RST) without an answer. */
    RESET(false);

    private final boolean acted;

    Fault(boolean acted) {
      this.acted = acted;
    }

    /** Whether the broker did what the request asked before the fault hit its answer. */
    public boolean acted() {
      return acted;
    }
  }

  /**
   * One request this instance received.
   *
   * @param status what it answered, or would have answered had the fault not hit; 0 for {@link
   *     Fault#RESET}
   */
  public record Call(
      Endpoint endpoint, String method, String path, JsonNode body, Fault fault, int status) {

    /** The items of the request: its messages, decisions or acks (for a single call, the body). */
    public List<JsonNode> items() {
      JsonNode list =
          switch (endpoint) {
            case PREPARE_BATCH -> body.path("messages");
            case DECISIONS -> body.path("decisions");
            case ACKS -> body;
            default -> null;
          };
      List<JsonNode> items = new ArrayList<>();
      if (list == null) {
        if (body != null) {
          items.add(body);
        }
      } else {
        list.forEach(items::add);
      }
      return items;
    }

    /** The message ids the request names, in its order. */
    public List<String> messageIds() {
      if (endpoint == Endpoint.COMMIT || endpoint == Endpoint.ROLLBACK) {
        return List.of(segment(path, 3));
      }
      return items().stream().map(i -> i.path("messageId").asText(null)).toList();
    }
  }

  /** A half message as the fake holds it: the prepare's fields (without the id) and its state. */
  public record Stored(String messageId, JsonNode content, String state) {}

  /** A check-back endpoint registration (heartbeat) it accepted. */
  public record Heartbeat(String producerGroup, String checkBackUrl, String instanceId) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TTL_MS = 30_000;
  private static final byte[] GARBAGE_BODY =
      "<html><body><h1>Welcome to nginx!</h1></body></html>".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BAD_GATEWAY_PAGE =
      "<html><head><title>502 Bad Gateway</title></head><body>no backend</body></html>"
          .getBytes(StandardCharsets.UTF_8);

  /** What all instances of one fake broker share, as broker instances share their database. */
  private static final class Store {
    final Map<String, Stored> messages = new ConcurrentHashMap<>();
    final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    final Map<String, JsonNode> subscriptions = new ConcurrentHashMap<>();
    final Map<String, Set<String>> acks = new ConcurrentHashMap<>();
  }

  private record Answer(int status, String contentType, byte[] body) {
    static Answer json(int status, JsonNode body) {
      try {
        return new Answer(status, "application/json", JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Answer problem(int status, String type, String detail) {
      ObjectNode p = JSON.createObjectNode();
      p.put("type", "urn:halfmsg:problem:" + type);
      p.put("status", status);
      p.put("detail", detail);
      Answer a = json(status, p);
      return new Answer(status, "application/problem+json", a.body());
    }
  }

  private final Store store;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<Endpoint, Queue<Fault>> scripted = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Fault> standing = new EnumMap<>(Endpoint.class);
  private volatile Duration slowBy = Duration.ofSeconds(3);

  private MisbehavingBroker(Store store) {
    this.store = store;
    try {
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::accept);
  }

  /** A fake broker on a free port of the loopback address, behaving until told otherwise. */
  public static MisbehavingBroker start() {
    return new MisbehavingBroker(new Store());
  }

  /** A second instance of the same broker: its own port and faults, the same store. */
  public MisbehavingBroker anotherInstance() {
    return new MisbehavingBroker(store);
  }

  /** Its base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /**
   * The next calls of {@code endpoint} get {@code faults}, one each in order; the calls after them
   * get the standing fault ({@link #always}, else none).
   */
  public synchronized MisbehavingBroker next(Endpoint endpoint, Fault... faults) {
    scripted.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).addAll(List.of(faults));
    return this;
  }

  /** Every call of {@code endpoint} not scripted by {@link #next} gets {@code fault}. */
  public synchronized MisbehavingBroker always(Endpoint endpoint, Fault fault) {
    standing.put(endpoint, fault);
    return this;
  }

  /** Forgets every scripted and standing fault: from now on it behaves. */
  public synchronized MisbehavingBroker heal() {
    scripted.clear();
    standing.clear();
    return this;
  }

  /** How long a {@link Fault#SLOW} answer is held back; default 3 s. */
  public MisbehavingBroker slowBy(Duration delay) {
    this.slowBy = delay;
    return this;
  }

  /** Every request this instance received, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The requests of one endpoint this instance received, in order. */
  public List<Call> calls(Endpoint endpoint) {
    return calls.stream().filter(c -> c.endpoint() == endpoint).toList();
  }

  /** The half messages the broker holds, by id. */
  public Map<String, Stored> messages() {
    return Map.copyOf(store.messages);
  }

  /** The state of a message ({@code PREPARED}, {@code COMMITTED}, {@code ROLLED_BACK}), or null. */
  public String state(String messageId) {
    Stored s = store.messages.get(messageId);
    return s == null ? null : s.state();
  }

  /** The heartbeats the broker accepted, in order. */
  public List<Heartbeat> heartbeats() {
    return List.copyOf(store.heartbeats);
  }

  /** The last subscription request of each consumer group it accepted. */
  public Map<String, JsonNode> subscriptions() {
    return Map.copyOf(store.subscriptions);
  }

  /** The message ids a consumer group acked. */
  public Set<String> acked(String consumerGroup) {
    return Set.copyOf(store.acks.getOrDefault(consumerGroup, Set.of()));
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    threads.shutdownNow();
  }

  private synchronized Fault faultFor(Endpoint endpoint) {
    Queue<Fault> next = scripted.get(endpoint);
    if (next != null && !next.isEmpty()) {
      return next.poll();
    }
    return standing.getOrDefault(endpoint, Fault.NONE);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.execute(() -> serve(socket));
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      String method = requestLine[0];
      String path = requestLine[1];
      int length = 0;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          length = Integer.parseInt(lines[i].substring(colon + 1).trim());
        }
      }
      byte[] body = in.readNBytes(length);
      JsonNode json = body.length == 0 ? null : JSON.readTree(body);
      Endpoint endpoint = endpointOf(method, path);
      Fault fault = faultFor(endpoint);
      if (fault == Fault.RESET) {
        calls.add(new Call(endpoint, method, path, json, fault, 0));
        socket.setSoLinger(true, 0);
        return;
      }
      Answer answer =
          switch (fault) {
            case SERVER_ERROR -> Answer.problem(500, "internal", "Something broke in the broker.");
            case BAD_GATEWAY -> new Answer(502, "text/html", BAD_GATEWAY_PAGE);
            case UNAVAILABLE -> new Answer(503, null, new byte[0]);
            default -> act(endpoint, path, json);
          };
      calls.add(new Call(endpoint, method, path, json, fault, answer.status()));
      OutputStream out = socket.getOutputStream();
      switch (fault) {
        case SLOW -> {
          if (!closed.await(slowBy.toMillis(), TimeUnit.MILLISECONDS)) {
            write(out, answer, answer.body().length);
          }
        }
        case GARBAGE -> write(out, new Answer(200, "application/json", GARBAGE_BODY), -1);
        case WRONG_SHAPE -> write(out, Answer.json(200, wrongShape(endpoint, json)), -1);
        case TRUNCATED -> write(out, answer, answer.body().length / 2);
        default -> write(out, answer, answer.body().length);
      }
    } catch (IOException e) {
      // The client went away (it timed out, or its own answer was cut): nothing to do.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The request line and headers, or null if the connection closed first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched =
          (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** Writes the answer with its full Content-Length, but only {@code send} bytes of the body. */
  private static void write(OutputStream out, Answer answer, int send) throws IOException {
    byte[] body = answer.body();
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(answer.status()).append(' ').append(reason(answer.status()));
    head.append("\r\nConnection: close\r\nContent-Length: ").append(body.length);
    if (answer.contentType() != null) {
      head.append("\r\nContent-Type: ").append(answer.contentType());
    }
    head.append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(body, 0, send < 0 ? body.length : send);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 404 -> "Not Found";
      case 409 -> "Conflict";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }

  private static Endpoint endpointOf(String method, String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (method.equals("POST") && p.equals("/api/v1/messages:batch")) {
      return Endpoint.PREPARE_BATCH;
    }
    if (method.equals("POST") && p.equals("/api/v1/messages")) {
      return Endpoint.PREPARE;
    }
    if (method.equals("POST") && p.startsWith("/api/v1/messages/") && p.endsWith("/commit")) {
      return Endpoint.COMMIT;
    }
    if (method.equals("POST") && p.startsWith("/api/v1/messages/") && p.endsWith("/rollback")) {
      return Endpoint.ROLLBACK;
    }
    if (method.equals("POST") && p.equals("/api/v1/decisions")) {
      return Endpoint.DECISIONS;
    }
    if (method.equals("PUT")
        && p.startsWith("/api/v1/producer-groups/")
        && p.endsWith("/endpoints")) {
      return Endpoint.HEARTBEAT;
    }
    if (method.equals("PUT") && p.startsWith("/api/v1/subscriptions/")) {
      return Endpoint.SUBSCRIPTION;
    }
    if (method.equals("POST") && p.equals("/api/v1/acks")) {
      return Endpoint.ACKS;
    }
    return Endpoint.OTHER;
  }

  // --- the wire contract, in memory ---

  private Answer act(Endpoint endpoint, String path, JsonNode body) {
    return switch (endpoint) {
      case PREPARE -> single(prepare(body));
      case PREPARE_BATCH -> batch(body.path("messages"), this::prepare);
      case COMMIT -> single(decide(segment(path, 3), "COMMIT"));
      case ROLLBACK -> single(decide(segment(path, 3), "ROLLBACK"));
      case DECISIONS ->
          batch(
              body.path("decisions"),
              d -> decide(d.path("messageId").asText(null), d.path("decision").asText()));
      case HEARTBEAT -> heartbeat(segment(path, 3), body);
      case SUBSCRIPTION -> subscribe(segment(path, 3), body);
      case ACKS -> ack(body);
      case OTHER -> Answer.problem(404, "not-found", "No such endpoint: " + path);
    };
  }

  private static String segment(String path, int index) {
    return path.split("/")[index + 1].replace("%25", "%");
  }

  /** One item's outcome as a batch result: messageId, status, state or problem. */
  private ObjectNode prepare(JsonNode message) {
    String id = message.path("messageId").asText(null);
    if (id == null) {
      id = UUID.randomUUID().toString();
    }
    ObjectNode content = message.deepCopy();
    content.remove("messageId");
    Stored fresh = new Stored(id, content, "PREPARED");
    Stored stored = store.messages.putIfAbsent(id, fresh);
    if (stored == null) {
      return result(id, 201, "PREPARED");
    }
    if (!stored.content().equals(content)) {
      return problemResult(id, 409, "message-conflict", "Another message has this id.");
    }
    return result(id, 200, stored.state());
  }

  private ObjectNode decide(String id, String decision) {
    String wanted = decision.equals("COMMIT") ? "COMMITTED" : "ROLLED_BACK";
    Stored[] before = new Stored[1];
    Stored after =
        store.messages.computeIfPresent(
            id,
            (k, s) -> {
              before[0] = s;
              return s.state().equals("PREPARED") ? new Stored(k, s.content(), wanted) : s;
            });
    if (after == null) {
      return problemResult(id, 404, "message-not-found", "No message " + id + ".");
    }
    if (!after.state().equals(wanted)) {
      ObjectNode r = problemResult(id, 409, "decision-conflict", "Already " + after.state() + ".");
      r.put("state", after.state());
      return r;
    }
    return result(id, 200, wanted);
  }

  private Answer heartbeat(String group, JsonNode body) {
    String url = body.path("checkBackUrl").asText(null);
    store.heartbeats.add(new Heartbeat(group, url, body.path("instanceId").asText(null)));
    ObjectNode answer = JSON.createObjectNode();
    answer.put("producerGroup", group);
    answer.put("checkBackUrl", url);
    answer.put("ttlMs", TTL_MS);
    return Answer.json(200, answer);
  }

  private Answer subscribe(String group, JsonNode body) {
    store.subscriptions.put(group, body);
    ObjectNode answer = JSON.createObjectNode();
    answer.put("consumerGroup", group);
    answer.set("topics", body.path("topics"));
    answer.put("ackTimeoutMs", body.path("ackTimeoutMs").asLong(30_000));
    answer.put("maxAttempts", body.path("maxAttempts").asInt(16));
    answer.putArray("otherTopics");
    return Answer.json(200, answer);
  }

  private Answer ack(JsonNode acks) {
    int acked = 0;
    for (JsonNode a : acks) {
      Set<String> ids =
          store.acks.computeIfAbsent(
              a.path("consumerGroup").asText(), g -> ConcurrentHashMap.newKeySet());
      if (ids.add(a.path("messageId").asText())) {
        acked++;
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("received", acks.size());
    answer.put("acked", acked);
    return Answer.json(200, answer);
  }

  private static Answer batch(JsonNode items, Function<JsonNode, ObjectNode> each) {
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode results = answer.putArray("results");
    items.forEach(item -> results.add(each.apply(item)));
    return Answer.json(200, answer);
  }

  /** A batch item's result as its single call answers it. */
  private static Answer single(ObjectNode result) {
    int status = result.path("status").asInt();
    if (status >= 300) {
      return Answer.problem(status, "refused", result.path("detail").asText());
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put("messageId", result.path("messageId").asText());
    answer.put("state", result.path("state").asText());
    return Answer.json(status, answer);
  }

  private static ObjectNode result(String id, int status, String state) {
    ObjectNode r = JSON.createObjectNode();
    r.put("messageId", id);
    r.put("status", status);
    r.put("state", state);
    return r;
  }

  private static ObjectNode problemResult(String id, int status, String type, String detail) {
    ObjectNode r = JSON.createObjectNode();
    r.put("messageId", id);
    r.put("status", status);
    r.put("type", "urn:halfmsg:problem:" + type);
    r.put("detail", detail);
    return r;
  }

  /**
   * Valid JSON that is not the endpoint's answer: for a batch, as many results as items but none
   * with a status; for the others, an object without any of the fields the answer has.
   */
  private static JsonNode wrongShape(Endpoint endpoint, JsonNode request) {
    ObjectNode answer = JSON.createObjectNode();
    JsonNode items =
        switch (endpoint) {
          case PREPARE_BATCH -> request.path("messages");
          case DECISIONS -> request.path("decisions");
          default -> null;
        };
    if (items == null) {
      answer.put("ok", true);
      return answer;
    }
    ArrayNode results = answer.putArray("results");
    items.forEach(item -> results.addObject());
    return answer;
  }

  @Override
  public String toString() {
    return "MisbehavingBroker[" + url() + "]";
  }
}
