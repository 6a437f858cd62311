package io.halfmsg.api.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A table an SDK keeps in the application's database under a name the application may choose: the
 * rule for that name, which is put into SQL text and so must not carry any, and the shipped DDL for
 * it.
 */
public final class SdkTable {

  private static final Pattern NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,63}$");

  private SdkTable() {}

  /**
   * @return {@code name}, if it is 1 to 64 characters of {@code [A-Za-z0-9_]}, not starting with a
   *     digit
   * @throws IllegalArgumentException otherwise, naming {@code what} it was for
   */
  public static String checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name must be 1 to 64 characters of [A-Za-z0-9_], not starting with a digit: "
              + name);
    }
    return name;
  }

  /**
   * The DDL in the class path resource {@code resource} of {@code owner}'s module (written for the
   * table {@code defaultName}), without its comment lines, for the table {@code name}.
   */
  public static String ddl(Class<?> owner, String resource, String defaultName, String name) {
    String ddl;
    try (InputStream in = owner.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource " + resource);
      }
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder statement = new StringBuilder();
    ddl.lines()
        .filter(line -> !line.startsWith("--"))
        .forEach(line -> statement.append(line).append('\n'));
    return statement.toString().replace(defaultName, checkName(name, "table")).trim();
  }
}
