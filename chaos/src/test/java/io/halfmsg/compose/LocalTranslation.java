package io.halfmsg.compose;

import io.halfmsg.process.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every difference the compose stack test makes between a container and the local process that
 * plays it — and so the only places where what runs here is not what the compose file and the
 * Dockerfiles say:
 *
 * <ol>
 *   <li><b>Service names → {@value #LOOPBACK}</b> where a name stands as a host — what Compose's
 *       network DNS does — in environment values, commands, healthchecks and broker.conf: before a
 *       port ({@code mysql:3306}), after {@code //} or in bash's {@code /dev/tcp/NAME/PORT}, and on
 *       its own in a host setting (a key with the word HOST(S), IP or ADDR: {@code brokerIP1},
 *       {@code HALFMSG_CHECK_BACK_ALLOWED_HOSTS}). Elsewhere a name is left alone: {@code
 *       order-service} is also a producer group.
 *   <li><b>Ports → free local ports.</b> Each port a service serves (the container side of {@code
 *       ports:}, {@code expose:}, a Dockerfile's EXPOSE) gets a loopback port of its own, used
 *       consistently: in {@code service:port}, in the service's own {@code 127.0.0.1:port}, {@code
 *       localhost:port} and bash's {@code /dev/tcp/127.0.0.1/port}, and on its own in a port
 *       setting of the service (a key with the word PORT: {@code SERVER_PORT}, {@code APP_PORT},
 *       broker.conf's {@code listenPort}). A published port is that same local port. An image's
 *       default port that no file spells out goes the same way: mysqld's 3306, {@code mqnamesrv}'s
 *       9876, {@code mqbroker}'s 10911 (added to its broker.conf copy), and the MySQL client's
 *       default 3306 in the mysql service's healthcheck ({@code MYSQL_TCP_PORT}).
 *   <li><b>Container files → local files.</b> A COPY destination → the one file of the build
 *       context it copies ({@link BuildContext}); a bind mount's target → its source, a config file
 *       in it (broker.conf) as a copy with 1 and 2 applied; the working directory, {@code HOME} and
 *       named volumes → directories of the service's own under {@code target/compose}.
 *   <li><b>The base image → this machine.</b> {@code PATH}: the test's JDK first, then the system's
 *       directories (the Temurin image puts its JDK first); {@code LANG} and {@code LC_ALL} {@code
 *       C.UTF-8} (Temurin: {@code en_US.UTF-8}); a command's program looked up on that PATH, as the
 *       container runtime does. Nothing of the test JVM's own environment.
 *   <li><b>Images this repository does not build → stand-ins:</b> mysql → MariaDB ({@link
 *       MySqlStandIn}); apache/rocketmq's {@code mqnamesrv}, {@code mqbroker} and {@code mqadmin} →
 *       RocketMqMain and RocketMQ's own MQAdminStartup from the test class path ({@link
 *       RocketMqStandIn}).
 * </ol>
 *
 * <p>Not carried over: the image's users (every process runs as the test's user: Dockerfile USER
 * and RUN), resource limits, and any network but loopback.
 */
final class LocalTranslation {

  static final String LOOPBACK = "127.0.0.1";

  /** The Temurin image's PATH after its JDK. */
  private static final String SYSTEM_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final Pattern DEV_TCP = Pattern.compile("/dev/tcp/([A-Za-z0-9.-]+)/(\\d+)");
  private static final Set<String> HOST_WORDS = Set.of("host", "hosts", "ip", "addr", "address");

  /** Where a key's words part: SERVER_PORT, listenPort, brokerIP1. */
  private static final Pattern WORD_BOUNDARY =
      Pattern.compile("_|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=\\D)(?=\\d)");

  private static final Pattern PROPERTY =
      Pattern.compile("^(\\s*[^#!\\s][^=:\\s]*\\s*[=:]\\s*)(.*)$");

  private final Path outputDir;
  private final Map<String, Map<Integer, Integer>> ports = new LinkedHashMap<>();
  private final Map<String, Map<String, Path>> files = new HashMap<>();
  private final Set<Integer> taken = new HashSet<>();
  private final Pattern host;

