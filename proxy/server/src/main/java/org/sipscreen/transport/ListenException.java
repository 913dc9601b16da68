package org.sipscreen.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A socket the proxy was configured to listen on could not be bound. The message is one line for the
 * operator: {@code cannot listen on 127.0.0.1:5060 (udp): address already in use}.
 */
public final class ListenException extends RuntimeException {

  private final InetSocketAddress address;
  private final String transport;

  public ListenException(InetSocketAddress address, String transport, Throwable cause) {
    super("cannot listen on " + hostPort(address) + " (" + transport + "): " + why(cause), cause, false,
        false);
    this.address = address;
    this.transport = transport;
  }

  /** Waits for a bind and returns its channel; throws a ListenException naming the socket when it failed. */
  public static Channel bound(ChannelFuture bind, InetSocketAddress address, String transport)
      throws InterruptedException {
    bind.await();
    if (!bind.isSuccess()) {
      throw new ListenException(address, transport, bind.cause());
    }
    return bind.channel();
  }

  public InetSocketAddress address() {
    return address;
  }

  public String transport() {
    return transport;
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getAddress() == null ? a.getHostString()
        : io.netty.util.NetUtil.toAddressString(a.getAddress()); // RFC 5952: 2001:db8::10
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** The operating system's reason in words, without exception class names. */
  private static String why(Throwable cause) {
    String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
    if (m.contains("already in use")) {
      return "address already in use (another process listens there)";
    }
    if (m.contains("cannot assign requested address") || m.contains("can't assign requested address")) {
      return "this host has no such address";
    }
    if (m.contains("permission denied") || m.contains("access denied")) {
      return "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)";
    }
    if (cause == null || cause.getMessage() == null) {
      return cause == null ? "unknown error" : cause.getClass().getSimpleName();
    }
    // Netty's native messages read "bind(..) failed: <reason>".
    String text = cause.getMessage();
    int colon = text.lastIndexOf(": ");
    return colon >= 0 && text.startsWith("bind(") ? text.substring(colon + 2) : text;
  }
}
