package org.sipscreen.records;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand. */
final class TestClock extends Clock {
  private volatile long millis;

  TestClock(String instant) {
    this.millis = Instant.parse(instant).toEpochMilli();
  }

  void set(String instant) {
    millis = Instant.parse(instant).toEpochMilli();
  }

  void advanceMillis(long ms) {
    millis += ms;
  }

  @Override
  public long millis() {
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
