package org.sipscreen.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.NameAddr;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipUri;

/**
 * Recognizes the requests of SIP scanners (SIPVicious and kin) by their User-Agent or the user of their
 * From URI, as Kamailio's secfilter does, so the proxy can drop them without an answer: an answer tells a
 * scanner that something listens. A pattern matches as a whole word, case-insensitively: {@code sipcli}
 * matches {@code sipcli/v1.8} but not {@code MySIPClient}. Immutable; safe from every event loop.
 */
public final class ScannerFilter {

  /** What SIPVicious, sipcli, VaxSIP-based and similar scanners put in User-Agent. */
  public static final List<String> DEFAULT_USER_AGENTS = List.of("friendly-scanner", "sipvicious",
      "sipcli", "VaxSIPUserAgent", "sundayddr", "iWar", "sip-scan", "SIPScan");

  /** No scanner is recognized. */
  public static final ScannerFilter OFF = new ScannerFilter(List.of(), List.of());
  public static final ScannerFilter DEFAULT = new ScannerFilter(DEFAULT_USER_AGENTS, List.of());

  /** Which header gave the scanner away: {@code user_agent} or {@code from_user} in metrics. */
  public enum Match {
    USER_AGENT("user_agent"),
    FROM_USER("from_user");

    private final String label;
    private final String dropReason;

    Match(String label) {
      this.label = label;
      this.dropReason = "scanner_" + label;
    }

    public String label() {
      return label;
    }

    /** The reason in {@code sipscreen_messages_dropped_total}. */
    public String dropReason() {
      return dropReason;
    }
  }

  private final String[] userAgents;
  private final String[] fromUsers;

  /**
   * @param userAgents words that mark a scanner's User-Agent
   * @param fromUsers words that mark a scanner's From user
   */
  public ScannerFilter(List<String> userAgents, List<String> fromUsers) {
    this.userAgents = lowerCase(userAgents, "userAgents");
    this.fromUsers = lowerCase(fromUsers, "fromUsers");
  }

  private static String[] lowerCase(List<String> patterns, String what) {
    String[] out = new String[patterns.size()];
    for (int i = 0; i < out.length; i++) {
      String p = patterns.get(i);
      if (p == null || p.isBlank()) {
        throw new IllegalArgumentException(what + ": a pattern must not be empty");
      }
      out[i] = p.strip().toLowerCase(Locale.ROOT);
    }
    return out;
  }

  /** Whether any pattern is configured. */
  public boolean isOn() {
    return userAgents.length > 0 || fromUsers.length > 0;
  }

  /** The header that marks {@code request} as a scanner's, if any. Never throws. */
  public Optional<Match> match(SipMessage request) {
    if (userAgents.length > 0) {
      String ua = request.first(HeaderName.USER_AGENT);
      if (ua != null && containsWord(ua, userAgents)) {
        return Optional.of(Match.USER_AGENT);
      }
    }
    if (fromUsers.length > 0) {
      String user = fromUser(request.first(HeaderName.FROM));
      if (user != null && containsWord(user, fromUsers)) {
        return Optional.of(Match.FROM_USER);
      }
    }
    return Optional.empty();
  }

  private static String fromUser(String from) {
    if (from == null) {
      return null;
    }
    // An unreadable From is the validator's business, not a scanner mark.
    if (NameAddr.read(from) instanceof NameAddr addr && SipUri.read(addr.uri()) instanceof SipUri uri) {
      return uri.user();
    }
    return null;
  }

  /** Whether one of the lower-case {@code words} occurs in {@code text} bounded by non-alphanumerics. */
  static boolean containsWord(String text, String[] words) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String w : words) {
      for (int at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) {
        int end = at + w.length();
        if ((at == 0 || !Character.isLetterOrDigit(lower.charAt(at - 1)))
            && (end == lower.length() || !Character.isLetterOrDigit(lower.charAt(end)))) {
          return true;
        }
      }
    }
    return false;
  }
}
