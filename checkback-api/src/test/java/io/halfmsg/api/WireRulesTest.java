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

  @Test
  void propertyNamesAreWhatRocketMqAccepts() {
    assertThat(WireRules.isPropertyName("order:id")).isTrue();
    assertThat(WireRules.isPropertyName("my key")).isTrue();
    assertThat(WireRules.isPropertyName("\u540d\u5b57")).isTrue();
    assertThat(WireRules.isPropertyName("x".repeat(64))).isTrue();
    assertThat(WireRules.isPropertyName("x".repeat(65))).isFalse();
    assertThat(WireRules.isPropertyName("")).isFalse();
    assertThat(WireRules.isPropertyName(" ")).isFalse();
    assertThat(WireRules.isPropertyName(null)).isFalse();
    assertThat(WireRules.isPropertyName("a" + (char) 1 + "b")).isFalse();
    assertThat(WireRules.isPropertyName("a" + (char) 2 + "b")).isFalse();
  }

  @Test
  void reservedNamesAreRocketMqsAndHalfmsgs() {
    assertThat(WireRules.isReservedPropertyName("UNIQ_KEY")).isTrue();
    assertThat(WireRules.isReservedPropertyName("TAGS")).isTrue();
    assertThat(WireRules.isReservedPropertyName("HALFMSG_ID")).isTrue();
    assertThat(WireRules.isReservedPropertyName("uniq_key")).isFalse();
    assertThat(WireRules.isReservedPropertyName("order:id")).isFalse();
  }

  @Test
  void propertyValuesHaveNoSeparatorsAndABound() {
    assertThat(WireRules.isPropertyValue("")).isTrue();
    assertThat(WireRules.isPropertyValue("line\nbreak")).isTrue();
    assertThat(WireRules.isPropertyValue("x".repeat(4096))).isTrue();
    assertThat(WireRules.isPropertyValue("x".repeat(4097))).isFalse();
    assertThat(WireRules.isPropertyValue("a" + (char) 1)).isFalse();
    assertThat(WireRules.isPropertyValue("a" + (char) 2)).isFalse();
    assertThat(WireRules.isPropertyValue(null)).isFalse();
  }

  @Test
  void requirePropertyNamesTheRuleBroken() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> WireRules.requireProperty("HALFMSG_X", "v"))
        .withMessageContaining("reserved");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> WireRules.requireProperty("note", "a" + (char) 2))
        .withMessageContaining("note");
    WireRules.requireProperty("order:id", "42");
  }
}
