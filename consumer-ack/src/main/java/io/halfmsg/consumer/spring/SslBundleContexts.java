package io.halfmsg.consumer.spring;

import javax.net.ssl.SSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/** The {@link SSLContext} of the Spring Boot SSL bundle that a halfmsg property names. */
final class SslBundleContexts {

  private SslBundleContexts() {}

  /**
   * @throws IllegalStateException naming {@code property} if there is no such bundle: a trust the
   *     operator asked for must not silently become the JVM's default
   */
  static SSLContext of(ObjectProvider<SslBundles> bundles, String property, String name) {
    SslBundles registry = bundles.getIfAvailable();
    if (registry == null) {
      throw new IllegalStateException(
          property + "=" + name + " needs Spring Boot's SSL bundles (SslAutoConfiguration)");
    }
    try {
      return registry.getBundle(name).createSslContext();
    } catch (NoSuchSslBundleException e) {
      throw new IllegalStateException(
          property
              + "="
              + name
              + " names no SSL bundle: define it, e.g. spring.ssl.bundle.jks."
              + name
              + ".truststore.location (or spring.ssl.bundle.pem."
              + name
              + ".truststore.certificate)",
          e);
    }
  }
}
