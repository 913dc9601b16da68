package org.sipscreen.config;

import org.sipscreen.proxy.NextHopAnswers;
import org.sipscreen.proxy.NextHopSet;

/**
 * Resolves the next hops of a config that name hosts, blocking the calling thread (start-up or a reload,
 * never an event loop), with the config's {@code routing.dns} settings.
 */
@FunctionalInterface
public interface NameResolution {

  /** Resolves nothing: every name stays without a hop. */
  NameResolution NONE = (dns, plan) -> NextHopAnswers.NONE;

  NextHopAnswers resolve(SipscreenConfig.Dns dns, NextHopSet plan) throws InterruptedException;
}
