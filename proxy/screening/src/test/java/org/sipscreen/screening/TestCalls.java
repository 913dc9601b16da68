package org.sipscreen.screening;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/** Builds CallAttempts for tests; defaults are a valid NANP call from 10.1.2.3. */
public final class TestCalls {
  private String source = "10.1.2.3";
  private String requestUri = "sip:+12025550199@proxy.example;user=phone";
  private String from = "\"Caller\" <sip:+12025550123@peer.example;user=phone>;tag=a1";
  private Optional<String> pai = Optional.empty();
  private String toHeader; // null: the Request-URI in angle brackets
  private List<String> identity = List.of();

  public static TestCalls invite() {
    return new TestCalls();
  }

  public TestCalls from(String value) {
    this.from = value;
    return this;
  }

  public TestCalls pai(String value) {
    this.pai = Optional.of(value);
    return this;
  }

  /** The values of the INVITE's Identity headers, in order. */
  public TestCalls identity(String... values) {
    this.identity = List.of(values);
    return this;
  }

  public TestCalls to(String requestUri) {
    this.requestUri = requestUri;
    return this;
  }

  /** A To header that differs from the Request-URI (a retargeted call). */
  public TestCalls toHeader(String value) {
    this.toHeader = value;
    return this;
  }

  public TestCalls source(String address) {
    this.source = address;
    return this;
  }

  public CallAttempt build() {
    try {
      return new CallAttempt("call-1@test", InetAddress.getByName(source), requestUri,
          toHeader != null ? toHeader : "<" + requestUri + ">", from, pai, identity);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  public ScreenedCall screened(NumberList allowList) {
    return new ScreenedCall(build(), PhoneNumbers.NANP, allowList);
  }

  public ScreenedCall screened() {
    return screened(NumberList.EMPTY);
  }
}
