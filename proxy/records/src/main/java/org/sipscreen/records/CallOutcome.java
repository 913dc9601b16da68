package org.sipscreen.records;

import java.util.Objects;

/**
 * What became of a forwarded call, from the messages the proxy relays: the final response to its INVITE
 * ({@link Event#FINAL}) or a BYE ({@link Event#BYE}). The proxy keeps no call state: the INVITE's time
 * and peer come back in the stamp the proxy put into its own Via and Record-Route, and the report joins
 * a BYE to its call's 2xx by Call-ID. Written as a line of its own beside the decision records.
 *
 * @param timeMillis when the response or BYE passed the proxy, UTC epoch milliseconds
 * @param event which message
 * @param callId the Call-ID
 * @param peer the peer the INVITE came from, as its decision record names it; null when none
 * @param invitedMillis when the proxy received the INVITE (from the stamp)
 * @param status the final response's status for {@link Event#FINAL}; 0 for a BYE
 */
public record CallOutcome(long timeMillis, Event event, String callId, String peer, long invitedMillis,
    int status) implements Recorded {

  public CallOutcome {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(callId, "callId");
    if ((event == Event.FINAL) != (status >= 200 && status <= 699)) {
      throw new IllegalArgumentException("a final response needs a status of 200-699 and a BYE none, was "
          + status + " for " + event);
    }
  }

  /** The relayed message an outcome comes from. */
  public enum Event {
    /** The final response (200-699) to the call's initial INVITE. */
    FINAL,
    /** A BYE, from either side. */
    BYE;

    /** The record's spelling: final, bye. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
