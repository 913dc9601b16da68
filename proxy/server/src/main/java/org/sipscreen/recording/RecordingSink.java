package org.sipscreen.recording;

import java.util.Optional;
import org.sipscreen.proxy.DecisionSink;
import org.sipscreen.proxy.InboundMessage;
import org.sipscreen.proxy.LocalResponse;
import org.sipscreen.proxy.ProxyAction;
import org.sipscreen.records.CallOutcome;
import org.sipscreen.records.DecisionRecord;
import org.sipscreen.records.DecisionRecorder;
import org.sipscreen.records.LiveRecorder;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.screening.check.stir_shaken.IdentityHeader;
import org.sipscreen.screening.check.stir_shaken.Passport;
import org.sipscreen.screening.check.stir_shaken.StirShakenCheck;
import org.sipscreen.sip.HeaderName;
import org.sipscreen.sip.SipMessage;
import org.sipscreen.sip.SipRequest;

/**
 * Decision records as the proxy's {@link DecisionSink}: once the action for a screened initial INVITE is
 * known, it builds the {@link DecisionRecord} (references to what the proxy already has; the JSON is
 * written on the recorder's thread) and offers it to the running recorder without waiting.
 */
public final class RecordingSink implements DecisionSink {

  private final LiveRecorder recorders;

  private RecordingSink(LiveRecorder recorders) {
    this.recorders = recorders;
  }

  /** Records into whichever recorder {@code recorders} runs (a reload may switch it). */
  public static DecisionSink of(LiveRecorder recorders) {
    return recorders == null ? DecisionSink.NONE : new RecordingSink(recorders);
  }

  /** Records into {@code recorder}; null records nothing. */
  public static DecisionSink of(DecisionRecorder recorder) {
    return recorder == null ? DecisionSink.NONE : new RecordingSink(LiveRecorder.of(recorder));
  }

  @Override
  public void decided(SipRequest request, InboundMessage in, Optional<ScreeningResult> screening,
      ProxyAction action) {
    record(request, in, screening.orElse(null), action);
  }

  /**
   * @param screening the chain's result, or null when the chain failed and the INVITE went on unscreened
   * @param action what the proxy does with the INVITE
   */
  private void record(SipRequest request, InboundMessage in, ScreeningResult screening, ProxyAction action) {
    DecisionRecorder recorder = recorders.current();
    if (recorder == null) {
      return; // records are off
    }
    try {
      offer(recorder, request, in, screening, action);
    } catch (RuntimeException e) {
      // A record must never cost a call: count it and go on.
      recorder.failed();
    }
  }

  private void offer(DecisionRecorder recorder, SipRequest request, InboundMessage in,
      ScreeningResult screening, ProxyAction action) {
    SipMessage m = request.message();
    String pai = m.first(HeaderName.P_ASSERTED_IDENTITY);
    String callerRaw = pai != null && !pai.isBlank() ? pai : m.first(HeaderName.FROM);
    String branch = request.topVia().branch();
    String transaction = request.callId() + ' ' + request.cseq() + ' ' + (branch == null ? "" : branch);
    DecisionRecord.Delivery delivery = DecisionRecord.Delivery.DROPPED;
    int status = 0;
    String reason = null;
    java.net.InetSocketAddress nextHop = null;
    String nextHopTransport = null;
    if (action instanceof ProxyAction.Send send) {
      if (send.message() instanceof LocalResponse answer) {
        // A screening reject, or an answer the forward itself needed (513 for a datagram too large).
        delivery = DecisionRecord.Delivery.ANSWERED;
        status = answer.status();
        reason = answer.reasonPhrase();
      } else {
        delivery = DecisionRecord.Delivery.FORWARDED;
        nextHop = send.destination();
        nextHopTransport = send.transport().label();
      }
    }
    String attestation = null;
    String origid = null;
    String x5u = null;
    String stir = screening == null ? null : screening.outcomeOf(StirShakenCheck.NAME).orElse(null);
    if (stir != null && stir.startsWith(ATTESTATION_PREFIX)) {
      // Only a verified PASSporT names its attestation; the claims are read again from the shaken
      // header (a few µs, against the ~100 µs the signature check already cost this call).
      attestation = stir.substring(ATTESTATION_PREFIX.length()).toUpperCase(java.util.Locale.ROOT);
      for (String value : m.values(HeaderName.IDENTITY)) {
        if (IdentityHeader.parse(value) instanceof IdentityHeader h && Passport.PPT_SHAKEN.equals(h.ppt())) {
          x5u = h.x5u();
          origid = h.origid();
          break;
        }
      }
    }
    recorder.record(new DecisionRecord(recorder.millis(), request.callId(), transaction, in.sender(),
        in.transport().label(), callerRaw, m.requestUri(), screening, attestation, origid, x5u, delivery,
        status, reason, nextHop, nextHopTransport));
  }

  private static final String ATTESTATION_PREFIX = "attestation_";

  @Override
  public boolean wantsOutcomes() {
    DecisionRecorder recorder = recorders.current();
    return recorder != null && recorder.callOutcomes();
  }

  @Override
  public void finalResponse(String callId, String peer, long invitedMillis, int status) {
    outcome(CallOutcome.Event.FINAL, callId, peer, invitedMillis, status);
  }

  @Override
  public void bye(String callId, String peer, long invitedMillis) {
    outcome(CallOutcome.Event.BYE, callId, peer, invitedMillis, 0);
  }

  private void outcome(CallOutcome.Event event, String callId, String peer, long invitedMillis, int status) {
    DecisionRecorder recorder = recorders.current();
    if (recorder == null || !recorder.callOutcomes()) {
      return;
    }
    try {
      recorder.record(new CallOutcome(recorder.millis(), event, callId, peer, invitedMillis, status));
    } catch (RuntimeException e) {
      recorder.failed(); // a response status out of range, a Call-ID missing: never a cost to the call
    }
  }
}