  LocalTranslation(ComposeFile compose, Map<String, Dockerfile> dockerfiles, Path outputDir) {
    this.outputDir = outputDir;
    for (ComposeFile.Service s : compose.services()) {
      Map<Integer, Integer> own = new LinkedHashMap<>();
      List<Integer> served = new ArrayList<>(s.containerPorts());
      if (dockerfiles.containsKey(s.name())) {
        served.addAll(dockerfiles.get(s.name()).exposed());
      }
      served.forEach(p -> own.computeIfAbsent(p, unused -> allocate()));
      ports.put(s.name(), own);
      Map<String, Path> mounted = new HashMap<>();
      for (ComposeFile.Volume v : s.volumes()) {
        mounted.put(
            v.target(),
            v.bind() ? Path.of(v.source()) : directory(s.name()).resolve("volumes/" + v.source()));
      }
      if (dockerfiles.containsKey(s.name())) {
        BuildContext context = new BuildContext(s.build().context());
        for (Dockerfile.Copy copy : dockerfiles.get(s.name()).copies()) {
          if (copy.sources().size() != 1 || copy.destination().endsWith("/")) {
            throw new IllegalArgumentException(
                s.name() + ": only COPY of one file to a file is modelled: " + copy);
          }
          mounted.put(copy.destination(), context.single(copy.sources().get(0)));
        }
      }
      files.put(s.name(), mounted);
    }
    List<String> names = new ArrayList<>(ports.keySet());
    names.add(LOOPBACK);
    names.add("localhost");
    // Longest first, so that no name is taken for the start of a longer one.
    names.sort(Comparator.comparingInt(String::length).reversed());
    this.host =
        Pattern.compile(
            "(?:^|(?<=//|[\\s,;=@'\"]))("
                + String.join("|", names.stream().map(Pattern::quote).toList())
                + ")(?::(\\d+))?(?=$|[/\\s,;'\"?])");
  }

  /** The local port that plays a service's container port. */
  int port(String service, int containerPort) {
    Integer local = ports.getOrDefault(service, Map.of()).get(containerPort);
    if (local == null) {
      throw new IllegalArgumentException(
          service
              + " serves no port "
              + containerPort
              + " (it has "
              + ports.getOrDefault(service, Map.of()).keySet()
              + " in ports:, expose: or EXPOSE)");
    }
    return local;
  }

  /** The local file or directory behind a path in a service's container. */
  Path file(String service, String containerPath) {
    Path local = files.getOrDefault(service, Map.of()).get(containerPath);
    if (local == null) {
      throw new IllegalArgumentException(
          service + ": nothing is copied or mounted at " + containerPath);
    }
    return local;
  }

  /** Whether something is copied or mounted at that path of the service's container. */
  boolean hasFile(String service, String containerPath) {
    return files.getOrDefault(service, Map.of()).containsKey(containerPath);
  }

  /** The service's own directory: working directory, home, data, log. */
  Path directory(String service) {
    return outputDir.resolve(service);
  }

  /** A word of a command of a service's container as the local process needs it. */
  String text(String self, String word) {
    return text(self, null, word);
  }

  /**
   * A value of a service's container as the local process needs it.
   *
   * @param key the variable or property it is the value of, or null for a word of a command: a
   *     service name on its own is a host only in the value of a host setting (a key with the word
   *     HOST(S), IP or ADDR), and a port on its own only in a port setting (the word PORT) —
   *     elsewhere it is a name (order-service is also a producer group) or a number
   */
  String text(String self, String key, String value) {
    for (var mount : files.getOrDefault(self, Map.of()).entrySet()) {
      value =
          value.replaceAll(
              "(?<![\\w./-])" + Pattern.quote(mount.getKey()) + "(?![\\w.-])",
              Matcher.quoteReplacement(mount.getValue().toString()));
    }
    List<String> words =
        key == null
            ? List.of()
            : Stream.of(WORD_BOUNDARY.split(key)).map(w -> w.toLowerCase(Locale.ROOT)).toList();
    boolean hostSetting = words.stream().anyMatch(HOST_WORDS::contains);
    boolean portSetting = words.contains("port");
    Integer ownPort = parsePort(value);
    if (portSetting && ports.getOrDefault(self, Map.of()).containsKey(ownPort)) {
      return Integer.toString(port(self, ownPort));
    }
    value = replace(DEV_TCP, value, m -> "/dev/tcp/" + hostPort(self, m.group(1), m.group(2), "/"));
    String text = value;
    return replace(
        host,
        value,
        m -> {
          boolean authority = m.start() >= 2 && text.startsWith("//", m.start() - 2);
          if (m.group(2) == null && !authority && !hostSetting) {
            return m.group();
          }
          return hostPort(self, m.group(1), m.group(2), ":");
        });
  }

