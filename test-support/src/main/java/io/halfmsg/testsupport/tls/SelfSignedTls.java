package io.halfmsg.testsupport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by the JDK's {@code
 * keytool} (valid two days): a PKCS12 key store to serve HTTPS with, and a PKCS12 trust store with
 * only that certificate, as a private CA's would be trusted. Never the JVM's default trust store.
 */
public final class SelfSignedTls {

  /** The password of both stores. */
  public static final String PASSWORD = "test-store-password";

  private final Path keyStore;
  private final Path trustStore;

  private SelfSignedTls(Path keyStore, Path trustStore) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
  }

  /** Makes the certificate and both stores in {@code dir} (a test's temporary directory). */
  public static SelfSignedTls create(Path dir) {
    Path keyStore = dir.resolve("server.p12");
    Path certificate = dir.resolve("server.crt");
    Path trustStore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "halfmsg",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-keystore",
        keyStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "halfmsg",
        "-rfc",
        "-file",
        certificate.toString(),
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD);
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "halfmsg-ca",
        "-file",
        certificate.toString(),
        "-keystore",
        trustStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD);
    return new SelfSignedTls(keyStore, trustStore);
  }

  public Path keyStore() {
    return keyStore;
  }

  public Path trustStore() {
    return trustStore;
  }

  /** A TLS context that trusts this certificate and nothing else. */
  public SSLContext trustOnly() {
    try (InputStream in = Files.newInputStream(trustStore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot read the trust store " + trustStore, e);
    }
  }

  /**
   * Spring Boot SSL bundles of the two stores: {@code serverBundle} to serve HTTPS with ({@code
   * server.ssl.bundle}), {@code trustBundle} to trust the certificate with.
   */
  public Map<String, String> springBundles(String serverBundle, String trustBundle) {
    Map<String, String> bundles = new LinkedHashMap<>();
    String server = "spring.ssl.bundle.jks." + serverBundle + ".keystore.";
    bundles.put(server + "location", "file:" + keyStore);
    bundles.put(server + "password", PASSWORD);
    bundles.put(server + "type", "PKCS12");
    String trust = "spring.ssl.bundle.jks." + trustBundle + ".truststore.";
    bundles.put(trust + "location", "file:" + trustStore);
    bundles.put(trust + "password", PASSWORD);
    bundles.put(trust + "type", "PKCS12");
    return bundles;
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while keytool ran", e);
    }
  }
}
