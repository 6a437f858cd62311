package io.halfmsg.producer.spring;

import io.halfmsg.producer.CheckBackUrls;
import io.halfmsg.producer.EndpointHeartbeat;
import io.halfmsg.producer.HalfmsgProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.Ssl;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Registers the Spring MVC check-back endpoint with the broker once the web server is up (only then
 * is the port known), and keeps it registered until the context closes. The derived URL is {@code
 * https} when the server has TLS ({@code server.ssl.*}). A URL the broker refuses (a 4xx, e.g. a
 * host not in its allowed hosts) fails the application's start with the broker's reason.
 */
final class CheckBackRegistration
    implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(CheckBackRegistration.class);

  private final HalfmsgProducer producer;
  private final HalfmsgProducerProperties.CheckBack properties;
  private final Environment environment;
  private volatile EndpointHeartbeat heartbeat;

  CheckBackRegistration(
      HalfmsgProducer producer,
      HalfmsgProducerProperties.CheckBack properties,
      Environment environment) {
    this.producer = producer;
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public synchronized void onApplicationEvent(WebServerInitializedEvent event) {
    // A separate management server announces itself too; the endpoint is on the main one.
    if (event.getApplicationContext().getServerNamespace() != null || heartbeat != null) {
      return;
    }
    String url = url(event.getWebServer().getPort());
    log.info(
        "Check-back endpoint of group {} at {} (host: {})",
        producer.producerGroup(),
        url,
        properties.url() != null && !properties.url().isBlank()
            ? "the configured URL"
            : CheckBackUrls.choice(properties.host(), null));
    heartbeat = producer.startHeartbeat(url, properties.instanceId());
  }

  EndpointHeartbeat heartbeat() {
    return heartbeat;
  }

  String url(int port) {
    if (properties.url() != null && !properties.url().isBlank()) {
      return properties.url();
    }
    return CheckBackUrls.of(
        serverUsesTls() ? "https" : "http",
        properties.host(),
        null,
        port,
        trimSlash(environment.getProperty("server.servlet.context-path", ""))
            + trimSlash(environment.getProperty("spring.mvc.servlet.path", ""))
            + properties.path());
  }

  /** As Spring Boot decides it for the web server: any {@code server.ssl.*}, unless disabled. */
  private boolean serverUsesTls() {
    return Binder.get(environment)
        .bind("server.ssl", Ssl.class)
        .map(s -> s.isEnabled())
        .orElse(false);
  }

  private static String trimSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  @Override
  public void destroy() {
    EndpointHeartbeat h = heartbeat;
    if (h != null) {
      h.close();
    }
  }
}
