package io.halfmsg.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files {@code docker build} sends for a context directory: every file but those its {@code
 * .dockerignore} excludes. A pattern excludes a file if it matches the file's path or the path of a
 * directory above it; the last pattern that matches decides, and a {@code !pattern} takes a file
 * back in.
 */
final class BuildContext {

  private record Rule(PathMatcher matcher, boolean exclude) {}

  private final Path dir;
  private final List<Rule> rules = new ArrayList<>();

  BuildContext(Path dir) {
    this.dir = dir;
    Path ignore = dir.resolve(".dockerignore");
    if (!Files.exists(ignore)) {
      return;
    }
    try {
      for (String raw : Files.readAllLines(ignore)) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        boolean exclude = !line.startsWith("!");
        String pattern = (exclude ? line : line.substring(1)).replaceFirst("^/+", "");
        rules.add(new Rule(glob(Path.of(pattern).normalize().toString()), exclude));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The one file a COPY source names, as {@code docker build} resolves it.
   *
   * @throws IllegalStateException if it names none or several: COPY to a file would fail
   */
  Path single(String source) {
    Path pattern = Path.of(source).normalize();
    // The files can only be below the part of the pattern that has no wildcard.
    Path base = Path.of("");
    int depth = 0;
    for (Path segment : pattern) {
      if (depth == 0 && !segment.toString().matches(".*[*?\\[].*")) {
        base = base.resolve(segment);
      } else {
        depth++;
      }
    }
    PathMatcher matcher = glob(pattern.toString());
    List<Path> found;
    Path start = dir.resolve(base);
    try (Stream<Path> files =
        Files.exists(start) ? Files.walk(start, Math.max(depth, 1)) : Stream.empty()) {
      found =
          files
              .filter(Files::isRegularFile)
              .map(dir::relativize)
              .filter(matcher::matches)
              .filter(p -> !excluded(p))
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (found.size() != 1) {
      throw new IllegalStateException(
          "COPY "
              + source
              + " names "
              + found.size()
              + " files of the build context "
              + dir
              + " (after .dockerignore): "
              + found
              + "; docker build needs exactly one (build the jars first: ./mvnw package)");
    }
    return dir.resolve(found.get(0));
  }

  private boolean excluded(Path file) {
    boolean excluded = false;
    for (Rule rule : rules) {
      for (Path p = file; p != null; p = p.getParent()) {
        if (rule.matcher().matches(p)) {
          excluded = rule.exclude();
          break;
        }
      }
    }
    return excluded;
  }

  private static PathMatcher glob(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }
}
