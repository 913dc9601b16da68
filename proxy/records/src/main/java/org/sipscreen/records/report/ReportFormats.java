package org.sipscreen.records.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link PeerReport} as JSON (for tools), CSV (one row per count) and one self-contained HTML page. */
public final class ReportFormats {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportFormats() {}

  /** The formats, as {@code --format} and {@code format=} spell them. */
  public static final List<String> NAMES = List.of("json", "csv", "html");

  /** The report in {@code format}: json, csv or html. */
  public static String write(PeerReport r, String format) {
    return write(r, format, Map.of());
  }

  /**
   * The report in {@code format}, each peer with what the config and the checks know about it
   * ({@code facts}, by peer name: its RMD record and whether the loaded file lists it, its contact).
   */
  public static String write(PeerReport r, String format, Map<String, Map<String, String>> facts) {
    return switch (format) {
      case "json" -> json(r, facts).toPrettyString() + "\n";
      case "csv" -> csv(r, facts);
      case "html" -> ReportHtml.page(r, facts);
      default -> throw new IllegalArgumentException("format must be json, csv or html, was '" + format + "'");
    };
  }

  /** The media type of {@code format}. */
  public static String contentType(String format) {
    return switch (format) {
      case "csv" -> "text/csv; charset=utf-8";
      case "html" -> "text/html; charset=utf-8";
      default -> "application/json";
    };
  }

  public static ObjectNode json(PeerReport r) {
    return json(r, Map.of());
  }

