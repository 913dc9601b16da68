package org.sipscreen.records.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline CSS and SVG bar charts, no scripts, no external
 * assets, so that it can be mailed or archived as one file.
 */
final class ReportHtml {

  private static final String FORWARDED = "#4c9f70";
  private static final String TAGGED = "#e0a030";
  private static final String BLOCKED = "#c8453c";
  private static final String OTHER = "#8a8a8a";

  private ReportHtml() {}

  static String page(PeerReport r) {
    return page(r, Map.of());
  }

  static String page(PeerReport r, Map<String, Map<String, String>> facts) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>sipscreen peer report ")
        .append(esc(r.query().from().toString())).append(" to ").append(esc(r.query().to().toString()))
        .append("</title>\n<style>body{font-family:sans-serif;margin:1.5em;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;"
            + "text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}h2{margin-top:2em;"
            + "border-bottom:2px solid #444}.k{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em}"
            + "</style></head><body>\n");
    h.append("<h1>Upstream peers: calls and decisions</h1>\n<p>")
        .append(esc(r.query().from().toString())).append(" to ").append(esc(r.query().to().toString()))
        .append(r.query().peer() == null ? "" : ", peer " + esc(r.query().peer()))
        .append(String.format(Locale.ROOT, " &middot; %,d records from %d files", r.records(), r.files()))
        .append(r.unreadableLines() > 0 ? " &middot; " + r.unreadableLines() + " unreadable lines" : "")
        .append("</p>\n");
    h.append("<p><span class=\"k\" style=\"background:").append(FORWARDED).append("\"></span>forwarded")
        .append("<span class=\"k\" style=\"background:").append(TAGGED).append("\"></span>tagged")
        .append("<span class=\"k\" style=\"background:").append(BLOCKED).append("\"></span>blocked")
        .append("<span class=\"k\" style=\"background:").append(OTHER)
        .append("\"></span>emergency and other</p>\n");
    h.append("<table><tr><th class=\"l\">peer</th><th>calls</th><th>forwarded</th><th>tagged</th>"
        + "<th>blocked</th><th>emergency</th></tr>\n");
    for (PeerReport.Peer p : r.peers.values()) {
      Tally t = p.total;
      h.append("<tr><td class=\"l\"><a href=\"#peer-").append(esc(p.name)).append("\">").append(esc(p.name))
          .append("</a></td>").append(td(t.calls)).append(pct(t.forwarded(), t.calls))
          .append(pct(t.tagged(), t.calls)).append(pct(t.blocked(), t.calls))
          .append(pct(t.result("emergency"), t.calls)).append("</tr>\n");
    }
    h.append("</table>\n");
    for (PeerReport.Peer p : r.peers.values()) {
      peer(h, p, r.query().top(), facts.getOrDefault(p.name, Map.of()), r.query().shortCallSeconds());
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void peer(StringBuilder h, PeerReport.Peer p, int top, Map<String, String> facts,
      int shortSeconds) {
    h.append("<h2 id=\"peer-").append(esc(p.name)).append("\">").append(esc(p.name)).append("</h2>\n");
    if (!facts.isEmpty()) {
      h.append("<table>");
      facts.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
          .append(esc(v)).append("</td></tr>"));
      h.append("</table>\n");
    }
    h.append("<h3>Calls per day</h3>\n").append(dayChart(p));
    h.append("<h3>Call outcomes</h3>\n").append(outcomes(p, shortSeconds));
    h.append("<h3>Blocked, by reason</h3>\n").append(bars(p.total.blockedBy, p.total.calls, BLOCKED));
    h.append("<h3>Tagged, by reason</h3>\n").append(bars(p.total.taggedBy, p.total.calls, TAGGED));
    h.append("<h3>Flagged by the checks</h3>\n").append(bars(p.total.flagged, p.total.calls, OTHER));
    h.append("<h3>STIR/SHAKEN attestation</h3>\n").append(bars(p.total.attestation, p.total.calls, OTHER));
    h.append("<h3>Caller IDs with the most blocked calls</h3>\n")
        .append(topTable("caller", p.blockedCallers.top(top)));
    h.append("<h3>Caller-ID prefixes with the most blocked calls</h3>\n")
        .append(topTable("prefix (NPA-NXX)", p.blockedPrefixes.top(top)));
    h.append("<h3>Signers (spc: the certificate's SPC, else its URL)</h3>\n")
        .append(topTable("signer", p.signers.top(top)));
  }

