package io.halfmsg.compose;

import io.halfmsg.process.ChildService;
import io.halfmsg.rocketmq.embedded.RocketMqMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.tools.command.MQAdminStartup;

/**
 * The apache/rocketmq image's programs, played by RocketMQ's own classes of the version on the test
 * class path, each in a JVM with the image's {@code JAVA_OPT_EXT} options and the service's
 * environment:
 *
 * <ul>
 *   <li>{@code sh mqnamesrv} → {@link RocketMqMain}{@code namesrv}, on the port mqnamesrv takes
 *       (9876);
 *   <li>{@code sh mqbroker [-n ADDR] -c FILE} → {@link RocketMqMain}{@code broker}, FILE being what
 *       is mounted at that path, applied as mqbroker applies it and refused if a key of it is taken
 *       by no setting;
 *   <li>{@code sh mqadmin ARGS} → RocketMQ's {@link MQAdminStartup}, which is what the image's
 *       mqadmin script runs.
 * </ul>
 */
final class RocketMqStandIn {

  private static final int MQNAMESRV_PORT = 9876;
  private static final int MQBROKER_PORT = 10911;

  private RocketMqStandIn() {}

  static StackService service(ComposeFile.Service s, LocalTranslation translation) {
    List<String> command = s.command() == null ? List.of() : s.command();
    if (command.size() < 2 || !command.get(0).equals("sh")) {
      throw new IllegalArgumentException(
          s.name() + ": the rocketmq image's command is sh mqnamesrv|mqbroker|mqadmin ...");
    }
    String self = s.name();
    Map<String, String> env = translation.environment(self, s.environment());
    Path dir = translation.directory(self);
    List<String> java = new ArrayList<>();
    java.add(translation.executable(self, "java", env));
    String options = env.getOrDefault("JAVA_OPT_EXT", "").strip();
    if (!options.isEmpty()) {
      java.addAll(List.of(options.split("\\s+")));
    }
    java.add("-cp");
    java.add(System.getProperty("java.class.path"));
    List<String> args = command.subList(2, command.size());
    switch (command.get(1)) {
      case "mqnamesrv" -> {
        if (!args.isEmpty()) {
          throw new IllegalArgumentException(self + ": mqnamesrv " + args + " is not modelled");
        }
        java.addAll(
            List.of(
                RocketMqMain.class.getName(),
                "namesrv",
                Integer.toString(translation.port(self, MQNAMESRV_PORT)),
                "--data-dir=" + dir.resolve("store")));
      }
      case "mqbroker" -> {
        java.add(RocketMqMain.class.getName());
        java.add("broker");
        for (int i = 0; i < args.size(); i += 2) {
          if (i + 1 >= args.size() || !List.of("-n", "-c").contains(args.get(i))) {
            throw new IllegalArgumentException(self + ": mqbroker " + args + " is not modelled");
          }
          java.add(args.get(i));
          java.add(
              args.get(i).equals("-n")
                  ? translation.text(self, args.get(i + 1))
                  : translation
                      .configFile(
                          self,
                          translation.file(self, args.get(i + 1)),
                          Map.of(
                              "listenPort",
                              () -> Integer.toString(translation.port(self, MQBROKER_PORT))))
                      .toString());
        }
        java.add("--data-dir=" + dir.resolve("store"));
      }
      case "mqadmin" -> {
        java.add(MQAdminStartup.class.getName());
        args.forEach(a -> java.add(translation.text(self, a)));
      }
      default ->
          throw new IllegalArgumentException(
              self + ": sh " + command.get(1) + " of the rocketmq image is not modelled");
    }
    return new StackService(
        self,
        ChildService.isolated(
            self,
            java,
            env,
            translation.workingDirectory(self),
            dir.resolve(self + ".log"),
            () -> true),
        () -> {},
        s.healthcheck(),
        env,
        translation);
  }
}
