package org.sipscreen.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import org.sipscreen.screening.CallTag;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.MessageEdits;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipRequest;
import org.sipscreen.sip.Transport;

/**
 * The edits that turn a received request into the one the proxy forwards (RFC 3261 §16.6): our Via on top
 * with a derived branch, the sender's Via with received/rport, Max-Forwards, the Route entries removed,
 * Record-Route on initial INVITEs, a Content-Length for streams, and the screening's tags on the caller.
 * The received bytes are forwarded with these spliced in, never re-serialized ({@link MessageEdits}).
 */
final class ForwardEdits {

  private ForwardEdits() {}

  /**
   * The forwarded request: our Via, Max-Forwards, Route and Record-Route edits, and the screening's tags.
   * An RFC 9410 STIR cause goes into our Via ({@value StatelessProxy#STIR_VIA_PARAM}), so that the responses of this
   * branch carry it back upstream without the proxy remembering the call. So does a call stamp
   * ({@link CallStamps}), which also goes into our Record-Route for the dialog's requests.
   *
   * @param callStamp the call stamp of an initial INVITE, or null for none
   */
  static MessageEdits of(ProxySettings settings, SipRequest request, InboundMessage in,
      NextHop hop, boolean initial, int ownRoutes, List<CallTag> tags, String callStamp) {
    SipMessage m = request.message();
    MessageEdits edits = new MessageEdits(m);
    LocalEndpoint local = settings.endpointFor(hop.address().getAddress(), hop.transport());

    // Our Via on top; the sender's Via gets received/rport (RFC 3261 §18.2.1, RFC 3581 §4), always, so
    // responses go back to where the request really came from.
    int vi = m.indexOf(HeaderName.VIA);
    List<String> lineVias = m.lineValues(vi);
    StringBuilder via = new StringBuilder(256);
    via.append("Via: SIP/2.0/").append(hop.transport().name()).append(' ').append(local.hostPort())
        .append(";branch=").append(BranchIds.branch(request));
    for (CallTag tag : tags) {
      if (tag instanceof CallTag.StirReason reason) {
        via.append(';').append(StatelessProxy.STIR_VIA_PARAM).append('=').append(reason.cause());
        break;
      }
    }
    if (callStamp != null) {
      via.append(';').append(CallStamps.PARAM).append('=').append(callStamp);
    }
    via.append("\r\n");
    request.topVia().appendWithReceived(via.append("Via: "), receivedText(in.sender()), in.sender().getPort())
        .append("\r\n");
    if (lineVias.size() > 1) {
      via.append("Via: ").append(String.join(", ", lineVias.subList(1, lineVias.size()))).append("\r\n");
    }
    edits.replace(m.lineStart(vi), m.lineEnd(vi), via.toString());

    int mf = m.indexOf(HeaderName.MAX_FORWARDS);
    if (mf >= 0) {
      edits.replace(m.valueStart(mf), m.valueEnd(mf), Integer.toString(request.maxForwards() - 1));
    } else {
      edits.insert(m.headersEnd(), "Max-Forwards: 70\r\n");
    }

    // Route: initial requests lose every preloaded Route; in-dialog ones lose only our own entries.
    int toRemove = initial ? Integer.MAX_VALUE : ownRoutes;
    for (int i = m.indexOf(HeaderName.ROUTE); i >= 0 && toRemove > 0;
        i = m.indexOf(HeaderName.ROUTE, i + 1)) {
      List<String> values = m.lineValues(i);
      if (values.size() <= toRemove) {
        edits.delete(m.lineStart(i), m.lineEnd(i));
        toRemove -= values.size();
      } else {
        edits.replace(m.valueStart(i), m.valueEnd(i),
            String.join(", ", values.subList(toRemove, values.size())));
        toRemove = 0;
      }
    }

    if (initial && settings.recordRoute() && m.method().equals("INVITE")) {
      // RFC 3261 §16.6 step 4: on a sips: request our entries are sips: too, so the dialog's requests
      // reach us over TLS; a side that is not TLS (only an emergency call goes on so) gets sip:.
      boolean sips = request.requestUri().scheme().equals("sips");
      StringBuilder rr = new StringBuilder(128);
      appendRecordRoute(rr, local, hop.transport(), callStamp, sips);
      LocalEndpoint inbound = endpointAt(settings, in.recipient(), in.transport());
      if (hop.transport() != in.transport() || !inbound.equals(local)) {
        appendRecordRoute(rr, inbound, in.transport(), callStamp, sips);
      }
      int rri = m.indexOf(HeaderName.RECORD_ROUTE);
      edits.insert(rri >= 0 ? m.lineStart(rri) : m.headersEnd(), rr.toString());
    }
    if (m.indexOf(HeaderName.CONTENT_LENGTH) < 0) {
      edits.insert(m.headersEnd(), "Content-Length: " + m.bodyLength() + "\r\n");
    }
    CallerTagger.apply(m, edits, tags);
    return edits;
  }

  private static void appendRecordRoute(StringBuilder sb, LocalEndpoint e, Transport t, String callStamp,
      boolean sips) {
    if (sips && t == Transport.TLS) {
      sb.append("Record-Route: <sips:").append(e.hostPort());
    } else {
      sb.append("Record-Route: <sip:").append(e.hostPort());
    }
    if (t != Transport.UDP && !(sips && t == Transport.TLS)) {
      sb.append(";transport=").append(t.label());
    }
    sb.append(";lr");
    if (callStamp != null) {
      sb.append(';').append(CallStamps.PARAM).append('=').append(callStamp);
    }
    sb.append(">\r\n");
  }

  /** The endpoint a request arrived on. */
  static LocalEndpoint endpointAt(ProxySettings settings, InetSocketAddress recipient, Transport transport) {
    if (recipient != null) {
      for (LocalEndpoint e : settings.endpoints()) {
        if (e.bind().equals(recipient) || (e.bind().getPort() == recipient.getPort()
            && e.bind().getAddress().isAnyLocalAddress())) {
          return e;
        }
      }
    }
    return settings.endpointFor(recipient != null ? recipient.getAddress()
        : settings.endpoints().get(0).bind().getAddress(), transport);
  }

  /** The received parameter: the bare address, without brackets even for IPv6 (RFC 3261 §20.42). */
  static String receivedText(InetSocketAddress sender) {
    String s = sender.getAddress().getHostAddress();
    int pct = s.indexOf('%');
    return pct >= 0 ? s.substring(0, pct) : s;
  }
}
