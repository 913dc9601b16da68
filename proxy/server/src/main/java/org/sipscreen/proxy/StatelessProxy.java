package org.sipscreen.proxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.sipscreen.metrics.ProxyMetrics;
import org.sipscreen.overload.OverloadControl;
import org.sipscreen.screening.CallAttempt;
import org.sipscreen.screening.CallTag;
import org.sipscreen.screening.PhoneNumbers;
import org.sipscreen.screening.ScreeningChain;
import org.sipscreen.screening.ScreeningOutcome;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.SipHeader;
import org.sipscreen.sip.Framed;
import org.sipscreen.sip.Invalid;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.MessageEdits;
import org.sipscreen.sip.NameAddr;
import org.sipscreen.sip.ResponseBuilder;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipMessageParser;
import org.sipscreen.sip.SipRequest;
import org.sipscreen.sip.SipResponse;
import org.sipscreen.sip.SipUri;
import org.sipscreen.sip.Transport;
import org.sipscreen.sip.Validated;
import org.sipscreen.sip.Via;
import org.sipscreen.sip.WireMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateless RFC 3261 proxy (§16, §16.11) with a screening chain on initial INVITEs. One inbound message
 * in, at most one message out, nothing remembered between them: branches and To tags are derived from the
 * request ({@link BranchIds}), responses are routed by their Via, and the only shared state is the
 * immutable settings and chain. Safe to call from every event loop at once.
 *
 * <p>Design notes. Requests are checked in RFC 3261 §16.3 order (syntax, Max-Forwards, loop, Proxy-Require),
 * then routed: initial requests go to one of the configured next hops ({@link NextHopSet}, chosen per
 * transaction among those up) and any preloaded Route is removed, so a peer cannot steer the proxy; in-dialog requests follow their Route set after our own entries
 * are removed (loose routing, §16.4), or the Request-URI. Every destination must be an IP literal inside a
 * configured network; nothing a peer sends is resolved by DNS (only configured next hops that name hosts
 * are, in the background, {@link NextHopAnswers}) and nothing is sent to broadcast or multicast. A
 * {@code sips:} request goes over TLS on every hop or is answered 480 (RFC 5630), an emergency call
 * excepted. The received bytes are forwarded with edits spliced in ({@link MessageEdits}), never
 * re-serialized.
 */
public final class StatelessProxy {

  private static final List<String> ALLOW = List.of(
      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, NOTIFY, SUBSCRIBE, MESSAGE",
      "Accept: application/sdp");

  private static final Logger log = LoggerFactory.getLogger(StatelessProxy.class);

  /** Our Via parameter that carries an RFC 9410 STIR cause back to the responses of that branch. */
  static final String STIR_VIA_PARAM = "ss-stir";

  /** Read once per message (see {@link ProxySnapshot}); replaced whole by a reload. */
  private final AtomicReference<ProxySnapshot> current;
  private final ProxyMetrics metrics;
  private final DecisionSink sink;
  /** The decisions of recent initial INVITE transactions, for their retransmissions; kept over reloads. */
  private final TransactionDecisions decisions;
  /** Whether new initial INVITEs are shed now; counts the INVITEs waiting for an asynchronous check. */
  private final OverloadControl overload;
  private final AtomicBoolean udpOverflowLogged = new AtomicBoolean();
  /** Which next hops are up; kept over reloads. */
  private final NextHopHealth health = new NextHopHealth();
  private final NextHopProber prober;
  /**
   * Stamps forwarded calls for their outcome records: a random key that lives as long as the process, or
   * the configured one ({@link #useCallStampKey}).
   */
  private volatile CallStamps stamps = CallStamps.withRandomKey();
  /** The answers of the next hops that name hosts; written under this object's lock. */
  private volatile NextHopAnswers answers = NextHopAnswers.NONE;

  public StatelessProxy(ProxySettings settings, ScreeningChain chain, ProxyMetrics metrics) {
    this(settings, chain, metrics, DecisionSink.NONE);
  }

  /** @param sink receives what was decided about every screened initial INVITE (decision records) */
  public StatelessProxy(ProxySettings settings, ScreeningChain chain, ProxyMetrics metrics,
      DecisionSink sink) {
    this(settings, chain, metrics, sink, OverloadControl.off());
  }

  /** @param overload says when new initial INVITEs are shed (docs/overload.md) */
  public StatelessProxy(ProxySettings settings, ScreeningChain chain, ProxyMetrics metrics,
      DecisionSink sink, OverloadControl overload) {
    this(settings, chain, metrics, sink, new TransactionDecisions(
        settings.limits().transactionMemory(), TransactionDecisions.TIMER_B_MILLIS,
        System::currentTimeMillis), overload);
  }

  /** @param decisions the transaction memory (tests give it a fake clock) */
  StatelessProxy(ProxySettings settings, ScreeningChain chain, ProxyMetrics metrics,
      DecisionSink sink, TransactionDecisions decisions) {
    this(settings, chain, metrics, sink, decisions, OverloadControl.off());
  }

