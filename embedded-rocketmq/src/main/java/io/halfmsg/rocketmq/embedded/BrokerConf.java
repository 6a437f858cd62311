package io.halfmsg.rocketmq.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.common.MixAll;

/**
 * A broker's configuration file ({@code broker.conf}) applied the way {@code mqbroker -c} applies
 * it: read as a {@link Properties} file, and every key set on each of the broker's configuration
 * objects that has a setter of that name (RocketMQ's {@code MixAll.properties2Object}).
 *
 * <p>Stricter than mqbroker in one respect: mqbroker passes over a key that no object takes, and a
 * value that its setter's type cannot parse, without a word — a misspelt key or a stray character
 * silently leaves RocketMQ's default in force. Here either stops the broker, naming the key.
 */
final class BrokerConf {

  private BrokerConf() {}

  /**
   * Applies {@code file} to the settings' broker, listener, client, store and (created here, as
   * mqbroker creates it) authentication configuration.
   *
   * @throws IllegalArgumentException naming every key that no configuration object took
   */
  static void apply(Path file, RocketMqSettings settings) {
    Properties properties = new Properties();
    // Properties.load(InputStream), as mqbroker reads the file: ISO 8859-1 with \\u escapes.
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    settings.authConfig = new AuthConfig();
    List<Object> configs =
        List.of(
            settings.brokerConfig,
            settings.brokerServerConfig,
            settings.brokerClientConfig,
            settings.storeConfig,
            settings.authConfig);
    for (Object config : configs) {
      MixAll.properties2Object(properties, config);
    }
    List<String> refused = new ArrayList<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      List<Object> takers = configs.stream().filter(c -> setter(c, key).isPresent()).toList();
      if (takers.isEmpty()) {
        refused.add(key + ": none of " + names(configs) + " has this setting");
      } else if (takers.stream().noneMatch(c -> holds(c, key, value))) {
        refused.add(key + " = '" + value + "': not a value of its type");
      }
    }
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", refused));
    }
  }

  private static Optional<Method> setter(Object config, String key) {
    return method(config, "set" + capitalized(key), 1);
  }

  /**
   * Whether the setting now reads as {@code value}; true where there is no getter to ask. Booleans
   * compare without case, as {@code Boolean.parseBoolean} reads them.
   */
  private static boolean holds(Object config, String key, String value) {
    Optional<Method> getter =
        method(config, "get" + capitalized(key), 0)
            .or(() -> method(config, "is" + capitalized(key), 0));
    if (getter.isEmpty()) {
      return true;
    }
    try {
      return String.valueOf(getter.get().invoke(config)).equalsIgnoreCase(value);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  private static Optional<Method> method(Object config, String name, int parameters) {
    for (Method m : config.getClass().getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == parameters) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  private static String capitalized(String key) {
    return key.isEmpty() ? key : key.substring(0, 1).toUpperCase(Locale.ROOT) + key.substring(1);
  }

  private static String names(List<Object> configs) {
    return String.join(", ", configs.stream().map(c -> c.getClass().getSimpleName()).toList());
  }
}
