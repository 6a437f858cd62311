package io.halfmsg.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * What the compose stack needs that running it cannot show: chaos's ComposeStackTest runs every
 * service of docker-compose.yml as local processes and places orders through them, so whether the
 * stack starts and works is its business; here are the rules a local run cannot see — images on
 * published versions, non-root users on a pinned JRE, unique host ports, waits for readiness, and
 * variables that name real configuration properties (a misspelt one is named here, where the
 * running stack would only show its effect).
 */
class ComposeFileTest {

  private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
  private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)");
  private static final Pattern ENV = Pattern.compile("(?m)^ENV\\s+([A-Z_][A-Z0-9_]*)=");
  private static final Pattern PINNED_JRE =
      Pattern.compile("eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre(-[a-z]+)?");

  /** Read by the JVM or the container itself, not by Spring. */
  private static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS", "TZ");

  private static Path root;
  private static Map<String, Map<String, Object>> services;
  private static Map<String, Boolean> knownProperties;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    root = RepoFiles.root();
    try (Reader reader = Files.newBufferedReader(root.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(reader);
      services = (Map<String, Map<String, Object>>) compose.get("services");
    }
    knownProperties = configurationMetadata();
  }

  @Test
  void imagesArePinned() {
    services.forEach(
        (name, service) -> {
          Object image = service.get("image");
          if (image != null) {
            assertThat(image.toString()).as(name).matches("[a-z/]+:\\d+(\\.\\d+)+");
          } else {
            assertThat(service).as(name + ": image or build").containsKey("build");
          }
        });
  }

  @Test
  void builtImagesRunAsNonRootOnAPinnedJre() throws IOException {
    for (var entry : dockerfiles().entrySet()) {
      String name = entry.getKey();
      Path dockerfile = entry.getValue();
      assertThat(dockerfile).as(name).isRegularFile();
      String text = Files.readString(dockerfile);

      List<String> froms = all(FROM, text);
      assertThat(froms)
          .as(name + " FROM")
          .isNotEmpty()
          .allMatch(f -> PINNED_JRE.matcher(f).matches());
      List<String> users = all(USER, text);
      assertThat(users).as(name + " USER").isNotEmpty();
      assertThat(users.get(users.size() - 1)).as(name + " USER").isNotIn("root", "0", "0:0");
    }
  }

  /**
   * A dependent waits until the dependency serves (or, for a one-shot job, has done its work): a
   * started container is not yet one that answers. The local run waits for whatever condition the
   * file says, so only this rule keeps service_started out.
   */
  @Test
  @SuppressWarnings("unchecked")
  void dependenciesWaitForHealthyServices() {
    services.forEach(
        (name, service) -> {
          Object dependsOn = service.get("depends_on");
          if (dependsOn == null) {
            return;
          }
          assertThat(dependsOn).as(name + ": long form with conditions").isInstanceOf(Map.class);
          ((Map<String, Map<String, Object>>) dependsOn)
              .forEach(
                  (dependency, options) -> {
                    assertThat(services).as(name + " → " + dependency).containsKey(dependency);
                    assertThat(options.get("condition"))
                        .as(name + " → " + dependency)
                        .isIn("service_healthy", "service_completed_successfully");
                  });
        });
    assertThat(services.get("half-msg-broker")).containsKey("depends_on");
  }

  @Test
  @SuppressWarnings("unchecked")
  void hostPortsAreUnique() {
    List<String> hostPorts = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
            String[] parts = port.toString().split(":");
            assertThat(parts)
                .as(name + " " + port + ": host:container")
                .hasSizeGreaterThanOrEqualTo(2);
            hostPorts.add(parts[parts.length - 2]);
          }
        });
    assertThat(hostPorts).doesNotHaveDuplicates();
  }

  @Test
  void environmentOfOurServicesNamesRealConfigurationProperties() throws IOException {
    for (var entry : dockerfiles().entrySet()) {
      String name = entry.getKey();
      Set<String> ownEnv = new HashSet<>(all(ENV, Files.readString(entry.getValue())));
      for (String variable : environment(services.get(name)).keySet()) {
        if (NOT_SPRING.contains(variable) || ownEnv.contains(variable)) {
          continue;
        }
        assertThat(propertyFor(variable))
            .as(name + ": " + variable + " binds to a known property")
            .isNotNull();
      }
    }
    // The fixed names of DESIGN.md, spelt the way operators do.
    assertThat(propertyFor("HALFMSG_AUTH_PRODUCER_TOKENS"))
        .isEqualTo("halfmsg.auth.producer-tokens");
    assertThat(propertyFor("HALFMSG_ROCKETMQ_NAMESRV_ADDR"))
        .isEqualTo("halfmsg.rocketmq.namesrv-addr");
    assertThat(propertyFor("SPRING_DATASOURCE_URL")).isEqualTo("spring.datasource.url");
    assertThat(propertyFor("HALFMSG_CHECK_BACK_SECRETS_ORDER_SERVICE"))
        .isEqualTo("halfmsg.check-back.secrets");
    assertThat(propertyFor("HALFMSG_AUTH_PRODUCER_TOKEN")).isNull();
  }

  @Test
  void brokerServiceIsConfiguredThroughTheFixedNames() {
    assertThat(environment(services.get("half-msg-broker")))
        .containsKeys(
            "SPRING_DATASOURCE_URL",
            "SPRING_DATASOURCE_USERNAME",
            "SPRING_DATASOURCE_PASSWORD",
            "HALFMSG_ROCKETMQ_NAMESRV_ADDR",
            "HALFMSG_AUTH_PRODUCER_TOKENS",
            "HALFMSG_AUTH_CONSUMER_TOKENS",
            "HALFMSG_AUTH_ADMIN_TOKENS");
  }

  /**
   * The property an environment variable sets, found with Spring Boot's own relaxed binding; for a
   * map property ({@code secrets.<group>}) the map's name. {@code null} if none.
   */
  private static String propertyFor(String variable) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(variable, "x")));
    env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    ConfigurationPropertySource source =
        ConfigurationPropertySource.from(
            env.getPropertySources()
                .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME));
    for (var known : knownProperties.entrySet()) {
      ConfigurationPropertyName property = ConfigurationPropertyName.of(known.getKey());
      if (source.getConfigurationProperty(property) != null) {
        return known.getKey();
      }
      if (known.getValue()
          && source.containsDescendantOf(property) == ConfigurationPropertyState.PRESENT) {
        return known.getKey();
      }
    }
    return null;
  }

  /**
   * Every property in the metadata on this class path (Spring Boot's and halfmsg's), → is a map.
   */
  private static Map<String, Boolean> configurationMetadata() throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Boolean> names = new LinkedHashMap<>();
    Set<String> sources = new HashSet<>();
    for (URL url :
        Collections.list(
            ComposeFileTest.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      sources.add(url.toString());
      try (InputStream in = url.openStream()) {
        for (JsonNode p : json.readTree(in).path("properties")) {
          String type = p.path("type").asText("");
          names.put(p.path("name").asText(), type.startsWith("java.util.Map"));
        }
      }
    }
    assertThat(sources)
        .as("metadata of the broker, producer-sdk, consumer-ack and Spring Boot")
        .anyMatch(s -> s.contains("half-msg-broker"))
        .anyMatch(s -> s.contains("producer-sdk"))
        .anyMatch(s -> s.contains("consumer-ack"))
        .anyMatch(s -> s.contains("spring-boot-autoconfigure"));
    return names;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> service) {
    Object env = service.getOrDefault("environment", Map.of());
    if (env instanceof List<?> list) {
      Map<String, Object> map = new HashMap<>();
      list.forEach(item -> map.put(item.toString().split("=", 2)[0], item));
      return map;
    }
    return (Map<String, Object>) env;
  }

  /** The Dockerfile of each service that is built, by service. */
  @SuppressWarnings("unchecked")
  private static Map<String, Path> dockerfiles() {
    Map<String, Path> built = new LinkedHashMap<>();
    services.forEach(
        (name, service) -> {
          Object build = service.get("build");
          if (build == null) {
            return;
          }
          String context;
          String dockerfile = "Dockerfile";
          if (build instanceof Map<?, ?> map) {
            context = String.valueOf(((Map<String, Object>) map).getOrDefault("context", "."));
            dockerfile =
                String.valueOf(((Map<String, Object>) map).getOrDefault("dockerfile", dockerfile));
          } else {
            context = build.toString();
          }
          built.put(name, root.resolve(context).resolve(dockerfile).normalize());
        });
    assertThat(built).containsKeys("half-msg-broker", "order-service", "repo-service");
    return built;
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