  private StatelessProxy(ProxySettings settings, ScreeningChain chain, ProxyMetrics metrics,
      DecisionSink sink, TransactionDecisions decisions, OverloadControl overload) {
    this.current = new AtomicReference<>(new ProxySnapshot(settings, chain));
    this.metrics = metrics;
    this.sink = Objects.requireNonNull(sink, "sink");
    this.decisions = Objects.requireNonNull(decisions, "decisions");
    this.overload = Objects.requireNonNull(overload, "overload");
    metrics.watchTransactions(decisions::earlyRetirements);
    this.prober = new NextHopProber(this::settings, health, System::currentTimeMillis, metrics);
    metrics.watchNextHops(this::nextHopsUp);
  }

  /** Which next hops are up, as their probes say. */
  public NextHopHealth health() {
    return health;
  }

  /** The OPTIONS prober of the next hops, which the server ticks off the event loops. */
  public NextHopProber prober() {
    return prober;
  }

  /** 1 for each configured next hop that is up, 0 for each that is down, by its configured URI. */
  public java.util.Map<String, Double> nextHopsUp() {
    java.util.Map<String, Double> up = new java.util.LinkedHashMap<>();
    for (NextHopSet.Member m : settings().nextHops().members()) {
      up.put(m.uri(), health.isUp(m.hop()) ? 1.0 : 0.0);
    }
    return up;
  }

  /**
   * The next hop of a request that goes where initial requests go: chosen by its transaction key (the same
   * for an INVITE, its retransmissions, its CANCEL and the ACK of a non-2xx answer) among the hops that
   * are up. With every hop down it goes to the best priority's hops anyway, counted. A {@code sips:} request
   * ({@code tlsOnly}) goes to a TLS hop only; null when there is none.
   */
  private NextHop selectNextHop(ProxySettings settings, SipRequest request, InboundMessage in,
      boolean tlsOnly) {
    NextHopSet hops = settings.nextHops();
    if (hops.members().size() == 1 && hops.probing().isEmpty()) {
      NextHop only = hops.members().get(0).hop();
      return tlsOnly && only.transport() != Transport.TLS ? null : only;
    }
    long key = TransactionDecisions.keyOf(request, in.sender().getAddress());
    String method = request.method();
    if (method.equals("CANCEL") || method.equals("ACK")) {
      // Where the INVITE went, while the transaction memory holds it: the hops that are up may have
      // changed since, and a CANCEL or ACK at another hop would find no transaction there (481).
      NextHop first = decisions.hopOf(key);
      if (first != null) {
        return first;
      }
    }
    if (hops.probing().isPresent() && hops.noneUp(health::isUp)) {
      metrics.nextHopsAllDown();
    }
    return tlsOnly ? hops.select(key, health::isUp, hop -> hop.transport() == Transport.TLS)
        : hops.select(key, health::isUp);
  }

  /** Replaces the screening chain; calls already inside the old one finish with it. */
  public void replaceChain(ScreeningChain next) {
    current.updateAndGet(s -> new ProxySnapshot(s.settings(), next));
  }

  /**
   * Replaces settings and chain at once. Messages already being handled, and calls waiting for an
   * asynchronous check, finish with the snapshot they started with.
   */
  public synchronized void replace(ProxySnapshot next) {
    current.set(withAnswers(Objects.requireNonNull(next, "next")));
  }

  /**
   * Where the hops of next hops that name hosts come from: from now on, and whenever {@link #nextHopsResolved}
   * says an answer changed, the hop set is rebuilt from these answers.
   */
  public synchronized void resolveNamesWith(NextHopAnswers answers) {
    this.answers = Objects.requireNonNull(answers, "answers");
  }

  /**
   * Rebuilds the hop set from the names' current answers (a name's answer changed). Runs on the resolver's
   * thread; requests keep reading the snapshot they have, the next ones take the new set.
   */
  public synchronized void nextHopsResolved() {
    current.updateAndGet(this::withAnswers);
  }

  /** {@code s} with its names' hops as the answers have them (unchanged when that would leave no hop). */
  private ProxySnapshot withAnswers(ProxySnapshot s) {
    NextHopSet hops = s.settings().nextHops();
    if (hops.names().isEmpty() || answers == NextHopAnswers.NONE) {
      return s;
    }
    NextHopSet next = hops.withAnswers(answers);
    if (next.members().isEmpty() || next.members().equals(hops.members())) {
      return s;
    }
    return new ProxySnapshot(s.settings().withNextHops(next), s.chain());
  }

  /** The snapshot new messages are handled with. */
  public ProxySnapshot snapshot() {
    return current.get();
  }

  public ProxySettings settings() {
    return current.get().settings();
  }

  public ProxyAction process(InboundMessage in) {
    ProxySnapshot now = current.get();
    ProxySettings settings = now.settings();
    Framed framed = SipMessageParser.frame(in.bytes(), in.offset(), in.length(),
        in.transport() == Transport.UDP);
    if (framed instanceof Framed.Malformed bad) {
      if (bad.reason().equals("empty")) {
        return drop("keepalive");
      }
      metrics.malformed(bad.reason());
      return drop("malformed");
    }
    SipMessage message = (SipMessage) framed;
    return message.isRequest() ? onRequest(now, message, in) : onResponse(settings, message, in);
  }

