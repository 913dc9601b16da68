package org.sipscreen.proxy;

import org.sipscreen.sip.SipRequest;
import org.sipscreen.sip.Via;

/**
 * Deterministic identifiers for a stateless proxy (RFC 3261 §16.11): the branch of our Via and the To tag
 * of our own final responses are hashes of the request, so a retransmission, the CANCEL of an INVITE and the
 * ACK of a non-2xx response get the same values without the proxy remembering anything.
 *
 * <p>Our branch is {@code z9hG4bK-ss-<loop>-<txn>}. {@code loop} hashes only what a loop leaves unchanged
 * (Request-URI, From/To tags, Call-ID, CSeq number, Proxy-Require) so that §16.3 item 4 loop detection can
 * compare it with the branch of our own Via when a request comes back; {@code txn} also hashes the upstream
 * transaction (its top Via), so distinct transactions get distinct branches.
 */
public final class BranchIds {

  public static final String PREFIX = Via.MAGIC_COOKIE + "-ss-";

  private BranchIds() {}

  public static String branch(SipRequest request) {
    return PREFIX + hex32(loopHash(request)) + "-" + Long.toHexString(txnHash(request));
  }

  /** Whether {@code branch} is one of ours computed for a request that looks like {@code request}. */
  public static boolean isLoop(String branch, SipRequest request) {
    if (branch == null || !branch.startsWith(PREFIX) || branch.length() < PREFIX.length() + 8) {
      return false;
    }
    return branch.regionMatches(PREFIX.length(), hex32(loopHash(request)), 0, 8);
  }

  /** The To tag of a final response this proxy generates for {@code request}. */
  public static String toTag(SipRequest request) {
    long h = fnv(FNV_OFFSET ^ 0x5bd1e995L, request.callId());
    h = fnv(h, request.from().tag());
    h = fnv(h, transactionKey(request.topVia(), request));
    return "ss" + Long.toHexString(h);
  }

  private static int loopHash(SipRequest r) {
    long h = fnv(FNV_OFFSET, r.message().requestUri());
    h = fnv(h, r.from().tag());
    h = fnv(h, r.to().tag());
    h = fnv(h, r.callId());
    h = mix(h, r.cseq());
    for (String pr : r.proxyRequire()) {
      h = fnv(h, pr);
    }
    return (int) (h ^ (h >>> 32));
  }

  private static long txnHash(SipRequest r) {
    long h = fnv(FNV_OFFSET ^ 0x9e3779b97f4a7c15L, transactionKey(r.topVia(), r));
    String m = r.method();
    // INVITE, its CANCEL and the ACK of a non-2xx answer share one branch (RFC 3261 §9.1, §17.1.1.3).
    if (!m.equals("INVITE") && !m.equals("CANCEL") && !m.equals("ACK")) {
      h = fnv(h, m);
    }
    return h;
  }

  /** The upstream transaction: its RFC 3261 branch, or for RFC 2543 peers the §17.2.3 fallback fields. */
  private static String transactionKey(Via top, SipRequest r) {
    if (top.hasRfc3261Branch()) {
      return top.branch() + "|" + top.sentBy();
    }
    return top.sentBy() + "|" + top.branch() + "|" + r.message().requestUri() + "|" + r.from().tag()
        + "|" + r.callId() + "|" + r.cseq();
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private static long fnv(long h, String s) {
    if (s == null) {
      return (h ^ 0xff) * FNV_PRIME;
    }
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return (h ^ '|') * FNV_PRIME;
  }

  private static long mix(long h, long v) {
    for (int i = 0; i < 8; i++) {
      h = (h ^ (v & 0xff)) * FNV_PRIME;
      v >>>= 8;
    }
    return h;
  }

  private static String hex32(int v) {
    String s = Integer.toHexString(v);
    return "00000000".substring(s.length()) + s;
  }
}
