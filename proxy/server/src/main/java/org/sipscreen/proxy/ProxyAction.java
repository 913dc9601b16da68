package org.sipscreen.proxy;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.sipscreen.sip.Transport;
import org.sipscreen.sip.WireMessage;

/** What the proxy does with one inbound message: send one message somewhere, or nothing. */
public sealed interface ProxyAction {

  /**
   * Send {@code message} to {@code destination} over {@code transport}. Over TCP the transport reuses the
   * connection to that address if one is open (so answers to a TCP request go back on its connection).
   *
   * @param tlsName over TLS to a next hop named by host ({@link NextHop#tlsName}): the name its certificate
   *     must carry; such a message goes only on a connection the proxy opened to that name
   */
  record Send(Transport transport, InetSocketAddress destination, WireMessage message,
      java.util.Optional<String> tlsName) implements ProxyAction {
    public Send {
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(tlsName, "tlsName");
    }

    /** A message to an address (a response, a hop named by address). */
    public Send(Transport transport, InetSocketAddress destination, WireMessage message) {
      this(transport, destination, message, java.util.Optional.empty());
    }

    /** A message to {@code hop}. */
    public static Send to(NextHop hop, WireMessage message) {
      return new Send(hop.transport(), hop.address(), message, hop.tlsName());
    }
  }

  /**
   * The decision waits for a screening check (a remote lookup, bounded by the check's deadline). The
   * stage completes with a {@link Send} or {@link Drop} and never exceptionally.
   */
  record Pending(java.util.concurrent.CompletionStage<ProxyAction> action) implements ProxyAction {
    public Pending {
      Objects.requireNonNull(action, "action");
    }
  }

  /** Send nothing; {@code reason} is the snake_case label the drop was counted under. */
  record Drop(String reason) implements ProxyAction {
    public Drop {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