  private ProxyAction onRequest(ProxySnapshot now, SipMessage message, InboundMessage in) {
    ProxySettings settings = now.settings();
    metrics.requestReceived(message.method(), in.transport());
    Optional<ScannerFilter.Match> scanner = settings.hygiene().scanners().match(message);
    if (scanner.isPresent()) {
      // Before validation, so a scanner's garbage is not answered 400 either: no answer tells it nothing.
      if (!isEmergencyInvite(now.chain(), message, in)) {
        metrics.scannerRequest(scanner.get().label(), "dropped");
        return drop(scanner.get().dropReason());
      }
      metrics.scannerRequest(scanner.get().label(), "emergency_passed");
    }
    boolean ack = message.method().equals("ACK");
    Validated<SipRequest> checked = SipRequest.check(message);
    if (checked instanceof Invalid<SipRequest> invalid) {
      metrics.malformed(invalid.reason());
      // Never answer garbage from outside the configured networks: the source may be spoofed.
      if (ack || !settings.isKnownSource(in.sender().getAddress())) {
        return drop("malformed");
      }
      return answerMalformed(message, in, invalid);
    }
    SipRequest request = (SipRequest) checked;
    boolean initialInvite = request.isInitial() && message.method().equals("INVITE");
    if (initialInvite && overload.shedding()) {
      // Only new calls are shed: in-dialog requests, responses, ACK, BYE and CANCEL keep the calls in
      // progress going, and an emergency call is never shed. Before screening, its most costly part.
      if (!isEmergencyInvite(now.chain(), message, in)) {
        return shed(settings, request, in);
      }
      overload.emergencyPassed();
    }
    if (!initialInvite && !settings.isKnownSource(in.sender().getAddress())) {
      // Initial INVITEs meet the source_peer check inside the chain (after the emergency bypass);
      // every other request from an unknown source is refused here, before it can be routed.
      ProxySettings.UnknownSources policy = settings.unknownSources();
      if (message.method().equals("OPTIONS")) {
        // An OPTIONS from a stranger is a probe (svmap): any answer, even 403, says something listens.
        return drop("options_from_unknown_source");
      }
      if (policy.drop()) {
        return drop("unknown_source");
      }
      return answer(request, in, policy.status(), policy.reason(), List.of());
    }

    if (ack && !request.isInitial() && request.to().tag().equals(BranchIds.toTag(request))) {
      return drop("ack_for_local_response");
    }
    if (request.maxForwards() == 0) {
      return answerBeforeScreening(settings, request, in, 483, "Too Many Hops", List.of());
    }
    for (Via v : request.vias()) {
      if (isOurs(settings, v) && BranchIds.isLoop(v.branch(), request)) {
        return answerBeforeScreening(settings, request, in, 482, "Loop Detected", List.of());
      }
    }
    if (!request.proxyRequire().isEmpty()) {
      return answerBeforeScreening(settings, request, in, 420, "Bad Extension",
          List.of("Unsupported: " + String.join(", ", request.proxyRequire())));
    }
    SipUri ruri = request.requestUri();
    if (!ruri.isSip() && !ruri.isTel()
        && !(initialInvite && PhoneNumbers.isEmergencyServiceUrn(message.requestUri()))) {
      return answerBeforeScreening(settings, request, in, 416, "Unsupported URI Scheme", List.of());
    }
    boolean initial = request.isInitial();
    List<NameAddr> routes = request.routes();
    int ownRoutes = 0;
    while (ownRoutes < routes.size() && isOurs(settings, request.routeUri(ownRoutes))) {
      ownRoutes++;
    }
    // RFC 5630: a sips: request gets TLS on every hop, the one it arrived on included. Only an
    // emergency call goes on without it: it is never refused.
    SipsPath sips = SipsPath.of(request, ownRoutes);
    if (sips.arrival() && in.transport() != Transport.TLS && !isEmergencyTransaction(now.chain(), message, in)) {
      metrics.sipsRequest("refused_not_tls");
      return refuseSips(settings, request, in);
    }
    NextHop hop;
    if (initial) {
      if (message.method().equals("OPTIONS") && ruri.isSip()
          && settings.isLocal(ruri.host(), defaultPort(ruri))) {
        return answer(request, in, 200, "OK", ALLOW);
      }
      hop = selectNextHop(settings, request, in, sips.onward());
    } else if (ownRoutes < routes.size()) {
      SipUri next = request.routeUri(ownRoutes);
      hop = next != null ? NextHop.of(next) : null;
    } else if (ownRoutes == 0) {
      // A To tag without our Route entry is no dialog of ours: we record-route every dialog we carry, so
      // its requests name us. Routing it by its Request-URI would let any initial INVITE skip screening
      // by adding a To tag (Kamailio configs: has_totag() without loose_route()). Only the ACK of a
      // non-2xx answer legitimately comes without a Route (RFC 3261 §17.1.1.3): it follows its INVITE.
      if (!ack) {
        metrics.dropped("not_in_dialog");
        boolean dialogMethod = message.method().equals("BYE") || message.method().equals("INVITE");
        return dialogMethod
            ? answer(request, in, 481, "Call/Transaction Does Not Exist", List.of())
            : answer(request, in, 403, "Forbidden - Not In A Dialog Of This Proxy", List.of());
      }
      // the hop its INVITE went to: they share the key
      hop = selectNextHop(settings, request, in, sips.onward());
    } else if (ruri.isSip() && !settings.isLocal(ruri.host(), defaultPort(ruri))) {
      hop = NextHop.of(ruri);
    } else {
      hop = selectNextHop(settings, request, in, sips.onward());
    }
    if (hop == null) {
      // A host name or a transport we do not speak: the proxy does no DNS, the core behind the
      // next hops does.
      hop = selectNextHop(settings, request, in, sips.onward());
    }
    if (sips.onward() && (hop == null || hop.transport() != Transport.TLS)) {
      // RFC 5630: never on to a hop without TLS.
      if (!isEmergencyTransaction(now.chain(), message, in)) {
        metrics.sipsRequest("refused_no_tls_next_hop");
        return refuseSips(settings, request, in);
      }
      hop = hop != null ? hop : selectNextHop(settings, request, in, false);
    }
    if (!settings.mayReach(hop.address().getAddress())) {
      return answer(request, in, 403, "Next Hop Not Allowed", List.of());
    }

    if (!initialInvite) {
      ProxyAction sent = forward(settings, request, in, hop, initial, ownRoutes, List.of(), null);
      if (ownRoutes > 0 && sent instanceof ProxyAction.Send && message.method().equals("BYE")) {
        byeRelayed(request, ownRoutes);
      }
      return sent;
    }
    long key = TransactionDecisions.keyOf(request, in.sender().getAddress());
    TransactionDecisions.Seen seen = decisions.begin(key);
    if (seen != null) {
      return replay(settings, request, in, hop, ownRoutes, seen, key);
    }
    long t0 = System.nanoTime();
    ScreeningOutcome outcome = screen(now.chain(), request, in);
    if (outcome instanceof ScreeningOutcome.Pending pending) {
      NextHop target = hop;
      int own = ownRoutes;
      overload.checkStarted();
      java.util.concurrent.CompletionStage<ProxyAction> decided = pending.result()
          .handle((result, error) -> afterScreening(settings, request, in, target, own, t0,
              error == null ? result : new ScreeningOutcome.NotRun(ScreeningOutcome.NotRun.CHAIN_FAILED),
              key))
          .exceptionally(error -> forwardUnscreened(settings, request, in, target, own, key));
      decided.whenComplete((action, error) -> overload.checkFinished());
      return new ProxyAction.Pending(decided);
    }
    return afterScreening(settings, request, in, hop, ownRoutes, t0, outcome, key);
  }

