package org.sipscreen.screening;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Named interconnect peers and the IPv4/IPv6 CIDR blocks their traffic comes from; {@link #peerOf}
 * returns the peer owning the longest matching prefix. Immutable; lookups scan flat primitive arrays
 * (IPv4 as int network/mask, IPv6 as two longs) sorted by prefix length and allocate nothing beyond the
 * address bytes.
 */
public final class PeerTable {

  public static final PeerTable EMPTY = of(Map.of());

  private static final Pattern PEER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]+");

  private final Set<String> peerNames;
  private final int[] v4Network;
  private final int[] v4Mask;
  private final Optional<String>[] v4Peer;
  private final long[] v6NetworkHigh;
  private final long[] v6NetworkLow;
  private final long[] v6MaskHigh;
  private final long[] v6MaskLow;
  private final Optional<String>[] v6Peer;

  private record Block(String peer, String text, byte[] network, int prefix, int order) {}

  /**
   * @param peers peer name to its CIDR blocks, e.g. {@code "carrier_a" -> ["10.1.2.0/24",
   *     "2001:db8::/32"]}; a bare address is a host route (/32 or /128). Names are letters, digits and
   *     {@code _.-}. The same block under two peers is an error.
   * @throws IllegalArgumentException naming the peer and the entry for a malformed block
   */
  public static PeerTable of(Map<String, List<String>> peers) {
    Objects.requireNonNull(peers, "peers");
    List<Block> v4 = new ArrayList<>();
    List<Block> v6 = new ArrayList<>();
    int order = 0;
    for (Map.Entry<String, List<String>> peer : peers.entrySet()) {
      String name = Objects.requireNonNull(peer.getKey(), "peer name");
      if (!PEER_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("peer name must be letters, digits and _.-: '" + name + "'");
      }
      Objects.requireNonNull(peer.getValue(), "CIDR list of peer '" + name + "'");
      if (peer.getValue().isEmpty()) {
        throw new IllegalArgumentException("peer '" + name + "' has no CIDR blocks");
      }
      for (String cidr : peer.getValue()) {
        Block block = parseBlock(name, cidr, order++);
        (block.network().length == 4 ? v4 : v6).add(block);
      }
    }
    return new PeerTable(Set.copyOf(peers.keySet()), sorted(v4), sorted(v6));
  }

  @SuppressWarnings("unchecked")
  private PeerTable(Set<String> peerNames, List<Block> v4, List<Block> v6) {
    this.peerNames = peerNames;
    Map<String, Optional<String>> optionals = new LinkedHashMap<>();
    v4Network = new int[v4.size()];
    v4Mask = new int[v4.size()];
    v4Peer = new Optional[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      Block b = v4.get(i);
      v4Network[i] = toInt(b.network());
      v4Mask[i] = b.prefix() == 0 ? 0 : -1 << (32 - b.prefix());
      v4Peer[i] = optionals.computeIfAbsent(b.peer(), Optional::of);
    }
    v6NetworkHigh = new long[v6.size()];
    v6NetworkLow = new long[v6.size()];
    v6MaskHigh = new long[v6.size()];
    v6MaskLow = new long[v6.size()];
    v6Peer = new Optional[v6.size()];
    for (int i = 0; i < v6.size(); i++) {
      Block b = v6.get(i);
      v6NetworkHigh[i] = toLong(b.network(), 0);
      v6NetworkLow[i] = toLong(b.network(), 8);
      v6MaskHigh[i] = mask64(b.prefix());
      v6MaskLow[i] = mask64(b.prefix() - 64);
      v6Peer[i] = optionals.computeIfAbsent(b.peer(), Optional::of);
    }
  }

  /** The names of all configured peers. */
  public Set<String> peerNames() {
    return peerNames;
  }

  /**
   * Whether {@code address} is the broadcast address (all host bits set) of the longest IPv4 block that
   * contains it, for blocks of /30 or wider; a proxy must never send there.
   */
  public boolean isDirectedBroadcast(InetAddress address) {
    if (!(address instanceof Inet4Address)) {
      return false;
    }
    int a = toInt(address.getAddress());
    for (int i = 0; i < v4Network.length; i++) {
      if ((a & v4Mask[i]) == v4Network[i]) {
        return v4Mask[i] != -1 && v4Mask[i] != -2 && (a | v4Mask[i]) == -1;
      }
    }
    return false;
  }

  /** The peer whose longest matching block contains {@code address}, or empty for an unknown source. */
  public Optional<String> peerOf(InetAddress address) {
    if (address instanceof Inet4Address) {
      int a = toInt(address.getAddress());
      for (int i = 0; i < v4Network.length; i++) {
        if ((a & v4Mask[i]) == v4Network[i]) {
          return v4Peer[i];
        }
      }
    } else if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      long high = toLong(bytes, 0);
      long low = toLong(bytes, 8);
      for (int i = 0; i < v6NetworkHigh.length; i++) {
        if ((high & v6MaskHigh[i]) == v6NetworkHigh[i] && (low & v6MaskLow[i]) == v6NetworkLow[i]) {
          return v6Peer[i];
        }
      }
    }
    return Optional.empty();
  }

  private static List<Block> sorted(List<Block> blocks) {
    // Longest prefix first; equal lengths keep config order. The same block twice is ambiguous.
    blocks.sort(Comparator.comparingInt(Block::prefix).reversed().thenComparingInt(Block::order));
    for (int i = 1; i < blocks.size(); i++) {
      Block a = blocks.get(i - 1);
      Block b = blocks.get(i);
      if (a.prefix() == b.prefix() && Arrays.equals(a.network(), b.network())) {
        throw new IllegalArgumentException("CIDR block '" + b.text() + "' of peer '" + b.peer()
            + "' is already assigned to peer '" + a.peer() + "' as '" + a.text() + "'");
      }
    }
    return blocks;
  }

  private static Block parseBlock(String peer, String cidr, int order) {
    if (cidr == null) {
      throw new IllegalArgumentException("peer '" + peer + "': null CIDR block");
    }
    String text = cidr.trim();
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    byte[] network = addressText.indexOf(':') >= 0 ? parseIpv6(addressText) : parseIpv4(addressText);
    if (network == null) {
      throw badBlock(peer, cidr, "not an IPv4 or IPv6 address");
    }
    int bits = network.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String prefixText = text.substring(slash + 1);
      if (prefixText.isEmpty() || prefixText.length() > 3
          || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw badBlock(peer, cidr, "prefix length must be a number 0-" + bits);
      }
      prefix = Integer.parseInt(prefixText);
      if (prefix > bits) {
        throw badBlock(peer, cidr, "prefix length must be 0-" + bits);
      }
    }
    for (int bit = prefix; bit < bits; bit++) {
      if ((network[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
        throw badBlock(peer, cidr, "address has bits set beyond the /" + prefix + " prefix");
      }
    }
    return new Block(peer, text, network, prefix, order);
  }

  private static IllegalArgumentException badBlock(String peer, String cidr, String why) {
    return new IllegalArgumentException(
        "peer '" + peer + "': bad CIDR block '" + cidr + "': " + why);
  }

  /** Strict dotted quad; InetAddress would also accept "10.1" and resolve host names. */
  private static byte[] parseIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      out[i] = (byte) v;
    }
    return out;
  }

  /**
   * IPv6 literal via InetAddress, which does no DNS lookup for text that is only hex digits, colons and
   * dots (checked first). IPv4-mapped text (::ffff:a.b.c.d) comes back as IPv4 and is kept as IPv4.
   */
  private static byte[] parseIpv6(String s) {
    if (!IPV6_TEXT.matcher(s).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static int toInt(byte[] b) {
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static long toLong(byte[] b, int offset) {
    long v = 0;
    for (int i = offset; i < offset + 8; i++) {
      v = v << 8 | (b[i] & 0xff);
    }
    return v;
  }

  /** A mask with the top {@code prefix} bits of a 64-bit half set (prefix clamped to 0..64). */
  private static long mask64(int prefix) {
    if (prefix <= 0) {
      return 0;
    }
    if (prefix >= 64) {
      return -1L;
    }
    return -1L << (64 - prefix);
  }
}
