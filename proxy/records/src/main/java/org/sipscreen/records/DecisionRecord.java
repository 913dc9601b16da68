package org.sipscreen.records;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.sipscreen.screening.ScreeningResult;

/**
 * Why one screened initial INVITE was treated as it was, as the proxy hands it to the
 * {@link DecisionRecorder}: cheap to build on an event loop (references only; {@link DecisionJson} turns it
 * into a JSON line on the writer thread). Raw strings are header values as received.
 *
 * @param timeMillis when the decision was made, UTC epoch milliseconds
 * @param callId the Call-ID
 * @param transactionKey identifies a retransmission of the same request (Call-ID, CSeq, top Via branch)
 * @param source where the INVITE came from (the upstream peer's address)
 * @param transport {@code udp} or {@code tcp}
 * @param callerRaw the header the caller was read from: P-Asserted-Identity when present, else From
 * @param calleeRaw the Request-URI
 * @param screening the chain's result; null when the chain failed and the call went on unscreened
 * @param attestation SHAKEN attestation (A, B, C) when verified, else null
 * @param origid the PASSporT origid when verified, else null
 * @param x5u the certificate URL of the PASSporT when present, else null
 * @param delivery what the proxy did on the wire
 * @param status the response status when {@code delivery} is {@link Delivery#ANSWERED}, else 0
 * @param reason the response reason phrase when answered, else null
 * @param nextHop where the INVITE was forwarded, when forwarded; else null
 * @param nextHopTransport the transport it was forwarded over, when forwarded; else null
 */
public record DecisionRecord(
    long timeMillis,
    String callId,
    String transactionKey,
    InetSocketAddress source,
    String transport,
    String callerRaw,
    String calleeRaw,
    ScreeningResult screening,
    String attestation,
    String origid,
    String x5u,
    Delivery delivery,
    int status,
    String reason,
    InetSocketAddress nextHop,
    String nextHopTransport) implements Recorded {

  public DecisionRecord {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(transactionKey, "transactionKey");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(delivery, "delivery");
    if ((delivery == Delivery.ANSWERED) != (status != 0)) {
      throw new IllegalArgumentException("a status goes with an answered INVITE only, was " + status
          + " for " + delivery);
    }
  }

  /** What went out on the wire for the INVITE. */
  public enum Delivery {
    FORWARDED, ANSWERED, DROPPED;

    /** The record's spelling: forwarded, answered, dropped. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