  /**
   * A new INVITE while the proxy is overloaded: a peer gets {@code 503 Service Unavailable} with
   * {@code Retry-After} (RFC 3261 §21.5.4), so it tries elsewhere or later; a source that is no peer's gets
   * nothing, as its address may be spoofed.
   */
  private ProxyAction shed(ProxySettings settings, SipRequest request, InboundMessage in) {
    if (!settings.isKnownSource(in.sender().getAddress())) {
      overload.shedDropped();
      return drop("overload");
    }
    overload.shedAnswered();
    long retryAfter = overload.policy().map(p -> p.retryAfterSeconds()).orElse(1L);
    return answer(request, in, 503, "Service Unavailable", List.of("Retry-After: " + retryAfter));
  }

  /**
   * Where every screened INVITE ends, on the synchronous and the asynchronous path: the result and the
   * wire action are both known here, so this is where the decision is remembered for the transaction's
   * retransmissions and the decision record is made.
   */
  private ProxyAction afterScreening(ProxySettings settings, SipRequest request, InboundMessage in,
      NextHop hop, int ownRoutes, long t0, ScreeningOutcome done, long key) {
    metrics.screeningLatencyNanos(System.nanoTime() - t0);
    Optional<ScreeningResult> screening = Optional.empty();
    TransactionDecisions.Decision decision = TransactionDecisions.FORWARD;
    if (done instanceof ScreeningResult result) {
      metrics.screened(result);
      screening = Optional.of(result);
      decision = decisions.decisionOf(result);
    } else {
      metrics.screeningError(); // NotRun: the call goes on unscreened (fail open), counted
    }
    long stampMillis = TransactionDecisions.NOT_STAMPED;
    String stampPeer = null;
    if (decision.action() instanceof ScreeningResult.Action.Forward && sink.wantsOutcomes()) {
      stampMillis = invitedMillis(in);
      stampPeer = screening.flatMap(ScreeningResult::peerName).orElse(null);
    }
    decisions.decide(key, decision, hopToRemember(settings, decision, hop), stampMillis, stampPeer);
    ProxyAction action = act(settings, request, in, hop, ownRoutes, decision, stampMillis, stampPeer);
    sink.decided(request, in, screening, action);
    return action;
  }

  /**
   * A copy of an initial INVITE whose transaction was seen within Timer B: it gets exactly what the first
   * copy got, without being screened or counted again. While the first copy still waits for an
   * asynchronous check, the copy is absorbed; the client retransmits again (Timer A) and then gets the
   * decision.
   */
  private ProxyAction replay(ProxySettings settings, SipRequest request, InboundMessage in, NextHop hop,
      int ownRoutes, TransactionDecisions.Seen seen, long key) {
    if (seen instanceof TransactionDecisions.Decided decided) {
      TransactionDecisions.Decision decision = decided.decision();
      if (decided.hop() != null && !decided.hop().equals(hop)) {
        // The hop the first copy went to is down now and this copy goes to an up one, which takes the call
        // as new: its CANCEL and ACK must follow this copy.
        decisions.decide(key, decision, hop, decided.stampMillis(), decided.stampPeer());
      }
      ProxyAction action = act(settings, request, in, hop, ownRoutes, decision, decided.stampMillis(),
          decided.stampPeer());
      metrics.retransmission(action instanceof ProxyAction.Drop ? "dropped"
          : decision.action() instanceof ScreeningResult.Action.Forward ? "forwarded" : "answered");
      return action;
    }
    metrics.retransmission("pending");
    return new ProxyAction.Drop("retransmission_pending");
  }

