package io.halfmsg.compose;

import io.halfmsg.process.ChildService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service built from a Dockerfile of this repository, run as its container would run: the
 * ENTRYPOINT and CMD (or the service's {@code entrypoint:} and {@code command:}, which replace them
 * as Compose does), with the Dockerfile's ENV and then the service's {@code environment:}, and the
 * healthcheck of the service or else of the Dockerfile.
 */
final class BuiltImage {

  private BuiltImage() {}

  static StackService service(
      ComposeFile.Service s, Dockerfile dockerfile, LocalTranslation translation) {
    List<String> entrypoint = s.entrypoint() != null ? s.entrypoint() : dockerfile.entrypoint();
    List<String> cmd =
        s.command() != null
            ? s.command()
            // A service's own entrypoint drops the image's CMD.
            : s.entrypoint() != null ? List.of() : dockerfile.cmd();
    List<String> container = new ArrayList<>(entrypoint);
    container.addAll(cmd);
    if (container.isEmpty()) {
      throw new IllegalArgumentException(s.name() + ": neither ENTRYPOINT nor CMD to run");
    }
    Map<String, String> containerEnv = new LinkedHashMap<>(dockerfile.environment());
    containerEnv.putAll(s.environment());
    Map<String, String> env = translation.environment(s.name(), containerEnv);
    Path dir = translation.directory(s.name());
    Healthcheck healthcheck = s.healthcheck() != null ? s.healthcheck() : dockerfile.healthcheck();
    return new StackService(
        s.name(),
        ChildService.isolated(
            s.name(),
            translation.command(s.name(), container, env),
            env,
            translation.workingDirectory(s.name()),
            dir.resolve(s.name() + ".log"),
            () -> true),
        () -> {},
        healthcheck,
        env,
        translation);
  }
}
