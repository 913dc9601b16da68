package org.sipscreen.proxy;

import java.util.List;
import org.sipscreen.screening.CallTag;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.MessageEdits;
import org.sipscreen.sip.NameAddr;
import org.sipscreen.sip.SipMessage;

/**
 * Applies screening tags to the caller's identity in a forwarded INVITE (DOMAIN.md, "Outcomes on the wire"):
 * the first P-Asserted-Identity value, or From when there is none, gets a display-name label and/or a
 * verstat parameter (3GPP TS 24.229 §7.2A.20: on a tel: URI a URI parameter, on a sip: URI a parameter of
 * the user part), replacing any verstat the peer sent. Header parameters such as the From tag stay as they
 * were. A STIR reason tag meant for downstream becomes an RFC 9410 {@code Reason} header at the end of
 * the headers.
 */
final class CallerTagger {

  private CallerTagger() {}

  static void apply(SipMessage message, MessageEdits edits, List<CallTag> tags) {
    if (tags.isEmpty()) {
      return;
    }
    for (CallTag tag : tags) {
      if (tag instanceof CallTag.StirReason reason && reason.downstream()
          && !StatelessProxy.hasStirReason(message)) {
        // RFC 9410: the call goes on although its Identity failed; tell the next hop why too (the
        // signer upstream hears it on the responses). A STIR Reason already there is kept alone.
        edits.insert(message.headersEnd(), "Reason: " + reason.headerValue() + "\r\n");
      }
    }
    int index = message.indexOf(HeaderName.P_ASSERTED_IDENTITY);
    if (index < 0) {
      index = message.indexOf(HeaderName.FROM);
    }
    if (index < 0) {
      return;
    }
    List<String> values = message.lineValues(index);
    if (!(NameAddr.read(values.get(0)) instanceof NameAddr addr)) {
      return;
    }
    String display = addr.displayName();
    String uri = addr.uri();
    for (CallTag tag : tags) {
      if (tag instanceof CallTag.DisplayLabel label) {
        display = labelled(label.label(), addr);
      } else if (tag instanceof CallTag.Verstat verstat) {
        uri = withVerstat(uri, verstat.value());
      }
    }
    StringBuilder sb = new StringBuilder(addr.format(display, uri));
    for (int i = 1; i < values.size(); i++) {
      sb.append(", ").append(values.get(i));
    }
    edits.replace(message.valueStart(index), message.valueEnd(index), sb.toString());
  }

  private static String labelled(String label, NameAddr addr) {
    String old = addr.unquotedDisplayName().trim();
    return "\"" + label + (old.isEmpty() ? "" : " " + old) + "\"";
  }

  /** Puts {@code verstat=value} on the URI, dropping any verstat already there. */
  static String withVerstat(String uri, String value) {
    String lower = uri.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("tel:")) {
      return removeParam(uri, 4, uri.length(), "verstat") + ";verstat=" + value;
    }
    if (lower.startsWith("sip:") || lower.startsWith("sips:")) {
      int colon = uri.indexOf(':');
      int at = uri.lastIndexOf('@');
      if (at < 0) {
        return uri;
      }
      String user = removeParam(uri, colon + 1, at, "verstat");
      // user already includes the scheme prefix up to the user part's end.
      return user + ";verstat=" + value + uri.substring(at);
    }
    return uri;
  }

  /** {@code uri[0, to)} with every {@code ;name[=value]} in {@code uri[from, to)} removed. */
  private static String removeParam(String uri, int from, int to, String name) {
    StringBuilder sb = new StringBuilder(uri.length());
    sb.append(uri, 0, from);
    int p = from;
    int semi = uri.indexOf(';', p);
    if (semi < 0 || semi >= to) {
      return sb.append(uri, p, to).toString();
    }
    sb.append(uri, p, semi);
    p = semi;
    while (p < to) {
      int next = uri.indexOf(';', p + 1);
      if (next < 0 || next > to) {
        next = to;
      }
      String param = uri.substring(p + 1, next);
      int eq = param.indexOf('=');
      String pname = eq < 0 ? param : param.substring(0, eq);
      if (!pname.trim().equalsIgnoreCase(name)) {
        sb.append(';').append(param);
      }
      p = next;
    }
    return sb.toString();
  }
}
