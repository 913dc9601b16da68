package org.sipscreen.proxy;

import java.util.List;

/**
 * The hops each {@link NextHopName} resolved to, as of its last good answer. Read when the proxy builds
 * the hop set it routes with (at a reload, and when an answer changes), never per request.
 */
public interface NextHopAnswers {

  /** No name has resolved. */
  NextHopAnswers NONE = name -> List.of();

  /**
   * The hops {@code name} resolved to (their {@link NextHopSet.Member#source} is the name's URI), before
   * any is checked against the networks next hops may be in; empty when it never resolved.
   */
  List<NextHopSet.Member> hops(NextHopName name);

  /** Why {@code name} has no usable answer now, when it has none or its last question failed. */
  default java.util.Optional<String> failing(NextHopName name) {
    return hops(name).isEmpty() ? java.util.Optional.of("not resolved") : java.util.Optional.empty();
  }
}
