package org.sipscreen.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStream;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * SRV, A and AAAA questions to the configured name servers (or those of /etc/resolv.conf) on Netty's DNS
 * resolver, with nothing cached: the caller keeps each answer for its TTL. Its one thread is its own, never
 * an event loop of the proxy. A server that does not answer within the timeout, or answers with an error,
 * passes the question to the next; NXDOMAIN and an empty answer are answers (no records).
 */
final class DnsLookup implements AutoCloseable {

  /** An address record and its TTL in seconds. */
  record AddressRecord(InetAddress address, long ttl) {}

  /** An SRV record (RFC 2782) and its TTL in seconds; a target of "." means the service is not offered. */
  record SrvRecord(int priority, int weight, int port, String target, long ttl) {}

  /** Why a question got no answer: every server timed out or answered with an error. */
  static final class LookupFailure extends Exception {
    LookupFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final EventLoopGroup group;
  private final DnsNameResolver resolver;
  private final List<InetSocketAddress> servers;

  DnsLookup(List<InetSocketAddress> configured, long timeoutMillis) {
    this.servers = configured.isEmpty() ? systemServers() : List.copyOf(configured);
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sipscreen-dns", true),
        NioIoHandler.newFactory());
    this.resolver = new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class) // a truncated UDP answer is asked again over TCP
        .queryTimeoutMillis(timeoutMillis)
        .resolveCache(NoopDnsCache.INSTANCE)
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
        .nameServerProvider(new SequentialDnsServerAddressStreamProvider(servers))
        .recursionDesired(true)
        .build();
  }

  /** The name servers asked, in order. */
  List<InetSocketAddress> servers() {
    return servers;
  }

  /** The A and AAAA records of {@code host}: both questions must be answered (possibly with none). */
  CompletableFuture<List<AddressRecord>> addresses(String host) {
    CompletableFuture<List<AddressRecord>> a = ask(host, DnsRecordType.A, DnsLookup::address);
    CompletableFuture<List<AddressRecord>> aaaa = ask(host, DnsRecordType.AAAA, DnsLookup::address);
    return a.thenCombine(aaaa, (four, six) -> {
      List<AddressRecord> all = new ArrayList<>(four);
      all.addAll(six);
      return all;
    });
  }

  /** The SRV records of {@code owner} ({@code _sip._udp.example.net}). */
  CompletableFuture<List<SrvRecord>> srv(String owner) {
    return ask(owner, DnsRecordType.SRV, DnsLookup::srvOf);
  }

  private interface RecordReader<T> {
    /** The record's value, or null for a record of another type (a CNAME on the way). */
    T read(DnsRawRecord record, DnsRecordType wanted);
  }

  private <T> CompletableFuture<List<T>> ask(String name, DnsRecordType type, RecordReader<T> reader) {
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    ask(name.endsWith(".") ? name : name + ".", type, reader, 0, result, new ArrayList<>());
    return result;
  }

  private <T> void ask(String fqdn, DnsRecordType type, RecordReader<T> reader, int server,
      CompletableFuture<List<T>> result, List<String> errors) {
    if (server >= servers.size()) {
      result.completeExceptionally(new LookupFailure(type.name() + " " + fqdn + ": " + String.join(", ",
          errors)));
      return;
    }
    InetSocketAddress ns = servers.get(server);
    resolver.query(ns, new DefaultDnsQuestion(fqdn, type)).addListener(f -> {
      if (!f.isSuccess()) {
        errors.add(ns + " " + (f.cause() instanceof io.netty.resolver.dns.DnsNameResolverTimeoutException
            ? "timeout" : f.cause().getClass().getSimpleName()));
        ask(fqdn, type, reader, server + 1, result, errors);
        return;
      }
      @SuppressWarnings("unchecked")
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope =
          (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
      try {
        DnsResponse response = envelope.content();
        DnsResponseCode code = response.code();
        if (code.equals(DnsResponseCode.NXDOMAIN)) {
          result.complete(List.of());
          return;
        }
        if (!code.equals(DnsResponseCode.NOERROR)) {
          errors.add(ns + " " + code.toString().toLowerCase(Locale.ROOT));
          ask(fqdn, type, reader, server + 1, result, errors);
          return;
        }
        List<T> values = new ArrayList<>();
        int n = response.count(DnsSection.ANSWER);
        for (int i = 0; i < n; i++) {
          DnsRecord r = response.recordAt(DnsSection.ANSWER, i);
          if (r instanceof DnsRawRecord raw && r.type().equals(type)) {
            T value = reader.read(raw, type);
            if (value != null) {
              values.add(value);
            }
          }
        }
        result.complete(values);
      } catch (RuntimeException e) {
        // A malformed record from a name server: that server's answer is unusable.
        errors.add(ns + " malformed answer");
        ask(fqdn, type, reader, server + 1, result, errors);
      } finally {
        envelope.release();
      }
    });
  }

  private static AddressRecord address(DnsRawRecord r, DnsRecordType type) {
    ByteBuf c = r.content();
    int length = type.equals(DnsRecordType.A) ? 4 : 16;
    if (c.readableBytes() != length) {
      return null;
    }
    byte[] b = new byte[length];
    c.getBytes(c.readerIndex(), b);
    try {
      return new AddressRecord(InetAddress.getByAddress(b), r.timeToLive());
    } catch (UnknownHostException e) {
      return null; // cannot happen for 4 or 16 bytes
    }
  }

  private static SrvRecord srvOf(DnsRawRecord r, DnsRecordType type) {
    ByteBuf c = r.content().duplicate();
    if (c.readableBytes() < 7) {
      return null;
    }
    int priority = c.readUnsignedShort();
    int weight = c.readUnsignedShort();
    int port = c.readUnsignedShort();
    // The content is a slice of the whole message, so a compressed target name still decodes.
    String target = DefaultDnsRecordDecoder.decodeName(c);
    return new SrvRecord(priority, weight, port, target, r.timeToLive());
  }

  /** The name servers of /etc/resolv.conf (Netty reads it; Google's public ones if it has none). */
  private static List<InetSocketAddress> systemServers() {
    DnsServerAddressStream stream = DnsServerAddressStreamProviders.platformDefault()
        .nameServerAddressStream("");
    List<InetSocketAddress> out = new ArrayList<>();
    for (int i = 0; i < stream.size(); i++) {
      out.add(stream.next());
    }
    return out;
  }

  @Override
  public void close() {
    resolver.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
