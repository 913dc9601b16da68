package org.sipscreen.screening;

import java.util.Objects;
import java.util.Optional;

/**
 * The per-call context every check reads: the raw {@link CallAttempt} plus values derived from it once, on
 * first use (caller and called number, dialed digits, allow-list membership), and the source peer name
 * that {@link SourcePeerCheck} resolves. Not thread-safe: one call is screened on one thread.
 */
public final class ScreenedCall {

  private final CallAttempt attempt;
  private final PhoneNumbers numbers;
  private final NumberList allowList;

  private PhoneNumber callerNumber;
  private PhoneNumber calledNumber;
  private PhoneNumber toNumber;
  private String dialedDigits;
  private byte allowListed; // 0 = not computed yet, 1 = no, 2 = yes
  private Optional<String> peerName = Optional.empty();

  /**
   * @param attempt the INVITE being screened
   * @param numbers how to normalize numbers (default country code)
   * @param allowList callers on it pass every number-list check; {@link NumberList#EMPTY} for none
   */
  public ScreenedCall(CallAttempt attempt, PhoneNumbers numbers, NumberList allowList) {
    this.attempt = Objects.requireNonNull(attempt, "attempt");
    this.numbers = Objects.requireNonNull(numbers, "numbers");
    this.allowList = Objects.requireNonNull(allowList, "allowList");
  }

  public CallAttempt attempt() {
    return attempt;
  }

  /**
   * The calling number: from P-Asserted-Identity when the INVITE has a non-blank one (the network-asserted
   * identity, RFC 3325), else from From.
   */
  public PhoneNumber callerNumber() {
    if (callerNumber == null) {
      Optional<String> pai = attempt.assertedIdentity();
      callerNumber = pai.isPresent() && !pai.get().isBlank()
          ? numbers.fromHeader(pai.get())
          : numbers.fromHeader(attempt.fromHeader());
    }
    return callerNumber;
  }

  /** The called number, from the user part of the Request-URI. */
  public PhoneNumber calledNumber() {
    if (calledNumber == null) {
      calledNumber = numbers.fromUri(attempt.requestUri());
    }
    return calledNumber;
  }

  /**
   * The number of the To header: the destination identity STIR signs (RFC 8224 section 4.1). It differs
   * from {@link #calledNumber()} when a carrier retargeted the call by changing the Request-URI.
   */
  public PhoneNumber toNumber() {
    if (toNumber == null) {
      toNumber = numbers.fromHeader(attempt.toHeader());
    }
    return toNumber;
  }

  /** See {@link PhoneNumbers#dialedDigits(String)}. */
  public String dialedDigits() {
    if (dialedDigits == null) {
      dialedDigits = PhoneNumbers.dialedDigits(attempt.requestUri());
    }
    return dialedDigits;
  }

  /** Whether the caller's E.164 number is on the allow list; anonymous and unparseable callers never are. */
  public boolean callerAllowListed() {
    if (allowListed == 0) {
      allowListed = allowList.contains(callerNumber()) ? (byte) 2 : (byte) 1;
    }
    return allowListed == 2;
  }

  /** The configured name of the interconnect peer the INVITE came from, once source_peer has run. */
  public Optional<String> peerName() {
    return peerName;
  }

  public void peerName(Optional<String> name) {
    this.peerName = Objects.requireNonNull(name, "name");
  }

  PhoneNumbers numbers() {
    return numbers;
  }
}
