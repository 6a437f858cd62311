package io.halfmsg.standalone;

import io.halfmsg.standalone.demo.DemoCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code java -jar halfmsg-standalone.jar}: the broker, its store and RocketMQ in one process, with
 * data kept under {@code ./.halfmsg-standalone}. Arguments: {@code --in-memory} keeps nothing;
 * {@code --data-dir=DIR}, {@code --namesrv-port=N}, {@code --rocketmq-broker-port=N}; every other
 * {@code --name=value} is a broker property (e.g. {@code --server.port=18080}).
 *
 * <p>{@code java -jar halfmsg-standalone.jar demo [options]} runs the demo instead: see {@link
 * DemoCommand}.
 */
public final class StandaloneBroker {

  private StandaloneBroker() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("demo")) {
      DemoCommand.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    StandaloneOptions options = parse(args);
    StandaloneStack stack = StandaloneStack.start(options);
    Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "halfmsg-standalone-shutdown"));
    printBanner(stack, options, System.out);
  }

  static StandaloneOptions parse(String[] args) {
    StandaloneOptions options = StandaloneOptions.defaults(Path.of(".halfmsg-standalone"));
    for (String arg : args) {
      if (arg.equals("--in-memory")) {
        options = options.withDataDir(null);
        continue;
      }
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("Expected --name=value or --in-memory, got: " + arg);
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      options =
          switch (name) {
            case "data-dir" -> options.withDataDir(Path.of(value));
            case "namesrv-port" -> options.withNamesrvPort(Integer.parseInt(value));
            case "rocketmq-broker-port" -> options.withRocketMqBrokerPort(Integer.parseInt(value));
            case "server.port" -> options.withBrokerPort(Integer.parseInt(value));
            default -> options.withProperty(name, value);
          };
    }
    return options;
  }

  static void printBanner(StandaloneStack stack, StandaloneOptions options, PrintStream out) {
    String store =
        options.dataDir() == null ? "in memory" : options.dataDir().toAbsolutePath().toString();
    out.printf(
        """

        halfmsg standalone is running (development only: fixed tokens, loopback only)
          broker           %1$s   (health: %1$s/actuator/health)
          RocketMQ namesrv %2$s
          store            %3$s (H2, MySQL mode)
          producer token   %4$s
          consumer token   %5$s
          admin token      %6$s
          check-back secret (every producer group) %7$s
          try: curl -s -H 'Authorization: Bearer %6$s' %1$s/api/v1/stats
        Ctrl-C stops it.
        %n""",
        stack.brokerUrl(),
        stack.namesrvAddr(),
        store,
        stack.producerToken(),
        stack.consumerToken(),
        stack.adminToken(),
        stack.checkBackSecret());
  }
}
