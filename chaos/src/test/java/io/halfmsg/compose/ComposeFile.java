package io.halfmsg.compose;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as {@code docker compose up} reads it, as far as this repository's file uses
 * the Compose specification. A key that is not modelled here is an error rather than ignored, so
 * that nothing the file says is left out of the stack test without anyone noticing.
 */
final class ComposeFile {

  private static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "services", "volumes");
  private static final Set<String> SERVICE_KEYS =
      Set.of(
          "image",
          "build",
          "command",
          "entrypoint",
          "environment",
          "ports",
          "expose",
          "volumes",
          "depends_on",
          "healthcheck");
  private static final Set<String> HEALTHCHECK_KEYS =
      Set.of("test", "interval", "timeout", "retries", "start_period");
  static final Set<String> CONDITIONS =
      Set.of("service_started", "service_healthy", "service_completed_successfully");

  /** Compose interpolates ${NAME} and $NAME from the shell; $$ is a literal $. */
  private static final Pattern INTERPOLATION = Pattern.compile("\\$(?=[{A-Za-z_])");

  record Service(
      String name,
      String image,
      Build build,
      List<String> entrypoint,
      List<String> command,
      Map<String, String> environment,
      List<Port> ports,
      List<Integer> exposed,
      List<Volume> volumes,
      Map<String, String> dependsOn,
      Healthcheck healthcheck) {

    /** The container ports it serves: those it publishes and those it only exposes. */
    List<Integer> containerPorts() {
      List<Integer> all = new ArrayList<>(exposed);
      ports.forEach(p -> all.add(p.target()));
      return all;
    }
  }

  /** {@code build:} — the context directory and the Dockerfile in it. */
  record Build(Path context, Path dockerfile) {}

  /** {@code ports:} — a container port and the host port it is published on (0: any). */
  record Port(int published, int target) {}

  /** {@code volumes:} — a bind mount of a file of the repository, or a named volume. */
  record Volume(String source, String target, boolean bind) {}

  private final Path dir;
  private final Map<String, Service> services;

  private ComposeFile(Path dir, Map<String, Service> services) {
    this.dir = dir;
    this.services = services;
  }

  static ComposeFile read(Path file) {
    Map<String, Object> root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = map(new Yaml().load(reader), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    onlyKeys(root, TOP_LEVEL_KEYS, file.toString());
    Path dir = file.toAbsolutePath().getParent();
    Map<String, Service> services = new LinkedHashMap<>();
    map(root.get("services"), "services")
        .forEach((name, body) -> services.put(name, service(dir, name, map(body, name))));
    return new ComposeFile(dir, services);
  }

  /** The directory of the file, against which its relative paths resolve. */
  Path dir() {
    return dir;
  }

  /** In the file's order. */
  List<Service> services() {
    return List.copyOf(services.values());
  }

  Service service(String name) {
    Service s = services.get(name);
    if (s == null) {
      throw new IllegalArgumentException("docker-compose.yml has no service " + name);
    }
    return s;
  }

  private static Service service(Path dir, String name, Map<String, Object> s) {
    onlyKeys(s, SERVICE_KEYS, name);
    if (s.containsKey("image") == s.containsKey("build")) {
      throw new IllegalArgumentException(name + ": give either image or build");
    }
    return new Service(
        name,
        s.containsKey("image") ? literal(s.get("image"), name + ".image") : null,
        s.containsKey("build") ? build(dir, s.get("build"), name) : null,
        s.containsKey("entrypoint") ? words(s.get("entrypoint"), name + ".entrypoint") : null,
        s.containsKey("command") ? words(s.get("command"), name + ".command") : null,
        environment(s.get("environment"), name),
        ports(s.get("ports"), name),
        exposed(s.get("expose"), name),
        volumes(dir, s.get("volumes"), name),
        dependsOn(s.get("depends_on"), name),
        s.containsKey("healthcheck") ? healthcheck(map(s.get("healthcheck"), name), name) : null);
  }

  private static Build build(Path dir, Object build, String where) {
    String context;
    String dockerfile = "Dockerfile";
    if (build instanceof Map<?, ?>) {
      Map<String, Object> m = map(build, where + ".build");
      onlyKeys(m, Set.of("context", "dockerfile"), where + ".build");
      context = literal(m.getOrDefault("context", "."), where + ".build.context");
      dockerfile = literal(m.getOrDefault("dockerfile", dockerfile), where + ".build.dockerfile");
    } else {
      context = literal(build, where + ".build");
    }
    Path contextDir = dir.resolve(context).normalize();
    return new Build(contextDir, contextDir.resolve(dockerfile).normalize());
  }

  /** The list form only: Compose splits a string with shell rules that this does not model. */
  private static List<String> words(Object value, String where) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(where + ": write it as a list");
    }
    return list.stream().map(w -> literal(w, where)).toList();
  }

  private static Map<String, String> environment(Object env, String where) {
    Map<String, String> result = new LinkedHashMap<>();
    if (env == null) {
      return result;
    }
    if (env instanceof List<?> list) {
      for (Object item : list) {
        String[] kv = literal(item, where + ".environment").split("=", 2);
        if (kv.length < 2) {
          throw new IllegalArgumentException(
              where + ": " + kv[0] + " without a value would come from the shell running compose");
        }
        result.put(kv[0], kv[1]);
      }
    } else {
      map(env, where + ".environment")
          .forEach((k, v) -> result.put(k, literal(v, where + ".environment." + k)));
    }
    return result;
  }

  private static List<Port> ports(Object ports, String where) {
    List<Port> result = new ArrayList<>();
    for (Object p : list(ports, where + ".ports")) {
      String[] parts = literal(p, where + ".ports").replaceFirst("/tcp$", "").split(":");
      int target = Integer.parseInt(parts[parts.length - 1]);
      int published = parts.length >= 2 ? Integer.parseInt(parts[parts.length - 2]) : 0;
      result.add(new Port(published, target));
    }
    return result;
  }

  private static List<Integer> exposed(Object expose, String where) {
    return list(expose, where + ".expose").stream()
        .map(p -> Integer.parseInt(literal(p, where + ".expose").replaceFirst("/tcp$", "")))
        .toList();
  }

  private static List<Volume> volumes(Path dir, Object volumes, String where) {
    List<Volume> result = new ArrayList<>();
    for (Object v : list(volumes, where + ".volumes")) {
      if (!(v instanceof String)) {
        throw new IllegalArgumentException(where + ".volumes: the short syntax only (SRC:DST)");
      }
      String[] parts = literal(v, where + ".volumes").split(":");
      if (parts.length < 2
          || parts.length > 3
          || (parts.length == 3 && !parts[2].matches("ro|rw"))) {
        throw new IllegalArgumentException(where + ".volumes: " + v + " is not SRC:DST[:ro|rw]");
      }
      boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/");
      String source = bind ? dir.resolve(parts[0]).normalize().toString() : parts[0];
      result.add(new Volume(source, parts[1], bind));
    }
    return result;
  }

  private static Map<String, String> dependsOn(Object dependsOn, String where) {
    Map<String, String> result = new LinkedHashMap<>();
    if (dependsOn instanceof List<?> list) {
      list.forEach(d -> result.put(literal(d, where), "service_started"));
    } else if (dependsOn != null) {
      map(dependsOn, where + ".depends_on")
          .forEach(
              (dependency, options) -> {
                Map<String, Object> o = map(options, where + ".depends_on." + dependency);
                onlyKeys(o, Set.of("condition"), where + ".depends_on." + dependency);
                String condition = literal(o.getOrDefault("condition", "service_started"), where);
                if (!CONDITIONS.contains(condition)) {
                  throw new IllegalArgumentException(
                      where + " → " + dependency + ": no condition " + condition);
                }
                result.put(dependency, condition);
              });
    }
    return result;
  }

  private static Healthcheck healthcheck(Map<String, Object> h, String where) {
    onlyKeys(h, HEALTHCHECK_KEYS, where + ".healthcheck");
    Object test = h.get("test");
    List<String> command;
    if (test instanceof String shell) {
      command = List.of("/bin/sh", "-c", literal(shell, where + ".healthcheck.test"));
    } else {
      List<String> words = words(test, where + ".healthcheck.test");
      command =
          switch (words.get(0)) {
            case "CMD" -> words.subList(1, words.size());
            case "CMD-SHELL" ->
                List.of("/bin/sh", "-c", String.join(" ", words.subList(1, words.size())));
            default ->
                throw new IllegalArgumentException(
                    where + ".healthcheck.test: starts with CMD or CMD-SHELL, not " + words.get(0));
          };
    }
    return new Healthcheck(
        command,
        duration(h.get("interval"), Healthcheck.DEFAULT_INTERVAL),
        duration(h.get("timeout"), Healthcheck.DEFAULT_TIMEOUT),
        duration(h.get("start_period"), Duration.ZERO),
        h.containsKey("retries")
            ? Integer.parseInt(literal(h.get("retries"), where))
            : Healthcheck.DEFAULT_RETRIES);
  }

  private static Duration duration(Object value, Duration fallback) {
    return value == null ? fallback : Healthcheck.goDuration(value.toString());
  }

  /** A scalar as the container gets it: $$ unescaped; interpolation from the shell refused. */
  private static String literal(Object value, String where) {
    if (value == null || value instanceof Map || value instanceof List) {
      throw new IllegalArgumentException(where + ": a single value expected, not " + value);
    }
    String text = value.toString();
    String withoutEscapes = text.replace("$$", "");
    if (INTERPOLATION.matcher(withoutEscapes).find()) {
      throw new IllegalArgumentException(
          where + ": '" + text + "' takes a value from the shell running compose (write $$)");
    }
    return text.replace("$$", "$");
  }

  private static void onlyKeys(Map<String, Object> m, Set<String> known, String where) {
    for (String key : m.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            where + ": '" + key + "' is not modelled by the compose stack test " + known);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String where) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(where + ": a mapping expected");
    }
    return (Map<String, Object>) value;
  }

  private static List<?> list(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> l)) {
      throw new IllegalArgumentException(where + ": a list expected");
    }
    return l;
  }
}