  /** The service's working directory and home; made if need be. */
  Path workingDirectory(String service) {
    Path work = directory(service).resolve("work");
    try {
      return Files.createDirectories(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The container's environment as the local process gets it: translated, and nothing else. */
  Map<String, String> environment(String self, Map<String, String> container) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + SYSTEM_PATH);
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    env.put("HOME", workingDirectory(self).toString());
    container.forEach((k, v) -> env.put(k, text(self, k, v)));
    return env;
  }

  /** A command of a service's container as the local process runs it. */
  List<String> command(String self, List<String> container, Map<String, String> env) {
    List<String> argv = new ArrayList<>(container.stream().map(a -> text(self, a)).toList());
    argv.set(0, executable(self, argv.get(0), env));
    return argv;
  }

  /** A program of a command as the container runtime finds it: on the container's PATH. */
  String executable(String self, String program, Map<String, String> env) {
    if (program.contains("/")) {
      return program;
    }
    for (String dir : env.get("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return Path.of(dir, program).toString();
      }
    }
    throw new IllegalArgumentException(self + ": " + program + " is not on " + env.get("PATH"));
  }

  /**
   * A properties-style config file (broker.conf) of a service's container, as a local copy whose
   * values are translated, plus {@code defaults} for keys the file does not set.
   */
  Path configFile(String self, Path source, Map<String, Supplier<String>> defaults) {
    try {
      List<String> lines = new ArrayList<>();
      lines.add("# " + source + " as " + self + " reads it here (see LocalTranslation)");
      Set<String> keys = new HashSet<>();
      for (String line : Files.readAllLines(source)) {
        Matcher m = PROPERTY.matcher(line);
        if (m.matches()) {
          String key = m.group(1).replaceAll("[\\s=:]", "");
          keys.add(key);
          line = m.group(1) + text(self, key, m.group(2));
        }
        lines.add(line);
      }
      defaults.forEach(
          (k, v) -> {
            if (!keys.contains(k)) {
              lines.add("# the image's default, translated");
              lines.add(k + " = " + v.get());
            }
          });
      Path copy = directory(self).resolve(source.getFileName());
      Files.createDirectories(copy.getParent());
      return Files.write(copy, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The MySQL client's defaults inside the mysql service's container. */
  Map<String, String> mysqlClientEnvironment(String self) {
    return Map.of("MYSQL_TCP_PORT", Integer.toString(port(self, 3306)));
  }

  private String hostPort(String self, String name, String port, String separator) {
    boolean loopback = name.equals(LOOPBACK) || name.equals("localhost");
    if (!loopback && !ports.containsKey(name)) {
      return name + (port == null ? "" : separator + port);
    }
    if (port == null) {
      return loopback ? name : LOOPBACK;
    }
    return LOOPBACK + separator + port(loopback ? self : name, Integer.parseInt(port));
  }

  private static Integer parsePort(String value) {
    return value.matches("\\d{1,5}") ? Integer.valueOf(value) : null;
  }

  private interface Replacement {
    String apply(Matcher m);
  }

  private static String replace(Pattern pattern, String value, Replacement replacement) {
    Matcher m = pattern.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement.apply(m)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A port p with p - 2 and p + 1 free too (a RocketMQ broker takes them), not near another. */
  private int allocate() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int p = FreePorts.rocketMqBrokerPort();
      if (!taken.contains(p - 2)
          && !taken.contains(p - 1)
          && !taken.contains(p)
          && !taken.contains(p + 1)) {
        for (int q = p - 2; q <= p + 1; q++) {
          taken.add(q);
        }
        return p;
      }
    }
    throw new IllegalStateException("No free ports for the compose stack");
  }
}
