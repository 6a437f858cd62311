package io.halfmsg.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The directory a stack test keeps its processes' data and logs in. */
public final class OutputDirectory {

  private OutputDirectory() {}

  /** Deletes what an earlier run left there, and makes the directory. */
  public static Path empty(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot empty " + dir, e);
    }
  }
}
