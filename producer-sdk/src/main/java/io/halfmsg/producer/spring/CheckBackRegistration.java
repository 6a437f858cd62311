package io.halfmsg.producer.spring;

import io.halfmsg.producer.CheckBackUrls;
import io.halfmsg.producer.EndpointHeartbeat;
import io.halfmsg.producer.HalfmsgProducer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.Ssl;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Registers the Spring MVC check-back endpoint with the broker once the web server is up (only then
 * is the port known), and keeps it registered until the context closes. The derived URL is {@code
 * https} when the server has TLS ({@code server.ssl.*}).
 */
final class CheckBackRegistration
    implements ApplicationListener<WebServerInitializedEvent>, DisposableBean {

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
    heartbeat =
        producer.startHeartbeat(url(event.getWebServer().getPort()), properties.instanceId());
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
