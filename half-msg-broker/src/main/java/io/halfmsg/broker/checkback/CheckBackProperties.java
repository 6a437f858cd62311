package io.halfmsg.broker.checkback;

import io.halfmsg.broker.BrokerConfigurationException;
import io.halfmsg.broker.ConfigChecks;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/**
 * When and how the broker asks producers about undecided messages.
 *
 * @param firstCheckAfter delay between prepare and the first check-back, unless the message names
 *     its own ({@code checkAfterMs})
 * @param backoff delay before the next check after the 1st, 2nd, … undecided check; the last entry
 *     repeats
 * @param maxChecks after this many undecided checks the message is PARKED for an operator
 * @param allowedHosts host names ({@code orders.internal}, {@code *.svc.cluster.local}) and CIDRs
 *     ({@code 10.0.0.0/8}) that check-back URLs may point to
 * @param secrets HMAC secret per producer group, signing its check-back requests
 * @param defaultSecret secret for producer groups without their own
 * @param endpointTtl a registered check-back endpoint that sent no heartbeat for this long is stale
 *     and no longer called
 * @param pollInterval how often each broker instance looks for due messages
 * @param batchSize most messages one instance claims at once
 * @param concurrency most check-back calls one instance has in flight
 * @param lease how long a claimed message is left to its instance before others may claim it;
 *     longer than the slowest check-back with its failovers
 * @param connectTimeout TCP connect timeout of a check-back call
 * @param requestTimeout whole-request timeout of a check-back call
 * @param enabled whether this instance runs the scanner (all instances accept the API anyway)
 * @param sslBundle name of the Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) whose trust
 *     store verifies {@code https} check-back URLs (and whose key store, if any, is the broker's
 *     client certificate); unset: the JVM's default trust store
 */
@ConfigurationProperties("halfmsg.check-back")
public record CheckBackProperties(
    Duration firstCheckAfter,
    List<Duration> backoff,
    Integer maxChecks,
    List<String> allowedHosts,
    Map<String, String> secrets,
    String defaultSecret,
    Duration endpointTtl,
    Duration pollInterval,
    Integer batchSize,
    Integer concurrency,
    Duration lease,
    Duration connectTimeout,
    Duration requestTimeout,
    Boolean enabled,
    String sslBundle) {

  public CheckBackProperties {
    firstCheckAfter = or(firstCheckAfter, Duration.ofSeconds(5));
    backoff =
        backoff == null || backoff.isEmpty()
            ? List.of(
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1),
                Duration.ofMinutes(2),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10),
                Duration.ofMinutes(30),
                Duration.ofHours(1))
            : List.copyOf(backoff);
    maxChecks = or(maxChecks, 15);
    allowedHosts =
        allowedHosts == null
            ? List.of(
                "localhost",
                "127.0.0.0/8",
                "::1/128",
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "fc00::/7")
            : List.copyOf(allowedHosts);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
    endpointTtl = or(endpointTtl, Duration.ofSeconds(30));
    pollInterval = or(pollInterval, Duration.ofMillis(500));
    batchSize = or(batchSize, 200);
    concurrency = or(concurrency, 32);
    lease = or(lease, Duration.ofSeconds(60));
    connectTimeout = or(connectTimeout, Duration.ofSeconds(2));
    requestTimeout = or(requestTimeout, Duration.ofSeconds(5));
    enabled = or(enabled, true);
    String at = "halfmsg.check-back.";
    ConfigChecks.notNegative(at + "first-check-after", firstCheckAfter);
    backoff.forEach(d -> ConfigChecks.positive(at + "backoff", d));
    ConfigChecks.atLeastOne(at + "max-checks", maxChecks);
    ConfigChecks.positive(at + "endpoint-ttl", endpointTtl);
    ConfigChecks.positive(at + "poll-interval", pollInterval);
    ConfigChecks.atLeastOne(at + "batch-size", batchSize);
    ConfigChecks.atLeastOne(at + "concurrency", concurrency);
    ConfigChecks.positive(at + "lease", lease);
    ConfigChecks.positive(at + "connect-timeout", connectTimeout);
    ConfigChecks.positive(at + "request-timeout", requestTimeout);
  }

  /**
   * The TLS settings of check-back calls: those of {@link #sslBundle}, else the JVM's default.
   *
   * @throws BrokerConfigurationException if there is no such bundle
   */
  SSLContext sslContext(SslBundles bundles) {
    String property = "halfmsg.check-back.ssl-bundle";
    try {
      return sslBundle == null || sslBundle.isBlank()
          ? SSLContext.getDefault()
          : bundles.getBundle(sslBundle).createSslContext();
    } catch (NoSuchSslBundleException e) {
      throw new BrokerConfigurationException(
          property + "=" + sslBundle + " names no SSL bundle.",
          "Define it, e.g. spring.ssl.bundle.jks."
              + sslBundle
              + ".truststore.location (or spring.ssl.bundle.pem."
              + sslBundle
              + ".truststore.certificate), or unset "
              + property
              + " to use the JVM's default trust store.");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM has no default SSLContext", e);
    }
  }

  /** Delay before the next check after {@code checksDone} undecided checks (1 or more). */
  public Duration delayAfter(int checksDone) {
    return backoff.get(Math.min(Math.max(checksDone, 1), backoff.size()) - 1);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }

  @Override
  public String toString() {
    return "CheckBackProperties[secrets hidden, firstCheckAfter="
        + firstCheckAfter
        + ", maxChecks="
        + maxChecks
        + ", allowedHosts="
        + allowedHosts
        + "]";
  }
}
