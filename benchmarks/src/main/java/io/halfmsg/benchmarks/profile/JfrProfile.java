package io.halfmsg.benchmarks.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a process spent its CPU, from a JFR recording: execution samples grouped by the component
 * their top frame belongs to (JDK HTTP client, Tomcat, Jackson, Connector/J, RocketMQ, halfmsg, …)
 * and the hottest methods; and the share of samples spent inside a few kinds of work (an HTTP
 * request served, its JSON, a JDBC statement, …), counted wherever they are on the stack. For
 * BENCHMARKS.md; run as {@code java -cp … JfrProfile file.jfr [top] [from]}, {@code from} an
 * instant ({@code 2026-12-02T00:46:20Z}): only samples from then on, e.g. the measured rounds after
 * the warm-up.
 */
public final class JfrProfile {

  /** Package prefixes, most specific first, and the component they are reported as. */
  private static final List<String[]> COMPONENTS =
      List.of(
          new String[] {"io.halfmsg.", "halfmsg"},
          new String[] {"jdk.internal.net.http.", "JDK HTTP client"},
          new String[] {"java.net.http.", "JDK HTTP client"},
          new String[] {"sun.net.httpserver.", "JDK HTTP server"},
          new String[] {"org.apache.tomcat.", "Tomcat"},
          new String[] {"org.apache.coyote.", "Tomcat"},
          new String[] {"org.apache.catalina.", "Tomcat"},
          new String[] {"org.springframework.", "Spring"},
          new String[] {"com.fasterxml.jackson.", "Jackson"},
          new String[] {"com.mysql.", "MySQL Connector/J"},
          new String[] {"com.zaxxer.hikari.", "HikariCP"},
          new String[] {"org.apache.ibatis.", "MyBatis"},
          new String[] {"org.mybatis.", "MyBatis"},
          new String[] {"org.apache.rocketmq.", "RocketMQ"},
          new String[] {"io.netty.", "Netty (RocketMQ remoting)"},
          new String[] {"ch.qos.logback.", "Logback"},
          new String[] {"org.slf4j.", "Logback"},
          new String[] {"io.micrometer.", "Micrometer"},
          new String[] {"sun.nio.", "JDK NIO / sockets"},
          new String[] {"java.nio.", "JDK NIO / sockets"},
          new String[] {"sun.security.", "JDK crypto"},
          new String[] {"javax.crypto.", "JDK crypto"},
          new String[] {"java.util.concurrent.", "JDK concurrency"},
          new String[] {"java.", "JDK other"},
          new String[] {"jdk.", "JDK other"},
          new String[] {"sun.", "JDK other"});

  /**
   * Kinds of work, each recognised by a frame anywhere on the stack ({@code class.method}
   * containing the marker): a sample inside several counts for each.
   */
  private static final List<String[]> INSIDE =
      List.of(
          new String[] {
            "serving an HTTP request (Tomcat, filters, Spring MVC, the controller)",
            "org.apache.coyote.AbstractProtocol$ConnectionHandler.process"
          },
          new String[] {"… reading its JSON body", ".readWithMessageConverters"},
          new String[] {"… writing its JSON answer", ".writeWithMessageConverters"},
          new String[] {
            "… in the controller method",
            "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke"
          },
          new String[] {
            "halfmsg's group-commit writes (the broker's transactions)", "Batcher.drain"
          },
          new String[] {
            "a JDBC statement (Connector/J)", "com.mysql.cj.jdbc.ClientPreparedStatement.execute"
          },
          new String[] {"an HTTP call (JDK HTTP client)", "jdk.internal.net.http."},
          new String[] {"a halfmsg consumer batch", "io.halfmsg.consumer.BatchProcessor.process"},
          new String[] {"a check-back request (JDK HTTP server)", "sun.net.httpserver."},
          new String[] {
            "Netty event loops (RocketMQ remoting)",
            "io.netty.util.concurrent.SingleThreadEventExecutor"
          });

  private JfrProfile() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: JfrProfile <recording.jfr> [top methods, default 15] [from, an ISO instant]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Instant from = args.length > 2 ? Instant.parse(args[2]) : Instant.MIN;
    System.out.print(summarize(Path.of(args[0]), top, from));
  }

  /** The tables of one recording's samples from {@code from} on, as markdown. */
  public static String summarize(Path recording, int top, Instant from) throws IOException {
    Map<String, Integer> byComponent = new HashMap<>();
    Map<String, Integer> byMethod = new HashMap<>();
    Map<String, Integer> inside = new LinkedHashMap<>();
    int samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
          continue;
        }
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty() || e.getStartTime().isBefore(from)) {
          continue;
        }
        samples++;
        byComponent.merge(component(stack), 1, Integer::sum);
        for (String[] kind : INSIDE) {
          if (contains(stack, kind[1])) {
            inside.merge(kind[0], 1, Integer::sum);
          }
        }
        RecordedFrame frame = stack.getFrames().get(0);
        byMethod.merge(
            frame.getMethod().getType().getName() + "." + frame.getMethod().getName(),
            1,
            Integer::sum);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%d CPU samples%n%n", samples));
    out.append("| component (first frame outside the JDK's own plumbing) | share |\n|---|---:|\n");
    append(out, byComponent, samples, Integer.MAX_VALUE);
    out.append("\n| hottest methods (top frame) | share |\n|---|---:|\n");
    append(out, byMethod, samples, top);
    out.append("\n| samples inside (anywhere on the stack) | share |\n|---|---:|\n");
    for (String[] kind : INSIDE) {
      int n = inside.getOrDefault(kind[0], 0);
      if (n > 0) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", kind[0], 100.0 * n / samples));
      }
    }
    return out.toString();
  }

  private static boolean contains(RecordedStackTrace stack, String marker) {
    for (RecordedFrame frame : stack.getFrames()) {
      if (frame.isJavaFrame()
          && (frame.getMethod().getType().getName() + "." + frame.getMethod().getName())
              .contains(marker)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The component a sample is charged to: its top frame's, except that time in generic JDK code
   * (collections, strings, locks) is charged to the first caller that is not generic JDK code, so
   * that "JDK other" does not swallow what e.g. Jackson spends in {@code HashMap}.
   */
  private static String component(RecordedStackTrace stack) {
    String fallback = null;
    for (RecordedFrame frame : stack.getFrames()) {
      if (!frame.isJavaFrame()) {
        continue;
      }
      String c = componentOf(frame.getMethod().getType().getName());
      if (fallback == null) {
        fallback = c;
      }
      if (!"JDK other".equals(c) && !"JDK concurrency".equals(c)) {
        return c;
      }
    }
    return fallback == null ? "native" : fallback;
  }

  private static String componentOf(String className) {
    for (String[] c : COMPONENTS) {
      if (className.startsWith(c[0])) {
        return c[1];
      }
    }
    return "other";
  }

  private static void append(StringBuilder out, Map<String, Integer> counts, int total, int limit) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
        .limit(limit)
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %.1f%% |%n",
                        e.getKey(),
                        100.0 * e.getValue() / Math.max(1, total))));
  }
}
