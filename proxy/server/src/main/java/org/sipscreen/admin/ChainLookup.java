package org.sipscreen.admin;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.sipscreen.config.SipscreenConfig;
import org.sipscreen.proxy.NextHop;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.PhoneNumber;
import org.sipscreen.screening.PolicyDecision;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningOutcome;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.Verdict;

/**
 * {@code GET /admin/lookup?caller=&callee=&peer=}: a dry run of the running chain for a made-up INVITE
 * from {@code caller} to {@code callee} arriving from {@code peer} (a peer name, which stands for the
 * first address of its first network, or an IP address; the first configured peer when absent). Changes
 * no state ({@link ScreeningChain#dryRun}) and shows every check's verdict and the policy's decisions.
 */
public final class ChainLookup {

  private static final Pattern NUMBER = Pattern.compile("[+0-9A-Za-z().\\- ]{1,40}");
  /** A check that answers later (a remote lookup) is waited for this long at most, off the event loop. */
  private static final long PENDING_LIMIT_MS = 2000;

  private ChainLookup() {}

  public static CompletionStage<AdminResponse> run(ScreeningChain chain, SipscreenConfig config,
      AdminRequest request) {
    String caller = number(request, "caller");
    String callee = number(request, "callee");
    InetAddress source = source(config, request.param("peer"));
    CallAttempt attempt = new CallAttempt("admin-lookup", source,
        "sip:" + callee + "@lookup.invalid;user=phone",
        "<sip:" + callee + "@lookup.invalid;user=phone>",
        "<sip:" + caller + "@lookup.invalid;user=phone>;tag=lookup", Optional.empty());
    ScreeningChain.DryRun run = chain.dryRun(attempt);
    CompletableFuture<ScreeningResult> result = run.outcome() instanceof ScreeningOutcome.Pending p
        ? p.result().toCompletableFuture().orTimeout(PENDING_LIMIT_MS, TimeUnit.MILLISECONDS)
        : CompletableFuture.completedFuture((ScreeningResult) run.outcome());
    return result.thenApply(r -> AdminResponse.ok(json(r, run, source)));
  }

  private static String number(AdminRequest request, String name) {
    String value = request.param(name).orElseThrow(
        () -> new IllegalArgumentException(name + " is required, e.g. " + name + "=+12025550123"));
    if (!NUMBER.matcher(value).matches()) {
      throw new IllegalArgumentException(name + ": not a telephone number: '" + value + "'");
    }
    return value.replace(" ", "");
  }

  private static InetAddress source(SipscreenConfig config, Optional<String> peer) {
    Map<String, SipscreenConfig.PeerConfig> peers = config.peers();
    String name = peer.orElseGet(() -> peers.keySet().stream().sorted().findFirst().orElse(""));
    SipscreenConfig.PeerConfig p = peers.get(name);
    if (p != null) {
      String net = p.networks().get(0);
      return NextHop.ipLiteral(net.contains("/") ? net.substring(0, net.indexOf('/')) : net);
    }
    InetAddress literal = NextHop.ipLiteral(name);
    if (literal == null) {
      throw new IllegalArgumentException("peer: no peer named '" + name + "' and not an IP address;"
          + " peers: " + peers.keySet().stream().sorted().toList());
    }
    return literal;
  }

  private static Map<String, Object> json(ScreeningResult r, ScreeningChain.DryRun run,
      InetAddress source) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("caller", number(r.caller()));
    out.put("callee", number(r.callee()));
    out.put("source_address", source.getHostAddress());
    out.put("peer", r.peerName().orElse(null));
    if (r.action() instanceof ScreeningResult.Action.Reject rej) {
      out.put("action", "reject");
      out.put("status", rej.status());
      out.put("reason", rej.reasonPhrase());
    } else if (r.action() instanceof ScreeningResult.Action.Drop) {
      out.put("action", "drop");
    } else {
      out.put("action", r.isEmergency() ? "forward_emergency" : "forward");
    }
    out.put("decided_by", r.decidedBy().orElse(null));
    out.put("score", r.score());
    out.put("tags", r.tags().stream().map(ChainLookup::tag).toList());
    List<Map<String, Object>> checks = new ArrayList<>();
    synchronized (run.verdicts()) {
      for (ScreeningChain.CheckVerdict v : run.verdicts()) {
        checks.add(verdict(v));
      }
    }
    out.put("checks", checks);
    List<Map<String, Object>> decisions = new ArrayList<>();
    for (PolicyDecision d : r.decisions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("check", d.check());
      m.put("category", d.category());
      m.put("score", d.score());
      m.put("action", d.action().label());
      m.put("shadow", d.shadow());
      decisions.add(m);
    }
    out.put("decisions", decisions);
    r.shadowAction().ifPresent(a -> out.put("shadow_action", a.toString()));
    return out;
  }

  private static Map<String, Object> verdict(ScreeningChain.CheckVerdict v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("check", v.check());
    m.put("outcome", v.outcome());
    Verdict verdict = v.verdict();
    if (verdict instanceof Verdict.Flag f) {
      m.put("verdict", "flag");
      m.put("category", f.category());
      m.put("score", f.score());
    } else if (verdict instanceof Verdict.Reject rej) {
      m.put("verdict", "reject");
      m.put("status", rej.status());
      m.put("reason", rej.reasonPhrase());
    } else if (verdict instanceof Verdict.Tag t) {
      m.put("verdict", "tag");
      m.put("tags", t.tags().stream().map(ChainLookup::tag).toList());
    } else if (verdict instanceof Verdict.Drop d) {
      m.put("verdict", "drop");
      m.put("why", d.why());
    } else {
      m.put("verdict", "continue");
    }
    return m;
  }

  private static String tag(CallTag t) {
    if (t instanceof CallTag.DisplayLabel l) {
      return "label:" + l.label();
    }
    if (t instanceof CallTag.StirReason r) {
      return "stir_reason:" + r.headerValue();
    }
    if (t instanceof CallTag.Signer s) {
      return "spc:" + s.spc();
    }
    return "verstat:" + ((CallTag.Verstat) t).value();
  }

  private static String number(PhoneNumber n) {
    if (n instanceof PhoneNumber.E164 e) {
      return e.value();
    }
    return n.kind();
  }
}