  /** The hop a forwarded INVITE went to, when there is more than one to choose from; else null. */
  private static NextHop hopToRemember(ProxySettings settings, TransactionDecisions.Decision decision,
      NextHop hop) {
    NextHopSet hops = settings.nextHops();
    boolean choice = hops.members().size() > 1 || hops.probing().isPresent();
    return choice && decision.action() instanceof ScreeningResult.Action.Forward ? hop : null;
  }

  /**
   * Turns a decision into the wire action: a reject, a drop, or the forward with its tags and, unless
   * {@code stampMillis} is {@link TransactionDecisions#NOT_STAMPED}, the call stamp made of it and
   * {@code stampPeer} (the same for every copy of the transaction).
   */
  private ProxyAction act(ProxySettings settings, SipRequest request, InboundMessage in, NextHop hop,
      int ownRoutes, TransactionDecisions.Decision decision, long stampMillis, String stampPeer) {
    if (decision.action() instanceof ScreeningResult.Action.Reject r) {
      List<String> extra = new ArrayList<>(r.extraHeaders().size());
      for (SipHeader h : r.extraHeaders()) {
        extra.add(h.name() + ": " + h.value());
      }
      return answer(request, in, r.status(), r.reasonPhrase(), extra);
    }
    if (decision.action() instanceof ScreeningResult.Action.Drop) {
      return drop("screening");
    }
    String callStamp = stampMillis == TransactionDecisions.NOT_STAMPED ? null
        : stamps.stamp(request.callId(), stampMillis, stampPeer);
    return forward(settings, request, in, hop, true, ownRoutes, decision.tags(), callStamp);
  }

  private ProxyAction forwardUnscreened(ProxySettings settings, SipRequest request, InboundMessage in,
      NextHop hop, int ownRoutes, long key) {
    metrics.screeningError();
    long stampMillis = sink.wantsOutcomes() ? invitedMillis(in) : TransactionDecisions.NOT_STAMPED;
    TransactionDecisions.Decision decision = TransactionDecisions.FORWARD;
    decisions.decide(key, decision, hopToRemember(settings, decision, hop), stampMillis, null);
    ProxyAction send = act(settings, request, in, hop, ownRoutes, decision, stampMillis, null);
    sink.decided(request, in, Optional.empty(), send);
    return send;
  }

  /**
   * Forwards a request with its edits and the tags of its screening. A request too large for one UDP
   * datagram to its next hop moves to TCP where the config allows it (RFC 3261 §18.1.1), else is answered
   * 513: a datagram over the limit would only fail in the kernel (EMSGSIZE) or at the next hop.
   */
  private ProxyAction forward(ProxySettings settings, SipRequest request, InboundMessage in, NextHop hop,
      boolean initial, int ownRoutes, List<CallTag> tags, String callStamp) {
    MessageEdits edits = ForwardEdits.of(settings, request, in, hop, initial, ownRoutes, tags, callStamp);
    ProxySettings.Limits limits = settings.limits();
    if (hop.transport() == Transport.UDP && edits.length() > limits.udpMaxBytes()) {
      logUdpOverflowOnce(request.method(), edits.length(), limits.udpMaxBytes(), hop);
      NextHop tcp = new NextHop(hop.address(), Transport.TCP);
      if (limits.udpOverflowToTcp()
          && settings.endpointFor(hop.address().getAddress(), Transport.TCP).transports()
              .contains(Transport.TCP)) {
        metrics.udpTooLarge("moved_to_tcp");
        hop = tcp;
        edits = ForwardEdits.of(settings, request, in, hop, initial, ownRoutes, tags, callStamp);
      } else {
        metrics.udpTooLarge("answered_513");
        return answer(request, in, 513, "Message Too Large", List.of());
      }
    }
    metrics.requestForwarded(request.method(), hop.transport());
    countSips(request, in, hop, ownRoutes);
    return ProxyAction.Send.to(hop, edits);
  }

  /** Counts a forwarded request on a sips: path: over TLS, or an emergency call's that went on without. */
  private void countSips(SipRequest request, InboundMessage in, NextHop hop, int ownRoutes) {
    SipsPath sips = SipsPath.of(request, ownRoutes);
    if (sips.arrival() || sips.onward()) {
      boolean tls = (!sips.onward() || hop.transport() == Transport.TLS)
          && (!sips.arrival() || in.transport() == Transport.TLS);
      metrics.sipsRequest(tls ? "forwarded" : "emergency_not_tls");
    }
  }