  public static ObjectNode json(PeerReport r, Map<String, Map<String, String>> facts) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode q = root.putObject("query");
    q.put("from", r.query().from().toString());
    q.put("to", r.query().to().toString());
    q.put("peer", r.query().peer());
    q.put("top", r.query().top());
    root.put("records", r.records());
    root.put("files_scanned", r.files());
    root.put("bytes_scanned", r.bytes());
    root.put("files_from_summaries", r.filesFromSummaries());
    root.put("unreadable_lines", r.unreadableLines());
    root.put("millis", r.millis());
    ArrayNode peers = root.putArray("peers");
    for (PeerReport.Peer p : r.peers.values()) {
      ObjectNode pn = peers.addObject();
      pn.put("peer", p.name);
      Map<String, String> known = facts.get(p.name);
      if (known != null && !known.isEmpty()) {
        ObjectNode f = pn.putObject("facts");
        known.forEach(f::put);
      }
      tally(pn, p.total, r.query().shortCallSeconds());
      top(pn.putArray("top_blocked_callers"), "caller", p.blockedCallers, r.query().top());
      top(pn.putArray("top_blocked_prefixes"), "prefix", p.blockedPrefixes, r.query().top());
      signers(pn.putArray("signers"), p.signers, r.query().top());
      long error = Math.max(p.blockedCallers.error(), Math.max(p.blockedPrefixes.error(), p.signers.error()));
      if (error > 0) {
        pn.put("top_counts_under_by_at_most", error);
      }
      ArrayNode days = pn.putArray("days");
      p.days.forEach((day, t) -> tally(days.addObject().put("day", day), t, r.query().shortCallSeconds()));
    }
    return root;
  }

  private static void tally(ObjectNode n, Tally t, int shortSeconds) {
    n.put("calls", t.calls);
    n.put("forwarded", t.forwarded());
    n.put("tagged", t.tagged());
    n.put("blocked", t.blocked());
    n.put("emergency", t.result("emergency"));
    ObjectNode shares = n.putObject("share");
    shares.put("forwarded", share(t.forwarded(), t.calls));
    shares.put("tagged", share(t.tagged(), t.calls));
    shares.put("blocked", share(t.blocked(), t.calls));
    counts(n.putObject("results"), t.results);
    counts(n.putObject("blocked_by"), t.blockedBy);
    counts(n.putObject("tagged_by"), t.taggedBy);
    counts(n.putObject("flagged"), t.flagged);
    counts(n.putObject("attestation"), t.attestation);
    outcomes(n.putObject("outcomes"), t, shortSeconds);
  }

  /**
   * What became of the forwarded calls: final responses (answered = 2xx, unanswered by class), and of the
   * answered calls that ended, the short ones and the average duration.
   */
  private static void outcomes(ObjectNode n, Tally t, int shortSeconds) {
    long finals = t.answered() + t.unanswered();
    n.put("final_responses", finals);
    n.put("answered", t.answered());
    n.put("unanswered", t.unanswered());
    ObjectNode shares = n.putObject("share");
    shares.put("answered", share(t.answered(), finals));
    shares.put("unanswered", share(t.unanswered(), finals));
    ObjectNode byClass = n.putObject("unanswered_by_class");
    t.finals.forEach((k, v) -> {
      if (!k.equals("2xx")) {
        byClass.put(k, v[0]);
      }
    });
    n.put("ended", t.ended);
    n.put("short_call_seconds", shortSeconds);
    n.put("short", t.shortCalls(shortSeconds));
    n.put("short_share", share(t.shortCalls(shortSeconds), t.ended));
    n.put("average_duration_seconds", averageSeconds(t));
    n.put("timed_from_invite", t.endedFromInvite);
  }

  /** The average duration of the ended calls, in seconds to the millisecond; 0 when none ended. */
  static double averageSeconds(Tally t) {
    return t.ended == 0 ? 0 : Math.round((double) t.durationMillis / t.ended) / 1000.0;
  }

  private static void counts(ObjectNode n, Map<String, long[]> m) {
    m.forEach((k, v) -> n.put(k, v[0]));
  }

  private static void top(ArrayNode a, String key, TopCounter c, int n) {
    for (TopCounter.Entry e : c.top(n)) {
      a.addObject().put(key, e.value()).put("calls", e.count());
    }
  }

  /** The signers: {@code {"spc": ...}} when the certificate named its SPC, else {@code {"x5u": ...}}. */
  private static void signers(ArrayNode a, TopCounter c, int n) {
    for (TopCounter.Entry e : c.top(n)) {
      String v = e.value();
      boolean spc = v.startsWith(ReportScanner.SPC_PREFIX);
      a.addObject().put(spc ? "spc" : "x5u", spc ? v.substring(ReportScanner.SPC_PREFIX.length()) : v)
          .put("calls", e.count());
    }
  }

  static double share(long part, long whole) {
    return whole == 0 ? 0 : Math.round(part * 10000.0 / whole) / 10000.0;
  }

  /**
   * One row per count: {@code peer,day,measure,key,calls,share}; {@code day} is {@code all} for the whole
   * window (top lists are over the whole window only), {@code share} is of the calls of that peer and day.
   */
  public static String csv(PeerReport r) {
    return csv(r, Map.of());
  }

  /** {@link #csv(PeerReport)} with a {@code fact} row per known fact ({@code key=value} in {@code key}). */
  public static String csv(PeerReport r, Map<String, Map<String, String>> facts) {
    StringBuilder sb = new StringBuilder("peer,day,measure,key,calls,share\n");
    for (PeerReport.Peer p : r.peers.values()) {
      facts.getOrDefault(p.name, Map.of()).forEach((k, v) -> sb.append(csvField(p.name)).append(",all,fact,")
          .append(csvField(k + "=" + v)).append(",,\n"));
      int shortSeconds = r.query().shortCallSeconds();
      csvTally(sb, p.name, "all", p.total, shortSeconds);
      p.days.forEach((day, t) -> csvTally(sb, p.name, day, t, shortSeconds));
      for (TopCounter.Entry e : p.blockedCallers.top(r.query().top())) {
        row(sb, p.name, "all", "top_blocked_caller", e.value(), e.count(), p.total.calls);
      }
      for (TopCounter.Entry e : p.blockedPrefixes.top(r.query().top())) {
        row(sb, p.name, "all", "top_blocked_prefix", e.value(), e.count(), p.total.calls);
      }
      for (TopCounter.Entry e : p.signers.top(r.query().top())) {
        row(sb, p.name, "all", "signer", e.value(), e.count(), p.total.calls);
      }
    }
    return sb.toString();
  }

  private static void csvTally(StringBuilder sb, String peer, String day, Tally t, int shortSeconds) {
    row(sb, peer, day, "calls", "", t.calls, t.calls);
    t.results.forEach((k, v) -> row(sb, peer, day, "result", k, v[0], t.calls));
    t.blockedBy.forEach((k, v) -> row(sb, peer, day, "blocked_by", k, v[0], t.calls));
    t.taggedBy.forEach((k, v) -> row(sb, peer, day, "tagged_by", k, v[0], t.calls));
    t.flagged.forEach((k, v) -> row(sb, peer, day, "flagged", k, v[0], t.calls));
    t.attestation.forEach((k, v) -> row(sb, peer, day, "attestation", k, v[0], t.calls));
    long finals = t.answered() + t.unanswered();
    if (finals > 0 || t.ended > 0) {
      // Shares of the final responses, and of the ended calls for the short ones.
      row(sb, peer, day, "outcome", "answered", t.answered(), finals);
      row(sb, peer, day, "outcome", "unanswered", t.unanswered(), finals);
      t.finals.forEach((k, v) -> row(sb, peer, day, "final_class", k, v[0], finals));
      row(sb, peer, day, "outcome", "ended", t.ended, t.answered());
      row(sb, peer, day, "outcome", "short_under_" + shortSeconds + "s", t.shortCalls(shortSeconds), t.ended);
      row(sb, peer, day, "outcome", "timed_from_invite", t.endedFromInvite, t.ended);
      sb.append(csvField(peer)).append(',').append(day).append(",outcome,average_duration_seconds,")
          .append(String.format(Locale.ROOT, "%.3f", averageSeconds(t))).append(",\n");
    }
  }

  private static void row(StringBuilder sb, String peer, String day, String measure, String key, long n,
      long of) {
    sb.append(csvField(peer)).append(',').append(day).append(',').append(measure).append(',')
        .append(csvField(key)).append(',').append(n).append(',')
        .append(String.format(Locale.ROOT, "%.4f", share(n, of))).append('\n');
  }

  /** RFC 4180: quoted when it holds a comma, quote or line break; a leading = + - @ is defused. */
  static String csvField(String s) {
    String v = s;
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("\\+[0-9]+")) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
