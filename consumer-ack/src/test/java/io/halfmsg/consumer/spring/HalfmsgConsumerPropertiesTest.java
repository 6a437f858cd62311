package io.halfmsg.consumer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The defaults of {@code halfmsg.consumer.*} and their names, as an application's file sets them.
 */
class HalfmsgConsumerPropertiesTest {

  @Test
  void consumeBatchSizeDefaultsTo32AndIsSetByItsKebabCaseName() {
    assertThat(bind(Map.of()).consumeBatchSize()).isEqualTo(32);
    assertThat(bind(Map.of("halfmsg.consumer.consume-batch-size", "1")).consumeBatchSize())
        .isEqualTo(1);
  }

  private static HalfmsgConsumerProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("halfmsg.consumer", HalfmsgConsumerProperties.class);
  }
}