  /**
   * Which hops of a request must be TLS (RFC 5630: a {@code sips:} URI asks for TLS on every hop).
   * Outside a dialog, and for a request without our Route entry, the Request-URI says: {@code sips:}, both.
   * Inside a dialog our own Route entries say, as our Record-Route wrote them ({@link ForwardEdits}): the
   * first is the side the request came from, the last the side it goes on to, {@code sips:} on a TLS side of
   * a {@code sips:} dialog (a side that is not TLS, which only an emergency call has, got {@code sip:}). The
   * next Route entry after ours, when it is {@code sips:}, asks for TLS onward whatever the Request-URI says.
   *
   * @param arrival the request must have arrived over TLS
   * @param onward the request must go on over TLS
   */
  record SipsPath(boolean arrival, boolean onward) {
    static SipsPath of(SipRequest request, int ownRoutes) {
      List<NameAddr> routes = request.routes();
      boolean nextRoute = !request.isInitial() && ownRoutes < routes.size()
          && isSips(request.routeUri(ownRoutes));
      if (request.isInitial() || ownRoutes == 0) {
        boolean uri = request.requestUri().scheme().equals("sips");
        return new SipsPath(uri, uri || nextRoute);
      }
      return new SipsPath(isSips(request.routeUri(0)), isSips(request.routeUri(ownRoutes - 1)) || nextRoute);
    }
  }

  /**
   * Whether a request is an emergency INVITE or its CANCEL or ACK (they carry its Request-URI and To), which
   * go on without TLS when a {@code sips:} path cannot have it: an emergency call is never refused.
   */
  private boolean isEmergencyTransaction(ScreeningChain chain, SipMessage message, InboundMessage in) {
    String method = message.method();
    return (method.equals("INVITE") || method.equals("CANCEL") || method.equals("ACK"))
        && mayBeEmergency(chain, message, in);
  }

  /**
   * Stamps calls with {@code key} from now on (records.call_stamp_key_file): members of a fleet that share
   * it, and this process after a restart, read each other's stamps. Called once, before traffic.
   */
  public void useCallStampKey(byte[] key, java.util.Collection<String> peers) {
    stamps = new CallStamps(key).knowing(peers);
  }

  private void logUdpOverflowOnce(String what, int length, int limit, NextHop hop) {
    if (udpOverflowLogged.compareAndSet(false, true)) {
      log.warn("udp_too_large what={} bytes={} limit={} next_hop={} (sip.udp_max_bytes; logged once,"
          + " counted in sipscreen_udp_too_large_total)", what, length, limit, hop.address());
    }
  }

  /**
   * Runs the chain. A check that fails on input nobody foresaw must not take the call down with it:
   * {@link ScreeningOutcome.NotRun} sends the INVITE on unscreened (fail open), and the failure is counted.
   */
  private ScreeningOutcome screen(ScreeningChain chain, SipRequest request, InboundMessage in) {
    CallAttempt attempt = attemptOf(request.message(), request.callId(), in);
    try {
      return chain.evaluate(attempt);
    } catch (RuntimeException e) {
      return new ScreeningOutcome.NotRun(ScreeningOutcome.NotRun.CHAIN_FAILED);
    }
  }

  private static CallAttempt attemptOf(SipMessage m, String callId, InboundMessage in) {
    return new CallAttempt(callId, in.sender().getAddress(), m.requestUri(),
        m.first(HeaderName.TO), m.first(HeaderName.FROM),
        Optional.ofNullable(m.first(HeaderName.P_ASSERTED_IDENTITY)),
        m.indexOf(HeaderName.IDENTITY) < 0 ? List.of() : m.values(HeaderName.IDENTITY));
  }

  /**
   * Whether a request not yet validated is an INVITE to emergency services, which no filter in front of
   * the chain may drop.
   */
  private boolean isEmergencyInvite(ScreeningChain chain, SipMessage message, InboundMessage in) {
    return message.method().equals("INVITE") && mayBeEmergency(chain, message, in);
  }

