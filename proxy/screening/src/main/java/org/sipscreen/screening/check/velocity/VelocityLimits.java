package org.sipscreen.screening.check.velocity;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The velocity thresholds that apply to calls from one source peer (or to all peers by default). A limit
 * of N flags the call that makes the count N + 1; an empty limit is not checked. Build from {@link #NONE}
 * with the {@code with...} methods.
 *
 * @param callerPerSecond calls per calling number per second
 * @param callerPerMinute calls per calling number per minute
 * @param callerPerHour calls per calling number per hour
 * @param peerPerSecond calls per source peer per second, all callers together
 * @param sequentialDialing the sequential-dialing rule
 * @param anonymousPerSecond calls from anonymous callers per source peer per second (they have no number
 *     to count per caller)
 */
public record VelocityLimits(
    OptionalInt callerPerSecond,
    OptionalInt callerPerMinute,
    OptionalInt callerPerHour,
    OptionalInt peerPerSecond,
    Optional<SequentialDialing> sequentialDialing,
    OptionalInt anonymousPerSecond) {

  /** No limits at all. */
  public static final VelocityLimits NONE = new VelocityLimits(OptionalInt.empty(), OptionalInt.empty(),
      OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty());

  public VelocityLimits {
    requireLimit("caller_per_second", callerPerSecond);
    requireLimit("caller_per_minute", callerPerMinute);
    requireLimit("caller_per_hour", callerPerHour);
    requireLimit("peer_per_second", peerPerSecond);
    Objects.requireNonNull(sequentialDialing, "sequentialDialing");
    requireLimit("anonymous_per_second", anonymousPerSecond);
  }

  /** Limits without an anonymous_per_second limit. */
  public VelocityLimits(OptionalInt callerPerSecond, OptionalInt callerPerMinute, OptionalInt callerPerHour,
      OptionalInt peerPerSecond, Optional<SequentialDialing> sequentialDialing) {
    this(callerPerSecond, callerPerMinute, callerPerHour, peerPerSecond, sequentialDialing,
        OptionalInt.empty());
  }

  public VelocityLimits withCallerPerSecond(int limit) {
    return new VelocityLimits(OptionalInt.of(limit), callerPerMinute, callerPerHour, peerPerSecond,
        sequentialDialing, anonymousPerSecond);
  }

  public VelocityLimits withCallerPerMinute(int limit) {
    return new VelocityLimits(callerPerSecond, OptionalInt.of(limit), callerPerHour, peerPerSecond,
        sequentialDialing, anonymousPerSecond);
  }

  public VelocityLimits withCallerPerHour(int limit) {
    return new VelocityLimits(callerPerSecond, callerPerMinute, OptionalInt.of(limit), peerPerSecond,
        sequentialDialing, anonymousPerSecond);
  }

  public VelocityLimits withPeerPerSecond(int limit) {
    return new VelocityLimits(callerPerSecond, callerPerMinute, callerPerHour, OptionalInt.of(limit),
        sequentialDialing, anonymousPerSecond);
  }

  public VelocityLimits withSequentialDialing(SequentialDialing rule) {
    return new VelocityLimits(callerPerSecond, callerPerMinute, callerPerHour, peerPerSecond,
        Optional.of(rule), anonymousPerSecond);
  }

  public VelocityLimits withAnonymousPerSecond(int limit) {
    return new VelocityLimits(callerPerSecond, callerPerMinute, callerPerHour, peerPerSecond,
        sequentialDialing, OptionalInt.of(limit));
  }

  private static void requireLimit(String key, OptionalInt limit) {
    Objects.requireNonNull(limit, key);
    if (limit.isPresent() && limit.getAsInt() < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, was " + limit.getAsInt());
    }
  }
}
