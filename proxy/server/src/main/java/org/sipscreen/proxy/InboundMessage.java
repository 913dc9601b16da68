package org.sipscreen.proxy;

import java.net.InetSocketAddress;
import org.sipscreen.sip.Transport;

/**
 * Bytes of one framed message with where they came from and where they arrived, so that the proxy holds
 * no per-connection state (cf. Netty's AddressedEnvelope).
 */
public record InboundMessage(byte[] bytes, int offset, int length, Transport transport,
    InetSocketAddress sender, InetSocketAddress recipient, long receivedNanos) {}
