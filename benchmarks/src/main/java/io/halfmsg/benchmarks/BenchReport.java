package io.halfmsg.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The run's results as markdown tables, printed and written to the output directory. */
final class BenchReport {

  private final String markdown;
  private final Path file;
  private final List<RoundResult> results;
  private final List<DatabaseCheck> checks;
  private final List<DelayedBurst.Result> bursts;

  private BenchReport(
      String markdown,
      Path file,
      List<RoundResult> results,
      List<DatabaseCheck> checks,
      List<DelayedBurst.Result> bursts) {
    this.markdown = markdown;
    this.file = file;
    this.results = List.copyOf(results);
    this.checks = List.copyOf(checks);
    this.bursts = List.copyOf(bursts);
  }

  List<DelayedBurst.Result> bursts() {
    return bursts;
  }

  List<DatabaseCheck> checks() {
    return checks;
  }

  String markdown() {
    return markdown;
  }

  Path file() {
    return file;
  }

  List<RoundResult> results() {
    return results;
  }

  /**
   * Every closed-loop round sent and consumed every message, no send failed, and the database check
   * passed, and every delayed burst delivered every message in time. Open-loop messages that were
   * late or unsent at an offered rate beyond capacity are a result, not a failure.
   */
  boolean allComplete() {
    return !results.isEmpty()
        && results.stream().filter(r -> r.loop().equals("closed")).allMatch(RoundResult::complete)
        && results.stream().allMatch(r -> r.failed() == 0)
        && checks.stream().allMatch(DatabaseCheck::passed)
        && bursts.stream().allMatch(DelayedBurst.Result::delivered);
  }

  static BenchReport write(
      BenchSettings s,
      Instant started,
      int[] budget,
      Processes processes,
      List<RoundResult> results,
      List<DatabaseCheck> checks,
      List<RoundRunner.Warmup> warmups,
      List<DelayedBurst.Result> bursts,
      String brokerRecords)
      throws IOException {
    StringBuilder md = new StringBuilder();
    header(md, s, started, budget, processes);
    warmups(md, warmups);
    closedLoop(md, s, processes, results);
    openLoop(md, s, processes, results);
    delayedBursts(md, bursts);
    databaseChecks(md, checks);
    md.append(brokerRecords);
    everyRound(md, processes, results);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
    Path file = s.outputDir().resolve("bench-report-" + stamp + ".md");
    Files.writeString(file, md);
    return new BenchReport(md.toString(), file, results, checks, bursts);
  }

