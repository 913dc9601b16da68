package org.sipscreen.screening.check.velocity;

/**
 * What the other instances of a fleet counted, as last seen, and where this instance's calls go to be
 * shared with them. The velocity check adds these counts to its own windows, which stay the fast path:
 * every method answers from memory and never waits on the network. {@link #LOCAL} shares nothing.
 */
public interface FleetCounts {

  /** Calls other instances counted for one calling number in each caller window. */
  record Others(long perSecond, long perMinute, long perHour) {

    public static final Others NONE = new Others(0, 0, 0);

    /** The count of {@code window}. */
    public long in(VelocityCheck.Window window) {
      return switch (window) {
        case PER_SECOND -> perSecond;
        case PER_MINUTE -> perMinute;
        case PER_HOUR -> perHour;
      };
    }
  }

  /** No fleet: nothing is shared, other instances count nothing. */
  FleetCounts LOCAL = new FleetCounts() {
    @Override
    public Others callerCall(long caller) {
      return Others.NONE;
    }

    @Override
    public Others callerOthers(long caller) {
      return Others.NONE;
    }

    @Override
    public long peerCall(String peer) {
      return 0;
    }

    @Override
    public long anonymousCall(String peer) {
      return 0;
    }
  };

  /**
   * Notes one call of {@code caller} (E.164 digits) counted here, to be shared, and returns what the other
   * instances counted for it as last seen.
   */
  Others callerCall(long caller);

  /** What the other instances counted for {@code caller}, as last seen, without noting a call. */
  Others callerOthers(long caller);

  /**
   * Notes one call from source peer {@code peer} counted here and returns the calls from it the other
   * instances counted in the last second, as last seen.
   */
  long peerCall(String peer);

  /** As {@link #peerCall}, for anonymous calls from {@code peer}. */
  long anonymousCall(String peer);
}
