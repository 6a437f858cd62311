package io.halfmsg.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports nothing listens on now, for processes a test starts. */
public final class FreePorts {

  private FreePorts() {}

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port p with p - 2 and p + 1 free too: a RocketMQ broker on p takes all three. */
  public static int rocketMqBrokerPort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int p = freePort();
      if (p > 1026 && isFree(p - 2) && isFree(p + 1)) {
        return p;
      }
    }
    throw new IllegalStateException("No three free ports for RocketMQ's broker");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
