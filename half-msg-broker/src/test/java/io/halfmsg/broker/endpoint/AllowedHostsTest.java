package io.halfmsg.broker.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AllowedHostsTest {

  /** Scripted DNS: tests change answers to play a rebinding attacker. */
  private final Map<String, String> dns =
      new ConcurrentHashMap<>(
          Map.of(
              "orders.corp", "10.1.2.3",
              "metadata.evil", "169.254.169.254",
              "rebind.evil", "10.0.0.1,169.254.169.254",
              "loopback.evil", "127.0.0.1",
              "mapped.evil", "::ffff:169.254.169.254",
              "six.corp", "2001:db8::7,10.1.2.4",
              "wildcard.evil", "0.0.0.0"));

  private final List<String> resolved = new CopyOnWriteArrayList<>();

  private InetAddress[] resolve(String host) throws UnknownHostException {
    resolved.add(host);
    String ips = dns.get(host);
    if (ips == null) {
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
          this::resolve);

  /** The default list's loopback blocks and the documentation prefix, for the literal table. */
  private final AllowedHosts literals =
      new AllowedHosts(
          List.of("127.0.0.0/8", "::1/128", "2001:db8::/32", "10.0.0.0/8", "192.0.2.1"),
          this::resolve);

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

  static Stream<Arguments> literalForms() {
    return Stream.of(
        // IPv6 literals in and out of the blocks
        Arguments.of("[::1]", true, null),
        Arguments.of("[0:0:0:0:0:0:0:1]", true, null),
        Arguments.of("[2001:db8::1]", true, null),
        Arguments.of("[2001:DB8::1]", true, null),
        Arguments.of("[2001:db9::1]", false, "is in no allowed block"),
        Arguments.of("[fe80::1]", false, "is in no allowed block"),
        Arguments.of("[fe80::1%eth0]", false, "zone id"),
        Arguments.of("[::]", false, "unspecified"),
        Arguments.of("[not:an:address::x]", false, "not a valid IPv6 address"),
        // IPv4-mapped IPv6: checked as IPv6 text, connected to over IPv4
        Arguments.of("[::ffff:169.254.169.254]", false, "IPv4-mapped"),
        Arguments.of("[::ffff:127.0.0.1]", false, "register the IPv4 address 127.0.0.1 itself"),
        Arguments.of("[0:0:0:0:0:ffff:7f00:1]", false, "IPv4-mapped"),
        Arguments.of("[::ffff:10.0.0.1]", false, "IPv4-mapped"),
        // IPv4 in its one unambiguous form
        Arguments.of("127.0.0.1", true, null),
        Arguments.of("10.0.0.1", true, null),
        Arguments.of("192.0.2.1", true, null),
        Arguments.of("192.0.2.2", false, "is in no allowed block"),
        Arguments.of("0.0.0.0", false, "unspecified"),
        // decimal, hex, octal, short and padded forms: Java, C resolvers and proxies disagree
        Arguments.of("2130706433", false, "a.b.c.d"),
        Arguments.of("167772161", false, "a.b.c.d"),
        Arguments.of("0x7f000001", false, "a.b.c.d"),
        Arguments.of("0X7F000001", false, "a.b.c.d"),
        Arguments.of("0x7f.0.0.1", false, "a.b.c.d"),
        Arguments.of("0177.0.0.1", false, "a.b.c.d"),
        Arguments.of("017700000001", false, "a.b.c.d"),
        Arguments.of("127.1", false, "a.b.c.d"),
        Arguments.of("127.0.1", false, "a.b.c.d"),
        Arguments.of("127.000.000.001", false, "a.b.c.d"),
        Arguments.of("010.0.0.1", false, "a.b.c.d"),
        Arguments.of("127.0.0.1.", false, "a.b.c.d"),
        Arguments.of("0", false, "a.b.c.d"),
        Arguments.of("256.0.0.1", false, "a.b.c.d"));
  }

  @ParameterizedTest(name = "{0} allowed: {1}")
  @MethodSource("literalForms")
  void ipLiteralsAreAllowedOnlyInAFormThatMeansTheAddressTheClientConnectsTo(
      String host, boolean allowed, String why) {
    AllowedHosts.Verdict verdict = literals.check(host);

    assertThat(verdict.allowed()).as(String.valueOf(verdict.refusal())).isEqualTo(allowed);
    if (why != null) {
      assertThat(verdict.refusal()).contains(why);
    }
    assertThat(verdict.resolved()).as("a literal is connected to as it is").isEmpty();
    assertThat(resolved).as("a literal never goes to DNS").isEmpty();
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of("orders.corp", true, null),
        Arguments.of("six.corp", false, "2001:db8:0:0:0:0:0:7, which is in no allowed block"),
        Arguments.of("metadata.evil", false, "resolves to 169.254.169.254"),
        Arguments.of("rebind.evil", false, "resolves to 169.254.169.254"),
        Arguments.of("loopback.evil", false, "resolves to 127.0.0.1"),
        Arguments.of("mapped.evil", false, "resolves to 169.254.169.254"),
        Arguments.of("wildcard.evil", false, "unspecified"),
        Arguments.of("unknown.host", false, "does not resolve"),
        Arguments.of("1e100.corp", false, "does not resolve"));
  }

  @ParameterizedTest(name = "{0} allowed: {1}")
  @MethodSource("names")
  void namesAreAllowedWhenEveryAddressTheyResolveToIsInABlock(
      String host, boolean allowed, String why) {
    AllowedHosts.Verdict verdict = hosts.check(host);

    assertThat(verdict.allowed()).as(String.valueOf(verdict.refusal())).isEqualTo(allowed);
    if (why != null) {
      assertThat(verdict.refusal()).contains(why);
    }
    assertThat(resolved).containsExactly(host);
  }

  @Test
  void aNameAllowedByItsAddressesCarriesThemForTheCall() throws Exception {
    dns.put("two.corp", "10.1.2.3,10.1.2.4");

    assertThat(hosts.check("two.corp").resolved())
        .containsExactly(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("10.1.2.4"));
    assertThat(hosts.check("producer.local").resolved()).as("allowed by name").isEmpty();
    assertThat(resolved).containsExactly("two.corp");
  }

  @Test
  void nothingIsAllowedByAnEmptyList() {
    AllowedHosts none = new AllowedHosts(List.of(), this::resolve);
    assertThat(none.allows("127.0.0.1")).isFalse();
    assertThat(none.allows("localhost")).isFalse();
  }

  @Test
  void anAddressWithoutAPrefixIsABlockOfOne() {
    AllowedHosts one = new AllowedHosts(List.of("127.0.0.1", "::1"), this::resolve);

    assertThat(one.allows("127.0.0.1")).isTrue();
    assertThat(one.allows("127.0.0.2")).isFalse();
    assertThat(one.allows("[::1]")).isTrue();
    assertThat(one.allows("[0:0::1]")).isTrue();
  }

  @Test
  void badBlocksAreRefusedAtStartUp() {
    for (String bad :
        List.of(
            "10.0.0.0/33", "example.com/8", "0177.0.0.0/8", "10.0/8", "::ffff:0:0/96", "x:y/8")) {
      assertThatThrownBy(() -> new AllowedHosts(List.of(bad), this::resolve))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aPinnedCallGoesToTheCheckedAddressWithTheRegisteredAuthorityAsHost() throws Exception {
    EndpointGuard guard = new EndpointGuard(hosts);
    dns.put("v6.corp", "fd00::1");

    EndpointGuard.Target byName = guard.target("http://orders.corp:8080/cb/check?x=%20y");
    EndpointGuard.Target noPort = guard.target("http://orders.corp/cb");
    EndpointGuard.Target v6 = guard.target("http://v6.corp:9000/cb");

    assertThat(byName.uri()).isEqualTo(URI.create("http://10.1.2.3:8080/cb/check?x=%20y"));
    assertThat(byName.hostHeader()).isEqualTo("orders.corp:8080");
    assertThat(noPort.uri()).isEqualTo(URI.create("http://10.1.2.3/cb"));
    assertThat(noPort.hostHeader()).isEqualTo("orders.corp");
    assertThat(v6.uri()).isEqualTo(URI.create("http://[fd00:0:0:0:0:0:0:1]:9000/cb"));
  }

  @Test
  void literalsNamesAllowedByNameAndHttpsAreCalledAsRegistered() throws Exception {
    EndpointGuard guard = new EndpointGuard(hosts);

    for (String url :
        List.of(
            "http://10.1.2.3:8080/cb",
            "http://[fd00::1]:8080/cb",
            "http://producer.local:8080/cb",
            "https://orders.corp:8443/cb")) {
      EndpointGuard.Target target = guard.target(url);
      assertThat(target.uri()).as(url).isEqualTo(URI.create(url));
      assertThat(target.hostHeader()).as(url).isNull();
    }
    assertThat(resolved).as("https is checked at call time too").containsExactly("orders.corp");
  }

  @Test
  void aNameThatResolvesElsewhereAtCallTimeIsRefusedSayingWhere() throws Exception {
    EndpointGuard guard = new EndpointGuard(hosts);
    dns.put("flip.evil", "10.9.9.9");
    assertThat(guard.registrationProblem("http://flip.evil:8080/cb")).isNull();
    dns.put("flip.evil", "169.254.169.254");

    for (String url : List.of("http://flip.evil:8080/cb", "https://flip.evil:8443/cb")) {
      assertThatThrownBy(() -> guard.target(url))
          .as(url)
          .isInstanceOf(RefusedEndpointException.class)
          .hasMessage(
              "host flip.evil resolves to 169.254.169.254, which is in no allowed block"
                  + " (halfmsg.check-back.allowed-hosts)");
    }
    // URLs registered before this check existed are checked on every call as well.
    assertThatThrownBy(() -> guard.target("http://2130706433/cb"))
        .isInstanceOf(RefusedEndpointException.class)
        .hasMessageContaining("a.b.c.d");
  }
}
