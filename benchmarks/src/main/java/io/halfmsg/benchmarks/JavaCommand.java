package io.halfmsg.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the child JVMs: the same JDK as the driver, a heap limit, optional JFR. */
final class JavaCommand {

  private JavaCommand() {}

  static List<String> java(BenchSettings s, String xmx, Path jfrFile) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + xmx);
    command.add(ChildProcess.MARKER);
    command.addAll(s.childJvmArgs());
    if (s.jfr()) {
      command.add(
          "-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile,dumponexit=true");
      // Spring MVC under Tomcat is deeper than JFR's default 64 frames: without this the
      // request's outer frames are cut off and the inclusive shares undercount it.
      command.add("-XX:FlightRecorderOptions=stackdepth=256");
    }
    return command;
  }

  /** A loopback port free right now (the child binds it a moment later). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