  /**
   * Whether the chain's emergency rule names the call of {@code message} (its Request-URI and To); true
   * when it cannot tell: what might be an emergency call is never dropped or refused on that account.
   */
  private boolean mayBeEmergency(ScreeningChain chain, SipMessage message, InboundMessage in) {
    String callId = message.first(HeaderName.CALL_ID);
    try {
      return chain.isEmergency(attemptOf(message, callId == null ? "" : callId, in));
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * An answer the proxy gives before screening (483, 482, 420, 416, 480 to a sips: request). Only an
   * initial INVITE from a source in no configured network gets this far (every other request from one is
   * refused before); it gets what
   * {@code unknown_source} says instead, as the source_peer check gives it (to an emergency INVITE too: a
   * stranger's is refused there), so that a stranger learns nothing more by sending a faulty INVITE.
   */
  private ProxyAction answerBeforeScreening(ProxySettings settings, SipRequest request, InboundMessage in,
      int status, String reason, List<String> headers) {
    if (!settings.isKnownSource(in.sender().getAddress())) {
      ProxySettings.UnknownSources policy = settings.unknownSources();
      return policy.drop() ? drop("unknown_source")
          : answer(request, in, policy.status(), policy.reason(), List.of());
    }
    return answer(request, in, status, reason, headers);
  }

  private ProxyAction onResponse(ProxySettings settings, SipMessage message, InboundMessage in) {
    Validated<SipResponse> checked = SipResponse.check(message);
    if (checked instanceof Invalid<SipResponse> invalid) {
      metrics.malformed(invalid.reason());
      return drop("malformed");
    }
    SipResponse response = (SipResponse) checked;
    List<Via> vias = response.vias();
    String branch = vias.get(0).branch();
    if (branch != null && branch.startsWith(NextHopProber.BRANCH_PREFIX)) {
      // The answer to our own OPTIONS keepalive: consumed, never relayed (there is no upstream).
      return prober.onResponse(branch, message.status(), in.sender())
          ? new ProxyAction.Drop("probe_response") : drop("response_not_ours");
    }
    if (!isOurs(settings, vias.get(0))) {
      return drop("response_not_ours");
    }
    if (!settings.isKnownSource(in.sender().getAddress())) {
      // Only a next hop or a peer can answer what we forwarded; from anywhere else a response with our
      // Via is forged, and relaying it would reflect it toward the address in its next Via.
      return drop("response_from_unknown_source");
    }
    if (vias.size() < 2) {
      return drop("response_without_upstream");
    }
    Via next = vias.get(1);
    Transport transport = Transport.fromName(next.transport());
    if (transport == null) {
      return drop("unsupported_transport");
    }
    var ip = NextHop.ipLiteral(next.received() != null ? next.received() : next.host());
    if (ip == null) {
      return drop("unresolvable_via");
    }
    if (!settings.mayReach(ip)) {
      return drop("destination_not_allowed");
    }
    int port = next.rport() > 0 ? next.rport() : next.port() > 0 ? next.port() : transport.defaultPort();

    MessageEdits edits = new MessageEdits(message);
    int vi = message.indexOf(HeaderName.VIA);
    List<String> lineVias = message.lineValues(vi);
    if (lineVias.size() == 1) {
      edits.delete(message.lineStart(vi), message.lineEnd(vi));
    } else {
      edits.replace(message.valueStart(vi), message.valueEnd(vi),
          String.join(", ", lineVias.subList(1, lineVias.size())));
    }
    if (message.indexOf(HeaderName.CONTENT_LENGTH) < 0) {
      // Framed by the datagram on the way in; a stream on the way out needs the length (§18.3).
      edits.insert(message.headersEnd(), "Content-Length: " + message.bodyLength() + "\r\n");
    }
    String stirCause = vias.get(0).params().get(STIR_VIA_PARAM);
    if (stirCause != null && message.status() > 100 && !hasStirReason(message)) {
      // RFC 9410 §4: the verifier tells the signer upstream why its Identity failed, on the provisional
      // and final responses of the INVITE it forwarded anyway.
      CallTag.StirReason reason = CallTag.StirReason.forCause(stirCause);
      if (reason != null) {
        edits.insert(message.headersEnd(), "Reason: " + reason.headerValue() + "\r\n");
      }
    }
    if (transport == Transport.UDP && edits.length() > settings.limits().udpMaxBytes()) {
      logUdpOverflowOnce("response", edits.length(), settings.limits().udpMaxBytes(),
          new NextHop(new InetSocketAddress(ip, port), transport));
      metrics.udpTooLarge("response_dropped");
      return drop("udp_too_large");
    }
    metrics.responseRelayed(message.status());
    String callStamp = vias.get(0).params().get(CallStamps.PARAM);
    if (callStamp != null && message.status() >= 200) {
      finalResponseRelayed(message, callStamp);
    }
    return new ProxyAction.Send(transport, new InetSocketAddress(ip, port), edits);
  }

  /**
   * When the proxy received an INVITE, in epoch milliseconds: its arrival on the socket, moved from the
   * monotonic clock to the wall clock.
   */
  private static long invitedMillis(InboundMessage in) {
    long now = System.currentTimeMillis();
    long waited = (System.nanoTime() - in.receivedNanos()) / 1_000_000;
    return waited > 0 && waited < 60_000 ? now - waited : now; // an unset arrival (tests) reads as now
  }

  /**
   * A final response whose top Via is ours and stamped: the response to a screened initial INVITE (only
   * those are stamped), recorded as the call's outcome. A re-INVITE's responses carry no stamp.
   */
  private void finalResponseRelayed(SipMessage response, String callStamp) {
    String callId = response.first(HeaderName.CALL_ID);
    if (!isInviteCseq(response.first(HeaderName.CSEQ))) {
      return; // a stamp on a response to something else: our Via only goes on INVITEs stamped
    }
    CallStamps.Read read = stamps.read(callStamp, callId);
    if (read instanceof CallStamps.Valid v) {
      sink.finalResponse(callId, v.peer(), v.invitedMillis(), response.status());
    } else {
      metrics.callStampIgnored(((CallStamps.Ignored) read).label());
    }
  }

  /**
   * A BYE forwarded in a dialog that our Record-Route joined: recorded when our Route entry carries a valid
   * stamp. Entries without one (dialogs from a process with outcomes off) are not counted.
   */
  private void byeRelayed(SipRequest request, int ownRoutes) {
    for (int i = 0; i < ownRoutes; i++) {
      SipUri uri = request.routeUri(i);
      if (uri == null) {
        continue;
      }
      String callStamp = uri.params().get(CallStamps.PARAM);
      if (callStamp == null) {
        continue;
      }
      CallStamps.Read read = stamps.read(callStamp, request.callId());
      if (read instanceof CallStamps.Valid v) {
        sink.bye(request.callId(), v.peer(), v.invitedMillis());
      } else {
        metrics.callStampIgnored(((CallStamps.Ignored) read).label());
      }
      return;
    }
  }

  /** Whether a CSeq value ({@code 1 INVITE}) names INVITE. */
  private static boolean isInviteCseq(String cseq) {
    if (cseq == null) {
      return false;
    }
    int end = cseq.length();
    while (end > 0 && (cseq.charAt(end - 1) == ' ' || cseq.charAt(end - 1) == '\t')) {
      end--;
    }
    return end >= 6 && cseq.regionMatches(end - 6, "INVITE", 0, 6)
        && (end == 6 || cseq.charAt(end - 7) == ' ' || cseq.charAt(end - 7) == '\t');
  }

  /** Whether the message already carries a {@code Reason: STIR...} header (RFC 9410), which is kept alone. */
  static boolean hasStirReason(SipMessage message) {
    for (String value : message.values(HeaderName.REASON)) {
      if (value.regionMatches(true, 0, "STIR", 0, 4)
          && (value.length() == 4 || value.charAt(4) == ';' || value.charAt(4) == ' ')) {
        return true;
      }
    }
    return false;
  }

  private ProxyAction answer(SipRequest request, InboundMessage in, int status, String phrase,
      List<String> extraHeaders) {
    if (request.method().equals("ACK")) {
      return drop("ack_not_forwardable");
    }
    String topVia = request.topVia().withReceived(ForwardEdits.receivedText(in.sender()), in.sender().getPort());
    byte[] bytes = ResponseBuilder.build(request.message(), topVia, status, phrase,
        BranchIds.toTag(request), withServer(extraHeaders));
    metrics.responseSent(status);
    return new ProxyAction.Send(in.transport(), in.sender(), new LocalResponse(status, phrase, bytes));
  }

  /**
   * Answers a request that failed validation. The answer goes to the address the request came from, not
   * to its Via, so even a request whose Via cannot be read is answered (with its Via values copied as they
   * are); only one without any Via, which no client could match to a transaction, is dropped.
   */
  private ProxyAction answerMalformed(SipMessage message, InboundMessage in, Invalid<SipRequest> invalid) {
    List<String> vias = message.values(HeaderName.VIA);
    if (vias.isEmpty() || vias.get(0).isEmpty()) {
      return drop("unanswerable");
    }
    String topVia = Via.read(vias.get(0)) instanceof Via via
        ? via.withReceived(ForwardEdits.receivedText(in.sender()), in.sender().getPort())
        : vias.get(0);
    String callId = message.first(HeaderName.CALL_ID);
    String toTag = "ss" + Integer.toHexString(((callId == null ? "" : callId) + vias.get(0)).hashCode());
    byte[] bytes = ResponseBuilder.build(message, topVia, invalid.status(),
        invalid.status() == 400 ? "Bad Request - " + invalid.phrase() : invalid.phrase(), toTag,
        withServer(List.of()));
    metrics.responseSent(invalid.status());
    return new ProxyAction.Send(in.transport(), in.sender(), WireMessage.of(bytes));
  }

  /** The extra headers plus {@code Server}, when the config names one (by default nothing names us). */
  private List<String> withServer(List<String> extraHeaders) {
    Optional<String> server = current.get().settings().hygiene().serverHeader();
    if (server.isEmpty()) {
      return extraHeaders;
    }
    List<String> all = new ArrayList<>(extraHeaders.size() + 1);
    all.addAll(extraHeaders);
    all.add("Server: " + server.get());
    return all;
  }

  private static boolean isOurs(ProxySettings settings, Via via) {
    String branch = via.branch();
    return branch != null && branch.startsWith(BranchIds.PREFIX) && settings.isLocal(via.host(), via.port());
  }

  private static boolean isOurs(ProxySettings settings, SipUri uri) {
    return uri != null && uri.isSip() && settings.isLocal(uri.host(), defaultPort(uri));
  }

  /** The URI's port, or the one its scheme means without one (RFC 3261 §19.1.1: 5061 for sips:). */
  private static int defaultPort(SipUri uri) {
    return uri.port() > 0 ? uri.port() : uri.scheme().equals("sips") ? 5061 : 5060;
  }

  private static boolean isSips(SipUri uri) {
    return uri != null && uri.scheme().equals("sips");
  }

  /**
   * A {@code sips:} request that cannot have TLS on every hop: {@code 480 Temporarily Unavailable} with the
   * warning RFC 5630 gives a proxy that cannot honour a SIPS URI ({@code 380 SIPS Not Allowed}). An initial
   * INVITE from a source in no configured network (the only request from one that gets this far) gets what
   * {@code unknown_source} says instead, as source_peer would give it: nothing tells a stranger more.
   */
  private ProxyAction refuseSips(ProxySettings settings, SipRequest request, InboundMessage in) {
    return answerBeforeScreening(settings, request, in, 480, "Temporarily Unavailable",
        List.of("Warning: 380 " + ForwardEdits.endpointAt(settings, in.recipient(), in.transport()).hostPort()
            + " \"SIPS Not Allowed\""));
  }

  private ProxyAction drop(String reason) {
    metrics.dropped(reason);
    return new ProxyAction.Drop(reason);
  }
}