  /** One stacked bar per day: forwarded, tagged, blocked, the rest. */
  private static String dayChart(PeerReport.Peer p) {
    if (p.days.isEmpty()) {
      return "<p>none</p>\n";
    }
    long max = 1;
    for (Tally t : p.days.values()) {
      max = Math.max(max, t.calls);
    }
    int barWidth = 18;
    int gap = 6;
    int height = 160;
    int width = p.days.size() * (barWidth + gap) + 60;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
        .append(height + 40).append("\" role=\"img\" aria-label=\"calls per day\">\n");
    s.append("<text x=\"0\" y=\"12\" font-size=\"11\">").append(String.format(Locale.ROOT, "%,d", max))
        .append("</text>\n");
    int x = 50;
    for (Map.Entry<String, Tally> e : p.days.entrySet()) {
      Tally t = e.getValue();
      long other = t.calls - t.forwarded() - t.tagged() - t.blocked();
      double y = height + 10;
      long[] parts = {t.forwarded(), t.tagged(), t.blocked(), other};
      String[] colors = {FORWARDED, TAGGED, BLOCKED, OTHER};
      for (int i = 0; i < parts.length; i++) {
        double hgt = (double) parts[i] * height / max;
        if (hgt <= 0) {
          continue;
        }
        y -= hgt;
        s.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s: %,d</title></rect>\n",
            x, y, barWidth, hgt, colors[i], esc(e.getKey()), parts[i]));
      }
      s.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" font-size=\"9\" transform=\"rotate(60 %d %d)\">%s</text>\n", x, height + 20,
          x, height + 20, esc(e.getKey().substring(5))));
      x += barWidth + gap;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** Horizontal bars, one per key, as a share of {@code calls}. */
  private static String bars(Map<String, long[]> counts, long calls, String color) {
    if (counts.isEmpty()) {
      return "<p>none</p>\n";
    }
    List<Map.Entry<String, long[]>> rows = new ArrayList<>(counts.entrySet());
    rows.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
    long max = rows.get(0).getValue()[0];
    int rowHeight = 18;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"").append(rows.size() * rowHeight + 4)
        .append("\">\n");
    int y = 2;
    for (Map.Entry<String, long[]> e : rows) {
      long n = e.getValue()[0];
      double w = max == 0 ? 0 : 400.0 * n / max;
      s.append(String.format(Locale.ROOT,
          "<text x=\"0\" y=\"%d\" font-size=\"11\">%s</text><rect x=\"250\" y=\"%d\" width=\"%.1f\" height=\"%d\""
              + " fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" font-size=\"11\">%,d (%.2f%%)</text>\n",
          y + 12, esc(e.getKey()), y + 2, w, rowHeight - 4, color, 255 + w, y + 12, n,
          calls == 0 ? 0.0 : 100.0 * n / calls));
      y += rowHeight;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** Per day and over the window: answered and unanswered of the final responses, short calls, duration. */
  private static String outcomes(PeerReport.Peer p, int shortSeconds) {
    if (p.total.answered() + p.total.unanswered() + p.total.ended == 0) {
      return "<p>none recorded</p>\n";
    }
    StringBuilder s = new StringBuilder("<table><tr><th class=\"l\">day</th><th>final responses</th>"
        + "<th>answered</th><th>unanswered</th><th>ended</th><th>short (&lt; " + shortSeconds
        + " s)</th><th>average duration (s)</th></tr>\n");
    p.days.forEach((day, t) -> outcomeRow(s, day, t, shortSeconds));
    outcomeRow(s, "all", p.total, shortSeconds);
    return s.append("</table>\n").toString();
  }

  private static void outcomeRow(StringBuilder s, String day, Tally t, int shortSeconds) {
    long finals = t.answered() + t.unanswered();
    s.append("<tr><td class=\"l\">").append(esc(day)).append("</td>").append(td(finals))
        .append(pct(t.answered(), finals)).append(pct(t.unanswered(), finals)).append(td(t.ended))
        .append(pct(t.shortCalls(shortSeconds), t.ended))
        .append(String.format(Locale.ROOT, "<td>%.1f</td>", ReportFormats.averageSeconds(t))).append("</tr>\n");
  }

  private static String topTable(String what, List<TopCounter.Entry> entries) {
    if (entries.isEmpty()) {
      return "<p>none</p>\n";
    }
    StringBuilder s = new StringBuilder("<table><tr><th class=\"l\">").append(esc(what))
        .append("</th><th>calls</th></tr>\n");
    for (TopCounter.Entry e : entries) {
      s.append("<tr><td class=\"l\">").append(esc(e.value())).append("</td>").append(td(e.count()))
          .append("</tr>\n");
    }
    return s.append("</table>\n").toString();
  }

  private static String td(long n) {
    return String.format(Locale.ROOT, "<td>%,d</td>", n);
  }

  private static String pct(long n, long of) {
    return String.format(Locale.ROOT, "<td>%,d (%.1f%%)</td>", n, of == 0 ? 0.0 : 100.0 * n / of);
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }
}
