package io.halfmsg.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM on this machine: a full collection ({@code jcmd GC.run}), then the
 * heap's used bytes ({@code jcmd GC.heap_info}). Right after a full collection "used" is what the
 * process keeps reachable, so two readings compare what it holds, not when its collector last ran.
 * The collection pauses that process for a moment (tens of milliseconds at these heap sizes).
 */
final class LiveHeap {

  // Up to "Metaspace": the heap's lines (one for G1, one per generation for Serial/Parallel).
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final long pid;
  private final String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();

  LiveHeap(long pid) {
    this.pid = pid;
  }

  /** Bytes reachable after a full collection. */
  long bytes() {
    run("GC.run");
    String info = run("GC.heap_info");
    int metaspace = info.indexOf("Metaspace");
    Matcher m = USED.matcher(metaspace < 0 ? info : info.substring(0, metaspace));
    long kib = 0;
    boolean found = false;
    while (m.find()) {
      kib += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException(
          "No heap figure in jcmd GC.heap_info of " + pid + ":\n" + info);
    }
    return kib * 1024;
  }

  private String run(String command) {
    try {
      Process p =
          new ProcessBuilder(List.of(jcmd, Long.toString(pid), command))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
