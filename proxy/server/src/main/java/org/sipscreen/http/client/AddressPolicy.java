package org.sipscreen.http.client;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Which resolved addresses a request may connect to. The client asks it for every address a host resolves
 * to and connects to the first one it allows, so the address checked is the address used.
 */
@FunctionalInterface
public interface AddressPolicy {

  /** Every address is allowed: for a service the operator configured by URL. */
  AddressPolicy ANY = address -> Optional.empty();

  /** Empty when {@code address} may be connected to, else a short reason for the log ("loopback address"). */
  Optional<String> whyRefused(InetAddress address);
}
