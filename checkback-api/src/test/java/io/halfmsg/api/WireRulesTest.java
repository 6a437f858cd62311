package io.halfmsg.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireRulesTest {

  @Test
  void messageIdsAreUpTo64CharactersOfTheAllowedSet() {
    assertThat(WireRules.isMessageId("01J9ZK3Q8V-order:42_a.b")).isTrue();
    assertThat(WireRules.isMessageId("x".repeat(64))).isTrue();
    assertThat(WireRules.isMessageId("x".repeat(65))).isFalse();
    assertThat(WireRules.isMessageId("")).isFalse();
    assertThat(WireRules.isMessageId(null)).isFalse();
    assertThat(WireRules.isMessageId("a/b")).isFalse();
    assertThat(WireRules.isMessageId("a b")).isFalse();
  }

  @Test
  void theDotSegmentsAreNotMessageIdsSinceAUrlPathCannotCarryThem() {
    assertThat(WireRules.isMessageId(".")).isFalse();
    assertThat(WireRules.isMessageId("..")).isFalse();
    assertThat(WireRules.isMessageId("...")).isTrue();
    assertThat(WireRules.isMessageId(".a")).isTrue();
    assertThat(WireRules.isMessageId("a..")).isTrue();
  }
}
