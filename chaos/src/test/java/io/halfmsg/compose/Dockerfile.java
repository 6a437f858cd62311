package io.halfmsg.compose;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single-stage Dockerfile as the stack test runs its image: the environment, working directory
 * and files it gives the container, its exposed ports, entrypoint, command and healthcheck. The
 * instructions that only shape the image's file system and users (FROM, RUN, USER) are recorded but
 * cannot be carried out here; any instruction not modelled is an error.
 */
record Dockerfile(
    Path file,
    String from,
    String user,
    String workdir,
    Map<String, String> environment,
    List<Copy> copies,
    List<Integer> exposed,
    List<String> entrypoint,
    List<String> cmd,
    Healthcheck healthcheck) {

  /** {@code COPY SRC... DEST}: sources are globs in the build context. */
  record Copy(List<String> sources, String destination) {}

  private static final Pattern INSTRUCTION = Pattern.compile("(?s)^(\\w+)\\s+(.*)$");
  private static final Pattern ENV_PAIR =
      Pattern.compile(
          "\\G\\s*([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|(?:[^\\s\"'\\\\]|\\\\.)*)");
  private static final Pattern HEALTHCHECK_OPTION = Pattern.compile("^--([a-z-]+)=(\\S+)\\s+");
  private static final ObjectMapper JSON = new ObjectMapper();

  static Dockerfile read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String from = null;
    String user = "root";
    String workdir = "/";
    Map<String, String> env = new LinkedHashMap<>();
    List<Copy> copies = new ArrayList<>();
    List<Integer> exposed = new ArrayList<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    Healthcheck healthcheck = null;
    for (String line : instructions(lines)) {
      Matcher m = INSTRUCTION.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(file + ": cannot read '" + line + "'");
      }
      String args = m.group(2).trim();
      String where = file.getFileName() + " " + m.group(1);
      switch (m.group(1).toUpperCase(Locale.ROOT)) {
        case "FROM" -> {
          if (from != null) {
            throw new IllegalArgumentException(file + ": multi-stage builds are not modelled");
          }
          from = args.split("\\s+")[0];
        }
        // Sets up the image's own file system (its users): nothing a local process needs.
        case "RUN" -> {}
        case "USER" -> user = buildTime(args, where);
        case "WORKDIR" -> workdir = Path.of(workdir).resolve(buildTime(args, where)).toString();
        case "ENV" -> env.putAll(environment(buildTime(args, where), where));
        case "EXPOSE" -> {
          for (String port : buildTime(args, where).split("\\s+")) {
            exposed.add(Integer.parseInt(port.replaceFirst("/tcp$", "")));
          }
        }
        case "COPY" -> {
          List<String> words = new ArrayList<>(List.of(buildTime(args, where).split("\\s+")));
          words.removeIf(w -> w.startsWith("--"));
          if (words.size() < 2) {
            throw new IllegalArgumentException(where + ": COPY SRC... DEST");
          }
          String dest = words.remove(words.size() - 1);
          copies.add(
              new Copy(words, Path.of(workdir).resolve(dest) + (dest.endsWith("/") ? "/" : "")));
        }
        case "ENTRYPOINT" -> {
          entrypoint = execOrShell(args, where);
          // As Docker does: a new ENTRYPOINT drops a CMD inherited from before it.
          cmd = List.of();
        }
        case "CMD" -> cmd = execOrShell(args, where);
        case "HEALTHCHECK" -> healthcheck = healthcheck(args, where);
        default ->
            throw new IllegalArgumentException(
                where + " is not modelled by the compose stack test");
      }
    }
    if (from == null) {
      throw new IllegalArgumentException(file + ": no FROM");
    }
    return new Dockerfile(
        file, from, user, workdir, env, copies, exposed, entrypoint, cmd, healthcheck);
  }

  /** Logical lines: comments and blank lines dropped, backslash continuations joined. */
  private static List<String> instructions(List<String> lines) {
    List<String> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || line.isEmpty()) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      result.add(current.toString());
      current.setLength(0);
    }
    if (!current.isEmpty()) {
      result.add(current.toString());
    }
    return result;
  }

  /** Docker substitutes ${VAR} in these instructions at build time; that is not modelled. */
  private static String buildTime(String args, String where) {
    if (args.contains("$")) {
      throw new IllegalArgumentException(
          where + ": build-time variables are not modelled: " + args);
    }
    return args;
  }

  /** {@code ENV K=V K2="v 2"}, or the old {@code ENV K the value}. */
  private static Map<String, String> environment(String args, String where) {
    Map<String, String> pairs = new LinkedHashMap<>();
    if (!args.matches("^[A-Za-z_][A-Za-z0-9_]*=.*")) {
      String[] kv = args.split("\\s+", 2);
      pairs.put(kv[0], kv.length > 1 ? kv[1] : "");
      return pairs;
    }
    Matcher m = ENV_PAIR.matcher(args);
    int end = 0;
    while (m.find()) {
      pairs.put(m.group(1), unquote(m.group(2)));
      end = m.end();
    }
    if (!args.substring(end).isBlank()) {
      throw new IllegalArgumentException(where + ": cannot read '" + args.substring(end) + "'");
    }
    return pairs;
  }

  private static String unquote(String value) {
    if (value.startsWith("'")) {
      return value.substring(1, value.length() - 1);
    }
    if (value.startsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return value.replaceAll("\\\\(.)", "$1");
  }

  /** The JSON (exec) form as is; the shell form as Docker runs it, under {@code /bin/sh -c}. */
  private static List<String> execOrShell(String args, String where) {
    if (!args.startsWith("[")) {
      return List.of("/bin/sh", "-c", args);
    }
    try {
      return JSON.readValue(args, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(where + ": not a JSON array of strings: " + args, e);
    }
  }

  private static Healthcheck healthcheck(String args, String where) {
    Map<String, String> options = new LinkedHashMap<>();
    String rest = args;
    Matcher m;
    while ((m = HEALTHCHECK_OPTION.matcher(rest)).find()) {
      options.put(m.group(1), m.group(2));
      rest = rest.substring(m.end());
    }
    if (rest.equals("NONE")) {
      return null;
    }
    if (!rest.startsWith("CMD ")) {
      throw new IllegalArgumentException(where + ": HEALTHCHECK [OPTIONS] CMD ... or NONE");
    }
    Healthcheck h =
        new Healthcheck(
            execOrShell(rest.substring(4).trim(), where),
            duration(options.remove("interval"), Healthcheck.DEFAULT_INTERVAL),
            duration(options.remove("timeout"), Healthcheck.DEFAULT_TIMEOUT),
            duration(options.remove("start-period"), Duration.ZERO),
            options.containsKey("retries")
                ? Integer.parseInt(options.remove("retries"))
                : Healthcheck.DEFAULT_RETRIES);
    if (!options.isEmpty()) {
      throw new IllegalArgumentException(where + ": options not modelled: " + options.keySet());
    }
    return h;
  }

  private static Duration duration(String value, Duration fallback) {
    return value == null ? fallback : Healthcheck.goDuration(value);
  }
}
