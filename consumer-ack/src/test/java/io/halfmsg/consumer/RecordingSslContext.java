package io.halfmsg.consumer;

import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JVM's default TLS context, noting {@code host:port} of each engine it makes: the peers an
 * HTTP client given this context talked TLS to.
 */
final class RecordingSslContext extends SSLContext {

  RecordingSslContext(List<String> peers) throws NoSuchAlgorithmException {
    this(SSLContext.getDefault(), peers);
  }

  private RecordingSslContext(SSLContext target, List<String> peers) {
    super(new Spi(target, peers), target.getProvider(), target.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext target;
    private final List<String> peers;

    Spi(SSLContext target, List<String> peers) {
      this.target = target;
      this.peers = peers;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
        throws KeyManagementException {
      throw new KeyManagementException("the default context is initialized already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return target.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return target.getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      peers.add("?");
      return target.createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      peers.add(host + ":" + port);
      return target.createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return target.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return target.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return target.getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return target.getSupportedSSLParameters();
    }
  }
}
