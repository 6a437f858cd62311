package io.halfmsg.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The production broker jar carries neither the embedded store nor the embedded RocketMQ: those
 * belong to this launcher only. It runs here because the broker's own tests run before its jar is
 * packaged.
 */
class BrokerJarContentTest {

  @Test
  void productionJarHasNoEmbeddedStoreRocketMqOrDemo() throws IOException {
    List<String> entries;
    try (JarFile jar = new JarFile(RepoFiles.brokerJar().toFile())) {
      entries = jar.stream().map(ZipEntry::getName).toList();
    }
    // The client it needs is there: this is the right jar, fully packaged.
    assertThat(entries).anyMatch(name -> name.startsWith("BOOT-INF/lib/rocketmq-client-"));
    assertThat(entries)
        .filteredOn(
            name ->
                name.startsWith("BOOT-INF/lib/h2-")
                    || name.startsWith("BOOT-INF/lib/rocketmq-broker-")
                    || name.startsWith("BOOT-INF/lib/rocketmq-namesrv-")
                    || name.startsWith("BOOT-INF/lib/rocketmq-store-")
                    || name.startsWith("BOOT-INF/lib/embedded-rocketmq-")
                    || name.startsWith("BOOT-INF/lib/test-support-")
                    || name.startsWith("BOOT-INF/lib/demo-order-repo-")
                    || name.startsWith("BOOT-INF/lib/commons-logging-"))
        .isEmpty();
  }

  @Test
  void productionJarCarriesOnlyItsCurrentResources() throws IOException {
    // A jar built over a stale target/ (no clean after resources moved) would ship an old
    // application.yml that overrides the @PropertySource defaults, and duplicate mappers.
    List<String> entries;
    try (JarFile jar = new JarFile(RepoFiles.brokerJar().toFile())) {
      entries = jar.stream().map(ZipEntry::getName).toList();
    }
    assertThat(entries)
        .contains("BOOT-INF/classes/half-msg-broker-defaults.properties")
        .doesNotContain(
            "BOOT-INF/classes/application.yml",
            "BOOT-INF/classes/application.properties",
            "BOOT-INF/classes/db/migration/V1__half_messages.sql");
  }
}
