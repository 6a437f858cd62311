package io.halfmsg.producer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.halfmsg.api.CheckBackRequest;
import io.halfmsg.api.TransactionChecker;
import io.halfmsg.api.signing.SignatureHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server (the JDK's own) that answers the broker's check-backs for applications
 * without a web framework, and keeps its URL registered with the broker.
 *
 * <pre>{@code
 * CheckBackServer server = CheckBackServer.builder()
 *     .port(9300)
 *     .secret(System.getenv("HALFMSG_CHECK_BACK_SECRET"))
 *     .checker(new BarrierTransactionChecker(dataSource))
 *     .start(producer);
 * }</pre>
 *
 * Close it before the producer at shutdown.
 */
public final class CheckBackServer implements AutoCloseable {

  /** The path the endpoint is served at unless configured otherwise. */
  public static final String DEFAULT_PATH = "/halfmsg/check-back";

  private static final Logger log = LoggerFactory.getLogger(CheckBackServer.class);

  private final HttpServer server;
  private final ExecutorService threads;
  private final CheckBackHandler handler;
  private final String path;
  private final String url;
  private final EndpointHeartbeat heartbeat;
  private final Object idle = new Object();
  private int active;
  private boolean closing;

  private CheckBackServer(Builder b, HalfmsgProducer producer) throws IOException {
    this.handler = new CheckBackHandler(producer, b.secret, b.checker);
    this.path = b.path;
    InetAddress bind = b.host == null ? null : InetAddress.getByName(b.host);
    this.server =
        HttpServer.create(
            bind == null ? new InetSocketAddress(b.port) : new InetSocketAddress(bind, b.port), 0);
    AtomicInteger count = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            b.threads,
            r -> {
              Thread t = new Thread(r, "halfmsg-check-back-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext(b.path, this::serve);
    server.setExecutor(threads);
    server.start();
    int port = server.getAddress().getPort();
    this.url =
        b.advertisedUrl != null
            ? b.advertisedUrl
            : CheckBackUrls.of(b.advertisedHost, bind, port, b.path);
    log.info(
        "Check-back endpoint of group {} listening at {} (host: {})",
        producer.producerGroup(),
        url,
        b.advertisedUrl != null
            ? "the configured advertised URL"
            : CheckBackUrls.choice(b.advertisedHost, bind));
    try {
      this.heartbeat = b.register ? producer.startHeartbeat(url, b.instanceId) : null;
    } catch (RuntimeException refused) {
      server.stop(0);
      threads.shutdownNow();
      throw refused;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The URL registered with the broker. */
  public String url() {
    return url;
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The heartbeat that keeps {@link #url()} registered, or {@code null} if registration is off. */
  public EndpointHeartbeat heartbeat() {
    return heartbeat;
  }

  /**
   * Stops the heartbeat, then the server: new check-backs are refused at once (the broker asks
   * again later), running ones may finish for up to 2 s.
   */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.close();
    }
    // HttpServer.stop(delay) of JDK 17 to 21 always waits the whole delay, so wait for the
    // running exchanges here and then stop at once.
    synchronized (idle) {
      closing = true;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      long left;
      while (active > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(idle, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    server.stop(0);
    threads.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    synchronized (idle) {
      if (closing) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      active++;
    }
    try {
      answer(exchange);
    } finally {
      synchronized (idle) {
        active--;
        idle.notifyAll();
      }
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!path.equals(exchange.getRequestURI().getPath())) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(CheckBackRequest.MAX_REQUEST_BYTES + 1);
      }
      CheckBackHandler.Reply reply =
          handler.handle(
              exchange.getRequestHeaders().getFirst(SignatureHeaders.TIMESTAMP),
              exchange.getRequestHeaders().getFirst(SignatureHeaders.SIGNATURE),
              body);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.sendResponseHeaders(reply.status(), reply.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(reply.body());
      }
    }
  }

  @Override
  public String toString() {
    return "CheckBackServer[" + url + "]";
  }

  /** Configures a {@link CheckBackServer}; secret and checker are required. */
  public static final class Builder {
    private String host;
    private int port;
    private String path = DEFAULT_PATH;
    private String advertisedUrl;
    private String advertisedHost;
    private String secret;
    private TransactionChecker checker;
    private String instanceId;
    private int threads = 8;
    private boolean register = true;

    private Builder() {}

    /** The address to listen on; default all interfaces. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port to listen on; default 0, any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** The endpoint's path; default {@value CheckBackServer#DEFAULT_PATH}. */
    public Builder path(String path) {
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("path must start with '/': " + path);
      }
      this.path = path;
      return this;
    }

    /**
     * The URL the broker should call, when it differs from what the server sees (a NAT, a load
     * balancer, a container's published port). Default: {@code http://<this host's address or the
     * bound address>:<port><path>}.
     */
    public Builder advertisedUrl(String url) {
      this.advertisedUrl = url;
      return this;
    }

    /**
     * The host name or address put into the default URL, when the broker must use another one than
     * the bound address (default: the bound address, or this host's address when bound to all
     * interfaces).
     */
    public Builder advertisedHost(String host) {
      this.advertisedHost = host;
      return this;
    }

    /** The producer group's check-back secret, as configured on the broker. Required. */
    public Builder secret(String secret) {
      this.secret = secret;
      return this;
    }

    /** Answers the check-backs, e.g. a {@code BarrierTransactionChecker}. Required. */
    public Builder checker(TransactionChecker checker) {
      this.checker = checker;
      return this;
    }

    /** An id of this instance for the broker's endpoint records; optional. */
    public Builder instanceId(String instanceId) {
      this.instanceId = instanceId;
      return this;
    }

    /**
     * Check-backs answered in parallel; default 8. A barrier check can wait for a lock of an open
     * local transaction, so keep some to spare.
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.threads = threads;
      return this;
    }

    /** Whether to register the URL with the broker and heartbeat it; default true. */
    public Builder register(boolean register) {
      this.register = register;
      return this;
    }

    /**
     * Starts the server and, unless {@link #register(boolean) register(false)}, registers its URL
     * through {@code producer} and keeps it registered.
     *
     * @throws HalfmsgException if the broker refused the URL (see {@link
     *     HalfmsgProducer#startHeartbeat}); the server is stopped again
     */
    public CheckBackServer start(HalfmsgProducer producer) {
      Objects.requireNonNull(producer, "producer");
      if (secret == null || secret.isBlank()) {
        throw new IllegalStateException("a check-back secret is required");
      }
      if (checker == null) {
        throw new IllegalStateException("a TransactionChecker is required");
      }
      try {
        return new CheckBackServer(this, producer);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the check-back server on port " + port, e);
      }
    }

    @Override
    public String toString() {
      return "CheckBackServer.Builder[secret=<redacted>, port=" + port + ", path=" + path + "]";
    }
  }
}
