package io.halfmsg.broker.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {

  private static final Map<String, String> DNS =
      Map.of(
          "orders.corp", "10.1.2.3",
          "metadata.evil", "169.254.169.254",
          "rebind.evil", "10.0.0.1,169.254.169.254");

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String ips = DNS.get(host);
    if (ips == null) {
      if (host.matches("[0-9.:a-f]+")) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
    String[] parts = ips.split(",");
    InetAddress[] out = new InetAddress[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = InetAddress.getByName(parts[i]);
    }
    return out;
  }

  private final AllowedHosts hosts =
      new AllowedHosts(
          List.of(
              "Producer.Local", "*.svc.cluster.local", "10.0.0.0/8", "fd00::/8", "192.168.1.0/25"),
          AllowedHostsTest::resolve);

  @Test
  void namesMatchExactlyIgnoringCase() {
    assertThat(hosts.allows("producer.local")).isTrue();
    assertThat(hosts.allows("PRODUCER.LOCAL")).isTrue();
    assertThat(hosts.allows("producer.local.evil")).isFalse();
  }

  @Test
  void wildcardsMatchSubdomainsOnly() {
    assertThat(hosts.allows("orders.ns.svc.cluster.local")).isTrue();
    assertThat(hosts.allows("svc.cluster.local")).isFalse();
    assertThat(hosts.allows("evilsvc.cluster.local")).isFalse();
  }

  @Test
  void ipLiteralsMatchCidrBlocks() {
    assertThat(hosts.allows("10.255.0.1")).isTrue();
    assertThat(hosts.allows("11.0.0.1")).isFalse();
    assertThat(hosts.allows("192.168.1.127")).isTrue();
    assertThat(hosts.allows("192.168.1.128")).isFalse();
    assertThat(hosts.allows("[fd12::1]")).isTrue();
    assertThat(hosts.allows("[fe80::1]")).isFalse();
    assertThat(hosts.allows("169.254.169.254")).isFalse();
  }

  @Test
  void namesAreAllowedWhenEveryAddressTheyResolveToIsInABlock() {
    assertThat(hosts.allows("orders.corp")).isTrue();
    assertThat(hosts.allows("metadata.evil")).isFalse();
    assertThat(hosts.allows("rebind.evil")).isFalse();
    assertThat(hosts.allows("unknown.host")).isFalse();
  }

  @Test
  void nothingIsAllowedByAnEmptyList() {
    AllowedHosts none = new AllowedHosts(List.of(), AllowedHostsTest::resolve);
    assertThat(none.allows("127.0.0.1")).isFalse();
    assertThat(none.allows("localhost")).isFalse();
  }

  @Test
  void badBlocksAreRefusedAtStartUp() {
    assertThatThrownBy(() -> new AllowedHosts(List.of("10.0.0.0/33"), AllowedHostsTest::resolve))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AllowedHosts(List.of("example.com/8"), AllowedHostsTest::resolve))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