  private static void header(
      StringBuilder md, BenchSettings s, Instant started, int[] budget, Processes processes) {
    md.append("# halfmsg SDK benchmark, ")
        .append(
            DateTimeFormatter.ISO_INSTANT.format(
                started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
        .append("\n\n");
    md.append("Command: `").append(s.command()).append("`\n\n");
    md.append(
        f(
            "Machine: %d cores (%s), %s %s (%s), %s %s; MariaDB at %s.%n%n",
            Runtime.getRuntime().availableProcessors(),
            cpuModel(),
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            System.getProperty("java.vendor"),
            System.getProperty("os.name"),
            System.getProperty("os.version"),
            s.jdbcServer()));
    md.append(
        f(
            "Processes: driver (this JVM: the SDKs and RocketMQ's client, -Xmx%dm), halfmsg broker"
                + " (its executable jar, -Xmx%s), RocketMQ name server + broker (-Xmx%s),"
                + " mariadbd (shared with whatever else runs on this machine).%n%n",
            Runtime.getRuntime().maxMemory() / (1024 * 1024), s.brokerXmx(), s.rocketMqXmx()));
    md.append(
        f(
            "Pools: halfmsg broker %d, application producer side %d, application consumer side %d"
                + " (native and plain-Java halfmsg share them; they never run at once), Spring"
                + " application %s; consume threads %d in every mode. The run needs up to %d"
                + " connections; the server allows"
                + " %d and had %d open before this run opened its own.%n%n",
            s.brokerPool(),
            s.producerPool(),
            s.consumerPool(),
            s.runsSpring() ? Integer.toString(s.springPool()) : "(not run)",
            s.consumeThreads(),
            s.connectionsNeeded(),
            budget[0],
            budget[1]));
    md.append(
        f(
            "Settings: %d messages per closed-loop round, %d measured round(s) per combination%s,"
                + " producer threads %s, body %d bytes; open loop (%s) at %s msg/s for %d s each,"
                + " %d sender threads, cut-off %d s after the offered window.%n%n",
            s.messages(),
            s.rounds(),
            s.warmup() ? " after warm-up rounds of each mode (below)" : ", no warm-up",
            s.threads(),
            s.bodyBytes(),
            s.openLoopWorkload(),
            s.openLoopRates(),
            s.openLoopSeconds(),
            s.openLoopSenders(),
            s.drainSeconds()));
  }

  private static void warmups(StringBuilder md, List<RoundRunner.Warmup> warmups) {
    if (warmups.isEmpty()) {
      return;
    }
    md.append(
        "## Warm-up\n\nUnmeasured rounds at the highest thread count, per workload and mode, until"
            + " two in a row agreed within 10% on msg/s and the JIT compilers took under 10% of"
            + " the CPU (steady), or the time allowed ran out.\n\n"
            + "| workload | mode | rounds | steady | last msg/s | JIT share of the last |\n"
            + "|---|---|---:|---|---:|---:|\n");
    for (RoundRunner.Warmup w : warmups) {
      md.append(
          f(
              "| %s | %s | %d | %s | %.0f | %.0f%% |%n",
              w.workload(),
              w.mode(),
              w.rounds(),
              w.steady() ? "yes" : "no (time)",
              w.lastPerSecond(),
              100 * w.lastJitShare()));
    }
    md.append('\n');
  }

  private static void closedLoop(
      StringBuilder md, BenchSettings s, Processes processes, List<RoundResult> results) {
    List<RoundResult> closed = results.stream().filter(r -> r.loop().equals("closed")).toList();
    if (closed.isEmpty()) {
      return;
    }
    md.append("## Closed loop (median of ").append(s.rounds()).append(" round(s))\n\n");
    md.append(
        "Throughput: first send to last consumer commit. Latency: the producer's local commit to"
            + " the first line of the consumer's handler. CPU: milliseconds of CPU per message of"
            + " each process over the round; JIT: the part of all of it that the JVMs' JIT compilers"
            + " used.\n\n");
    md.append("| workload | threads | mode | msg/s | p50 ms | p99 ms |");
    processes.all().forEach(p -> md.append(" CPU ").append(p.name()).append(" |"));
    md.append(" CPU all | of it JIT | complete |\n|---|---:|---|---:|---:|---:|");
    processes.all().forEach(p -> md.append("---:|"));
    md.append("---:|---:|---|\n");
    Map<String, List<RoundResult>> groups = group(closed);
    for (List<RoundResult> g : groups.values()) {
      RoundResult first = g.get(0);
      md.append(
          f(
              "| %s | %d | %s | %.0f | %.1f | %.1f |",
              first.workload(),
              first.load(),
              first.mode(),
              median(g, RoundResult::perSecond),
              median(g, r -> r.p(50)),
              median(g, r -> r.p(99))));
      for (int i = 0; i < processes.all().size(); i++) {
        int p = i;
        md.append(f(" %.3f |", median(g, r -> r.cpuMillisPerMessage()[p])));
      }
      md.append(
          f(
              " %.3f | %.3f | %s |%n",
              median(g, RoundResult::cpuTotal),
              median(g, RoundResult::jitMillisPerMessage),
              g.stream().allMatch(RoundResult::complete) ? "yes" : "NO"));
    }
    md.append("\n### halfmsg / native (ratios of the medians)\n\n");
    if (closed.stream().anyMatch(r -> r.mode().equals(HalfmsgPipeline.ORDERED_MODE))) {
      md.append(
          f("Ordered halfmsg (%,d sharding keys)", HalfmsgPipeline.ORDERED_KEYS)
              + " is set against native transactional messages, which are"
              + " unordered: RocketMQ's transactional messages cannot be ordered. Its second row"
              + " sets it against unordered halfmsg of the same run.\n\n");
    }
    md.append(
        "| workload | threads | mode | against | msg/s | p50 | p99 | CPU all per message |\n");
    md.append("|---|---:|---|---|---:|---:|---:|---:|\n");
    for (var e : groups.entrySet()) {
      List<RoundResult> h = e.getValue();
      RoundResult first = h.get(0);
      if (first.mode().equals("native")) {
        continue;
      }
      boolean ordered = first.mode().equals(HalfmsgPipeline.ORDERED_MODE);
      ratios(
          md,
          h,
          groups.get(first.workload() + "|" + first.load() + "|native"),
          ordered ? "native (unordered: no transactional ordered equivalent)" : "native");
      if (ordered) {
        ratios(
            md,
            h,
            groups.get(first.workload() + "|" + first.load() + "|halfmsg"),
            "halfmsg (unordered)");
      }
    }
    md.append('\n');
  }

  /** One row of ratios of {@code h}'s medians to {@code base}'s; none without a base. */
  private static void ratios(
      StringBuilder md, List<RoundResult> h, List<RoundResult> base, String against) {
    if (base == null) {
      return;
    }
    RoundResult first = h.get(0);
    md.append(
        f(
            "| %s | %d | %s | %s | %.2f× | %.2f× | %.2f× | %.2f× |%n",
            first.workload(),
            first.load(),
            first.mode(),
            against,
            median(h, RoundResult::perSecond) / median(base, RoundResult::perSecond),
            median(h, r -> r.p(50)) / median(base, r -> r.p(50)),
            median(h, r -> r.p(99)) / median(base, r -> r.p(99)),
            median(h, RoundResult::cpuTotal) / median(base, RoundResult::cpuTotal)));
  }

  private static void openLoop(
      StringBuilder md, BenchSettings s, Processes processes, List<RoundResult> results) {
    List<RoundResult> open = results.stream().filter(r -> r.loop().equals("open")).toList();
    if (open.isEmpty()) {
      return;
    }
    md.append("## Open loop (").append(s.openLoopWorkload()).append(")\n\n");
    md.append(
        f(
            "Messages due at a fixed rate for %d s, sent when due whether or not earlier ones"
                + " completed. Latency: due time to the first line of the consumer's handler."
                + " Achieved: handled messages ÷ (last handler call − first due time). \"late\":"
                + " not handled by the cut-off (%d s after the window), counted at the cut-off, so"
                + " percentiles with late messages are lower bounds; \"unsent\": not even sent by"
                + " then.%n%n",
            s.openLoopSeconds(), s.drainSeconds()));
    md.append(
        "| offered msg/s | mode | due | handled in time | achieved msg/s | p50 ms | p99 ms |"
            + " p99.9 ms | max ms | late | unsent | failed | CPU all ms/msg |\n");
    md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RoundResult r : open) {
      md.append(
          f(
              "| %d | %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %d | %d | %.3f |%n",
              r.load(),
              r.mode(),
              r.messages(),
              r.consumed(),
              r.perSecond(),
              r.p(50),
              r.p(99),
              r.p(99.9),
              r.p(100),
              r.late(),
              r.messages() - r.sent() - r.failed(),
              r.failed(),
              r.cpuTotal()));
    }
    md.append('\n');
  }

  private static void delayedBursts(StringBuilder md, List<DelayedBurst.Result> bursts) {
    if (bursts.isEmpty()) {
      return;
    }
    md.append(
        f(
            "## Delayed bursts%n%nEvery message of a burst sent with `sendInTransaction` and"
                + " `deliverAt` at one second, held by the broker, then forwarded to and handled"
                + " by a `HalfmsgConsumer`. The broker's live heap is read after a full collection"
                + " (`jcmd GC.run`, then `GC.heap_info`): before the sends, with all of them held"
                + " (just before they are due), at its highest while they are forwarded (read every"
                + " 2 s; each reading pauses the broker for a moment), and after. \"not growing\":"
                + " the highest reading at most %d MiB over the one before. Times are seconds"
                + " after the due second.%n%n",
            DelayedBurst.MAX_GROWTH_BYTES / (1024 * 1024)));
    md.append(
        "| messages | sent in s | due after s | live heap MiB before / held / peak / after |"
            + " growth MiB | forwarded | early | first forward s | last forward s | last handled"
            + " s | handled | heap not growing | none early, all handled |\n");
    md.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (DelayedBurst.Result r : bursts) {
      md.append(
          f(
              "| %,d | %.1f%s | %.1f | %.0f / %.0f / %.0f / %.0f | %+.1f | %,d | %d | %.2f | %.2f |"
                  + " %.2f | %,d | %s | %s |%n",
              r.messages(),
              r.sendSeconds(),
              r.sentBeforeDue() ? "" : " (past due)",
              r.leadSeconds(),
              mib(r.heapBefore()),
              mib(r.heapHeld()),
              mib(r.heapPeak()),
              mib(r.heapAfter()),
              mib(r.growth()),
              r.forwarded(),
              r.early(),
              r.firstForward(),
              r.lastForward(),
              r.lastHandled(),
              r.handled(),
              r.bounded() ? "yes" : "NO",
              r.delivered() ? "yes" : "NO"));
    }
    md.append('\n');
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static void databaseChecks(StringBuilder md, List<DatabaseCheck> checks) {
    md.append(
        "## Database check\n\nCounted after each workload's consumers stopped, against the sends"
            + " that committed locally (warm-up rounds included).\n\n"
            + "| workload | rows | expected | found | |\n|---|---|---:|---:|---|\n");
    for (DatabaseCheck c : checks) {
      md.append(
          f(
              "| %s | %s | %d | %d | %s |%n",
              c.workload(), c.what(), c.expected(), c.found(), c.passed() ? "ok" : "MISMATCH"));
    }
    md.append('\n');
  }

  private static void everyRound(StringBuilder md, Processes processes, List<RoundResult> results) {
    md.append(
            "## Every measured round\n\n| loop | workload | load | mode | round | sent | failed |"
                + " handled | s | msg/s | p50 ms | p99 ms | p99.9 ms | CPU ms/msg (")
        .append(processes.all().stream().map(ProcessCpu::name).collect(Collectors.joining(", ")))
        .append(") |\n|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (RoundResult r : results) {
      md.append(
          f(
              "| %s | %s | %d | %s | %d | %d | %d | %d | %.2f | %.0f | %.1f | %.1f | %.1f | %s |%n",
              r.loop(),
              r.workload(),
              r.load(),
              r.mode(),
              r.round(),
              r.sent(),
              r.failed(),
              r.consumed(),
              r.seconds(),
              r.perSecond(),
              r.p(50),
              r.p(99),
              r.p(99.9),
              Arrays.stream(r.cpuMillisPerMessage())
                  .mapToObj(v -> f("%.3f", v))
                  .collect(Collectors.joining(" / "))));
    }
  }

  private static Map<String, List<RoundResult>> group(List<RoundResult> rs) {
    Map<String, List<RoundResult>> m = new LinkedHashMap<>();
    for (RoundResult r : rs) {
      m.computeIfAbsent(
              r.workload() + "|" + r.load() + "|" + r.mode(), k -> new java.util.ArrayList<>())
          .add(r);
    }
    return m;
  }

  static double median(List<RoundResult> rs, ToDoubleFunction<RoundResult> metric) {
    double[] v = rs.stream().mapToDouble(metric).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
