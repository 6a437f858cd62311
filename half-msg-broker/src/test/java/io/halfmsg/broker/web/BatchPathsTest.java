package io.halfmsg.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Spring MVC matches handler paths with {@link PathPattern}; a colon is not special in it outside
 * {@code {var:regex}}, so {@code messages:batch} is a literal segment of its own and does not
 * collide with {@code /messages} or {@code /messages/{messageId}}.
 */
class BatchPathsTest {

  private static boolean matches(String pattern, String path) {
    PathPattern p = PathPatternParser.defaultInstance.parse(pattern);
    return p.matches(PathContainer.parsePath(path));
  }

  @Test
  void theColonSegmentIsALiteral() {
    assertThat(matches(BatchPaths.PREPARE_BATCH, "/api/v1/messages:batch")).isTrue();
    assertThat(matches(BatchPaths.PREPARE_BATCH, "/api/v1/messages")).isFalse();
    assertThat(matches(BatchPaths.PREPARE_BATCH, "/api/v1/messages:batchx")).isFalse();
    assertThat(matches("/api/v1/messages", "/api/v1/messages:batch")).isFalse();
    assertThat(matches("/api/v1/messages/{messageId}", "/api/v1/messages:batch")).isFalse();
  }

  @Test
  void onlyTheBatchPathsAreBatches() {
    assertThat(BatchPaths.isBatch("/api/v1/messages:batch")).isTrue();
    assertThat(BatchPaths.isBatch("/api/v1/decisions")).isTrue();
    assertThat(BatchPaths.isBatch("/api/v1/messages")).isFalse();
    assertThat(BatchPaths.isBatch("/api/v1/acks")).isFalse();
  }
}
