package io.halfmsg.broker.endpoint;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SSRF guard: the hosts check-back URLs may point to. Entries are host names ({@code
 * orders.internal}), wildcard suffixes ({@code *.svc.cluster.local}) or CIDR blocks ({@code
 * 10.0.0.0/8}, {@code fd00::/8}). A host is allowed if its name matches a name entry, or if it is
 * an IP literal in a block, or if every address it resolves to is in a block.
 */
final class AllowedHosts {

  /** Resolves names; replaceable so tests need no DNS. */
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final List<String> names = new ArrayList<>();
  private final List<String> suffixes = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();
  private final Resolver resolver;

  AllowedHosts(List<String> entries, Resolver resolver) {
    this.resolver = resolver;
    for (String raw : entries) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.contains("/")) {
        blocks.add(Block.parse(entry));
      } else if (entry.startsWith("*.")) {
        suffixes.add(entry.substring(1));
      } else {
        names.add(entry);
      }
    }
  }

  AllowedHosts(List<String> entries) {
    this(entries, InetAddress::getAllByName);
  }

  boolean allows(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (names.contains(h) || suffixes.stream().anyMatch(h::endsWith)) {
      return true;
    }
    if (blocks.isEmpty()) {
      return false;
    }
    try {
      InetAddress[] addresses = resolver.resolve(h);
      if (addresses.length == 0) {
        return false;
      }
      for (InetAddress address : addresses) {
        if (blocks.stream().noneMatch(b -> b.contains(address))) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private record Block(byte[] network, int prefix) {

    static Block parse(String cidr) {
      int slash = cidr.indexOf('/');
      String address = cidr.substring(0, slash);
      if (!address.matches("[0-9a-f.:]+")) {
        throw new IllegalArgumentException("Not a CIDR block: " + cidr);
      }
      try {
        // An IP literal: getByName does not touch DNS for it.
        byte[] network = InetAddress.getByName(address).getAddress();
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException("Bad prefix length in " + cidr);
        }
        return new Block(network, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("Not a CIDR block: " + cidr, e);
      }
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
