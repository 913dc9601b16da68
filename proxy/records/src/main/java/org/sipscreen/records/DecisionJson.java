package org.sipscreen.records;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.CheckOutcome;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreeningResult;

/**
 * Writes a {@link DecisionRecord} as one JSON line (UTF-8, ending in {@code \n}) into a reused buffer. A
 * hand writer rather than a generic one because it runs once per call: no reflection, no per-record
 * objects beyond the buffer's growth. Peer-controlled text is escaped per RFC 8259 section 7, wire bytes
 * are read as UTF-8 (bad sequences become U+FFFD) and capped at {@link #MAX_RAW_CHARS}, so any INVITE gives
 * a valid line. Not thread-safe: one per writer thread.
 *
 * <p>Field order is fixed and {@code "caller":"+1..."} is always written exactly so, which is what the
 * traceback prefilter searches for ({@link #callerKey}).
 */
public final class DecisionJson {

  /** Longer raw values (Call-ID, caller header, Request-URI) are cut here and end in "...". */
  public static final int MAX_RAW_CHARS = 1024;

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf = new byte[1024];
  private int len;
  private long cachedSecond = Long.MIN_VALUE;
  private final byte[] secondText = new byte[19]; // 2026-11-28T19:04:05

  /** The bytes {@code "caller":"<e164>"} as written in every record with that caller. */
  public static byte[] callerKey(String e164) {
    return ("\"caller\":\"" + e164 + "\"").getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes {@code "callee":"<e164>"} as written in every record with that callee. */
  public static byte[] calleeKey(String e164) {
    return ("\"callee\":\"" + e164 + "\"").getBytes(StandardCharsets.UTF_8);
  }

  /** Encodes {@code r} into the buffer; returns the line's length (read it with {@link #bytes}). */
  public int encode(DecisionRecord r) {
    len = 0;
    ScreeningResult s = r.screening();
    raw("{\"time\":\"");
    time(r.timeMillis());
    raw("\",\"call_id\":");
    wireString(r.callId());
    raw(",\"peer\":");
    string(s == null ? null : s.peerName().orElse(null));
    raw(",\"source\":");
    address(r.source());
    raw(",\"transport\":");
    string(r.transport());
    raw(",\"caller\":");
    number(s == null ? null : s.caller());
    raw(",\"callee\":");
    number(s == null ? null : s.callee());
    raw(",\"caller_kind\":");
    string(s == null ? null : s.caller().kind());
    raw(",\"callee_kind\":");
    string(s == null ? null : s.callee().kind());
    raw(",\"caller_raw\":");
    wireString(r.callerRaw());
    raw(",\"callee_raw\":");
    wireString(r.calleeRaw());
    raw(",\"attestation\":");
    string(r.attestation());
    raw(",\"origid\":");
    wireString(r.origid());
    raw(",\"x5u\":");
    wireString(r.x5u());
    raw(",\"spc\":");
    string(s == null ? null : spcOf(s.tags()));
    raw(",\"result\":");
    string(resultOf(r));
    raw(",\"delivery\":");
    string(r.delivery().label());
    raw(",\"status\":");
    if (r.status() == 0) {
      raw("null");
    } else {
      integer(r.status());
    }
    raw(",\"reason\":");
    string(r.reason());
    raw(",\"next_hop\":");
    address(r.nextHop());
    if (r.nextHopTransport() != null) {
      raw(",\"next_hop_transport\":");
      string(r.nextHopTransport());
    }
    raw(",\"decided_by\":");
    string(s == null ? null : s.decidedBy().orElse(null));
    raw(",\"score\":");
    integer(s == null ? 0 : s.score());
    raw(",\"fired\":[");
    if (s != null) {
      fired(s);
    }
    raw("],\"tags\":[");
    if (s != null) {
      tags(s.tags());
    }
    raw("],\"shadow_action\":");
    string(s == null ? null : s.shadowAction().map(DecisionJson::actionText).orElse(null));
    raw("}\n");
    return len;
  }

  /**
   * Encodes a call outcome: {@code {"time","event","call_id","peer","invited"}} and, for a final response,
   * {@code "status"}. Returns the line's length (read it with {@link #bytes}).
   */
  public int encode(CallOutcome o) {
    len = 0;
    raw("{\"time\":\"");
    time(o.timeMillis());
    raw("\",\"event\":");
    string(o.event().label());
    raw(",\"call_id\":");
    wireString(o.callId());
    raw(",\"peer\":");
    string(o.peer());
    raw(",\"invited\":\"");
    time(o.invitedMillis());
    put((byte) '"');
    if (o.event() == CallOutcome.Event.FINAL) {
      raw(",\"status\":");
      integer(o.status());
    }
    raw("}\n");
    return len;
  }

  /** The buffer {@link #encode} wrote into; valid up to the length it returned. */
  public byte[] bytes() {
    return buf;
  }

  /**
   * The call's result, in the words of {@code sipscreen_peer_invites_total{result}}: forwarded, tagged,
   * rejected, rejected_analytics, dropped, emergency; {@code unscreened} when the chain failed.
   */
  static String resultOf(DecisionRecord r) {
    ScreeningResult s = r.screening();
    if (s == null) {
      return "unscreened";
    }
    if (s.isEmergency()) {
      return "emergency";
    }
    if (s.action() instanceof ScreeningResult.Action.Reject rej) {
      return rej.status() == 603 && rej.reasonPhrase().equals("Network Blocked")
          ? "rejected_analytics" : "rejected";
    }
    if (s.action() instanceof ScreeningResult.Action.Drop) {
      return "dropped";
    }
    return s.tags().isEmpty() ? "forwarded" : "tagged";
  }

  /** calling_number's outcome for an ordinary caller: nothing fired. */
  private static final String READABLE_CALLER = "e164";

  /**
   * Every check that did something (any outcome but continue, and but calling_number's plain e164), with the policy's view of its flag when it
   * raised one (category, score, action, shadow), then the policy's own decisions (peer block, score
   * thresholds).
   */
  private void fired(ScreeningResult s) {
    boolean first = true;
    List<PolicyDecision> decisions = s.decisions();
    boolean[] used = new boolean[decisions.size()];
    for (CheckOutcome o : s.outcomes()) {
      if (o.outcome().equals(CheckOutcome.CONTINUE) || o.outcome().equals(READABLE_CALLER)) {
        continue;
      }
      first = comma(first);
      int d = -1;
      for (int i = 0; i < decisions.size(); i++) {
        if (!used[i] && decisions.get(i).check().equals(o.check())) {
          d = i;
          break;
        }
      }
      if (d >= 0) {
        used[d] = true;
        decision(decisions.get(d));
      } else {
        raw("{\"check\":");
        string(o.check());
        raw(",\"category\":");
        string(o.outcome());
        raw("}");
      }
    }
    for (int i = 0; i < decisions.size(); i++) {
      if (!used[i]) {
        first = comma(first);
        decision(decisions.get(i));
      }
    }
  }

  private void decision(PolicyDecision d) {
    raw("{\"check\":");
    string(d.check());
    raw(",\"category\":");
    string(d.category());
    raw(",\"score\":");
    integer(d.score());
    raw(",\"action\":");
    string(d.action().label());
    if (d.shadow()) {
      raw(",\"shadow\":true");
    }
    raw("}");
  }

  /** The SPC of the call's verified signer ({@link CallTag.Signer}), or null. */
  private static String spcOf(List<CallTag> tags) {
    for (CallTag t : tags) {
      if (t instanceof CallTag.Signer signer) {
        return signer.spc();
      }
    }
    return null;
  }

  private void tags(List<CallTag> tags) {
    boolean first = true;
    for (CallTag t : tags) {
      if (t instanceof CallTag.Signer) {
        continue; // no mark on the wire: recorded as the record's spc
      }
      first = comma(first);
      // Every CallTag kind must say how it is recorded: an unknown one must not leave broken JSON.
      if (t instanceof CallTag.DisplayLabel l) {
        raw("{\"label\":");
        string(l.label());
      } else if (t instanceof CallTag.Verstat v) {
        raw("{\"verstat\":");
        string(v.value());
      } else if (t instanceof CallTag.StirReason r) {
        raw("{\"stir_reason\":");
        string(r.headerValue());
      } else {
        throw new IllegalStateException("no JSON form for tag " + t);
      }
      raw("}");
    }
  }

  private boolean comma(boolean first) {
    if (!first) {
      put((byte) ',');
    }
    return false;
  }

  private static String actionText(ScreeningResult.Action a) {
    if (a instanceof ScreeningResult.Action.Reject r) {
      return r.status() + " " + r.reasonPhrase();
    }
    return a instanceof ScreeningResult.Action.Drop ? "drop" : "forward";
  }

  private void number(PhoneNumber n) {
    string(n instanceof PhoneNumber.E164 e ? e.value() : null);
  }

  private void address(InetSocketAddress a) {
    if (a == null) {
      raw("null");
      return;
    }
    put((byte) '"');
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    int pct = host.indexOf('%');
    if (pct >= 0) {
      host = host.substring(0, pct);
    }
    boolean v6 = a.getAddress() instanceof Inet6Address;
    if (v6) {
      put((byte) '[');
    }
    chars(host, host.length());
    if (v6) {
      put((byte) ']');
    }
    put((byte) ':');
    integer(a.getPort());
    put((byte) '"');
  }

  /**
   * ISO-8601 UTC with milliseconds; the date and time of day are written out once per second (an outcome
   * line's two times, now and the INVITE's, can alternate between two seconds: so without a formatter).
   */
  private void time(long millis) {
    long second = Math.floorDiv(millis, 1000);
    if (second != cachedSecond) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      if (t.getYear() < 0 || t.getYear() > 9999) {
        // Years beyond 9999 or before 0: not cached, written as they are.
        cachedSecond = Long.MIN_VALUE;
        raw(String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", t.getYear(),
            t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
        millisPart(millis);
        return;
      }
      digits(secondText, 0, t.getYear(), 4);
      secondText[4] = '-';
      digits(secondText, 5, t.getMonthValue(), 2);
      secondText[7] = '-';
      digits(secondText, 8, t.getDayOfMonth(), 2);
      secondText[10] = 'T';
      digits(secondText, 11, t.getHour(), 2);
      secondText[13] = ':';
      digits(secondText, 14, t.getMinute(), 2);
      secondText[16] = ':';
      digits(secondText, 17, t.getSecond(), 2);
      cachedSecond = second;
    }
    ensure(secondText.length + 5);
    System.arraycopy(secondText, 0, buf, len, secondText.length);
    len += secondText.length;
    millisPart(millis);
  }

  /** {@code value} (0 to 10^count - 1) as {@code count} decimal digits at {@code at}. */
  private static void digits(byte[] out, int at, int value, int count) {
    for (int i = at + count - 1; i >= at; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  private void millisPart(long millis) {
    int ms = (int) Math.floorMod(millis, 1000L);
    put((byte) '.');
    put((byte) ('0' + ms / 100));
    put((byte) ('0' + ms / 10 % 10));
    put((byte) ('0' + ms % 10));
    put((byte) 'Z');
  }

  /** ASCII text the proxy itself chose (field names, punctuation). */
  private void raw(String ascii) {
    int n = ascii.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) ascii.charAt(i);
    }
  }

  private void integer(long v) {
    raw(Long.toString(v));
  }

  /** A string the proxy or its config produced (labels, numbers, peer names), or null. */
  private void string(String s) {
    if (s == null) {
      raw("null");
      return;
    }
    put((byte) '"');
    chars(s, s.length());
    put((byte) '"');
  }

  /**
   * Text from the wire. The SIP parser reads bytes as ISO-8859-1 (one char per byte), so any char above
   * 0x7f means the peer sent non-ASCII bytes: read them again as the UTF-8 SIP says they are.
   */
  private void wireString(String s) {
    if (s == null) {
      raw("null");
      return;
    }
    boolean ascii = true;
    for (int i = 0, n = Math.min(s.length(), MAX_RAW_CHARS); i < n; i++) {
      if (s.charAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    boolean cut = s.length() > MAX_RAW_CHARS;
    String text = cut ? s.substring(0, MAX_RAW_CHARS) : s;
    if (!ascii && text.chars().allMatch(c -> c <= 0xff)) {
      text = new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
    put((byte) '"');
    chars(text, text.length());
    if (cut) {
      raw("...");
    }
    put((byte) '"');
  }

  /** Escapes per RFC 8259 section 7 and encodes UTF-8; an unpaired surrogate is written as \\uXXXX. */
  private void chars(String s, int n) {
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        if (len == buf.length) {
          ensure(n - i);
        }
        buf[len++] = (byte) c;
      } else if (c == '"' || c == '\\') {
        put((byte) '\\');
        put((byte) c);
      } else if (c < 0x20 || c == 0x7f) {
        escape(c);
      } else if (c < 0x800) {
        put((byte) (0xc0 | c >> 6));
        put((byte) (0x80 | c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        put((byte) (0xf0 | cp >> 18));
        put((byte) (0x80 | cp >> 12 & 0x3f));
        put((byte) (0x80 | cp >> 6 & 0x3f));
        put((byte) (0x80 | cp & 0x3f));
      } else if (Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) {
        escape(c);
      } else {
        put((byte) (0xe0 | c >> 12));
        put((byte) (0x80 | c >> 6 & 0x3f));
        put((byte) (0x80 | c & 0x3f));
      }
    }
  }

  private void escape(char c) {
    switch (c) {
      case '\n' -> raw("\\n");
      case '\r' -> raw("\\r");
      case '\t' -> raw("\\t");
      default -> {
        raw("\\u");
        put(HEX[c >> 12 & 0xf]);
        put(HEX[c >> 8 & 0xf]);
        put(HEX[c >> 4 & 0xf]);
        put(HEX[c & 0xf]);
      }
    }
  }

  private void put(byte b) {
    if (len == buf.length) {
      ensure(1);
    }
    buf[len++] = b;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }
}
