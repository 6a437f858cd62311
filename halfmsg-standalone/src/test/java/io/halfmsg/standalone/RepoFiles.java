package io.halfmsg.standalone;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository and its Maven build, located through properties Surefire passes. */
final class RepoFiles {

  private RepoFiles() {}

  static Path root() {
    String root = System.getProperty("halfmsg.repo.root");
    Path dir = root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      throw new IllegalStateException("Not the repository root: " + dir);
    }
    return dir;
  }

  static String version() {
    String version = System.getProperty("halfmsg.version");
    if (version == null) {
      throw new IllegalStateException("halfmsg.version not set: run through Maven");
    }
    return version;
  }

  /** The executable jar operators run, as {@code half-msg-broker/Dockerfile} copies it. */
  static Path brokerJar() {
    return root().resolve("half-msg-broker/target/half-msg-broker-" + version() + ".jar");
  }
}
