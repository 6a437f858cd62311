package io.halfmsg.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerUrlsTest {

  @Test
  void takesHttpAndHttpsUrlsTrimmedAndSkipsBlankEntries() {
    assertThat(
            BrokerUrls.parse(
                Arrays.asList(" http://halfmsg-1:8080 ", "", null, "https://halfmsg-2/base")))
        .containsExactly(URI.create("http://halfmsg-1:8080"), URI.create("https://halfmsg-2/base"));
  }

  @Test
  void refusesWhatIsNotAnHttpUrlWithAHost() {
    for (String bad :
        List.of("httpx://h:8080", "ftp://h", "halfmsg:8080", "http://", "http://a b")) {
      assertThatThrownBy(() -> BrokerUrls.parse(List.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }
}
