package io.halfmsg.broker.endpoint;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SSRF guard: the hosts check-back URLs may point to. Entries are host names ({@code
 * orders.internal}), wildcard suffixes ({@code *.svc.cluster.local}), CIDR blocks ({@code
 * 10.0.0.0/8}, {@code fd00::/8}) or single addresses ({@code 127.0.0.1}). A host is allowed if its
 * name matches a name entry, or if it is an IP literal in a block, or if every address it resolves
 * to is in a block.
 *
 * <p>An IP literal must mean the same to every parser, so only the canonical IPv4 form ({@code
 * a.b.c.d}, decimal, no leading zeros) and IPv6 literals that stay IPv6 are accepted: {@code
 * 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1} or {@code 127.1} are read as different
 * addresses by Java, by C resolvers and by proxies, and {@code [::ffff:127.0.0.1]} is checked as
 * IPv6 text but connected to over IPv4. The unspecified address (which connects to this host) and
 * zone ids are refused too.
 */
final class AllowedHosts {

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern CANONICAL_IPV4 = Pattern.compile(OCTET + "(?:\\." + OCTET + "){3}");
  // What inet_aton (and so many resolvers) read as a number: decimal, 0-octal or 0x-hex parts.
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

  /**
   * Whether a host is allowed, and the addresses that made it so.
   *
   * @param refusal why the host is refused, or {@code null} if it is allowed
   * @param resolved for a name allowed by the addresses it resolves to, those addresses (the ones a
   *     call may connect to); empty for IP literals and for names allowed by a name entry
   */
  record Verdict(String refusal, List<InetAddress> resolved) {

    static final Verdict ALLOWED = new Verdict(null, List.of());

    static Verdict refused(String why) {
      return new Verdict(why, List.of());
    }

    boolean allowed() {
      return refusal == null;
    }
  }

  private final List<String> names = new ArrayList<>();
  private final List<String> suffixes = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();
  private final HostResolver resolver;

  AllowedHosts(List<String> entries, HostResolver resolver) {
    this.resolver = resolver;
    for (String raw : entries) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.contains("/")) {
        blocks.add(Block.parse(entry));
      } else if (entry.contains(":") || CANONICAL_IPV4.matcher(entry).matches()) {
        blocks.add(Block.single(entry));
      } else if (entry.startsWith("*.")) {
        suffixes.add(entry.substring(1));
      } else {
        names.add(entry);
      }
    }
  }

  boolean allows(String host) {
    return check(host).allowed();
  }

  /**
   * Checks one host, as a URI gives it ({@code [::1]} bracketed), resolving it if needed: the
   * answer holds for this moment's DNS only.
   */
  Verdict check(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      return checkIpv6(h.substring(1, h.length() - 1));
    }
    if (h.indexOf(':') >= 0) {
      return checkIpv6(h);
    }
    if (looksNumeric(h)) {
      if (!CANONICAL_IPV4.matcher(h).matches()) {
        return Verdict.refused(
            "is not an IPv4 address in the form a.b.c.d (four decimal numbers 0-255 without"
                + " leading zeros); other forms mean different addresses to different parsers");
      }
      return checkLiteral(literal(h));
    }
    if (names.contains(h) || suffixes.stream().anyMatch(h::endsWith)) {
      return Verdict.ALLOWED;
    }
    if (blocks.isEmpty()) {
      return Verdict.refused("matches no entry");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(h);
    } catch (UnknownHostException e) {
      return Verdict.refused("does not resolve");
    }
    if (addresses == null || addresses.length == 0) {
      return Verdict.refused("does not resolve");
    }
    for (InetAddress address : addresses) {
      String why = whyNot(address);
      if (why != null) {
        return Verdict.refused("resolves to " + address.getHostAddress() + ", which " + why);
      }
    }
    return new Verdict(null, List.of(addresses));
  }

  private Verdict checkIpv6(String text) {
    if (text.indexOf('%') >= 0) {
      return Verdict.refused("has a zone id, which allowed-hosts cannot express");
    }
    InetAddress address;
    try {
      // Bracketed, so that InetAddress parses it as an IPv6 literal or fails: never DNS.
      address = InetAddress.getByName("[" + text + "]");
    } catch (UnknownHostException e) {
      return Verdict.refused("is not a valid IPv6 address");
    }
    if (address instanceof Inet4Address) {
      return Verdict.refused(
          "is an IPv4-mapped IPv6 address; register the IPv4 address "
              + address.getHostAddress()
              + " itself");
    }
    return checkLiteral(address);
  }

  private Verdict checkLiteral(InetAddress address) {
    String why = whyNot(address);
    return why == null ? Verdict.ALLOWED : Verdict.refused(why);
  }

  private String whyNot(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return "is the unspecified address";
    }
    if (blocks.stream().noneMatch(b -> b.contains(address))) {
      return "is in no allowed block";
    }
    return null;
  }

  private static boolean looksNumeric(String host) {
    boolean digits = false;
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty()) {
        continue;
      }
      if (!NUMERIC_LABEL.matcher(label).matches()) {
        return false;
      }
      digits = true;
    }
    return digits;
  }

  /** An IPv4 or IPv6 literal, already validated: InetAddress parses it without DNS. */
  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("Not an IP literal: " + text, e);
    }
  }

  private record Block(byte[] network, int prefix) {

    static Block parse(String cidr) {
      int slash = cidr.indexOf('/');
      byte[] network = parseAddress(cidr.substring(0, slash), cidr);
      try {
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("Bad prefix length in " + cidr);
        }
        return new Block(network, prefix);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Not a CIDR block: " + cidr, e);
      }
    }

    static Block single(String address) {
      byte[] network = parseAddress(address, address);
      return new Block(network, network.length * 8);
    }

    private static byte[] parseAddress(String address, String entry) {
      boolean ipv6 = address.contains(":");
      if (ipv6 ? !address.matches("[0-9a-f.:]+") : !CANONICAL_IPV4.matcher(address).matches()) {
        throw new IllegalArgumentException("Not an address or CIDR block: " + entry);
      }
      InetAddress parsed;
      try {
        parsed = InetAddress.getByName(ipv6 ? "[" + address + "]" : address);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("Not an address or CIDR block: " + entry, e);
      }
      if (ipv6 && parsed instanceof Inet4Address) {
        throw new IllegalArgumentException(
            "IPv4-mapped addresses are not accepted, write the IPv4 block: " + entry);
      }
      return parsed.getAddress();
    }

    boolean contains(InetAddress candidate) {
      byte[] a = candidate.getAddress();
      if (a.length != network.length) {
        return false;
      }
      int fullBytes = prefix / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (a[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest);
      return (a[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }
}
