package org.sipscreen.proxy;

import java.util.Optional;
import org.sipscreen.screening.ScreeningResult;
import org.sipscreen.sip.SipRequest;

/**
 * Where the proxy hands what it decided about each screened initial INVITE (decision records, for
 * traceback), once the wire action is known: on the synchronous and the asynchronous path alike, and never
 * for a retransmission. Called on the proxy's threads: it must not block and must not throw.
 */
public interface DecisionSink {

  /**
   * @param screening the chain's result; empty when the chain failed and the INVITE went on unscreened
   * @param action what the proxy does with the INVITE; a {@link ProxyAction.Send} of a
   *     {@link LocalResponse} is an answer the proxy composed itself
   */
  void decided(SipRequest request, InboundMessage in, Optional<ScreeningResult> screening,
      ProxyAction action);

  /**
   * Whether forwarded INVITEs get a {@link CallStamps call stamp} so that their final responses and BYEs
   * reach {@link #finalResponse} and {@link #bye}. Read once per screened INVITE.
   */
  default boolean wantsOutcomes() {
    return false;
  }

  /**
   * The final response (200-699) to a stamped INVITE, as relayed upstream; a retransmitted or forked one
   * comes again.
   *
   * @param peer the INVITE's source peer, or null
   * @param invitedMillis when the proxy received the INVITE, from the stamp
   */
  default void finalResponse(String callId, String peer, long invitedMillis, int status) {}

  /** A BYE in a stamped dialog, from either side, as forwarded; a retransmitted one comes again. */
  default void bye(String callId, String peer, long invitedMillis) {}

  /** Records nothing. */
  DecisionSink NONE = (request, in, screening, action) -> { };
}
